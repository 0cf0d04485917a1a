import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../functions/domain/delivery.js';
import { loadHandler } from '../../local/twin/handlers.js';
import { lambdaContext } from '../../local/twin/http-api.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { startFaultProxy, type FaultAction, type FaultProxy } from '../support/fault-proxy.js';
import { emailsPerRecipient, endpoints, smsMessages, testConfig, uniquePrefix } from '../support/local.js';
import { decide, makeCustomers, sendAlarm, startScenario, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('wire');
const config = testConfig(prefix, { audienceChunkSize: 100 });
const bucket = `wire-${prefix}`;
const COUNT = 400;
const customers = makeCustomers(bucket, bucket, COUNT);
const phones = customers.flatMap((c) => (c.profile.phone ? [c.profile.phone] : []));

/** The faulted provider calls, by the order in which they reach the proxy. */
const SES_FAULTS: Record<number, FaultAction> = { 2: 'drop-response', 3: 'reset-before', 4: 'error-500', 5: 'delay' };
const SMS_FAULTS: Record<number, FaultAction> = { 5: 'drop-response', 10: 'reset-before', 15: 'error-500', 20: 'delay' };
const seen = { bulk: 0, sms: 0 };
const CLIENT_TIMEOUT_MS = 5_000;
const DELAY_MS = 12_000;
/** Who was in each faulted call, to check their outcomes one by one. */
const faulted = { email: new Map<string, FaultAction>(), sms: new Map<string, FaultAction>() };

let s: Scenario;
let sesProxy: FaultProxy;
let snsProxy: FaultProxy;

beforeAll(async () => {
  sesProxy = await startFaultProxy(
    endpoints().ses,
    (req) => {
      // Only the first test's calls are faulted, by their order.
      if (!req.path.startsWith('/v2/email/outbound-bulk-emails') || !req.body.includes(`.${bucket}@example.com`)) return 'pass';
      seen.bulk += 1;
      const action = SES_FAULTS[seen.bulk] ?? 'pass';
      if (action !== 'pass') {
        const body = JSON.parse(req.body) as { BulkEmailEntries: { Destination: { ToAddresses: string[] } }[] };
        for (const e of body.BulkEmailEntries) faulted.email.set(e.Destination.ToAddresses[0]!, action);
      }
      return action;
    },
    DELAY_MS,
  );
  snsProxy = await startFaultProxy(
    endpoints().sns,
    (req) => {
      const form = new URLSearchParams(req.body);
      if (form.get('Action') !== 'Publish' || !phones.includes(form.get('PhoneNumber') ?? '')) return 'pass';
      seen.sms += 1;
      const action = SMS_FAULTS[seen.sms] ?? 'pass';
      if (action !== 'pass') faulted.sms.set(form.get('PhoneNumber')!, action);
      return action;
    },
    DELAY_MS,
  );
  s = await startScenario(prefix, config, {
    endpoints: { ...endpoints(), ses: sesProxy.url, sns: snsProxy.url },
    // The `delay` fault outlasts the client's timeout, which itself leaves an unfaulted call seconds to
    // spare on a loaded machine (1 s made a slow but answered call UNCERTAIN under CI load).
    // The evidence window outlasts the `delay` fault (its request reaches the provider 12 s late) and events
    // recorded late on a loaded machine: a shorter one re-sends to people the provider did reach.
    envOverrides: { PROVIDER_REQUEST_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS), MAX_CHUNKS_PER_INVOCATION: '1', EVIDENCE_WINDOW_SECONDS: '60' },
  });
  await s.customers.putCustomers(customers);
});

afterAll(async () => {
  await s?.system.stop();
  await Promise.all([sesProxy?.close(), snsProxy?.close()]);
});

async function outcomesOf(incidentId: string, channel: 'email' | 'sms'): Promise<Map<string, Outcome>> {
  const lists = await Promise.all(customers.map((c) => s.ledger.outcomesForCustomer(c.profile.customerId)));
  const out = new Map<string, Outcome>();
  for (const [i, list] of lists.entries()) {
    const o = list.find((x) => x.incidentId === incidentId && x.channel === channel);
    const c = customers[i]!.profile;
    if (o) out.set(channel === 'email' ? c.email! : c.phone!, o);
  }
  return out;
}

describe('faults on the wire, below the SDK', () => {
  it('a lost answer, a reset, a 500 and a timeout: nobody gets a notice twice, everybody has an outcome, lost email settled by SES evidence, lost SMS by their delivery status', async () => {
    const out = await sendAlarm(s, guardDutyFinding({ bucket }));
    const incidentId = out.incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    // Sending 400 with faults, then each lost call's evidence window and a re-send: minutes on a loaded machine.
    await waitForState(s, incidentId, 'Wait for update approval', 240_000);

    // Every fault happened, on a whole SendBulkEmail call (50 recipients) or on one SMS.
    expect(faulted.email.size).toBe(200);
    expect(new Set(faulted.email.values())).toEqual(new Set(['drop-response', 'reset-before', 'error-500', 'delay']));
    expect(faulted.sms.size).toBe(4);
    // Requests that reached the emulator: every faulted bulk call but the reset one, and 3 of the 4 SMS.
    expect(sesProxy.withheld + snsProxy.withheld).toBe(2);

    // Counted at the emulators.
    const received = await emailsPerRecipient(`.${bucket}@example.com`);
    const sms = await smsMessages();
    const email = await outcomesOf(incidentId, 'email');
    const text = await outcomesOf(incidentId, 'sms');

    // Nobody was sent anything twice, and nobody is without an outcome.
    expect([...received].filter(([, n]) => n > 1).map(([address]) => `${address} (${faulted.email.get(address) ?? 'no fault'})`)).toEqual([]);
    expect(phones.filter((p) => (sms[p]?.length ?? 0) > 1)).toEqual([]);
    expect(email.size).toBe(COUNT);
    expect(text.size).toBe(phones.length);

    // Each recipient's record tells the truth: every email and SMS SENT and received once. The faulted calls'
    // recipients were UNCERTAIN, then settled by the provider's evidence (SES's events, SNS's delivery status
    // records): confirmed where the request reached the provider, sent again (once) where it never did (the reset).
    for (const c of customers) {
      const address = c.profile.email!;
      const fault = faulted.email.get(address);
      const outcome = email.get(address)!;
      expect(outcome.status, `${address} (${fault ?? 'no fault'})`).toBe('SENT');
      expect(received.get(address), `${address} (${fault ?? 'no fault'})`).toBe(1);
      if (fault) {
        const settled = fault === 'reset-before' ? { attempt: 2 } : { reason: 'confirmed by the provider’s delivery evidence' };
        expect(outcome, `${address} (${fault})`).toMatchObject(settled);
      }
    }
    for (const phone of phones) {
      const fault = faulted.sms.get(phone);
      const outcome = text.get(phone)!;
      expect(outcome.status, `${phone} ${fault ?? ''}`).toBe('SENT');
      expect(sms[phone]?.length ?? 0, `${phone} ${fault ?? ''}`).toBe(1);
      if (fault) {
        const settled = fault === 'reset-before' ? { attempt: 2 } : { reason: 'confirmed by the provider’s delivery evidence' };
        expect(outcome, `${phone} (${fault})`).toMatchObject(settled);
      }
    }

    // Reconciliation: the totals count them, the timeline says how they were settled, nothing is left to reconcile.
    const ref = { incidentId, noticeId: 'first-notice-1' };
    const totals = await s.ledger.noticeTotals(ref);
    expect(totals.email).toMatchObject({ sent: COUNT, uncertain: 0, failed: 0, unfinished: 0 });
    expect(totals.sms).toMatchObject({ sent: phones.length, uncertain: 0, failed: 0, unfinished: 0 });
    // One settlement per evidence window that ended (the calls finished at different times): 150 emails and 3 SMS
    // confirmed, 50 emails and 1 SMS (the reset ones) sent again in all. On a loaded machine an unfaulted call
    // can outlast the client's timeout too: its recipients are confirmed as well, never sent again.
    const rounds = (await s.incidents.listTimeline(incidentId)).filter((e) => e.action === 'uncertain-settled').map((e) => e.detail as Record<string, number>);
    const settled = {
      confirmed: rounds.reduce((n, r) => n + r.confirmed!, 0),
      reopened: rounds.reduce((n, r) => n + r.reopened!, 0),
      left: rounds.at(-1)?.left,
    };
    expect(settled).toMatchObject({ reopened: 51, left: 0 });
    expect(settled.confirmed).toBeGreaterThanOrEqual(153);
    expect(await s.ledger.uncertainRecipients(ref)).toEqual({});
    console.info(
      `wire faults: SES bulk calls ${seen.bulk} (forwarded ${JSON.stringify(sesProxy.forwarded)}, withheld ${sesProxy.withheld}); ` +
        `SMS publishes ${seen.sms} (forwarded ${JSON.stringify(snsProxy.forwarded)}, withheld ${snsProxy.withheld}); ` +
        `emails received ${[...received.values()].reduce((a, b) => a + b, 0)} by ${received.size} of ${COUNT} customers; ` +
        `UNCERTAIN settled by evidence ${JSON.stringify(settled)} in ${rounds.length} rounds; left UNCERTAIN email ${totals.email?.uncertain}, sms ${totals.sms?.uncertain}`,
    );
  }, 300_000);

  it('four concurrent duplicate invocations of the send step: every customer exactly one email, every outcome recorded', async () => {
    const dupBucket = `dup-${prefix}`;
    const dupCustomers = makeCustomers(dupBucket, dupBucket, 300);
    await s.customers.putCustomers(dupCustomers);
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket: dupBucket }))).incidents![0]!.incidentId;
    await waitForState(s, incidentId, 'Wait for approval');
    // As if Step Functions ran the send state several times at once (a retried Lambda invocation, a redrive).
    const drafted = await s.notices.getNotice(incidentId, 'first-notice-1');
    await s.notices.setNoticeStatus(incidentId, 'first-notice-1', 'APPROVED', drafted.contentHash);
    const send = await loadHandler('send-notices');
    const invoke = (fromChunk: number) =>
      send({ incidentId, noticeId: 'first-notice-1', fromChunk }, lambdaContext('breach-notice-send-notices')) as Promise<{ done: boolean; nextChunk: number }>;
    // Two from the start and two from later cursors (chunks of 100), so they overlap on different batches.
    const first = await Promise.allSettled([0, 0, 1, 2].map(invoke));
    // Those that met a live holder were told so by name; the state machine retries them.
    for (const r of first) if (r.status === 'rejected') expect((r.reason as Error).name).toBe('BatchInFlightError');
    let cursor = 0;
    // Each invocation here has 30 s left, under the 120 s reserve: one provider call each, as in a short-lived Lambda.
    for (let i = 0; i < 200; i += 1) {
      const r = (await send({ incidentId, noticeId: 'first-notice-1', fromChunk: cursor }, lambdaContext('breach-notice-send-notices'))) as {
        done: boolean;
        nextChunk: number;
      };
      if (r.done) break;
      cursor = r.nextChunk;
    }
    const received = await emailsPerRecipient(`.${dupBucket}@example.com`);
    expect(received.size).toBe(300);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    const totals = await s.ledger.noticeTotals({ incidentId, noticeId: 'first-notice-1' });
    expect(totals.email).toMatchObject({ sent: 300, uncertain: 0, failed: 0, unfinished: 0 });
    console.info(
      `duplicate invocations: ${first.filter((r) => r.status === 'fulfilled').length} of 4 ran to their end, ${first.filter((r) => r.status === 'rejected').length} met a live holder; emails received ${[...received.values()].reduce((a, b) => a + b, 0)} by ${received.size} customers`,
    );
  });
});
