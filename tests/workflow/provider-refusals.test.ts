import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { emailsPerRecipient, endpoints, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { decide, executionArnOf, makeCustomers, sendAlarm, startScenario, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('refuse');
// Chunks of 50, one per invocation and per slice: several slices, each one SendBulkEmail per round.
const config = testConfig(prefix, { audienceChunkSize: 50 });
const bucket = `refuse-${prefix}`;
const COUNT = 120;
/** While on, SES answers every bulk call to these customers as it does in the sandbox: 400 MessageRejected, naming the recipients. */
const refusing = { on: true, calls: 0 };

let s: Scenario;
let sesProxy: FaultProxy;

beforeAll(async () => {
  sesProxy = await startFaultProxy(endpoints().ses, (req) => {
    if (!refusing.on || !req.path.startsWith('/v2/email/outbound-bulk-emails') || !req.body.includes(`.${bucket}@example.com`)) return 'pass';
    refusing.calls += 1;
    const to = (JSON.parse(req.body) as { BulkEmailEntries: { Destination: { ToAddresses: string[] } }[] }).BulkEmailEntries.map(
      (e) => e.Destination.ToAddresses[0]!,
    );
    // SES's wording (https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html), over REST-JSON as the SDK reads it.
    const message = `Email address is not verified. The following identities failed the check in region US-EAST-1: ${to.join(', ')}`;
    return { status: 400, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' }, body: JSON.stringify({ message }) };
  });
  s = await startScenario(prefix, config, {
    endpoints: { ...endpoints(), ses: sesProxy.url },
    envOverrides: { MAX_CHUNKS_PER_INVOCATION: '1' },
    // Rounds a few tenths of a second apart, so the test sees two refused rounds before SES accepts.
    waitTimeOverrides: { 'Wait until next update': 0, 'Wait to resume sending notices': 300, 'Wait to resume sending update': 50 },
  });
  await s.customers.putCustomers(makeCustomers(bucket, bucket, COUNT));
});

afterAll(async () => {
  await s?.system.stop();
  await sesProxy?.close();
});

describe('a provider refusing for good', () => {
  it('SES refusing every bulk call (400 MessageRejected): no retry inside a slice, the team paged with the reason every round, nobody emailed; once SES accepts, everyone exactly once', async () => {
    // Act: an incident approved; SES refuses for two rounds, then accepts.
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    const unfinished = async () => (await s.incidents.listTimeline(incidentId)).filter((e) => e.action === 'sending-unfinished');
    await until(async () => (await unfinished()).length >= 2 && true, 'two refused rounds');
    const emailedWhileRefused = await emailsPerRecipient(`.${bucket}@example.com`);
    refusing.on = false;
    await waitForState(s, incidentId, 'Wait for update approval');

    // Assess: nobody was emailed while SES refused.
    expect(emailedWhileRefused).toEqual(new Map());

    // Every refused round waited 900 s (not 300 s growing) and kept the provider's reason, without an address.
    const rounds = (await unfinished()).map(
      (e) => e.detail as { errors: Record<string, number>; slicesLeft: number; waitSeconds: number; refusals?: string[]; round: number },
    );
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    for (const r of rounds) {
      expect(r.errors).toEqual({ ProviderRefusedError: r.slicesLeft });
      expect(r.waitSeconds).toBe(900);
      for (const reason of r.refusals ?? []) {
        expect(reason).toMatch(
          /^SES refused: MessageRejected: Email address is not verified\. The following identities failed the check in region US-EAST-1: <address>/,
        );
        expect(reason).not.toContain('@');
      }
      expect(r.refusals?.length).toBeGreaterThan(0);
    }

    // No retry inside a slice: each unfinished slice made one call and failed once per round.
    const events = s.system.workflow.executions.get(executionArnOf(s, incidentId))!.events;
    const failures = events.filter((e) => e.type === 'StateFailed' && e.stateName === 'Send notices: slice');
    expect(events.filter((e) => e.type === 'StateRetried' && e.stateName === 'Send notices: slice')).toEqual([]);
    expect(failures.every((e) => e.error === 'ProviderRefusedError')).toBe(true);
    expect(failures).toHaveLength(rounds.reduce((n, r) => n + r.slicesLeft, 0));
    expect(refusing.calls).toBe(failures.length);

    // The team was paged every refused round, the first included, with SES's reason and what to check; never an address.
    const pages = (await topicMessages(s.system.responseTeamTopicArn)).filter(
      (p) => p.subject?.includes(incidentId) && p.message.includes('refused in a way that waiting does not fix'),
    );
    expect(pages.map((p) => p.message.split(' ', 2).join(' '))).toEqual(rounds.map((r) => `Round ${r.round + 1}`));
    for (const page of pages) {
      expect(page.message).toContain(
        'SES refused: MessageRejected: Email address is not verified. The following identities failed the check in region US-EAST-1: <address>',
      );
      expect(page.message).toContain("the sender identity's verification and SES production access (out of the sandbox;");
      expect(page.message).toContain('The workflow tries again in 900 s');
      expect(page.message).not.toContain('@');
    }

    // SES accepts: the next round sends everyone exactly once, and the notice is sent.
    const received = await emailsPerRecipient(`.${bucket}@example.com`);
    expect(received.size).toBe(COUNT);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    expect((await s.ledger.noticeTotals({ incidentId, noticeId: 'first-notice-1' })).email).toMatchObject({
      sent: COUNT,
      failed: 0,
      uncertain: 0,
      retryable: 0,
    });
    expect((await s.incidents.listTimeline(incidentId)).filter((e) => e.action === 'notice-sent')).toHaveLength(1);
    console.info(
      `provider refusals: ${rounds.length} refused rounds of ${rounds.map((r) => r.slicesLeft).join(', ')} slices, ${refusing.calls} refused SendBulkEmail calls, ${pages.length} pages; then ${received.size} customers emailed once`,
    );
  });
});
