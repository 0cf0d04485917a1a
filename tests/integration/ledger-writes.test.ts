import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { EarlySmsStatuses } from '../../functions/adapters/sms-status-lookups.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import { emptyFacts } from '../../functions/domain/facts.js';
import { chunk } from '../../functions/domain/impact.js';
import type { Locale } from '../../functions/domain/locales.js';
import { draftNotice } from '../../functions/domain/notice.js';
import type { BulkEntry, BulkEntryResult, Messaging } from '../../functions/domain/ports.js';
import { systemClock } from '../../functions/shared/clock.js';
import { recordEarlyAnswered } from '../../functions/steps/record-sms-status.js';
import { sendNotices } from '../../functions/steps/send-notices.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { testChannels } from '../support/channels.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';
import { noticeRecord } from '../support/notices.js';
import { makeCustomers } from '../support/scenario.js';

/** What the ledger costs in DynamoDB write requests: the claim, then outcomes and completion in one write, per provider call. */
const prefix = uniquePrefix('writes');
const COUNT = 600;
const audience = makeCustomers(prefix, `writes-${prefix}`, COUNT);
const incidentId = `inc-20261120-${randomBytes(6).toString('hex')}`;
const ref = { incidentId, noticeId: 'first-notice-1' };
const writes: Record<string, number> = {};
let deps: Parameters<typeof sendNotices>[1];

beforeAll(async () => {
  const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: endpoints().dynamodb, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const customers = new CustomersRepository(doc, tables.customers);
  await customers.putCustomers(audience);
  const { incidents, notices } = incidentStores(doc, tables.incidents, systemClock);
  const members = audience.map((c) => ({ customerId: c.profile.customerId, dataCategories: ['email'] }));
  const at = '2026-11-20T08:00:00.000Z';
  const impact = { affectedCustomers: COUNT, byDataCategory: { email: COUNT }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
  await incidents.openIncident(
    {
      incidentId,
      source: 'guardduty',
      findingKey: `writes:${incidentId}`,
      alarmSeverity: 8,
      title: 'writes',
      description: '',
      affectedResources: [],
      firstSeenAt: at,
      status: 'OPEN',
      scope: 'PENDING',
      severity: 'HIGH',
      createdAt: at,
    },
    incidentId,
    '{}',
  );
  await incidents.saveAssessment(incidentId, { scope: 'KNOWN', severity: 'HIGH', impact, chunks: chunk(members, 300) });
  const company = { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' };
  const content = Object.fromEntries(
    (['en', 'zh-CN'] as Locale[]).map((l) => [
      l,
      draftNotice(
        {
          kind: 'first-notice',
          sequence: 1,
          incident: { incidentId, source: 'guardduty', firstSeenAt: at, impact },
          facts: emptyFacts(),
          company,
          nextUpdateAt: at,
        },
        l,
      ),
    ]),
  );
  await notices.createNotice(noticeRecord({ ...ref, kind: 'first-notice', sequence: 1, status: 'APPROVED', content, createdAt: at, promisedNextUpdateAt: at }));

  // Only the ledger's writes are counted: a client of its own.
  const counted = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: endpoints().dynamodb, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  counted.middlewareStack.add(
    (next, context) => async (args) => {
      const op = (context.commandName ?? '').replace(/Command$/, '');
      if (/^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(op)) writes[op] = (writes[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  const email = {
    sendBulk: async (_t: string, _d: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]> =>
      entries.map(() => ({ status: 'SUCCESS', messageId: randomBytes(6).toString('hex') })),
  };
  const messaging: Messaging = { sendSms: async () => randomBytes(6).toString('hex'), publish: async () => '' };
  deps = {
    incidents,
    notices,
    customers,
    ledger: new DeliveriesLedger(counted, tables.deliveries, systemClock, 60),
    channels: testChannels({ email, messaging, templatePrefix: 'writes', smsConcurrency: 4 }),
    clock: systemClock,
    owner: 'writes',
    remainingTimeMs: () => 600_000,
    locales: ['en', 'zh-CN'],
    maxChunksPerInvocation: 10,
    reserveMs: 1,
    // As the handler wires it: each call's look for SMS statuses that came before its outcomes (none here: reads only).
    afterOutcomes: (r, outcomes) =>
      recordEarlyAnswered(r, outcomes, {
        early: new EarlySmsStatuses(counted, tables.deliveries),
        evidence: new EvidenceStore(counted, tables.deliveries, systemClock),
      }).then(() => undefined),
  };
}, 120_000);

describe('the ledger in write requests', () => {
  it('a notice to 600 customers (a third also by SMS): one plan per chunk, then two writes per provider call, under 0.1 per recipient', async () => {
    // Act
    const result = await sendNotices({ ...ref, fromChunk: 0 }, deps);
    // Assess: 2 chunks; email 12 calls of 50 (300 a chunk, half per locale: 150 = 3 x 50), SMS 200 numbers in calls of 20 per locale.
    expect(result).toMatchObject({ done: true, sent: COUNT + 200 });
    const emailCalls = 12;
    const smsCalls = 2 * 2 * Math.ceil(50 / 20);
    const total = Object.values(writes).reduce((a, b) => a + b, 0);
    expect(writes).toEqual({ PutItem: 2, UpdateItem: emailCalls + smsCalls, TransactWriteItems: emailCalls + smsCalls });
    expect(total / COUNT).toBeLessThanOrEqual(0.1);
  });
});
