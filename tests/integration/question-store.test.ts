import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../functions/adapters/incident-store.js';
import { keys } from '../../functions/adapters/keys.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import { IncidentPageRecords } from '../../functions/adapters/incident-page-records.js';
import { QuestionStore, RateLimiter } from '../../functions/adapters/question-store.js';
import type { Notice } from '../../functions/domain/incident.js';
import { draftNotice } from '../../functions/domain/notice.js';
import {
  ADDRESS_RETENTION_DAYS,
  FORM_LIFETIME_MS,
  FORM_LIMITS,
  FormTokenUsedError,
  issueFormToken,
  MIN_FILL_MS,
  QUESTION_RETENTION_DAYS,
  type FormKeys,
} from '../../functions/domain/question-form.js';
import { questionFormRequest, type QuestionFormDeps } from '../../functions/http/question-form.js';
import { publishIncidentPage } from '../../functions/steps/publish-incident-page.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { noticeRecord } from '../support/notices.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

// Every clock here is relative to now: items written carry TTLs in the future, which DynamoDB Local honours.
const prefix = uniquePrefix('qst');
const FORM_KEYS: FormKeys = { current: { version: 'v1', key: 'k'.repeat(48) } };
let doc: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  const provisioned = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  table = provisioned.tables.incidents;
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb, maxAttempts: 10 }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}, 60_000);

let incidentCount = 0;
/** An open incident of its own per test, so counters and questions never mix. */
async function openIncident(): Promise<string> {
  incidentCount += 1;
  const incidentId = `inc-20261120-${String(incidentCount).padStart(4, '0')}${prefix.slice(1, 9)}`;
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { ...keys.incident(incidentId), type: 'incident', incidentId, status: 'OPEN', firstSeenAt: new Date().toISOString() },
    }),
  );
  return incidentId;
}

/**
 * The form over the real stores. Its clock stands still MIN_FILL_MS (a person's typing time) after the
 * tokens were served, so all of a test's requests fall in one rate-limit window.
 */
function form() {
  const served = new Date();
  const now = () => new Date(served.getTime() + MIN_FILL_MS);
  const deps: QuestionFormDeps = {
    questions: new QuestionStore(doc, table, { now }),
    limiter: new RateLimiter(doc, table, { now }),
    formKeys: { get: async () => FORM_KEYS, refresh: async () => FORM_KEYS },
    limits: FORM_LIMITS,
    clock: { now },
    locales: ['en'],
    pageUrl: (id) => `https://pages.example/${id}/en.html`,
  };
  const token = (incidentId: string) => issueFormToken(FORM_KEYS, incidentId, 'en', served);
  const ask = async (incidentId: string, token: string, sourceIp: string, question = 'Was my card in the leak?') =>
    (await questionFormRequest({ method: 'POST', incidentId, sourceIp, body: new URLSearchParams({ locale: 'en', token, question }).toString() }, deps)).status;
  return { deps, token, ask };
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('the rate limiter on DynamoDB Local', () => {
  it('places exactly the limit of 40 concurrent requests from one client, numbered 1 to 5, and the next window starts afresh', async () => {
    // Prepare
    const start = Date.now();
    const limiter = new RateLimiter(doc, table, { now: () => new Date(start) });
    // Act
    const places = await Promise.all(Array.from({ length: 40 }, () => limiter.place('client', `abc-${start}`, 5, 600)));
    const later = await new RateLimiter(doc, table, { now: () => new Date(start + 600_000) }).place('client', `abc-${start}`, 5, 600);
    // Assess
    expect(places.filter((p) => p !== undefined).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(later).toBe(1);
  });

  it('counts clients apart', async () => {
    const limiter = new RateLimiter(doc, table, { now: () => new Date() });
    const a = await Promise.all(Array.from({ length: 8 }, () => limiter.take('client', `a-${prefix}`, 3, 600)));
    const b = await Promise.all(Array.from({ length: 8 }, () => limiter.take('client', `b-${prefix}`, 3, 600)));
    expect([a.filter(Boolean).length, b.filter(Boolean).length]).toEqual([3, 3]);
  });
});

describe('the question form on DynamoDB Local', () => {
  it('takes one question per form token: two posts of one token, then the same token from 61 addresses at once, store exactly one', async () => {
    // Prepare
    const incidentId = await openIncident();
    const f = form();
    const token = f.token(incidentId);
    // Act
    const twice = [await f.ask(incidentId, token, '192.0.2.10'), await f.ask(incidentId, token, '192.0.2.10')];
    const other = f.token(incidentId);
    const racing = await Promise.all(Array.from({ length: 61 }, (_, i) => f.ask(incidentId, other, `203.0.113.${i + 1}`)));
    // Assess
    expect(twice).toEqual([200, 409]);
    expect([count(racing, 200), count(racing, 409)]).toEqual([1, 60]);
    expect(await new QuestionStore(doc, table, { now: () => new Date() }).listQuestions(incidentId)).toHaveLength(2);
  });

  it('refuses a used token in the same transaction as the question, however the requests race', async () => {
    const incidentId = await openIncident();
    const store = new QuestionStore(doc, table, { now: () => new Date() });
    const token = { nonce: `n${prefix.slice(1, 9)}race0001`, expiresAt: new Date(Date.now() + FORM_LIFETIME_MS) };
    const asked = (i: number) => ({
      incidentId,
      questionId: `q-race-${i}`,
      locale: 'en' as const,
      text: 'Is my card safe?',
      email: `racer${i}@example.com`,
      askedAt: new Date().toISOString(),
      status: 'OPEN' as const,
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.putQuestion(asked(i), token)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof FormTokenUsedError)).toBe(true);
    // Nothing of the refused ones was written: one question, one address.
    const partition = await doc.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `QUESTION#${incidentId}` } }),
    );
    expect(partition.Items!.map((i) => i.type).sort()).toEqual(['question', 'question-address']);
  });

  it('stays open to a genuine asker from another address after 40 concurrent posts from one client and 366 from 61 addresses', async () => {
    // Prepare: every request with a form of its own (single use is not what stops these); addresses no other test uses
    // (a client's allowance is its own across incidents).
    const incidentId = await openIncident();
    const f = form();
    // Act
    const oneClient = await Promise.all(Array.from({ length: 40 }, () => f.ask(incidentId, f.token(incidentId), '192.0.2.66')));
    const manyAddresses = await Promise.all(Array.from({ length: 61 * 6 }, (_, i) => f.ask(incidentId, f.token(incidentId), `198.51.100.${(i % 61) + 1}`)));
    const genuine = await f.ask(incidentId, f.token(incidentId), '192.0.2.200', 'I got a strange email, is it from you?');
    // Assess: each client got its own allowance and no more; the genuine asker got in.
    expect(genuine).toBe(200);
    expect(count(oneClient, 200)).toBe(FORM_LIMITS.perClient);
    expect(count(manyAddresses, 200)).toBe(61 * FORM_LIMITS.perClient);
    const stored = await new QuestionStore(doc, table, { now: () => new Date() }).listQuestions(incidentId);
    expect(stored).toHaveLength(FORM_LIMITS.perClient + 61 * FORM_LIMITS.perClient + 1);
    expect(stored.filter((q) => q.text === 'I got a strange email, is it from you?')).toHaveLength(1);
  }, 60_000);
});

describe('the question store on DynamoDB Local', () => {
  it('keeps the question 90 days and its address 30 (TTL from when it was asked), the address in an item of its own', async () => {
    // Prepare
    const incidentId = await openIncident();
    const now = new Date();
    const store = new QuestionStore(doc, table, { now: () => now });
    const expiresAt = new Date(now.getTime() + FORM_LIFETIME_MS);
    // Act
    await store.putQuestion(
      { incidentId, questionId: 'q1', locale: 'en', text: 'Is my <card> safe?', email: 'ann@example.com', askedAt: now.toISOString(), status: 'OPEN' },
      { nonce: `n${prefix.slice(1, 9)}ttl00001`, expiresAt },
    );
    // Assess
    const raw = async (key: Record<string, string>) => (await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item!;
    const asked = Math.floor(now.getTime() / 1000);
    const question = await raw(keys.question(incidentId, 'q1'));
    const address = await raw(keys.questionAddress(incidentId, 'q1'));
    const used = await raw(keys.formToken(`n${prefix.slice(1, 9)}ttl00001`));
    expect(question.ttl).toBe(asked + QUESTION_RETENTION_DAYS * 86_400);
    expect(question.email).toBeUndefined();
    expect([address.email, address.ttl]).toEqual(['ann@example.com', asked + ADDRESS_RETENTION_DAYS * 86_400]);
    expect(used.ttl).toBeGreaterThanOrEqual(Math.ceil(expiresAt.getTime() / 1000));
    expect(used.ttl).toBeLessThanOrEqual(Math.ceil(expiresAt.getTime() / 1000) + 3_600);
    expect(await store.getQuestion(incidentId, 'q1')).toMatchObject({ text: 'Is my <card> safe?', email: 'ann@example.com', status: 'OPEN' });
    expect(await store.listQuestions(incidentId)).toEqual([expect.objectContaining({ questionId: 'q1', email: 'ann@example.com' })]);
  });

  it('claims the answer email once and deletes the address with the claim', async () => {
    const incidentId = await openIncident();
    const store = new QuestionStore(doc, table, { now: () => new Date() });
    await store.putQuestion({
      incidentId,
      questionId: 'q1',
      locale: 'en',
      text: 'Is my card safe?',
      email: 'ann@example.com',
      askedAt: new Date().toISOString(),
      status: 'OPEN',
    });
    await store.answer(incidentId, 'q1', { text: 'Yes.', locale: 'en', by: 'ops', at: new Date().toISOString() }, false);
    const claims = await Promise.all([
      store.claimAnswerEmail(incidentId, 'q1'),
      store.claimAnswerEmail(incidentId, 'q1'),
      store.claimAnswerEmail(incidentId, 'q1'),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const after = await store.getQuestion(incidentId, 'q1');
    expect(after).toMatchObject({ status: 'ANSWERED', emailedAt: expect.any(String) });
    expect(after!.email).toBeUndefined();
    expect((await doc.send(new GetCommand({ TableName: table, Key: keys.questionAddress(incidentId, 'q1'), ConsistentRead: true }))).Item).toBeUndefined();
  });

  it("publishes only FAQ-approved answers, in the team's wording, and takes one off the page when it is answered again", async () => {
    // Prepare
    const incidentId = await openIncident();
    const store = new QuestionStore(doc, table, { now: () => new Date() });
    const records = new IncidentPageRecords(doc, table, { now: () => new Date() });
    const base = Date.now();
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    for (const id of ['q1', 'q2', 'q3']) {
      await store.putQuestion({
        incidentId,
        questionId: id,
        locale: 'en',
        text: `My card 4111 1111 1111 1111, ann@example.com (${id})`,
        email: 'ann@example.com',
        askedAt: at(0),
        status: 'OPEN',
      });
    }
    await store.answer(incidentId, 'q1', { text: 'Yes, cards were not affected.', locale: 'en', by: 'ops', at: at(1), question: 'Were cards affected?' }, true);
    await store.answer(incidentId, 'q2', { text: 'Not yet decided.', locale: 'en', by: 'ops', at: at(2), question: 'When do you decide?' }, true);
    await store.answer(incidentId, 'q3', { text: 'Private answer.', locale: 'en', by: 'ops', at: at(3) }, false);
    // Pending approval: not on the page yet.
    expect(await records.listFaq(incidentId, 'en')).toEqual([]);
    // Act: q1 approved (for the answer the approvers saw), q2 rejected.
    expect(await store.setFaqState(incidentId, 'q1', 'PUBLISHED', undefined, at(1))).toBe(true);
    expect(await store.setFaqState(incidentId, 'q2', 'REJECTED', 'Too early.', at(2))).toBe(true);
    expect(await store.setFaqState(incidentId, 'q3', 'PUBLISHED')).toBe(false);
    // Assess: the approved one, in the team's words; nothing of the asker's.
    expect(await records.listFaq(incidentId, 'en')).toEqual([{ question: 'Were cards affected?', answer: 'Yes, cards were not affected.' }]);
    expect(await records.listFaq(incidentId, 'zh-CN')).toEqual([]);
    // Answered again: off the page until approved again.
    await store.answer(incidentId, 'q1', { text: 'Cards were not affected.', locale: 'en', by: 'ops', at: at(4), question: 'Were cards affected?' }, true);
    expect(await records.listFaq(incidentId, 'en')).toEqual([]);
    // An approval of the answer shown before publishes nothing.
    expect(await store.setFaqState(incidentId, 'q1', 'PUBLISHED', undefined, at(1))).toBe(false);
    expect(await store.setFaqState(incidentId, 'q1', 'PUBLISHED', undefined, at(4))).toBe(true);
    expect((await records.listFaq(incidentId, 'en')).map((f) => f.answer)).toEqual(['Cards were not affected.']);
  });
});

describe('publishing the incident page on DynamoDB Local', () => {
  it("reads no question and no asker's address: every item it reads is a notice, a FAQ entry or an announcement", async () => {
    // Prepare: a sent notice, a published answer, and questions with addresses.
    const incidentId = await openIncident();
    const clock = { now: () => new Date() };
    const store = new QuestionStore(doc, table, clock);
    const answeredAt = new Date().toISOString();
    await store.putQuestion({
      incidentId,
      questionId: 'q1',
      locale: 'en',
      text: 'ann@example.com asks: is my card safe?',
      email: 'ann@example.com',
      askedAt: answeredAt,
      status: 'OPEN',
    });
    await store.putQuestion({
      incidentId,
      questionId: 'q2',
      locale: 'en',
      text: 'bob@example.com asks too',
      email: 'bob@example.com',
      askedAt: answeredAt,
      status: 'OPEN',
    });
    await store.answer(incidentId, 'q1', { text: 'Cards were not affected.', locale: 'en', by: 'ops', at: answeredAt, question: 'Were cards affected?' }, true);
    await store.setFaqState(incidentId, 'q1', 'PUBLISHED', undefined, answeredAt);
    const notices = new NoticeStore(doc, table, clock);
    await notices.createNotice(sentNotice(incidentId));
    // Every item any read returns, through a client that records them.
    const read: Record<string, unknown>[] = [];
    const recording = Object.create(doc) as DynamoDBDocumentClient;
    recording.send = (async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
      const out = (await doc.send(command as never)) as { Item?: Record<string, unknown>; Items?: Record<string, unknown>[] };
      read.push(...(out.Items ?? []), ...(out.Item ? [out.Item] : []));
      return out;
    }) as DynamoDBDocumentClient['send'];
    const pages = new Map<string, string>();
    // Act
    await publishIncidentPage(
      { incidentId },
      {
        incidents: new IncidentStore(recording, table, clock),
        notices: new NoticeStore(recording, table, clock),
        records: new IncidentPageRecords(recording, table, clock),
        pages: { put: async (key: string, body: string) => void pages.set(key, body) } as never,
        messaging: { publish: async () => 'm-1' },
        publicChannelsTopicArn: 'arn:aws:sns:us-east-1:000000000000:public',
        locales: ['en'],
        companyName: 'Example Co.',
        pagesBaseUrl: 'https://status.example.com/security',
        clock,
      },
    );
    // Assess: the FAQ entry is on the page; nothing read was a question or held an address.
    expect(pages.get(`${incidentId}/en.html`)).toContain('Were cards affected?');
    expect(read.map((i) => String(i.sk).split('#')[0]).sort()).toEqual(expect.arrayContaining(['FAQ', 'NOTICE']));
    expect(read.filter((i) => 'email' in i || String(i.pk).startsWith('QUESTION#'))).toEqual([]);
    expect(JSON.stringify(read)).not.toMatch(/ann@example\.com|bob@example\.com/);
  });
});

function sentNotice(incidentId: string): Notice {
  const content = {
    en: draftNotice(
      {
        kind: 'first-notice',
        sequence: 1,
        incident: {
          incidentId,
          source: 'guardduty',
          firstSeenAt: new Date().toISOString(),
          impact: { affectedCustomers: 3, byDataCategory: { email: 3 }, byJurisdiction: {}, byLocale: {}, byChannel: {} },
        },
        facts: { whatHappened: 'A database was copied.', measures: ['We closed it.'], advice: [], remedies: [] },
        company: { name: 'Example Co.', contact: 'security-help@example.com', incidentPageUrl: 'https://status.example.com/security' },
        nextUpdateAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
      'en',
    ),
  };
  return {
    ...noticeRecord({
      incidentId,
      noticeId: 'first-notice-1',
      kind: 'first-notice',
      sequence: 1,
      status: 'SENT',
      content,
      createdAt: new Date().toISOString(),
      promisedNextUpdateAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    }),
    sentAt: new Date().toISOString(),
  };
}
