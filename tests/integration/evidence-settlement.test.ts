import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import type { NoticeRef, Outcome } from '../../functions/domain/delivery.js';
import {
  LATE_EVIDENCE_LOOKS,
  LATE_EVIDENCE_WINDOWS,
  MAX_EVIDENCE_ROUNDS,
  settleByEvidence,
  type EvidenceSettlementDeps,
} from '../../functions/steps/settle-by-evidence.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { FakeClock } from '../support/fakes.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

const prefix = uniquePrefix('settle');
const WINDOW = 60;
// Relative to now: nothing here expires with the calendar.
const clock = new FakeClock(Date.now());
let ledger: DeliveriesLedger;
let evidence: EvidenceStore;
let n = 0;

beforeAll(async () => {
  const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  ledger = new DeliveriesLedger(doc, tables.deliveries, clock, 60);
  evidence = new EvidenceStore(doc, tables.deliveries, clock);
});

const deps = (): EvidenceSettlementDeps => ({ ledger, evidence, clock, evidenceChannels: ['email'], evidenceWindowSeconds: WINDOW });

/** A finished call whose answer was lost: every recipient UNCERTAIN, as the send step records it. */
async function lostCall(ref: NoticeRef, channel: string, batchKey: string, ids: string[]): Promise<void> {
  const claim = await ledger.acquire(ref, channel, batchKey, ids, 'sender');
  if (claim.kind !== 'claimed' && claim.kind !== 'abandoned') throw new Error(`expected a claim, got ${claim.kind}`);
  const at = clock.now().toISOString();
  const outcomes: Outcome[] = ids.map((customerId) => ({
    ...ref,
    customerId,
    channel,
    batchKey,
    attempt: claim.attempt,
    status: 'UNCERTAIN',
    reason: 'no answer',
    at,
  }));
  await ledger.complete(ref, channel, batchKey, claim.token, { sent: 0, failed: 0, retryable: 0, uncertain: ids.length }, ids, outcomes);
}

/** A finished call the provider answered for `sent` (SENT, with message ids) and not for `lost` (UNCERTAIN), as the SMS channel records a few lost Publishes. */
async function partlyLostCall(ref: NoticeRef, channel: string, batchKey: string, sent: string[], lost: string[]): Promise<void> {
  const claim = await ledger.acquire(ref, channel, batchKey, [...sent, ...lost], 'sender');
  if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
  const at = clock.now().toISOString();
  const outcome = (customerId: string, status: 'SENT' | 'UNCERTAIN'): Outcome => ({
    ...ref,
    customerId,
    channel,
    batchKey,
    attempt: claim.attempt,
    status,
    at,
    ...(status === 'SENT' ? { providerMessageId: `msg-${customerId}` } : { reason: 'no answer from SNS: TimeoutError' }),
  });
  await ledger.complete(ref, channel, batchKey, claim.token, { sent: sent.length, failed: 0, retryable: 0, uncertain: lost.length }, lost, [
    ...sent.map((id) => outcome(id, 'SENT')),
    ...lost.map((id) => outcome(id, 'UNCERTAIN')),
  ]);
}

/** Looks as the workflow does while evidence is behind: again, with what the first look saw, when none came between. */
async function settleOnceQuiet(ref: NoticeRef, d: EvidenceSettlementDeps) {
  const first = await settleByEvidence(ref, d);
  return first.behind > 0 ? settleByEvidence(ref, d, { seen: first.seen, looks: 1 }) : first;
}

const statuses = async (ref: NoticeRef, channel: string, ids: string[]) =>
  Object.fromEntries([...(await ledger.readOutcomes(ref, channel, ids))].map(([id, o]) => [id, o.status]));

describe('UNCERTAIN recipients settled by the provider evidence', () => {
  it('waits out the window, then confirms those with any event and sends the silent ones again, from their chunk only', async () => {
    // Prepare: a lost call of chunk 3; SES reported a send for u1 and a bounce for u2, nothing for u3 and u4.
    const ref = { incidentId: `inc-20261120-settle${++n}`, noticeId: 'first-notice-1' };
    const ids = ['u1', 'u2', 'u3', 'u4'];
    await lostCall(ref, 'email', 'c000003#en#0', ids);
    await evidence.record(ref, 'u1', 'email', 'Send', clock.now().toISOString(), 'ses-u1');
    await evidence.record(ref, 'u2', 'email', 'BouncePermanent', clock.now().toISOString(), 'ses-u2');

    // Act 1: inside the window nothing is settled; the step says when to look again.
    const early = await settleByEvidence(ref, deps());
    // Assess 1
    expect(early).toEqual({ confirmed: 0, reopened: 0, left: 4, behind: 0, reopenedChunks: [], dueInSeconds: WINDOW, seen: {} });
    expect(await statuses(ref, 'email', ids)).toEqual({ u1: 'UNCERTAIN', u2: 'UNCERTAIN', u3: 'UNCERTAIN', u4: 'UNCERTAIN' });

    // Act 2: the window is over; a call lost whole has no answered recipient to say its evidence is in: it
    // waits while the notice's evidence may still be coming (the first look cannot tell).
    clock.current += (WINDOW + 1) * 1000;
    const waiting = await settleByEvidence(ref, deps());
    expect(waiting).toEqual({ confirmed: 0, reopened: 0, left: 4, behind: 4, reopenedChunks: [], dueInSeconds: WINDOW, seen: { email: 1 } });
    // Act 3: a window later none came since.
    clock.current += WINDOW * 1000;
    const settled = await settleByEvidence(ref, deps(), { seen: waiting.seen, looks: 1 });
    // Assess: evidence of acceptance is SENT (a bounce too: it went out), silence is sent again.
    expect(settled).toEqual({ confirmed: 2, reopened: 2, left: 0, behind: 0, reopenedChunks: [3], seen: { email: 1 } });
    expect(await statuses(ref, 'email', ids)).toEqual({ u1: 'SENT', u2: 'SENT', u3: 'RETRYABLE', u4: 'RETRYABLE' });
    expect((await ledger.readOutcomes(ref, 'email', ['u1'])).get('u1')?.providerMessageId).toBe('ses-u1');
    expect(await ledger.uncertainRecipients(ref)).toEqual({});
    expect((await ledger.noticeTotals(ref)).email).toMatchObject({ sent: 2, retryable: 2, uncertain: 0, unfinished: 0 });
    // The next claim of the call sends the two silent ones only.
    const again = await ledger.acquire(ref, 'email', 'c000003#en#0', ids, 'next-round');
    expect(again.kind).toBe('claimed');
    const pending = ids.filter((id) => (again as { known: Map<string, Outcome> }).known.get(id)?.status === 'RETRYABLE');
    expect(pending).toEqual(['u3', 'u4']);
    // And nothing is settled twice.
    expect(await settleByEvidence(ref, deps())).toEqual({ confirmed: 0, reopened: 0, left: 0, behind: 0, reopenedChunks: [], seen: {} });
  });

  it('leaves a call alone when it was claimed or settled since it was read, and a channel with no evidence UNCERTAIN', async () => {
    // Prepare: a lost email call and a lost SMS call, past their window.
    const ref = { incidentId: `inc-20261120-settle${++n}`, noticeId: 'update-2' };
    await lostCall(ref, 'email', 'c000000#en#0', ['e1']);
    await lostCall(ref, 'sms', 'c000000#en#0', ['s1']);
    clock.current += (WINDOW + 1) * 1000;
    const [stale] = (await ledger.uncertainCalls(ref)).filter((c) => c.channel === 'email');
    await evidence.record(ref, 'e1', 'email', 'Delivery', clock.now().toISOString());
    // Act: one confirm settles the email call (and finds SMS without evidence); a second one read the call before that.
    const settled = await settleByEvidence(ref, deps());
    const written = await ledger.settleUncertain(
      ref,
      stale!,
      { sent: 0, failed: 0, retryable: 1, uncertain: 0 },
      [],
      [{ ...ref, customerId: 'e1', channel: 'email', batchKey: 'c000000#en#0', status: 'RETRYABLE', at: clock.now().toISOString() }],
    );
    // Assess: the stale settlement wrote nothing; SMS without the account's delivery status settings has no evidence, so it is never reopened.
    expect(settled).toEqual({ confirmed: 1, reopened: 0, left: 1, behind: 0, reopenedChunks: [], seen: {} });
    expect(written).toBe(false);
    expect(await statuses(ref, 'email', ['e1'])).toEqual({ e1: 'SENT' });
    expect(await statuses(ref, 'sms', ['s1'])).toEqual({ s1: 'UNCERTAIN' });
    // A sender's claim since the read stops a settlement too: a call with one recipient UNCERTAIN and one refused for now (RETRYABLE).
    const claim = await ledger.acquire(ref, 'email', 'c000001#en#0', ['x', 'y'], 'sender');
    if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
    const at = clock.now().toISOString();
    const mixed: Outcome[] = [
      { ...ref, customerId: 'x', channel: 'email', batchKey: 'c000001#en#0', attempt: 1, status: 'UNCERTAIN', at },
      { ...ref, customerId: 'y', channel: 'email', batchKey: 'c000001#en#0', attempt: 1, status: 'RETRYABLE', reason: 'TRANSIENT_FAILURE', at },
    ];
    await ledger.complete(ref, 'email', 'c000001#en#0', claim.token, { sent: 0, failed: 0, retryable: 1, uncertain: 1 }, ['x'], mixed);
    const [read] = (await ledger.uncertainCalls(ref)).filter((c) => c.batchKey === 'c000001#en#0');
    expect((await ledger.acquire(ref, 'email', 'c000001#en#0', ['x', 'y'], 'next-round')).kind).toBe('claimed');
    expect(await ledger.settleUncertain(ref, read!, { sent: 1, failed: 0, retryable: 1, uncertain: 0 }, [], [])).toBe(false);
  });

  it("settles UNCERTAIN SMS by SNS's delivery status only when the account logs every SMS's, asking the settings only then", async () => {
    // Prepare: a lost SMS call past its window; SNS reported s1 delivered and s2 failed, nothing for s3.
    const ref = { incidentId: `inc-20261120-settle${++n}`, noticeId: 'first-notice-1' };
    const ids = ['s1', 's2', 's3'];
    await lostCall(ref, 'sms', 'c000002#en#0', ids);
    await evidence.record(ref, 's1', 'sms', 'Delivery', clock.now().toISOString(), 'sns-s1');
    await evidence.record(ref, 's2', 'sms', 'Undelivered', clock.now().toISOString(), 'sns-s2', 'Invalid phone number');
    clock.current += (WINDOW + 1) * 1000;
    let asked = 0;
    const withSettings = (logged: boolean): EvidenceSettlementDeps => ({
      ...deps(),
      settingsEvidenceChannels: async () => (asked++, logged ? ['sms'] : []),
    });
    // Act 1: the account does not log every SMS's status: silence proves nothing, all stay UNCERTAIN.
    expect(await settleByEvidence(ref, withSettings(false))).toEqual({ confirmed: 0, reopened: 0, left: 3, behind: 0, reopenedChunks: [], seen: {} });
    // Act 2: it does: a delivery or a failure means SNS took it (SENT); silence is sent again.
    expect(await settleOnceQuiet(ref, withSettings(true))).toEqual({ confirmed: 2, reopened: 1, left: 0, behind: 0, reopenedChunks: [2], seen: { sms: 2 } });
    // Assess
    expect(await statuses(ref, 'sms', ids)).toEqual({ s1: 'SENT', s2: 'SENT', s3: 'RETRYABLE' });
    expect((await ledger.readOutcomes(ref, 'sms', ['s1'])).get('s1')?.providerMessageId).toBe('sns-s1');
    expect(asked).toBe(3);
    // Nothing UNCERTAIN on SMS: the settings are not asked.
    await settleByEvidence(ref, withSettings(true));
    expect(asked).toBe(3);
  });

  it("waits while the evidence of the call's answered recipients is behind, so a late status never sends a notice twice", async () => {
    // Prepare: an SMS call of 10 numbers, 8 answered by SNS, 2 answers lost; past the window, no delivery status has come in for anyone yet (a backlog).
    const ref = { incidentId: `inc-20261120-settle${++n}`, noticeId: 'first-notice-1' };
    const sent = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
    await partlyLostCall(ref, 'sms', 'c000004#en#0', sent, ['l1', 'l2']);
    const sms: EvidenceSettlementDeps = { ...deps(), evidenceChannels: ['email', 'sms'] };
    clock.current += (WINDOW + 1) * 1000;

    // Act 1: silence with every witness silent too proves nothing: nobody is sent again, the step looks again a window later.
    const behind = await settleByEvidence(ref, sms);
    // Assess 1
    expect(behind).toEqual({ confirmed: 0, reopened: 0, left: 2, behind: 2, reopenedChunks: [], dueInSeconds: WINDOW, seen: { sms: 0 } });
    expect(await statuses(ref, 'sms', ['l1', 'l2'])).toEqual({ l1: 'UNCERTAIN', l2: 'UNCERTAIN' });

    // Act 2: the backlog drains: the answered ones' statuses arrive, and l1's (its Publish had gone out); l2 stays silent.
    for (const id of [...sent, 'l1']) await evidence.record(ref, id, 'sms', 'Delivery', clock.now().toISOString(), `msg-${id}`);
    clock.current += WINDOW * 1000;
    const settled = await settleByEvidence(ref, sms);
    // Assess 2: l1 confirmed, never sent again; l2, silent while its call's evidence is in, is sent again.
    expect(settled).toEqual({ confirmed: 1, reopened: 1, left: 0, behind: 0, reopenedChunks: [4], seen: {} });
    expect(await statuses(ref, 'sms', ['l1', 'l2'])).toEqual({ l1: 'SENT', l2: 'RETRYABLE' });
  });

  it('stops waiting for evidence that is behind once none has come for the notice since the last look', async () => {
    // Prepare: a call whose answered recipients never get evidence (a provider that stopped reporting), one answer lost.
    const ref = { incidentId: `inc-20261120-settle${++n}`, noticeId: 'first-notice-1' };
    await partlyLostCall(ref, 'email', 'c000005#en#0', ['b1', 'b2', 'b3'], ['l3']);
    clock.current += (WINDOW + 1) * 1000;
    // Act 1: behind, and no look before: wait.
    const first = await settleByEvidence(ref, deps());
    expect(first).toMatchObject({ reopened: 0, behind: 1, dueInSeconds: WINDOW, seen: { email: 0 } });
    // Act 2: a window later nothing more was taken by SES for the notice (a delivery of an earlier one is no backlog): silence is all there will be.
    await evidence.record(ref, 'earlier', 'email', 'Delivery', clock.now().toISOString());
    clock.current += WINDOW * 1000;
    const second = await settleByEvidence(ref, deps(), { seen: first.seen, looks: 1 });
    // Assess: sent again, not left untold.
    expect(second).toEqual({ confirmed: 0, reopened: 1, left: 0, behind: 0, reopenedChunks: [5], seen: { email: 0 } });
    expect((await ledger.readOutcomes(ref, 'email', ['l3'])).get('l3')?.reason).toMatch(/no more coming/);
  });

  it(`waits while evidence keeps coming, each wait as long as the time waited, ${LATE_EVIDENCE_WINDOWS} windows at most`, async () => {
    // Prepare: the call's own evidence never comes, but the notice's other recipients' keeps trickling in (a long backlog).
    const ref = { incidentId: `inc-20261120-settle${++n}`, noticeId: 'first-notice-1' };
    await partlyLostCall(ref, 'email', 'c000006#en#0', ['d1', 'd2'], ['l4']);
    clock.current += (WINDOW + 1) * 1000;
    const windowOver = clock.current - 1000;
    const waits: number[] = [];
    // Act: look each time the step asks to; between looks one more event of another recipient arrives.
    let result = await settleByEvidence(ref, deps());
    while (result.dueInSeconds !== undefined) {
      waits.push(Math.round(result.dueInSeconds / WINDOW));
      await evidence.record(ref, `other-${waits.length}`, 'email', 'Send', clock.now().toISOString());
      clock.current += result.dueInSeconds * 1000;
      result = await settleByEvidence(ref, deps(), { seen: result.seen, looks: waits.length });
    }
    // Assess: waits of 1, 1, 2, 4 ... windows (a few looks for a long backlog), then silence decides at the last.
    expect(waits.slice(0, 6)).toEqual([1, 1, 2, 4, 8, 16]);
    expect(waits).toHaveLength(LATE_EVIDENCE_LOOKS);
    // The last wait ends at the limit: 64 windows past the call's own.
    expect(clock.current - windowOver).toBeGreaterThanOrEqual(LATE_EVIDENCE_WINDOWS * WINDOW * 1000);
    expect(clock.current - windowOver).toBeLessThan((LATE_EVIDENCE_WINDOWS + 1) * WINDOW * 1000);
    expect(result).toMatchObject({ reopened: 1, behind: 0, reopenedChunks: [6] });
  });

  it(`waits for late evidence ${LATE_EVIDENCE_LOOKS} looks of the notice at most, whatever its calls and rounds`, async () => {
    // Prepare: behind, and evidence still coming, but the notice has waited its looks already.
    const ref = { incidentId: `inc-20261120-settle${++n}`, noticeId: 'first-notice-1' };
    await partlyLostCall(ref, 'email', 'c000007#en#0', ['f1', 'f2'], ['l5']);
    clock.current += (WINDOW + 1) * 1000;
    // Act
    const result = await settleByEvidence(ref, deps(), { seen: {}, looks: LATE_EVIDENCE_LOOKS });
    // Assess: silence decides; one look fewer and it would have waited.
    expect(result).toMatchObject({ reopened: 1, behind: 0 });
    await partlyLostCall(ref, 'email', 'c000008#en#0', ['g1', 'g2'], ['l6']);
    clock.current += (WINDOW + 1) * 1000;
    expect(await settleByEvidence(ref, deps(), { seen: {}, looks: LATE_EVIDENCE_LOOKS - 1 })).toMatchObject({ reopened: 0, behind: 1 });
  });

  it(`sends a recipient again at most ${MAX_EVIDENCE_ROUNDS} times, then leaves them UNCERTAIN for reconciliation`, async () => {
    const ref = { incidentId: `inc-20261120-settle${++n}`, noticeId: 'first-notice-1' };
    for (let round = 0; round < MAX_EVIDENCE_ROUNDS; round += 1) {
      await lostCall(ref, 'email', 'c000001#en#0', ['r1']);
      clock.current += (WINDOW + 1) * 1000;
      expect(await settleOnceQuiet(ref, deps())).toMatchObject({ reopened: 1 });
    }
    await lostCall(ref, 'email', 'c000001#en#0', ['r1']);
    clock.current += (WINDOW + 1) * 1000;
    expect(await settleByEvidence(ref, deps())).toEqual({ confirmed: 0, reopened: 0, left: 1, behind: 0, reopenedChunks: [], seen: {} });
    expect(await ledger.uncertainRecipients(ref)).toEqual({ email: ['r1'] });
  });
});
