import { describe, expect, it } from 'vitest';
import type { ChannelRecipient, ChannelResult, DeliveryChannel } from '../../functions/domain/channels/channel.js';
import type { CustomerProfile } from '../../functions/domain/customer.js';
import type { Notice } from '../../functions/domain/incident.js';
import type { Locale } from '../../functions/domain/locales.js';
import { draftNotice } from '../../functions/domain/notice.js';
import { classifyProviderFailure, HANDED_TO_HTTP, REFUSAL_MESSAGE_MAX, withoutContactPoints } from '../../functions/domain/provider-failure.js';
import type { BulkEntry, EmailSender, Messaging } from '../../functions/domain/ports.js';
import { pacer } from '../../functions/domain/pacing.js';
import { sendNotices, type SendDeps } from '../../functions/steps/send-notices.js';
import { testChannels } from '../support/channels.js';
import { FakeClock, FakeCustomers, FakeEvidence, FakeIncidents, FakeLedger, FakeNotices } from '../support/fakes.js';
import { limitsFromPercent } from '../../functions/domain/reputation.js';
import { noticeRecord } from '../support/notices.js';
import { emptyFacts } from '../../functions/domain/facts.js';

const incidentId = 'inc-20261120-0123456789ab';
const ref = { incidentId, noticeId: 'first-notice-1' };
const firstSeenAt = '2026-11-20T08:00:00.000Z';
const impact = { affectedCustomers: 6, byDataCategory: { email: 6 }, byJurisdiction: {}, byLocale: {}, byChannel: {} };

/** Six customers in two chunks: email only, email and SMS, a push user, one who chose SMS but has no phone, one gone from the directory. */
function world(overrides: Partial<SendDeps> = {}) {
  const profile = (id: string, extra: Partial<CustomerProfile>): CustomerProfile => ({
    customerId: id,
    name: `Name ${id}`,
    locale: 'en-GB',
    country: 'GB',
    channels: ['email'],
    email: `${id}@example.com`,
    ...extra,
  });
  const customers = new FakeCustomers(
    new Map([
      ['a', profile('a', {})],
      ['b', profile('b', { channels: ['email', 'sms'], phone: '+447700900001', locale: 'zh-CN' })],
      ['c', profile('c', { channels: ['push'], email: undefined })],
      ['d', profile('d', { channels: ['sms'], email: undefined })],
      ['e', profile('e', { channels: ['email', 'push'] })],
    ]),
  );
  const incidents = new FakeIncidents();
  incidents.incidents.set(incidentId, {
    incidentId,
    source: 'guardduty',
    findingKey: 'f',
    alarmSeverity: 8,
    title: 't',
    description: '',
    affectedResources: [],
    firstSeenAt,
    status: 'OPEN',
    scope: 'KNOWN',
    severity: 'HIGH',
    createdAt: firstSeenAt,
    audienceChunks: 2,
    impact,
  });
  const member = (customerId: string) => ({ customerId, dataCategories: ['email'] });
  incidents.audience.set(incidentId, [
    [member('a'), member('b'), member('c')],
    [member('d'), member('e'), member('gone')],
  ]);
  const notices = new FakeNotices();
  const company = { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' };
  const content = Object.fromEntries(
    (['en', 'zh-CN'] as Locale[]).map((l) => [
      l,
      draftNotice(
        {
          kind: 'first-notice',
          sequence: 1,
          incident: { incidentId, source: 'guardduty', firstSeenAt, impact },
          facts: emptyFacts(),
          company,
          nextUpdateAt: firstSeenAt,
        },
        l,
      ),
    ]),
  );
  const notice: Notice = noticeRecord({
    ...ref,
    kind: 'first-notice',
    sequence: 1,
    status: 'APPROVED',
    content,
    createdAt: firstSeenAt,
    promisedNextUpdateAt: firstSeenAt,
  });
  void notices.createNotice(notice);

  const sent: string[] = [];
  const email: Pick<EmailSender, 'sendBulk'> = {
    sendBulk: async (_t: string, _d: Record<string, unknown>, entries: BulkEntry[]) =>
      entries.map((e) => (sent.push(`email:${e.to}`), { status: 'SUCCESS', messageId: `m-${e.to}` })),
  };
  const messaging: Messaging = { sendSms: async (phone: string) => (sent.push(`sms:${phone}`), `s-${phone}`), publish: async () => 'x' };
  /** A channel the registry does not know: what adding "push" (or the public page) takes. */
  const push: DeliveryChannel = {
    name: 'push',
    batchSize: 2,
    address: (p) => (p.channels.includes('push') ? `device-of-${p.customerId}` : undefined),
    prepare: (_notice, _locale, recipients) => async (): Promise<ChannelResult[]> =>
      recipients.map((r) => (sent.push(`push:${r.address}`), { status: 'SENT', providerMessageId: `p-${r.customerId}` })),
  };
  const clock = new FakeClock();
  const ledger = new FakeLedger(clock);
  const deps: SendDeps = {
    incidents,
    notices,
    customers,
    ledger,
    channels: [...testChannels({ email, messaging, templatePrefix: 'bn', smsConcurrency: 2 }), push],
    clock,
    owner: 'test',
    remainingTimeMs: () => 600_000,
    locales: ['en', 'zh-CN'],
    maxChunksPerInvocation: 10,
    reserveMs: 1,
    ...overrides,
  };
  return { deps, sent, ledger, incidents, notices, push };
}

describe('sendNotices with in-memory ports', () => {
  it("gives each channel its readers' date conventions and region from the directory: en in the US reads en-US dates, a Californian California's notice", async () => {
    // Prepare: the push user lives in California, the directory's locale `en`
    const { deps } = world();
    const seen: ChannelRecipient[] = [];
    const capture: DeliveryChannel = {
      name: 'push',
      batchSize: 2,
      address: (p) => (p.channels.includes('push') ? `device-of-${p.customerId}` : undefined),
      prepare: (_n, _l, recipients) => async () => recipients.map((r) => (seen.push(r), { status: 'SENT' as const })),
    };
    const customers = deps.customers as FakeCustomers;
    const c = (await customers.getProfiles(['c'])).get('c')!;
    const e = (await customers.getProfiles(['e'])).get('e')!;
    await customers.putCustomers([
      { profile: { ...c, locale: 'en', country: 'US', region: 'US-CA' }, resources: [] },
      { profile: { ...e, locale: 'en-GB', country: 'US' }, resources: [] },
    ]);
    // Act
    await sendNotices({ ...ref, fromChunk: 0 }, { ...deps, channels: [...deps.channels.filter((ch) => ch.name !== 'push'), capture] });
    // Assess
    expect(seen.find((r) => r.customerId === 'c')).toMatchObject({ dateLocale: 'en-US', region: 'US-CA' });
    expect(seen.find((r) => r.customerId === 'e')).toMatchObject({ dateLocale: 'en-GB' });
    expect(seen.find((r) => r.customerId === 'e')?.region).toBeUndefined();
  });

  it('reaches each customer once on every channel they chose, a new channel included, and records the unreachable', async () => {
    // Prepare
    const { deps, sent, ledger, incidents } = world();
    // Act
    const result = await sendNotices({ ...ref, fromChunk: 0 }, deps);
    // Assess
    expect(result).toMatchObject({ done: true, nextChunk: 2, sent: 6, failed: 2 });
    expect(sent.sort()).toEqual([
      'email:a@example.com',
      'email:b@example.com',
      'email:e@example.com',
      'push:device-of-c',
      'push:device-of-e',
      'sms:+447700900001',
    ]);
    expect(ledger.statusOf(ref, 'push', 'c')).toBe('SENT');
    expect(ledger.statusOf(ref, 'unreachable', 'd')).toBe('FAILED');
    expect(ledger.statusOf(ref, 'unreachable', 'gone')).toBe('FAILED');
    expect(await ledger.noticeTotals(ref)).toMatchObject({
      email: { sent: 3 },
      sms: { sent: 1 },
      push: { sent: 2, calls: 2 },
      unreachable: { failed: 2, unfinished: 0 },
    });
    // Marking it sent is the confirm step's, once every slice is done.
    expect((await deps.notices.getNotice(incidentId, 'first-notice-1')).status).toBe('APPROVED');
    expect(incidents.timeline).toEqual([]);

    // A repeat sends nothing more.
    await sendNotices({ ...ref, fromChunk: 0 }, deps);
    expect(sent).toHaveLength(6);
  });

  it('stops at the chunk budget and returns the cursor', async () => {
    const { deps } = world({ maxChunksPerInvocation: 1 });
    expect(await sendNotices({ ...ref, fromChunk: 0 }, deps)).toMatchObject({ done: false, nextChunk: 1 });
    expect(await sendNotices({ ...ref, fromChunk: 1 }, deps)).toMatchObject({ done: true, nextChunk: 2 });
  });

  it('sends its slice only: chunks from fromChunk up to toChunk', async () => {
    const { deps, sent } = world();
    expect(await sendNotices({ ...ref, fromChunk: 1, toChunk: 2 }, deps)).toMatchObject({ done: true, nextChunk: 2 });
    const second = [...sent];
    expect(await sendNotices({ ...ref, fromChunk: 0, toChunk: 1 }, deps)).toMatchObject({ done: true, nextChunk: 1 });
    expect(second.length).toBeGreaterThan(0);
    expect(sent.length).toBeGreaterThan(second.length);
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('waits for the pacer before every provider call, for the recipients of that call; settled calls are given back', async () => {
    const taken: number[] = [];
    const given: number[] = [];
    const pacerSpy = { take: async (n: number) => void taken.push(n), giveBack: (n: number) => void given.push(n) };
    const { deps } = world({ pacer: pacerSpy });
    await sendNotices({ ...ref, fromChunk: 0 }, deps);
    expect(taken.length).toBeGreaterThan(0);
    expect(given.every((n) => n === 0)).toBe(true);
    taken.length = 0;
    given.length = 0;
    await sendNotices({ ...ref, fromChunk: 0 }, deps);
    expect(given).toEqual(taken);
  });

  it.each([
    ['ACCOUNT_DAILY_QUOTA_EXCEEDED', 'DailyQuotaExceededError'],
    ['ACCOUNT_SENDING_PAUSED', 'SendingPausedError'],
    ['CONFIGURATION_SET_SENDING_PAUSED', 'SendingPausedError'],
    ['ACCOUNT_THROTTLED', 'DeliveryRetryableError'],
    ['TRANSIENT_FAILURE', 'DeliveryRetryableError'],
    ['TEMPLATE_NOT_FOUND', 'ProviderRefusedError'],
    ['CONFIGURATION_SET_NOT_FOUND', 'ProviderRefusedError'],
    ['MAIL_FROM_DOMAIN_NOT_VERIFIED', 'ProviderRefusedError'],
    ['ACCOUNT_SUSPENDED', 'ProviderRefusedError'],
    ['INVALID_SENDING_POOL_NAME', 'ProviderRefusedError'],
  ])('an entry refused with %s stops the slice with %s (how long to wait depends on it)', async (status, error) => {
    const { deps, push } = world();
    const refusing: DeliveryChannel = {
      ...push,
      prepare: (_n, _l, recipients) => async () => recipients.map(() => ({ status: 'RETRYABLE' as const, reason: `${status}: refused` })),
    };
    const channels = deps.channels.map((c) => (c.name === 'push' ? refusing : c));
    await expect(sendNotices({ ...ref, fromChunk: 0 }, { ...deps, channels })).rejects.toMatchObject({ name: error });
  });

  it('never sends a notice that is not approved', async () => {
    const { deps, sent, notices } = world();
    await notices.setNoticeStatus(incidentId, 'first-notice-1', 'PENDING_APPROVAL');
    await expect(sendNotices({ ...ref, fromChunk: 0 }, deps)).rejects.toMatchObject({ name: 'NoticeNotApprovedError' });
    expect(sent).toEqual([]);
  });

  it('never sends wording other than the one approved (a redraft after the approval)', async () => {
    const { deps, sent, notices } = world();
    const approved = await notices.getNotice(incidentId, 'first-notice-1');
    await notices.createNotice({ ...approved, contentHash: 'f'.repeat(64) });
    await expect(sendNotices({ ...ref, fromChunk: 0 }, deps)).rejects.toMatchObject({ name: 'NoticeNotApprovedError' });
    expect(sent).toEqual([]);
  });

  it('a refused call (4xx) frees its claim and is retried by name; the retry sends it once', async () => {
    const { deps, sent, push } = world();
    let refusals = 1;
    const flaky: DeliveryChannel = {
      ...push,
      prepare: (n, l, r) => {
        const call = push.prepare(n, l, r);
        return async () => {
          if (refusals-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
          return call();
        };
      },
    };
    const channels = deps.channels.map((c) => (c.name === 'push' ? flaky : c));
    await expect(sendNotices({ ...ref, fromChunk: 0 }, { ...deps, channels })).rejects.toMatchObject({ name: 'DeliveryRetryableError' });
    await sendNotices({ ...ref, fromChunk: 0 }, { ...deps, channels });
    expect(sent.filter((s) => s.startsWith('push:')).sort()).toEqual(['push:device-of-c', 'push:device-of-e']);
  });

  it('a call with no trustworthy answer (5xx, reset) leaves its recipients UNCERTAIN and listed, never re-sent', async () => {
    const { deps, sent, ledger, push } = world();
    const lost: DeliveryChannel = {
      ...push,
      prepare: (n, l, r) => {
        const call = push.prepare(n, l, r);
        return async () => {
          await call();
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', [HANDED_TO_HTTP]: true });
        };
      },
    };
    const channels = deps.channels.map((c) => (c.name === 'push' ? lost : c));
    await sendNotices({ ...ref, fromChunk: 0 }, { ...deps, channels });
    await sendNotices({ ...ref, fromChunk: 0 }, { ...deps, channels });
    expect(sent.filter((s) => s.startsWith('push:'))).toHaveLength(2);
    expect(ledger.statusOf(ref, 'push', 'c')).toBe('UNCERTAIN');
    expect(await ledger.uncertainRecipients(ref)).toEqual({ push: ['c', 'e'] });
  });

  it('an error before the provider call frees the claim, so the fixed retry sends', async () => {
    const { deps, sent, push } = world();
    let broken = true;
    const fragile: DeliveryChannel = {
      ...push,
      prepare: (n, l, r) => {
        if (broken) throw Object.assign(new Error('no wording'), { name: 'NoticeContentMissingError' });
        return push.prepare(n, l, r);
      },
    };
    const channels = deps.channels.map((c) => (c.name === 'push' ? fragile : c));
    await expect(sendNotices({ ...ref, fromChunk: 0 }, { ...deps, channels })).rejects.toMatchObject({ name: 'NoticeContentMissingError' });
    broken = false;
    await sendNotices({ ...ref, fromChunk: 0 }, { ...deps, channels });
    expect(sent.filter((s) => s.startsWith('push:')).sort()).toEqual(['push:device-of-c', 'push:device-of-e']);
  });

  it('a live holder of a batch makes the invocation fail by name, to be retried', async () => {
    const { deps, ledger } = world();
    await ledger.acquire(ref, 'email', 'c000000#en#0', ['a']);
    await expect(sendNotices({ ...ref, fromChunk: 0 }, deps)).rejects.toMatchObject({ name: 'BatchInFlightError' });
  });
  it("a dead holder's own refusals are sent by the next holder; whom it may have reached stay UNCERTAIN", async () => {
    // Prepare: the push call of chunk 0 answers c refused (throttled); its outcomes land but the process dies before the claim
    // completes (the ledger writes outcomes apart from the completion only for a call over 99 recipients, ahead of it).
    const { deps, sent, ledger, push } = world();
    const half: DeliveryChannel = {
      ...push,
      prepare: (_n, _l, recipients) => async () =>
        recipients.map((r) =>
          r.customerId === 'c' ? { status: 'RETRYABLE' as const, reason: 'ACCOUNT_THROTTLED' } : (sent.push(`push:${r.address}`), { status: 'SENT' as const }),
        ),
    };
    let dies = true;
    const dying = {
      ...ledger,
      freezePlan: ledger.freezePlan.bind(ledger),
      readCalls: ledger.readCalls.bind(ledger),
      acquire: ledger.acquire.bind(ledger),
      readOutcomes: ledger.readOutcomes.bind(ledger),
      recordOutcomes: ledger.recordOutcomes.bind(ledger),
      release: ledger.release.bind(ledger),
      noticeTotals: ledger.noticeTotals.bind(ledger),
      complete: async (...args: Parameters<FakeLedger['complete']>) => {
        if (args[1] === 'push' && dies) {
          await ledger.recordOutcomes(args[6] ?? []);
          throw Object.assign(new Error('process ended'), { name: 'Crash' });
        }
        return ledger.complete(...args);
      },
    };
    const channels = deps.channels.map((c) => (c.name === 'push' ? half : c));
    await expect(sendNotices({ ...ref, fromChunk: 0 }, { ...deps, ledger: dying, channels })).rejects.toMatchObject({ name: 'Crash' });
    dies = false;
    ledger.expireHeldClaims();
    // Act: the next invocation takes the abandoned claim over; the channel now sends everyone it is given.
    await sendNotices({ ...ref, fromChunk: 0 }, deps);
    // Assess: c, refused by the dead holder, is sent once now instead of being left UNCERTAIN.
    expect(sent.filter((x) => x === 'push:device-of-c')).toHaveLength(1);
    expect(ledger.statusOf(ref, 'push', 'c')).toBe('SENT');
    expect(await ledger.uncertainRecipients(ref)).toEqual({});
  });
  it('a directory change between attempts moves nobody to another claim: the first plan of a chunk is kept', async () => {
    // Prepare: four push customers in one chunk, two per call; the second call is accepted, then the process dies.
    const { deps, sent, ledger, push, incidents } = world();
    const customers = new Map(
      ['p1', 'p2', 'p3', 'p4'].map((id) => [id, { customerId: id, name: id, locale: 'en-GB', country: 'GB', channels: ['push'] } as CustomerProfile]),
    );
    incidents.audience.set(incidentId, [['p1', 'p2', 'p3', 'p4'].map((customerId) => ({ customerId, dataCategories: ['email'] }))]);
    incidents.incidents.get(incidentId)!.audienceChunks = 1;
    // The second call's outcomes never reach the ledger: the process dies right after the provider accepted.
    let writes = 0;
    const dying = {
      freezePlan: ledger.freezePlan.bind(ledger),
      readCalls: ledger.readCalls.bind(ledger),
      acquire: ledger.acquire.bind(ledger),
      release: ledger.release.bind(ledger),
      noticeTotals: ledger.noticeTotals.bind(ledger),
      complete: async (...args: Parameters<FakeLedger['complete']>) => {
        if (++writes === 2) throw Object.assign(new Error('process ended'), { name: 'Crash' });
        return ledger.complete(...args);
      },
    };
    const directory = new FakeCustomers(customers);
    await expect(sendNotices({ ...ref, fromChunk: 0 }, { ...deps, ledger: dying, customers: directory, channels: [push] })).rejects.toMatchObject({
      name: 'Crash',
    });
    ledger.expireHeldClaims();
    // Act: p1 changes language, which re-sorts the batches a fresh plan would make; the retry runs.
    customers.get('p1')!.locale = 'zh-CN';
    await sendNotices({ ...ref, fromChunk: 0 }, { ...deps, customers: directory, channels: [push] });
    // Assess: nobody was sent twice; the dead call's recipients are UNCERTAIN.
    const counts = new Map<string, number>();
    for (const x of sent) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(['p3', 'p4'].map((id) => ledger.statusOf(ref, 'push', id))).toEqual(['UNCERTAIN', 'UNCERTAIN']);
  });
  it('stops before a provider call when time runs short, keeping the cursor; the next invocation finishes without repeats', async () => {
    // Prepare: after the first call, the invocation is out of time.
    let calls = 0;
    const { deps, sent } = world();
    const counting = deps.channels.map((c) => ({
      ...c,
      prepare: (n: Notice, l: Locale, r: Parameters<DeliveryChannel['prepare']>[2]) => ((calls += 1), c.prepare(n, l, r)),
    }));
    // Act
    const first = await sendNotices(
      { ...ref, fromChunk: 0 },
      { ...deps, channels: counting, remainingTimeMs: () => (calls > 0 ? 1_000 : 600_000), reserveMs: 120_000 },
    );
    // Assess
    expect(first).toMatchObject({ done: false, nextChunk: 0 });
    expect(calls).toBe(1);
    // Every later invocation is short of time too: settled calls cost nothing, so each one makes progress.
    let cursor = first.nextChunk;
    let done = false;
    for (let i = 0; i < 20 && !done; i += 1) {
      const next = await sendNotices({ ...ref, fromChunk: cursor }, { ...deps, remainingTimeMs: () => 1_000, reserveMs: 120_000 });
      ({ done, nextChunk: cursor } = next);
    }
    expect(done).toBe(true);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent).toHaveLength(6);
  });
  it('classifies provider failures by where they happened', () => {
    const handed = { [HANDED_TO_HTTP]: true };
    expect(classifyProviderFailure(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }))).toBe('refused');
    expect(classifyProviderFailure(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }))).toBe('ambiguous');
    // A 200 whose body could not be read: the provider had the request.
    expect(classifyProviderFailure(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 200 } }))).toBe('ambiguous');
    expect(classifyProviderFailure(Object.assign(new Error('reset'), { code: 'ECONNRESET', ...handed }))).toBe('ambiguous');
    expect(classifyProviderFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED', ...handed }))).toBe('refused');
    expect(classifyProviderFailure(Object.assign(new Error('did not establish a connection within 3000 ms'), { name: 'TimeoutError', ...handed }))).toBe(
      'refused',
    );
    // Raised before the request was handed to HTTP (credentials, signing, serialization): nothing left.
    expect(classifyProviderFailure(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }))).toBe('refused');
  });
});

describe('the reputation guard', () => {
  const limits = limitsFromPercent(2.5, 0.05, 100);
  const guarded = (counts: Parameters<FakeEvidence['set']>[2]) => {
    const evidence = new FakeEvidence();
    evidence.set(ref, 'email', counts);
    const w = world({ reputation: { evidence, limits } });
    return { ...w, evidence };
  };

  it('a notice whose emails bounce above the limit stops before any provider call, with the numbers and no address', async () => {
    // Prepare: 4 permanent bounces in 100 accepted (4% > 2.5%)
    const { deps, sent, ledger } = guarded({ Send: 100, Delivery: 90, BouncePermanent: 4 });
    // Act
    const error = (await sendNotices({ ...ref, fromChunk: 0 }, deps).then(
      () => new Error('sent'),
      (e: unknown) => e,
    )) as Error;
    // Assess: nothing sent, nothing claimed; the message says why in figures
    expect(error).toMatchObject({ name: 'ReputationPausedError' });
    expect(error.message).toContain('bounce rate 4.00% (4 permanent bounces of 100 accepted) above the limit of 2.50%');
    expect(error.message).not.toMatch(/@|\+44/);
    expect(sent).toEqual([]);
    expect(ledger.claims.size).toBe(0);
  });

  it('complaints above the limit stop it too', async () => {
    // Prepare: 1 complaint in 1,000 delivered (0.1% > 0.05%)
    const { deps, sent, evidence } = guarded({ Send: 1000, Delivery: 1000, Complaint: 1 });
    // Act, Assess
    await expect(sendNotices({ ...ref, fromChunk: 0 }, deps)).rejects.toThrow(
      /complaint rate 0\.10% \(1 complaints of 1000 delivered\) above the limit of 0\.05%/,
    );
    expect(sent).toEqual([]);
    expect(evidence.reads).toBe(1);
  });

  it('rates that cross a limit while an invocation sends stop it before its next chunk; the chunk sent is kept', async () => {
    // Prepare: the bounces of chunk 0 come in while it is sent (SES reports within seconds)
    const { deps, sent, evidence, ledger } = guarded({ Send: 100, Delivery: 100 });
    const counts = evidence.counts.bind(evidence);
    evidence.counts = async (r, c) => {
      if (evidence.reads === 1) evidence.set(ref, 'email', { Send: 103, Delivery: 95, BouncePermanent: 5 });
      return counts(r, c);
    };
    // Act
    await expect(sendNotices({ ...ref, fromChunk: 0 }, deps)).rejects.toMatchObject({ name: 'ReputationPausedError' });
    // Assess: chunk 0 (a, b by email, b by SMS, c by push) sent and recorded; chunk 1 not started
    expect(sent.sort()).toEqual(['email:a@example.com', 'email:b@example.com', 'push:device-of-c', 'sms:+447700900001']);
    expect(ledger.statusOf(ref, 'email', 'a')).toBe('SENT');
    expect(ledger.statusOf(ref, 'email', 'e')).toBeUndefined();
    expect(evidence.reads).toBe(2);
  });

  it('rates under the limits, or too few emails behind them, send as usual with one read per chunk', async () => {
    for (const counts of [
      { Send: 1000, Delivery: 990, BouncePermanent: 25 },
      { Send: 10, Delivery: 9, BouncePermanent: 1 },
      { Send: 99, Delivery: 50, BouncePermanent: 20, Complaint: 5 },
    ]) {
      const { deps, sent, evidence } = guarded(counts);
      expect(await sendNotices({ ...ref, fromChunk: 0 }, deps), JSON.stringify(counts)).toMatchObject({ done: true, sent: 6 });
      expect(sent).toHaveLength(6);
      expect(evidence.reads).toBe(2);
    }
  });

  it('once the team resumed the notice, it sends despite its rates, reading none', async () => {
    // Prepare
    const { deps, sent, notices, evidence } = guarded({ Send: 100, Delivery: 90, BouncePermanent: 40 });
    await notices.resumeSending(incidentId, ref.noticeId, { by: 'lead@example.com', at: firstSeenAt, accepted: 100, delivered: 90, bounceRate: 0.4 });
    // Act
    const result = await sendNotices({ ...ref, fromChunk: 0 }, deps);
    // Assess
    expect(result).toMatchObject({ done: true, sent: 6 });
    expect(sent).toHaveLength(6);
    expect(evidence.reads).toBe(0);
  });

  it('a slice with nothing left to send reads nothing', async () => {
    const { deps, evidence } = guarded({ Send: 100, BouncePermanent: 50 });
    expect(await sendNotices({ ...ref, fromChunk: 2 }, deps)).toMatchObject({ done: true });
    expect(evidence.reads).toBe(0);
  });
});

describe('sendNotices pacing', () => {
  it('paces email alone to its rate with several calls in flight: no second above the rate, SMS not counted against it', async () => {
    // Prepare: 400 customers in 4 chunks, all by email, every fourth also by SMS; 100 emails a second, virtual time.
    let t = 0;
    const paced = pacer(
      100,
      () => t,
      async (ms) => void (t += ms),
    );
    const emailCalls: { at: number; recipients: number }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const email: Pick<EmailSender, 'sendBulk'> = {
      sendBulk: async (_t: string, _d: Record<string, unknown>, entries: BulkEntry[]) => {
        emailCalls.push({ at: t, recipients: entries.length });
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        return entries.map((e) => ({ status: 'SUCCESS', messageId: `m-${e.to}` }));
      },
    };
    let sms = 0;
    const messaging: Messaging = { sendSms: async () => `s-${++sms}`, publish: async () => 'x' };
    const ids = Array.from({ length: 400 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    const customers = new FakeCustomers(
      new Map(
        ids.map((id, i) => [
          id,
          {
            customerId: id,
            name: id,
            locale: 'en-GB',
            country: 'GB',
            channels: i % 4 === 0 ? ['email', 'sms'] : ['email'],
            email: `${id}@example.com`,
            phone: `+4477009${String(i).padStart(5, '0')}`,
          } as CustomerProfile,
        ]),
      ),
    );
    const { deps, incidents } = world({
      customers,
      channels: testChannels({ email, messaging, templatePrefix: 'bn', smsConcurrency: 2 }),
      pacer: paced,
      callsInFlight: 4,
    });
    incidents.audience.set(
      incidentId,
      [0, 1, 2, 3].map((c) => ids.slice(c * 100, (c + 1) * 100).map((customerId) => ({ customerId, dataCategories: ['email'] }))),
    );
    incidents.incidents.get(incidentId)!.audienceChunks = 4;
    // Act
    const result = await sendNotices({ ...ref, fromChunk: 0 }, deps);
    // Assess: everyone reached; 400 emails at 100/s took four seconds of pacing, the 100 SMS none.
    expect(result).toMatchObject({ done: true, sent: 500 });
    expect(sms).toBe(100);
    expect(t).toBe(4_000);
    const busiest = Math.max(
      ...emailCalls.map((first) => emailCalls.filter((c) => c.at >= first.at && c.at < first.at + 1000).reduce((sum, c) => sum + c.recipients, 0)),
    );
    expect(busiest).toBeLessThanOrEqual(100);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('a call that fails while the next one waits for the pacer stops the chunk: the waiting call is never made', async () => {
    // Prepare: two email calls in chunk 0 (a in en-GB, b in zh-CN), two in flight; the first is refused (429) while the second waits for its tokens.
    const calls: string[] = [];
    let refused!: () => void;
    const refusal = new Promise<void>((resolve) => (refused = resolve));
    const email: Pick<EmailSender, 'sendBulk'> = {
      sendBulk: async (_t: string, _d: Record<string, unknown>, entries: BulkEntry[]) => {
        calls.push(...entries.map((e) => e.to));
        if (calls.length === 1) {
          refused();
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
        }
        return entries.map((e) => ({ status: 'SUCCESS', messageId: `m-${e.to}` }));
      },
    };
    let takes = 0;
    const gate = {
      take: async () => {
        if (takes++ === 0) return;
        await refusal;
        // Past the refusal's bookkeeping (in-memory ports: microtasks), as a real wait would be.
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
      giveBack: () => undefined,
    };
    const messaging: Messaging = { sendSms: async () => 's', publish: async () => 'x' };
    const { deps } = world({ channels: testChannels({ email, messaging, templatePrefix: 'bn', smsConcurrency: 2 }), pacer: gate, callsInFlight: 2 });
    // Act
    await expect(sendNotices({ ...ref, fromChunk: 0 }, deps)).rejects.toMatchObject({ name: 'DeliveryRetryableError' });
    // Assess: the refused call only; the second went nowhere and stays for the retry.
    expect(calls).toEqual(['a@example.com']);
    expect(takes).toBe(2);
  });
});

describe('a provider that refuses a whole call', () => {
  /** AWS's answer as the SDK raises it: the exception's name, the HTTP status and the provider's own message. */
  const refusal = (name: string, status: number, message: string) =>
    Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
  const sendsWith = (email: Pick<EmailSender, 'sendBulk'>, messaging: Messaging) => testChannels({ email, messaging, templatePrefix: 'bn', smsConcurrency: 2 });
  /** A provider that refuses while `refusing.now`, and otherwise sends and logs every recipient. */
  function providers(refuseEmail?: () => Error, refuseSms?: () => Error) {
    const refusing = { now: true };
    const sent: string[] = [];
    const email: Pick<EmailSender, 'sendBulk'> = {
      sendBulk: async (_t, _d, entries) => {
        if (refusing.now && refuseEmail) throw refuseEmail();
        return entries.map((e) => (sent.push(`email:${e.to}`), { status: 'SUCCESS', messageId: `m-${e.to}` }));
      },
    };
    const messaging: Messaging = {
      sendSms: async (phone) => {
        if (refusing.now && refuseSms) throw refuseSms();
        sent.push(`sms:${phone}`);
        return `s-${phone}`;
      },
      publish: async () => 'x',
    };
    return { refusing, sent, channels: sendsWith(email, messaging) };
  }

  // SES v2 SendBulkEmail's errors (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendBulkEmail.html#API_SendBulkEmail_Errors)
  // and AccessDeniedException, common to SES v2 actions (https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html).
  it.each([
    ['AccessDeniedException', 403, 'ProviderRefusedError'],
    ['MessageRejected', 400, 'ProviderRefusedError'],
    ['MailFromDomainNotVerifiedException', 400, 'ProviderRefusedError'],
    ['AccountSuspendedException', 400, 'ProviderRefusedError'],
    ['NotFoundException', 404, 'ProviderRefusedError'],
    ['BadRequestException', 400, 'ProviderRefusedError'],
    ['SendingPausedException', 400, 'SendingPausedError'],
    ['TooManyRequestsException', 429, 'DeliveryRetryableError'],
    ['LimitExceededException', 400, 'DeliveryRetryableError'],
    ['ThrottlingException', 400, 'DeliveryRetryableError'],
  ])('SES refusing SendBulkEmail with %s (%i) stops the slice with %s; once SES accepts, everyone is emailed once', async (name, status, expected) => {
    // Prepare
    const { refusing, sent, channels } = providers(() => refusal(name, status, 'refused by SES'));
    const { deps } = world({ channels });
    // Act
    const error = (await sendNotices({ ...ref, fromChunk: 0 }, deps).catch((e: unknown) => e)) as Error;
    // Assess
    expect(error.name).toBe(expected);
    if (expected === 'ProviderRefusedError') expect(error.message).toBe(`SES refused: ${name}: refused by SES`);
    expect(sent.filter((s) => s.startsWith('email:'))).toEqual([]);
    refusing.now = false;
    await sendNotices({ ...ref, fromChunk: 0 }, deps);
    expect(sent.filter((s) => s.startsWith('email:')).sort()).toEqual(['email:a@example.com', 'email:b@example.com', 'email:e@example.com']);
  });

  // SNS Publish's errors (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors), by the SDK's names.
  it.each([
    ['AuthorizationErrorException', 403, 'ProviderRefusedError'],
    ['InvalidSecurityException', 403, 'ProviderRefusedError'],
    ['KMSAccessDeniedException', 400, 'ProviderRefusedError'],
    ['KMSDisabledException', 400, 'ProviderRefusedError'],
    ['KMSInvalidStateException', 400, 'ProviderRefusedError'],
    ['KMSNotFoundException', 400, 'ProviderRefusedError'],
    ['KMSOptInRequired', 403, 'ProviderRefusedError'],
    ['NotFoundException', 404, 'ProviderRefusedError'],
    ['PlatformApplicationDisabledException', 400, 'ProviderRefusedError'],
    ['ThrottledException', 429, 'DeliveryRetryableError'],
    ['KMSThrottlingException', 400, 'DeliveryRetryableError'],
  ])('SNS refusing Publish with %s (%i) stops the slice with %s; once SNS accepts, the number is texted once', async (name, status, expected) => {
    // Prepare
    const { refusing, sent, channels } = providers(undefined, () => refusal(name, status, 'refused by SNS'));
    const { deps } = world({ channels });
    // Act
    const error = (await sendNotices({ ...ref, fromChunk: 0 }, deps).catch((e: unknown) => e)) as Error;
    // Assess
    expect(error.name).toBe(expected);
    if (expected === 'ProviderRefusedError') expect(error.message).toBe(`SNS refused: ${name}: refused by SNS`);
    refusing.now = false;
    await sendNotices({ ...ref, fromChunk: 0 }, deps);
    expect(sent.filter((s) => s.startsWith('sms:'))).toEqual(['sms:+447700900001']);
  });

  it("names the provider's reason without the addresses and numbers in the provider's message", async () => {
    // SES in the sandbox lists the recipients that failed verification; IAM names the sender identity, or the number an SMS went to.
    const rejected = 'Email address is not verified. The following identities failed the check in region EU-WEST-1: a@example.com, b@example.com';
    const denied =
      'User: arn:aws:sts::123456789012:assumed-role/send-role/breach-notice-send-notices is not authorized to perform: SNS:Publish on resource: +447700900001 because no identity-based policy allows the SNS:Publish action';
    const email = providers(() => refusal('MessageRejected', 400, rejected));
    const sms = providers(undefined, () => refusal('AuthorizationErrorException', 403, denied));
    const fromSes = (await sendNotices({ ...ref, fromChunk: 0 }, world({ channels: email.channels }).deps).catch((e: unknown) => e)) as Error;
    const fromSns = (await sendNotices({ ...ref, fromChunk: 0 }, world({ channels: sms.channels }).deps).catch((e: unknown) => e)) as Error;
    expect(fromSes.message).toBe(
      'SES refused: MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: <address>, <address>',
    );
    expect(fromSns.message).toBe(
      'SNS refused: AuthorizationErrorException: User: arn:aws:sts::123456789012:assumed-role/send-role/breach-notice-send-notices is not authorized to perform: SNS:Publish on resource: <phone number> because no identity-based policy allows the SNS:Publish action',
    );
    expect(withoutContactPoints('on resource: arn:aws:ses:eu-west-1:123456789012:identity/security@example.com because')).toBe(
      'on resource: arn:aws:ses:eu-west-1:123456789012:identity/<address> because',
    );
    // Long messages are cut: the reason travels in the state machine's payload.
    const long = (await sendNotices(
      { ...ref, fromChunk: 0 },
      world({ channels: providers(() => refusal('BadRequestException', 400, 'x'.repeat(5_000))).channels }).deps,
    ).catch((e: unknown) => e)) as Error;
    expect(long.message.length).toBeLessThanOrEqual('SES refused: BadRequestException: '.length + REFUSAL_MESSAGE_MAX);
  });
});
