import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { EarlySmsStatuses, SmsStatusLookups } from '../../functions/adapters/sms-status-lookups.js';
import type { NoticeRef, Outcome } from '../../functions/domain/delivery.js';
import type { SmsStatus } from '../../functions/domain/sms-delivery-status.js';
import { recordEarlyAnswered, recordEarlyLost, recordSmsStatus, type RecordSmsStatusDeps } from '../../functions/steps/record-sms-status.js';
import { settleByEvidence } from '../../functions/steps/settle-by-evidence.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { FakeClock } from '../support/fakes.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';
import { makeCustomers } from '../support/scenario.js';

/**
 * An SMS status record that comes before the send step wrote its outcome is kept, not waited for; the send
 * step records it when it writes the outcome. Against DynamoDB Local, in each order the two can meet:
 * every status recorded once, none lost, the notice's count exact.
 */
const prefix = uniquePrefix('early');
// Relative to now: nothing here expires with the calendar.
const clock = new FakeClock(Date.now());
const customers = makeCustomers(prefix, prefix, 700).filter((c) => c.profile.phone);
// Two customers who gave one number (a family's): the last two share the first's.
const [sharer, otherSharer] = makeCustomers(`${prefix}-shared`, prefix, 2).map((c) => ({
  ...c,
  profile: { ...c.profile, phone: '+447700900999', channels: ['sms'] },
}));
let ledger: DeliveriesLedger;
let evidence: EvidenceStore;
let early: EarlySmsStatuses;
let lookups: SmsStatusLookups;
let n = 0;

beforeAll(async () => {
  const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  await new CustomersRepository(doc, tables.customers).putCustomers([...customers, sharer!, otherSharer!].map((c) => ({ profile: c.profile, resources: [] })));
  ledger = new DeliveriesLedger(doc, tables.deliveries, clock, 60);
  evidence = new EvidenceStore(doc, tables.deliveries, clock);
  early = new EarlySmsStatuses(doc, tables.deliveries);
  lookups = new SmsStatusLookups(doc, tables.customers, tables.deliveries);
});

const nextRef = (): NoticeRef => ({ incidentId: `inc-${prefix}-${++n}`, noticeId: 'first-notice-1' });
const phoneOf = (customerId: string) => [...customers, sharer!, otherSharer!].find((c) => c.profile.customerId === customerId)!.profile.phone!;
const lostDeps = () => ({ early, evidence, smsOutcomes: (customerId: string, consistent?: boolean) => lookups.smsOutcomes(customerId, consistent) });
const status = (customerId: string, messageId: string, event: SmsStatus['event'] = 'Delivery'): SmsStatus => ({
  messageId,
  sentAt: clock.now().toISOString(),
  destination: phoneOf(customerId),
  event,
});

/** One SMS call's outcomes written as the send step writes them: `sent` answered (message id `m-<ref>-<id>`), `lost` UNCERTAIN. */
async function writeOutcomes(ref: NoticeRef, batchKey: string, sent: string[], lost: string[] = []): Promise<Outcome[]> {
  const claim = await ledger.acquire(ref, 'sms', batchKey, [...sent, ...lost], 'sender');
  if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
  const at = clock.now().toISOString();
  const outcome = (customerId: string, fields: Pick<Outcome, 'status'> & Partial<Outcome>): Outcome => ({
    ...ref,
    customerId,
    channel: 'sms',
    batchKey,
    attempt: 1,
    at,
    ...fields,
  });
  const outcomes = [
    ...sent.map((id) => outcome(id, { status: 'SENT', providerMessageId: messageOf(ref, id) })),
    ...lost.map((id) => outcome(id, { status: 'UNCERTAIN', reason: 'no answer from SNS: TimeoutError' })),
  ];
  await ledger.complete(ref, 'sms', batchKey, claim.token, { sent: sent.length, failed: 0, retryable: 0, uncertain: lost.length }, lost, outcomes);
  return outcomes;
}
const messageOf = (ref: NoticeRef, customerId: string) => `m-${ref.incidentId}-${customerId}`;

const recorderDeps = (overrides: Partial<RecordSmsStatusDeps['lookups']> = {}): RecordSmsStatusDeps => ({
  lookups: {
    customersWithPhone: (phone) => lookups.customersWithPhone(phone),
    smsOutcomes: (customerId, consistent) => lookups.smsOutcomes(customerId, consistent),
    ...overrides,
  },
  early,
  evidence,
});

/**
 * The recorder with its first look at outcomes that `at` picks (by whether it is the consistent one) held
 * after reading: `reached` resolves there, and it goes on when the test calls `resume`.
 */
function pausedAtLook(at: (consistent: boolean) => boolean): { deps: RecordSmsStatusDeps; reached: Promise<void>; resume: () => void } {
  let reachedIt!: () => void;
  let resume!: () => void;
  const reached = new Promise<void>((resolve) => (reachedIt = resolve));
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  let held = false;
  const deps = recorderDeps({
    smsOutcomes: async (customerId, consistent) => {
      const outcomes = await lookups.smsOutcomes(customerId, consistent);
      if (!held && at(consistent === true)) {
        held = true;
        reachedIt();
        await resumed;
      }
      return outcomes;
    },
  });
  return { deps, reached, resume };
}

describe('SMS statuses that come before their outcome', () => {
  it('records a status kept before the outcome when the send step writes it, and only then', async () => {
    // Prepare
    const ref = nextRef();
    const [a, b] = customers.map((c) => c.profile.customerId);
    // Act: both statuses come first (the batch still running); b's SMS failed.
    expect(await recordSmsStatus(status(a!, messageOf(ref, a!)), recorderDeps())).toEqual({ recorded: false, reason: 'early' });
    expect(await recordSmsStatus(status(b!, messageOf(ref, b!), 'Undelivered'), recorderDeps())).toEqual({ recorded: false, reason: 'early' });
    expect((await evidence.counts(ref, 'sms')).Delivery).toBe(0);
    const outcomes = await writeOutcomes(ref, 'c0-en-0', [a!, b!]);
    const recorded = await recordEarlyAnswered(ref, outcomes, { early, evidence });
    // Assess: recorded once the outcomes are there, and forgotten: a second look records nothing.
    expect(recorded).toEqual({ Delivery: 1, Undelivered: 1 });
    expect(await evidence.counts(ref, 'sms')).toMatchObject({ Delivery: 1, Undelivered: 1 });
    expect(await early.ofCustomer(a!)).toEqual([]);
    expect(await recordEarlyAnswered(ref, outcomes, { early, evidence })).toEqual({ Delivery: 0, Undelivered: 0 });
  });

  it('records a status whose outcome is written between the first look and the keeping, by its second look', async () => {
    // Prepare: the recorder's first look misses; the send step then writes the outcome and looks for kept statuses (none yet).
    const ref = nextRef();
    const id = customers[2]!.profile.customerId;
    const paused = pausedAtLook((consistent) => !consistent);
    // Act
    const recording = recordSmsStatus(status(id, messageOf(ref, id)), paused.deps);
    await paused.reached;
    const bySender = await recordEarlyAnswered(ref, await writeOutcomes(ref, 'c0-en-0', [id]), { early, evidence });
    paused.resume();
    // Assess: the send step saw nothing kept; the recorder's look after keeping found the outcome.
    expect(bySender).toEqual({ Delivery: 0, Undelivered: 0 });
    expect(await recording).toEqual({ recorded: true, event: 'Delivery', first: true });
    expect((await evidence.counts(ref, 'sms')).Delivery).toBe(1);
    // Forgotten once recorded.
    expect(await early.ofMessages([{ customerId: id, messageId: messageOf(ref, id) }])).toEqual([]);
  });

  it('keeps before its last look: a send step that writes and looks after that look finds the status kept', async () => {
    // Prepare: the recorder's second look misses; it stops there until the send step has written and looked.
    const ref = nextRef();
    const id = customers[5]!.profile.customerId;
    const paused = pausedAtLook((consistent) => consistent);
    // Act
    const recording = recordSmsStatus(status(id, messageOf(ref, id)), paused.deps);
    await paused.reached;
    const bySender = await recordEarlyAnswered(ref, await writeOutcomes(ref, 'c0-en-0', [id]), { early, evidence });
    paused.resume();
    // Assess: the status was kept before that look, so the send step found and recorded it.
    expect(await recording).toEqual({ recorded: false, reason: 'early' });
    expect(bySender).toEqual({ Delivery: 1, Undelivered: 0 });
  });

  it('matches a call that lost its answer with the status kept nearest in time, when settling', async () => {
    // Prepare: SNS took the message, the answer was lost; its status came before the UNCERTAIN outcome.
    const ref = nextRef();
    const id = customers[3]!.profile.customerId;
    expect(await recordSmsStatus(status(id, 'sns-only-knows-this-id'), recorderDeps())).toEqual({ recorded: false, reason: 'early' });
    const outcomes = await writeOutcomes(ref, 'c0-en-0', [], [id]);
    // Act: the send step does not take a status by time; the settling does.
    const bySender = await recordEarlyAnswered(ref, outcomes, { early, evidence });
    const bySettling = await recordEarlyLost(ref, outcomes, lostDeps());
    // Assess
    expect(bySender).toEqual({ Delivery: 0, Undelivered: 0 });
    expect(bySettling).toEqual({ Delivery: 1, Undelivered: 0 });
    expect((await evidence.read(ref, 'sms', [id])).get(id)?.messageId).toBe('sns-only-knows-this-id');
  });

  it("never takes another notice's status for a lost call: one its answered outcome names, or a shared number's recorded for the other customer", async () => {
    // Prepare: notice 1's SMS answered (its status kept first), notice 2's to the same customer lost, minutes apart.
    const [one, two] = [nextRef(), nextRef()];
    const id = customers[6]!.profile.customerId;
    await recordSmsStatus(status(id, messageOf(one, id)), recorderDeps());
    const lostOutcomes = await writeOutcomes(two, 'c0-en-0', [], [id]);
    await writeOutcomes(one, 'c0-en-0', [id]);
    // A number two customers gave: the first's SMS answered, the other's lost; the status kept under both.
    const [shared1, shared2] = [sharer!.profile.customerId, otherSharer!.profile.customerId];
    const ref = nextRef();
    await recordSmsStatus(status(shared1, messageOf(ref, shared1)), recorderDeps());
    expect((await early.ofCustomer(shared2)).map((k) => k.keptFor)).toEqual([[shared1, shared2]]);
    const sharedOutcomes = await writeOutcomes(ref, 'c0-en-0', [shared1], [shared2]);
    // Act
    const lostTwo = await recordEarlyLost(two, lostOutcomes, lostDeps());
    const answered = await recordEarlyAnswered(ref, sharedOutcomes, { early, evidence });
    const lostShared = await recordEarlyLost(ref, sharedOutcomes, lostDeps());
    // Assess: notice 2 stays silent (sent again by the settling, as it should be); the other sharer too.
    expect(lostTwo).toEqual({ Delivery: 0, Undelivered: 0 });
    expect(answered).toEqual({ Delivery: 1, Undelivered: 0 });
    expect(lostShared).toEqual({ Delivery: 0, Undelivered: 0 });
    expect(await early.ofCustomer(shared2)).toEqual([]);
  });

  it('lets the settling of an UNCERTAIN call record a kept status the send step missed, instead of sending again', async () => {
    // Prepare: the status was kept; the send step wrote the lost call's outcome and its own look failed (not made here).
    const ref = nextRef();
    const id = customers[4]!.profile.customerId;
    await recordSmsStatus(status(id, 'kept-while-lost'), recorderDeps());
    await writeOutcomes(ref, 'c0-en-0', [], [id]);
    clock.current += 120_000;
    // Act
    const settled = await settleByEvidence(ref, {
      ledger,
      evidence,
      clock,
      evidenceChannels: ['sms'],
      evidenceWindowSeconds: 60,
      recordEarly: (r, lost) => recordEarlyLost(r, lost, lostDeps()),
    });
    // Assess: confirmed by the kept status, not reopened.
    expect(settled).toMatchObject({ confirmed: 1, reopened: 0 });
  });

  it('records each of many statuses exactly once, whichever of the recorder and the send step comes first', async () => {
    // Prepare: 200 SMS in batches of 20; each status and each batch's outcome at a random moment in the same 40 ms.
    const ref = nextRef();
    const ids = customers.slice(10, 210).map((c) => c.profile.customerId);
    expect(ids).toHaveLength(200);
    const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
    const results: Awaited<ReturnType<typeof recordSmsStatus>>[] = [];
    let bySender = 0;
    // Act
    await Promise.all([
      ...ids.map(async (id) => {
        await jitter();
        results.push(await recordSmsStatus(status(id, messageOf(ref, id)), recorderDeps()));
      }),
      ...Array.from({ length: 10 }, async (_, b) => {
        await jitter();
        const outcomes = await writeOutcomes(ref, `c0-en-${b}`, ids.slice(b * 20, b * 20 + 20));
        const recorded = await recordEarlyAnswered(ref, outcomes, { early, evidence });
        bySender += recorded.Delivery;
      }),
    ]);
    // Assess: every status recorded, the count exact (no double count), by both paths.
    const read = await evidence.read(ref, 'sms', ids);
    expect(ids.filter((id) => !read.get(id)?.seen.Delivery)).toEqual([]);
    expect((await evidence.counts(ref, 'sms')).Delivery).toBe(200);
    const byRecorder = results.filter((r) => r.recorded && r.first).length;
    expect(byRecorder + bySender).toBe(200);
    expect(results.filter((r) => !r.recorded).length).toBeGreaterThan(0);
    expect(byRecorder).toBeGreaterThan(0);
  });
});
