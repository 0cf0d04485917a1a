import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import { CHANNEL_CONTACTS } from '../../functions/domain/channels/contact.js';
import type { BulkEntry, BulkEntryResult, Messaging } from '../../functions/domain/ports.js';
import { fallbackStep, noFallbackYet, type FallbackDeps } from '../../functions/steps/fallback.js';
import { sendNotices, type SendDeps } from '../../functions/steps/send-notices.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { testChannels } from '../support/channels.js';
import { FakeClock } from '../support/fakes.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';
import { openApprovedFirstNotice } from '../support/notices.js';
import { makeCustomers } from '../support/scenario.js';

/**
 * Fallback against the real ledger on DynamoDB Local: a customer whose email bounced for good gets the
 * notice by SMS exactly once, whatever repeats. The confirm step's fallback is run again as a retry
 * after a crash (after it planned, before the workflow saw its answer), twice at once, and again after
 * the send; the send step runs twice at once and again. The provider counts every SMS it was handed.
 */
const prefix = uniquePrefix('fbkled');
const CHUNK = 6;
// Every third chose SMS too (makeCustomers); everyone else gets a phone but chose email only, but for the last four: no phone.
const audience = makeCustomers(prefix, `fb-${prefix}`, 18).map((c, i) =>
  c.profile.phone || i >= 14 ? c : { ...c, profile: { ...c.profile, phone: `+4479${String(i).padStart(8, '0')}${prefix.slice(1, 3).replace(/\D/g, '0')}` } },
);
const clock = new FakeClock(Date.now());
let doc: DynamoDBDocumentClient;
let tables: Awaited<ReturnType<typeof provision>>['tables'];

beforeAll(async () => {
  ({ tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix }));
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: endpoints().dynamodb, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  await new CustomersRepository(doc, tables.customers).putCustomers(audience);
});

/** An incident with the audience in chunks of CHUNK and an approved first notice. */
async function approvedNotice() {
  const { incidents, notices } = incidentStores(doc, tables.incidents, clock);
  const customerIds = audience.map((c) => c.profile.customerId);
  const ref = await openApprovedFirstNotice(
    { incidents, notices },
    { label: 'fallback', customerIds, chunkSize: CHUNK, firstSeenAt: clock.now().toISOString() },
  );
  return { incidents, notices, ref };
}

describe('fallback to the next channel, exactly once', () => {
  it('retries, crashes and duplicates of the confirm and send steps hand each bounced customer one SMS; no phone: nothing', async () => {
    // Prepare: the notice sent to everyone on their chosen channels; then SES reports permanent bounces for five email-only customers with a phone, one who chose SMS too, and two without a phone.
    const { incidents, notices, ref } = await approvedNotice();
    const handed = new Map<string, number>();
    const email = {
      sendBulk: async (_t: string, _d: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]> =>
        entries.map(() => ({ status: 'SUCCESS', messageId: `m-${randomBytes(4).toString('hex')}` })),
    };
    const messaging: Messaging = {
      sendSms: async (phone: string) => {
        handed.set(phone, (handed.get(phone) ?? 0) + 1);
        return `s-${randomBytes(4).toString('hex')}`;
      },
      publish: () => Promise.reject(new Error('not used by the send step')),
    };
    let invocation = 0;
    const ledger = () => new DeliveriesLedger(doc, tables.deliveries, clock, 60);
    const send = async (fromChunk: number, toChunk: number) => {
      const deps: SendDeps = {
        incidents,
        notices,
        customers: new CustomersRepository(doc, tables.customers),
        ledger: ledger(),
        channels: testChannels({ email, messaging, templatePrefix: 'fb', smsConcurrency: 2 }),
        clock,
        owner: `inv-${++invocation}`,
        remainingTimeMs: () => 600_000,
        locales: ['en', 'zh-CN'],
        maxChunksPerInvocation: 10,
        reserveMs: 1,
      };
      for (let cursor = fromChunk; ; ) {
        const result = await sendNotices({ ...ref, fromChunk: cursor, toChunk }, deps);
        if (result.done) return;
        cursor = result.nextChunk;
      }
    };
    await send(0, 3);
    const smsAfterNotice = new Map(handed);
    const evidence = new EvidenceStore(doc, tables.deliveries, clock);
    const ids = audience.map((c) => c.profile.customerId);
    const bouncedIdx = [1, 2, 4, 5, 7, 3, 14, 15];
    for (const i of ids.keys())
      await evidence.record(ref, ids[i]!, 'email', bouncedIdx.includes(i) ? 'BouncePermanent' : 'Delivery', clock.now().toISOString());
    const fallbackIdx = bouncedIdx.filter((i) => !audience[i]!.profile.channels.includes('sms') && audience[i]!.profile.phone);
    expect(fallbackIdx).toEqual([1, 2, 4, 5, 7]);
    const deps: FallbackDeps = {
      evidence,
      ledger: ledger(),
      customers: new CustomersRepository(doc, tables.customers),
      channels: CHANNEL_CONTACTS,
      evidenceChannels: ['email'],
      evidenceWindowSeconds: 60,
      clock,
    };

    // Act 1: the confirm step plans the fallback; a retry after a crash runs it again; two run at once.
    const first = await fallbackStep(ref, noFallbackYet(), deps);
    const retried = await fallbackStep(ref, noFallbackYet(), deps);
    const together = await Promise.all([fallbackStep(ref, noFallbackYet(), deps), fallbackStep(ref, noFallbackYet(), deps)]);
    // Assess 1: planned once; every attempt sends the same chunks, whose claims decide who is sent.
    expect(first).toMatchObject({ kind: 'send', customers: 5, planned: 5, byChannel: { sms: 5 }, chunks: [0, 1] });
    expect(retried).toMatchObject({ kind: 'send', customers: 5, planned: 0, chunks: [0, 1] });
    for (const t of together) expect(t).toMatchObject({ kind: 'send', planned: 0 });

    // Act 2: the send step over those chunks, twice at once and once more (a Map item retried).
    await Promise.all([send(0, 2), send(0, 2)]);
    await send(0, 2);
    // Assess 2: one SMS per bounced customer with a phone; nothing more for anyone else.
    for (const [i, c] of audience.entries()) {
      const phone = c.profile.phone;
      if (!phone) continue;
      const extra = (handed.get(phone) ?? 0) - (smsAfterNotice.get(phone) ?? 0);
      expect(extra, `${c.profile.customerId} (${fallbackIdx.includes(i) ? 'fallback' : 'no fallback'})`).toBe(fallbackIdx.includes(i) ? 1 : 0);
    }
    for (const i of fallbackIdx) {
      const sms = (await ledger().outcomesForCustomer(ids[i]!)).find((o) => o.incidentId === ref.incidentId && o.channel === 'sms');
      expect(sms).toMatchObject({ status: 'SENT', batchKey: expect.stringMatching(/#fb1#/) });
    }

    // Act 3: a retry of the confirm step after the send, from its first state.
    const after = await fallbackStep(ref, noFallbackYet(), deps);
    // Assess 3: nobody left to fall back; the two without a phone remain unreached.
    expect(after).toEqual({ kind: 'done', state: { round: 1, polls: 0 } });
  });

  it('waits for the evidence: while an accepted email has no final event and the window is open, nobody falls back yet', async () => {
    // Prepare: sent, and only a Send event for one customer so far.
    const { ref } = await approvedNotice();
    const ledger = new DeliveriesLedger(doc, tables.deliveries, clock, 60);
    const claim = await ledger.acquire(ref, 'email', 'c000000#en#0', ['a', 'b'], 'x');
    if (claim.kind !== 'claimed') throw new Error(claim.kind);
    const at = clock.now().toISOString();
    await ledger.complete(
      ref,
      'email',
      'c000000#en#0',
      claim.token,
      { sent: 2, failed: 0, retryable: 0, uncertain: 0 },
      [],
      [
        { ...ref, customerId: 'a', channel: 'email', batchKey: 'c000000#en#0', status: 'SENT', at },
        { ...ref, customerId: 'b', channel: 'email', batchKey: 'c000000#en#0', status: 'SENT', at },
      ],
    );
    const evidence = new EvidenceStore(doc, tables.deliveries, clock);
    await evidence.record(ref, 'a', 'email', 'Delivery', at);
    let slept = 0;
    const deps: FallbackDeps = {
      evidence,
      ledger,
      customers: new CustomersRepository(doc, tables.customers),
      channels: CHANNEL_CONTACTS,
      evidenceChannels: ['email'],
      evidenceWindowSeconds: 60,
      clock,
      sleep: async (ms) => {
        slept += ms;
        clock.current += ms;
      },
    };
    // Act + Assess: a few seconds inside the function, then one Wait state for the rest of the window; then it checks.
    const one = await fallbackStep(ref, noFallbackYet(), deps);
    expect(slept).toBe(3000);
    expect(one).toEqual({ kind: 'wait', seconds: 57, state: { round: 0, polls: 1, since: at } });
    clock.current += 57_000;
    expect(await fallbackStep(ref, one.state, deps)).toEqual({ kind: 'done', state: { round: 1, polls: 0 } });
    // Evidence complete early ends the wait at once.
    await evidence.record(ref, 'b', 'email', 'Delivery', at);
    slept = 0;
    expect(await fallbackStep(ref, noFallbackYet(), deps)).toEqual({ kind: 'done', state: { round: 1, polls: 0 } });
    expect(slept).toBe(0);
  });
});
