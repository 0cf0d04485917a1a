import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { evidenceTags, noEvidenceCounts, sesEventDetailSchema } from '../../functions/domain/delivery-evidence.js';
import type { NoticeRef } from '../../functions/domain/delivery.js';
import { systemClock } from '../../functions/shared/clock.js';
import { recordDeliveryEvidence, type EvidenceMessage } from '../../functions/steps/record-delivery-evidence.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

const prefix = uniquePrefix('evbt');
let table: string;
const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

/** A DynamoDB client counting each command it sends, and failing, with a 500 below the SDK's retries, every request on an item whose partition key is or starts with one of `poisoned`. */
function client(poisoned: ReadonlySet<string> = new Set()) {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb, maxAttempts: 1 }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const sent: string[] = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? '');
      const pk = String(((args.input as { Key?: { pk?: unknown } }).Key?.pk as { S?: string } | undefined)?.S ?? '');
      if ([...poisoned].some((key) => pk === key || pk.startsWith(key)))
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalServerError', $fault: 'server' });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countAndPoison' },
  );
  return { store: new EvidenceStore(doc, table, systemClock), sent, doc };
}

/** A one-attempt client (as `dynamoOnce`) whose first write on a counts item lands and whose answer is then lost. */
function losingCountsAnswer() {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb, maxAttempts: 1 }),
  );
  let lost = false;
  doc.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      if (!lost) {
        lost = true;
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', $retryable: {} });
      }
      return out;
    },
    { step: 'deserialize', name: 'loseFirstAnswer' },
  );
  return doc;
}

/** SES's Send and Delivery events of `customers` for one notice, as the queue hands them over. */
function sendAndDelivery(ref: NoticeRef, customers: string[]): EvidenceMessage[] {
  return customers.flatMap((customerId, i) =>
    (['Send', 'Delivery'] as const).map((eventType, j) => ({
      id: `${ref.noticeId}-${customerId}-${eventType}`,
      time: at(i + j),
      detail: sesEventDetailSchema.parse({
        eventType,
        mail: { messageId: `m-${customerId}`, tags: Object.fromEntries(Object.entries(evidenceTags(ref, customerId, 'email')).map(([k, v]) => [k, [v]])) },
      }),
    })),
  );
}

beforeAll(async () => {
  ({
    tables: { deliveries: table },
  } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix }));
});

describe('a batch of SES events from the evidence queue, on DynamoDB Local', () => {
  it("writes each recipient's events once and each notice's counts once, and a batch received twice counts nothing twice", async () => {
    // Prepare: 100 recipients' Send and Delivery across two notices, shuffled as a queue hands them over.
    const [a, b] = [
      { incidentId: 'inc-20261207-00000000evb1', noticeId: 'first-notice-1' },
      { incidentId: 'inc-20261207-00000000evb1', noticeId: 'update-2' },
    ];
    const ids = Array.from({ length: 50 }, (_, i) => `c${i}`);
    const messages = [...sendAndDelivery(a, ids), ...sendAndDelivery(b, ids)].sort(() => Math.random() - 0.5);
    const { store, sent } = client();
    // Act
    const first = await recordDeliveryEvidence(messages, { evidence: store });
    const writes = sent.length;
    const again = await recordDeliveryEvidence(messages, { evidence: store });
    // Assess
    expect(first).toMatchObject({ failed: [], ignored: 0, errors: [] });
    expect(writes).toBe(100 + 2);
    expect(again.firsts).toEqual([]);
    for (const ref of [a, b]) expect(await store.counts(ref, 'email')).toEqual({ ...noEvidenceCounts(), Send: 50, Delivery: 50 });
    expect((await store.read(a, 'email', ['c7'])).get('c7')?.seen).toEqual({ Send: expect.any(String), Delivery: expect.any(String) });
  });

  it('reports the events it could not write, counts only those written, and counts them once when they come again', async () => {
    // Prepare: every write about c3 and c4 fails with a 500 below the SDK.
    const ref = { incidentId: 'inc-20261207-00000000evb2', noticeId: 'first-notice-1' };
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const messages = sendAndDelivery(ref, ids);
    // Act
    const broken = await recordDeliveryEvidence(messages, { evidence: client(new Set(['CUSTOMER#c3', 'CUSTOMER#c4'])).store });
    const counted = await client().store.counts(ref, 'email');
    const redelivered = await recordDeliveryEvidence(
      messages.filter((m) => broken.failed.includes(m.id)),
      { evidence: client().store },
    );
    // Assess
    expect(broken.failed.sort()).toEqual(
      messages
        .filter((m) => /-c[34]-/.test(m.id))
        .map((m) => m.id)
        .sort(),
    );
    expect(broken.errors).toEqual(['InternalServerError: We encountered an internal error. Please try again.']);
    expect(counted).toEqual({ ...noEvidenceCounts(), Send: 3, Delivery: 3 });
    expect(redelivered.failed).toEqual([]);
    expect(await client().store.counts(ref, 'email')).toEqual({ ...noEvidenceCounts(), Send: 5, Delivery: 5 });
  });

  it("never adds a batch's counts twice when the answer to their write is lost, and lists an undeliverable recipient once its write gets through", async () => {
    // Prepare: c1 bounces for good; the counts' answer is lost once; the first undeliverable write fails with a 500.
    const ref = { incidentId: 'inc-20261207-00000000evb4', noticeId: 'first-notice-1' };
    const bounce = {
      id: 'bounce-c1',
      time: at(2),
      detail: sesEventDetailSchema.parse({
        eventType: 'Bounce',
        bounce: { bounceType: 'Permanent' },
        mail: { messageId: 'm-c1', tags: Object.fromEntries(Object.entries(evidenceTags(ref, 'c1', 'email')).map(([k, v]) => [k, [v]])) },
      }),
    };
    const messages = [...sendAndDelivery(ref, ['c2']), bounce];
    const failing = client(new Set(['UNDELIVERABLE#']));
    // Act
    const lostAnswer = await recordDeliveryEvidence(messages, {
      evidence: new EvidenceStore(failing.doc, table, systemClock, losingCountsAnswer()),
    });
    const again = await recordDeliveryEvidence(
      messages.filter((m) => lostAnswer.failed.includes(m.id)),
      { evidence: client().store },
    );
    // Assess: the counts landed once; the bounce, whose undeliverable write failed before anything of it was recorded, came again: listed and counted.
    expect(lostAnswer.failed.sort()).toEqual(messages.map((m) => m.id).sort());
    expect(again.failed).toEqual([]);
    expect(await client().store.counts(ref, 'email')).toEqual({ ...noEvidenceCounts(), Send: 1, Delivery: 1, BouncePermanent: 1 });
    expect(await client().store.undeliverable(ref)).toEqual([expect.objectContaining({ customerId: 'c1', channel: 'email', event: 'BouncePermanent' })]);
  });

  it('answers as failed every event of a notice whose counts could not be written', async () => {
    // Prepare: the counts item's writes fail; the recipients' succeed.
    const ref = { incidentId: 'inc-20261207-00000000evb3', noticeId: 'first-notice-1' };
    const messages = sendAndDelivery(ref, ['c1', 'c2']);
    // Act
    const result = await recordDeliveryEvidence(messages, { evidence: client(new Set(['EVIDENCE#'])).store });
    // Assess: received again they are not counted twice (short, never double).
    expect(result.failed.sort()).toEqual(messages.map((m) => m.id).sort());
    expect(result.firsts).toEqual([]);
    expect(await client().store.counts(ref, 'email')).toEqual(noEvidenceCounts());
  });
});
