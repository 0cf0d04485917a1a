import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import type { CustomerProfile } from '../../functions/domain/customer.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import type { Outcome } from '../../functions/domain/delivery.js';
import type { BulkEntry, BulkEntryResult, EmailSender, IncidentStorePort, Messaging, NoticeStorePort } from '../../functions/domain/ports.js';
import { HANDED_TO_HTTP } from '../../functions/domain/provider-failure.js';
import type { Clock } from '../../functions/shared/clock.js';
import { sendNotices, type SendDeps } from '../../functions/steps/send-notices.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { testChannels } from '../support/channels.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';
import { makeCustomers } from '../support/scenario.js';
import { openApprovedFirstNotice } from '../support/notices.js';

/**
 * A property test of the exactly-once protocol: the real send step and the real ledger on DynamoDB
 * Local, driven through random interleavings of duplicate concurrent invocations (each with several
 * calls in flight), provider answers
 * (accepted, refused, throttled entries, accepted then answer lost, 5xx after accepting), process
 * deaths at any ledger write or right after the provider accepted, and the clock jumping past leases.
 */
const prefix = uniquePrefix('model');
const LEASE_SECONDS = 60;
const CHUNK = 12;
const audience = makeCustomers(prefix, `model-${prefix}`, 24);
const profiles = new Map<string, CustomerProfile>(audience.map((c) => [c.profile.customerId, c.profile]));
let doc: DynamoDBDocumentClient;
let tables: Awaited<ReturnType<typeof provision>>['tables'];

class Crash extends Error {
  override name = 'Crash';
}

class ManualClock implements Clock {
  current = Date.parse('2026-11-20T08:00:00Z');
  now() {
    return new Date(this.current);
  }
}

type EmailAnswer = 'ok' | 'refuse' | 'throttle-some' | 'accept-lose-answer' | 'accept-then-500' | 'accept-then-die';
type SmsAnswer = 'ok' | 'refuse' | 'invalid-number' | 'accept-lose-answer' | 'accept-then-500' | 'accept-then-die';
type LedgerMethod = 'acquire' | 'complete' | 'release';

interface Plan {
  invocations: number;
  /** Provider calls each invocation has in flight at once. */
  callsInFlight: number;
  email: EmailAnswer[];
  sms: SmsAnswer[];
  /** The nth call (over all invocations) of a ledger method kills its invocation, before or after it lands. */
  deaths: { method: LedgerMethod; nth: number; landed: boolean }[];
  /** Milliseconds each port call waits first, taken in turn: the interleaving. */
  delays: number[];
  /** Seconds the clock moves between rounds of retries. */
  clockSteps: number[];
}

const status = (code: number, name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: code } });
/** As the provider clients raise it: out of the HTTP handler, no answer. */
const lostAnswer = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', [HANDED_TO_HTTP]: true });

/** The world one run plays in: what the providers really delivered, and the plan's cursors. */
class World {
  delivered = new Map<string, number>();
  private emailCalls = 0;
  private smsCalls = 0;
  private delayCursor = 0;
  private ledgerCalls: Record<LedgerMethod, number> = { acquire: 0, complete: 0, release: 0 };
  readonly clock = new ManualClock();

  constructor(readonly plan: Plan) {}

  private deliver(key: string) {
    this.delivered.set(key, (this.delivered.get(key) ?? 0) + 1);
  }

  async pause() {
    const ms = this.plan.delays[this.delayCursor++ % this.plan.delays.length] ?? 0;
    await new Promise((r) => setTimeout(r, ms));
  }

  /** Ports for one invocation. Once it dies, every port refuses to act: a dead process does nothing more. */
  invocation(owner: string): Pick<SendDeps, 'ledger' | 'channels' | 'owner'> {
    let dead = false;
    const die = () => {
      dead = true;
      return new Crash(`${owner} died`);
    };
    const guard = async () => {
      await this.pause();
      if (dead) throw new Crash(`${owner} is dead`);
    };
    const real = new DeliveriesLedger(doc, tables.deliveries, this.clock, LEASE_SECONDS);
    const ledger = new Proxy(real, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || !['acquire', 'complete', 'release'].includes(String(prop))) return value;
        const method = prop as LedgerMethod;
        return async (...args: unknown[]) => {
          await guard();
          const nth = ++this.ledgerCalls[method];
          const death = this.plan.deaths.find((d) => d.method === method && d.nth === nth);
          if (death && !death.landed) throw die();
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (death) throw die();
          return result;
        };
      },
    });
    const email: Pick<EmailSender, 'sendBulk'> = {
      sendBulk: async (_template: string, _defaults: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]> => {
        await guard();
        const answer = this.plan.email[this.emailCalls++] ?? 'ok';
        if (answer === 'refuse') throw status(429, 'TooManyRequestsException');
        const results = entries.map((e, i): BulkEntryResult => {
          if (answer === 'throttle-some' && i % 2 === 0) return { status: 'ACCOUNT_THROTTLED', error: 'Maximum sending rate exceeded.' };
          this.deliver(`email:${e.to}`);
          return { status: 'SUCCESS', messageId: `m-${randomBytes(4).toString('hex')}` };
        });
        if (answer === 'accept-lose-answer') throw lostAnswer();
        if (answer === 'accept-then-500') throw status(500, 'InternalFailure');
        if (answer === 'accept-then-die') throw die();
        return results;
      },
    };
    const messaging: Messaging = {
      sendSms: async (phone: string) => {
        await guard();
        const answer = this.plan.sms[this.smsCalls++] ?? 'ok';
        if (answer === 'refuse') throw status(429, 'ThrottledException');
        if (answer === 'invalid-number') throw status(400, 'InvalidParameterException');
        this.deliver(`sms:${phone}`);
        if (answer === 'accept-lose-answer') throw lostAnswer();
        if (answer === 'accept-then-500') throw status(500, 'InternalErrorException');
        if (answer === 'accept-then-die') throw die();
        return `s-${randomBytes(4).toString('hex')}`;
      },
      publish: () => Promise.reject(new Error('not used by the send step')),
    };
    return { ledger, channels: testChannels({ email, messaging, templatePrefix: 'model', smsConcurrency: 3 }), owner };
  }
}

function openApprovedNotice(incidents: IncidentStorePort, notices: NoticeStorePort): Promise<{ incidentId: string; noticeId: string }> {
  const customerIds = audience.map((c) => c.profile.customerId);
  return openApprovedFirstNotice({ incidents, notices }, { label: 'model', customerIds, chunkSize: CHUNK, firstSeenAt: '2026-11-20T08:00:00.000Z' });
}

/** Runs one plan to the end: rounds of concurrent invocations until a clean invocation finds nothing left to do. */
async function play(plan: Plan) {
  const world = new World(plan);
  const { incidents, notices } = incidentStores(doc, tables.incidents, world.clock);
  const customers = new CustomersRepository(doc, tables.customers);
  const input = await openApprovedNotice(incidents, notices);
  let invocationNo = 0;
  const invoke = async () => {
    const deps: SendDeps = {
      incidents,
      notices,
      customers,
      clock: world.clock,
      remainingTimeMs: () => 600_000,
      locales: ['en', 'zh-CN'],
      maxChunksPerInvocation: 10,
      reserveMs: 1,
      callsInFlight: plan.callsInFlight,
      ...world.invocation(`inv-${++invocationNo}`),
    };
    // As the state machine does: from the cursor, again and again, until done or an error ends the invocation.
    for (let fromChunk = 0; ; ) {
      const result = await sendNotices({ ...input, fromChunk }, deps);
      if (result.done) return 'done';
      fromChunk = result.nextChunk;
    }
  };
  const step = async (seconds: number) => {
    world.clock.current += seconds * 1000;
  };
  for (const seconds of [0, ...plan.clockSteps]) {
    await step(seconds);
    await Promise.all(Array.from({ length: plan.invocations }, () => invoke().catch((e: Error) => e.name)));
  }
  // Retries go on after the faults: past every lease, until one invocation completes.
  for (let round = 0; ; round += 1) {
    if (round === 10) throw new Error('the send step never completed after the faults ended');
    await step(LEASE_SECONDS + 1);
    if ((await invoke().catch((e: Error) => e.name)) === 'done') break;
  }
  const ledger = new DeliveriesLedger(doc, tables.deliveries, world.clock, LEASE_SECONDS);
  return { world, input, ledger };
}

beforeAll(async () => {
  ({ tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix }));
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: endpoints().dynamodb, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  await new CustomersRepository(doc, tables.customers).putCustomers(audience);
});

const planArb: fc.Arbitrary<Plan> = fc.record({
  invocations: fc.integer({ min: 1, max: 3 }),
  callsInFlight: fc.integer({ min: 1, max: 4 }),
  email: fc.array(fc.constantFrom<EmailAnswer>('ok', 'ok', 'refuse', 'throttle-some', 'accept-lose-answer', 'accept-then-500', 'accept-then-die'), {
    maxLength: 8,
  }),
  sms: fc.array(fc.constantFrom<SmsAnswer>('ok', 'ok', 'refuse', 'invalid-number', 'accept-lose-answer', 'accept-then-500', 'accept-then-die'), {
    maxLength: 8,
  }),
  deaths: fc.array(
    fc.record({ method: fc.constantFrom<LedgerMethod>('acquire', 'complete', 'release'), nth: fc.integer({ min: 1, max: 8 }), landed: fc.boolean() }),
    { maxLength: 3 },
  ),
  delays: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 16 }),
  clockSteps: fc.array(fc.integer({ min: 0, max: 2 * LEASE_SECONDS }), { maxLength: 3 }),
});

describe('the deliveries ledger under random interleavings (fast-check, DynamoDB Local)', () => {
  it('never sends one notice twice to a recipient, and leaves nobody without a final outcome', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        const { world, input, ledger } = await play(plan);
        const outcomes: Outcome[] = [];
        for (const id of profiles.keys()) outcomes.push(...(await ledger.outcomesForCustomer(id)).filter((o) => o.incidentId === input.incidentId));
        const outcomeOf = (channel: string, id: string) => outcomes.find((o) => o.channel === channel && o.customerId === id);
        for (const [id, p] of profiles) {
          for (const channel of p.channels) {
            const key = `${channel}:${channel === 'email' ? p.email : p.phone}`;
            const delivered = world.delivered.get(key) ?? 0;
            const outcome = outcomeOf(channel, id);
            // Nobody without a final outcome.
            expect(outcome?.status, key).toMatch(/^(SENT|FAILED|UNCERTAIN)$/);
            // Never two sends; a single send is always SENT or UNCERTAIN, never FAILED.
            expect(delivered, key).toBeLessThanOrEqual(1);
            if (outcome!.status === 'SENT') expect(delivered, key).toBe(1);
            if (outcome!.status === 'FAILED') expect(delivered, key).toBe(0);
          }
        }
        // The totals agree with the outcomes, and every claim is finished.
        const totals = await ledger.noticeTotals(input);
        for (const channel of ['email', 'sms'] as const) {
          const mine = outcomes.filter((o) => o.channel === channel);
          expect(totals[channel], channel).toMatchObject({
            sent: mine.filter((o) => o.status === 'SENT').length,
            failed: mine.filter((o) => o.status === 'FAILED').length,
            uncertain: mine.filter((o) => o.status === 'UNCERTAIN').length,
            unfinished: 0,
          });
        }
        const listed = Object.entries(await ledger.uncertainRecipients(input))
          .flatMap(([channel, ids]) => ids.map((id) => `${channel}:${id}`))
          .sort();
        expect(listed).toEqual(
          outcomes
            .filter((o) => o.status === 'UNCERTAIN')
            .map((o) => `${o.channel}:${o.customerId}`)
            .sort(),
        );
      }),
      { numRuns: Number(process.env.LEDGER_MODEL_RUNS ?? 40) },
    );
  }, 600_000);
});
