import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { EarlySmsStatuses, SmsStatusLookups } from '../../functions/adapters/sms-status-lookups.js';
import { EARLY_SMS_STATUS_PREFIX } from '../../functions/adapters/keys.js';
import type { NoticeRef, Outcome } from '../../functions/domain/delivery.js';
import type { SmsStatus } from '../../functions/domain/sms-delivery-status.js';
import { recordEarlyAnswered, recordEarlyLost, recordSmsStatus, type RecordSmsStatusDeps } from '../../functions/steps/record-sms-status.js';
import { sendNotices } from '../../functions/steps/send-notices.js';
import { settleByEvidence } from '../../functions/steps/settle-by-evidence.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import type { BulkEntry, BulkEntryResult, Messaging } from '../../functions/domain/ports.js';
import { testChannels } from '../support/channels.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { openApprovedFirstNotice } from '../support/notices.js';
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
const customers = makeCustomers(prefix, prefix, 772).filter((c) => c.profile.phone);
// Two customers who gave one number (a family's): the last two share the first's.
const [sharer, otherSharer] = makeCustomers(`${prefix}-shared`, prefix, 2).map((c) => ({
  ...c,
  profile: { ...c.profile, phone: '+447700900999', channels: ['sms'] },
}));
let doc: DynamoDBDocumentClient;
let tables: Awaited<ReturnType<typeof provision>>['tables'];
let ledger: DeliveriesLedger;
let evidence: EvidenceStore;
let early: EarlySmsStatuses;
let lookups: SmsStatusLookups;
let n = 0;

beforeAll(async () => {
  ({ tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix }));
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }), {
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

/**
 * One SMS call's outcomes written as the send step writes them: `sent` answered (message id `m-<ref>-<id>`),
 * `lost` UNCERTAIN.
 */
async function writeOutcomes(ref: NoticeRef, batchKey: string, sent: string[], lost: string[] = []): Promise<Outcome[]> {
  const claim = await ledger.acquire(ref, 'sms', batchKey, [...sent, ...lost], 'sender');
  if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
  const at = clock.now().toISOString();
  const outcome = (customerId: string, fields: Pick<Outcome, 'status'> & Partial<Outcome>): Outcome => ({
    ...ref,
    customerId,
    channel: 'sms',
    batchKey,
    attempt: claim.attempt,
    at,
    ...fields,
  });
  const outcomes = [
    ...sent.map((id) => outcome(id, { status: 'SENT', providerMessageId: messageOf(ref, id) })),
    ...lost.map((id) => outcome(id, { status: 'UNCERTAIN', reason: 'no answer from SNS: TimeoutError' })),
  ];
  const totals = { sent: sent.length, failed: 0, retryable: 0, uncertain: lost.length };
  await ledger.complete(ref, 'sms', batchKey, claim.token, totals, lost, outcomes);
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
 * The real send step over `audience` (24 customers with a phone: two SMS calls, one per locale), SNS as
 * `keepingSms` (`throttleOnce` there). The send step's look goes to DynamoDB through a proxy that answers its
 * first BatchGetItem of kept statuses with 500s until the SDK's 3 attempts are spent (a wire fault, below the
 * SDK): that iteration fails, and it is run again.
 */
async function sendWithFailingLook(
  audience: typeof customers,
  { throttleOnce }: { throttleOnce?: number } = {},
): Promise<{ ref: NoticeRef; handed: Map<string, number>; throttled: number }> {
  expect(audience).toHaveLength(24);
  const ref = await openNotice(audience);
  const sms = keepingSms({ throttleOnce });
  const attempts = 3;
  let failing = attempts;
  const proxy = await startFaultProxy(endpoints().dynamodb, (req) =>
    req.body.includes('"RequestItems"') && req.body.includes(EARLY_SMS_STATUS_PREFIX) && failing-- > 0 ? 'error-500' : 'pass',
  );
  try {
    const faulty = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: proxy.url, maxAttempts: attempts }),
    );
    const lookingEarly = new EarlySmsStatuses(faulty, tables.deliveries);
    const deps = senderDeps(sms.messaging, {
      afterOutcomes: (r, outcomes) => recordEarlyAnswered(r, outcomes, { early: lookingEarly, evidence }).then(() => undefined),
    });
    await expect(sendNotices({ ...ref, fromChunk: 0 }, deps)).rejects.toMatchObject({ $metadata: { httpStatusCode: 500, attempts } });
    expect(failing).toBe(0);
    expect(await sendNotices({ ...ref, fromChunk: 0 }, deps)).toMatchObject({ done: true });
    return { ref, handed: sms.handed, throttled: sms.throttled() };
  } finally {
    await proxy.close();
  }
}

/** An approved first notice to `audience`, in one chunk. */
function openNotice(audience: typeof customers): Promise<NoticeRef> {
  const { incidents, notices } = incidentStores(doc, tables.incidents, clock);
  return openApprovedFirstNotice(
    { incidents, notices },
    { label: 'early', customerIds: audience.map((c) => c.profile.customerId), chunkSize: 100, firstSeenAt: clock.now().toISOString() },
  );
}

/**
 * SNS as the send step meets it here: each SMS's status reaches its recorder before SNS's answer reaches the
 * send step (so it is kept); `handed` counts the SMS per number. `throttleOnce`: SNS refuses the n-th Publish
 * once (ThrottledException: it and the numbers after stay RETRYABLE).
 */
function keepingSms({ throttleOnce }: { throttleOnce?: number } = {}) {
  const handed = new Map<string, number>();
  let publishes = 0;
  let throttled = 0;
  const messaging: Messaging = {
    sendSms: async (phone) => {
      if (++publishes === throttleOnce) {
        throttled += 1;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException', $metadata: { httpStatusCode: 400 } });
      }
      handed.set(phone, (handed.get(phone) ?? 0) + 1);
      const messageId = `s-${randomBytes(6).toString('hex')}`;
      await recordSmsStatus({ messageId, sentAt: clock.now().toISOString(), destination: phone, event: 'Delivery' }, recorderDeps());
      return messageId;
    },
    publish: () => Promise.reject(new Error('not used by the send step')),
  };
  return { messaging, handed, throttled: () => throttled };
}

/** The real send step's ports on the test's tables; SES takes every email. */
function senderDeps(messaging: Messaging, overrides: Partial<Parameters<typeof sendNotices>[1]> = {}): Parameters<typeof sendNotices>[1] {
  const { incidents, notices } = incidentStores(doc, tables.incidents, clock);
  const email = {
    sendBulk: async (_t: string, _d: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]> =>
      entries.map(() => ({ status: 'SUCCESS', messageId: `m-${randomBytes(4).toString('hex')}` })),
  };
  return {
    incidents,
    notices,
    customers: new CustomersRepository(doc, tables.customers),
    ledger,
    channels: testChannels({ email, messaging, smsConcurrency: 1 }),
    clock,
    owner: 'sender',
    remainingTimeMs: () => 600_000,
    locales: ['en', 'zh-CN'],
    maxChunksPerInvocation: 10,
    reserveMs: 1,
    ...overrides,
  };
}

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

  it("matches a lost call by its own batch start, not by its call's later completion", async () => {
    // Prepare: the status of an SMS whose answer was lost, kept; its call finished again 30 minutes later (its
    // other recipients retried after a pause), past the 20 minutes a status may be from its call.
    const ref = nextRef();
    const id = customers[7]!.profile.customerId;
    await recordSmsStatus(status(id, 'lost-before-a-pause'), recorderDeps());
    const [lost] = await writeOutcomes(ref, 'c0-en-0', [], [id]);
    const completedAt = new Date(clock.current + 30 * 60_000).toISOString();
    // Act: the settling passes the call's completion.
    const recorded = await recordEarlyLost(ref, [{ ...lost!, at: completedAt }], lostDeps());
    // Assess
    expect(recorded).toEqual({ Delivery: 1, Undelivered: 0 });
    expect((await evidence.read(ref, 'sms', [id])).get(id)?.messageId).toBe('lost-before-a-pause');
  });

  it("matches a lost SMS of a claim taken over from dead holders by the first one's claim, however late the takeovers", async () => {
    // Prepare: the holder's SMS went out (its status kept: no outcome yet); the holder died before writing the call's outcome,
    // and so did the one that took the claim over 25 minutes later (a later round).
    const audience = [customers[8]!];
    const ref = await openNotice(audience);
    const sms = keepingSms();
    const dying = new Proxy(ledger, {
      get: (target, name: keyof DeliveriesLedger) =>
        name === 'complete'
          ? (...args: Parameters<DeliveriesLedger['complete']>) =>
              args[1] === 'sms' ? Promise.reject(Object.assign(new Error('process ended'), { name: 'Crash' })) : target.complete(...args)
          : typeof target[name] === 'function'
            ? (target[name] as (...a: unknown[]) => unknown).bind(target)
            : target[name],
    });
    for (let holder = 0; holder < 2; holder += 1) {
      await expect(sendNotices({ ...ref, fromChunk: 0 }, senderDeps(sms.messaging, { ledger: dying }))).rejects.toMatchObject({ name: 'Crash' });
      // Each taken over 25 minutes later: past the 20 minutes a status may be from its call's time.
      clock.current += 25 * 60_000;
    }
    expect(await sendNotices({ ...ref, fromChunk: 0 }, senderDeps(sms.messaging))).toMatchObject({ done: true });
    const id = audience[0]!.profile.customerId;
    const [lost] = (await lookups.smsOutcomes(id, true)).filter((o) => o.incidentId === ref.incidentId);
    expect(lost).toMatchObject({ status: 'UNCERTAIN' });
    // Act: the settling of the taken-over call.
    const recorded = await recordEarlyLost(ref, [{ customerId: id, channel: 'sms', status: 'UNCERTAIN', at: clock.now().toISOString() }], lostDeps());
    // Assess: one SMS, never sent again by the takeover; its kept status recorded for it.
    expect([...sms.handed.values()]).toEqual([1]);
    expect(recorded).toEqual({ Delivery: 1, Undelivered: 0 });
    expect(await early.ofCustomer(id)).toEqual([]);
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

  it("makes the send step's look that failed after a call's outcomes were written when it meets the call settled: every status recorded, nobody sent twice", async () => {
    // Prepare
    const audience = customers.slice(210, 234);
    // Act: the failed iteration, then its retry (the call whose look failed is done: not sent again).
    const run = await sendWithFailingLook(audience);
    // Assess: one SMS per number; the retry looked at the settled call and recorded its statuses; none stays kept.
    expect([...run.handed.values()]).toEqual(audience.map(() => 1));
    expect((await evidence.counts(run.ref, 'sms')).Delivery).toBe(24);
    for (const c of audience) expect(await early.ofCustomer(c.profile.customerId)).toEqual([]);
  });

  it("looks at every attempt's outcomes of a call: a second attempt records the statuses of the first's answered SMS", async () => {
    // Prepare: SNS throttles the first call's third Publish once, so the call has answered SMS and RETRYABLE ones.
    const audience = customers.slice(234, 258);
    // Act: the first attempt's look fails; the retry takes the call again for its RETRYABLE numbers.
    const run = await sendWithFailingLook(audience, { throttleOnce: 3 });
    // Assess
    expect(run.throttled).toBe(1);
    expect([...run.handed.values()]).toEqual(audience.map(() => 1));
    expect((await evidence.counts(run.ref, 'sms')).Delivery).toBe(24);
    for (const c of audience) expect(await early.ofCustomer(c.profile.customerId)).toEqual([]);
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
