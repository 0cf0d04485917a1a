import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuestionStore, RateLimiter } from '../../functions/adapters/question-store.js';
import { PageRecords } from '../../functions/adapters/page-records.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators.js';
import { provision } from '../../local/system.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

const prefix = uniquePrefix('qst');
const incidentId = 'inc-20261120-0000000000aa';
const clock = { now: () => new Date('2026-11-22T10:00:00Z') };
let doc: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  const provisioned = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  table = provisioned.tables.incidents;
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb, maxAttempts: 10 }), { marshallOptions: { removeUndefinedValues: true } });
}, 60_000);

describe('the rate limiter on DynamoDB Local', () => {
  it('accepts exactly the limit of 40 concurrent requests from one client, and the next window starts afresh', async () => {
    // Prepare
    const limiter = new RateLimiter(doc, table, clock);
    // Act
    const taken = await Promise.all(Array.from({ length: 40 }, () => limiter.take('client', 'abc', 5, 600)));
    const later = await new RateLimiter(doc, table, { now: () => new Date('2026-11-22T10:10:00Z') }).take('client', 'abc', 5, 600);
    // Assess
    expect(taken.filter(Boolean)).toHaveLength(5);
    expect(later).toBe(true);
  });

  it('counts clients apart', async () => {
    const limiter = new RateLimiter(doc, table, clock);
    const a = await Promise.all(Array.from({ length: 8 }, () => limiter.take('client', 'a-1', 3, 600)));
    const b = await Promise.all(Array.from({ length: 8 }, () => limiter.take('client', 'b-1', 3, 600)));
    expect([a.filter(Boolean).length, b.filter(Boolean).length]).toEqual([3, 3]);
  });
});

describe('the question store on DynamoDB Local', () => {
  it('keeps a question with its retention TTL, answers it, claims its one email once, and publishes only FAQ-approved answers', async () => {
    // Prepare
    const store = new QuestionStore(doc, table, clock);
    const asked = { incidentId, questionId: 'q1', locale: 'en' as const, text: 'Is my <card> safe?', email: 'ann@example.com', askedAt: clock.now().toISOString(), status: 'OPEN' as const };
    await store.putQuestion(asked);
    await expect(store.putQuestion(asked)).rejects.toThrow();
    // Act
    await store.answer(incidentId, 'q1', { text: 'Yes.', locale: 'en', by: 'ops', at: '2026-11-22T11:00:00.000Z' }, true);
    const claims = await Promise.all([store.claimAnswerEmail(incidentId, 'q1'), store.claimAnswerEmail(incidentId, 'q1'), store.claimAnswerEmail(incidentId, 'q1')]);
    // Assess
    expect(claims.filter(Boolean)).toHaveLength(1);
    const [stored] = await store.listQuestions(incidentId);
    expect(stored).toMatchObject({ text: 'Is my <card> safe?', email: 'ann@example.com', status: 'ANSWERED', faq: 'PENDING' });
    const raw = await doc.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: table, Key: { pk: `INC#${incidentId}`, sk: 'QUESTION#q1' } }));
    expect(raw.Item!.ttl).toBe(Math.floor(clock.now().getTime() / 1000) + 730 * 86_400);
    // Pending approval: not on the page yet.
    expect(await new PageRecords(doc, table, clock).listFaq(incidentId, 'en')).toEqual([]);
  });
});
