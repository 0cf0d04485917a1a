import { PutSuppressedDestinationCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryOf, reconcile } from '../../functions/domain/delivery.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { emailsPerRecipient, endpoints, smsMessages, testConfig, uniquePrefix } from '../support/local.js';
import { decide, makeCustomers, phoneSalt, sendAlarm, startScenario, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('sup');
const config = testConfig(prefix, { audienceChunkSize: 60, maxParallelSenders: 2 });
const bucket = `sup-${prefix}`;
const COUNT = 150;
const customers = makeCustomers(bucket, bucket, COUNT);
/** Hard-bounced and complained addresses on the SES account's list (one in other letter case, as SES compares them). */
const bounced = [3, 10, 77].map((i) => customers[i]!.profile.email!);
const complained = [4, 120].map((i) => customers[i]!.profile.email!);
/** Numbers whose holders replied STOP (every third customer has SMS). */
const optedOut = [0, 9, 99].map((i) => customers[i]!.profile.phone!);
const smsCustomers = customers.filter((c) => c.profile.phone).length;
/** SNS answers 429 Throttled for 5 Publishes after the first 12 of this test's numbers. */
const THROTTLED = 5;
let s: Scenario;

beforeAll(async () => {
  // Retriers of the send state, in order: DeliveryRetryableError, BatchInFlightError, Lambda errors, DependencyError.
  s = await startScenario(prefix, config, { retryIntervalOverrides: { 'Send notices: slice': [10, 300, 10, 10] } });
  await s.customers.putCustomers(customers);
  const ses = new SESv2Client({ endpoint: endpoints().ses, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  for (const address of bounced)
    await ses.send(new PutSuppressedDestinationCommand({ EmailAddress: address === bounced[0] ? address.toUpperCase() : address, Reason: 'BOUNCE' }));
  for (const address of complained) await ses.send(new PutSuppressedDestinationCommand({ EmailAddress: address, Reason: 'COMPLAINT' }));
  ses.destroy();
  for (const phoneNumber of optedOut) await fetch(`${endpoints().sns}/_aws/sns/opt-outs`, { method: 'POST', body: JSON.stringify({ phoneNumber }) });
  await fetch(`${endpoints().sns}/_aws/sns/sms-limits`, {
    method: 'POST',
    body: JSON.stringify({ throttleAfter: 12, throttled: THROTTLED, prefix: `+4477${phoneSalt(bucket)}` }),
  });
});

afterAll(async () => {
  await s?.system.stop();
});

describe('suppressed addresses, opted-out numbers and SNS throttling', () => {
  it('nobody suppressed or opted out is sent to; they reconcile as suppressed; throttled SMS resume; nobody gets two', async () => {
    // Act
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    await waitForState(s, incidentId, 'Wait for update approval');

    // Assess: the mailbox and the SMS recorder.
    const perAddress = await emailsPerRecipient(`.${bucket}@example.com`);
    for (const address of [...bounced, ...complained]) expect(perAddress.get(address), address).toBeUndefined();
    expect(perAddress.size).toBe(COUNT - bounced.length - complained.length);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    const sms = await smsMessages();
    for (const phone of optedOut) expect(sms[phone], phone).toBeUndefined();
    const ours = Object.entries(sms).filter(([phone]) => phone.startsWith(`+4477${phoneSalt(bucket)}`));
    expect(ours).toHaveLength(smsCustomers - optedOut.length);
    expect(ours.every(([, messages]) => messages.length === 1)).toBe(true);

    // The reconciliation: intended balances, the suppressed are suppressed, never sent.
    const ref = { incidentId, noticeId: 'first-notice-1' };
    const figures = await reconcile(s.ledger.recipientOutcomes(ref));
    expect(figures.problems).toEqual([]);
    expect(figures.channels.email).toEqual({ intended: COUNT, sent: COUNT - 5, suppressed: 5, failed: 0, uncertain: 0, unfinished: 0 });
    expect(figures.channels.sms).toEqual({ intended: smsCustomers, sent: smsCustomers - 3, suppressed: 3, failed: 0, uncertain: 0, unfinished: 0 });
    const reasons = new Map<string, string>();
    for await (const call of s.ledger.recipientOutcomes(ref)) {
      for (const r of call.recipients) if (categoryOf(r.outcome) === 'suppressed') reasons.set(`${call.channel} ${r.customerId}`, r.outcome!.reason!);
    }
    expect(reasons.get(`email ${customers[3]!.profile.customerId}`)).toMatch(/suppression list \(BOUNCE\)/);
    expect(reasons.get(`email ${customers[120]!.profile.customerId}`)).toMatch(/suppression list \(COMPLAINT\)/);
    expect(reasons.get(`sms ${customers[9]!.profile.customerId}`)).toMatch(/opted out/);

    // The lists were read once, when sending was planned, and counted (no address) on the timeline; SNS throttled, and it was resumed.
    const timeline = await s.incidents.listTimeline(incidentId);
    const planned = timeline.find((e) => e.action === 'sending-planned' && e.detail?.noticeId === 'first-notice-1');
    expect(planned?.detail?.suppressed).toMatchObject({
      'email/BOUNCE': expect.any(Number),
      'email/COMPLAINT': expect.any(Number),
      'sms/OPTED_OUT': expect.any(Number),
    });
    expect(JSON.stringify(timeline)).not.toContain(`.${bucket}@example.com`);
    expect(JSON.stringify(timeline)).not.toContain(`+4477${phoneSalt(bucket)}`);
    const throttle = (await (await fetch(`${endpoints().sns}/_aws/sns/sms-limits`)).json()) as { smsThrottle: { count: number } };
    expect(throttle.smsThrottle.count).toBe(0);
  });
});
