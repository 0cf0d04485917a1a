import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetExecutionHistoryCommand, ListExecutionsCommand, type ListExecutionsCommandInput, SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { FactsStore } from '../../functions/adapters/facts-store.js';
import { SesEmailSender } from '../../functions/adapters/email-sender.js';
import { noticeTemplateData, recipientTemplateData } from '../../functions/domain/email-templates.js';
import { draftNotice, personaliseNotice } from '../../functions/domain/notice.js';
import { classifyProviderFailure } from '../../functions/domain/provider-failure.js';
import { ApprovalStore } from '../../functions/adapters/approval-store.js';
import { IncidentStore } from '../../functions/adapters/incident-store.js';
import { SnsMessaging } from '../../functions/adapters/messaging.js';
import { OpenIncidents } from '../../functions/adapters/open-incidents.js';
import { StepFunctionsCallbacks, StepFunctionsWorkflow } from '../../functions/adapters/workflow.js';
import type { Incident } from '../../functions/domain/incident.js';
import type { Clock } from '../../functions/shared/clock.js';
import { closeServer, LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { sfnRequestHandler } from '../../local/twin/sfn-api.js';
import { provision } from '../../local/twin/system.js';
import { LocalWorkflow } from '../../local/twin/workflow-engine.js';
import { emailsTo, endpoints, putIncidentItem, smsMessages, testConfig, uniquePrefix } from '../support/local.js';
import { makeCustomers } from '../support/scenario.js';

const prefix = uniquePrefix('adp');
const common = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
let doc: DynamoDBDocumentClient;
let tables: Awaited<ReturnType<typeof provision>>['tables'];
let topicArn: string;

/**
 * A client whose first UpdateItem reaches DynamoDB and whose answer is then lost, so the SDK's own
 * retry sends the same write again.
 */
function docLosingFirstUpdateAnswer() {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...common, endpoint: endpoints().dynamodb }));
  let dropped = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName?.startsWith('Update') && !dropped) {
        dropped = true;
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', $retryable: {} });
      }
      return out;
    },
    { step: 'deserialize', name: 'dropFirstAnswer' },
  );
  return { doc: client, dropped: () => dropped };
}

/** A clock the test moves by hand. */
class FakeClock implements Clock {
  constructor(public current = new Date('2026-11-20T08:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(seconds: number) {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

beforeAll(async () => {
  const provisioned = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  tables = provisioned.tables;
  topicArn = provisioned.responseTeamTopicArn;
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...common, endpoint: endpoints().dynamodb }), { marshallOptions: { removeUndefinedValues: true } });
});

function incident(id: string, findingKey: string): Incident {
  return {
    incidentId: id,
    source: 'manual',
    findingKey,
    alarmSeverity: 5,
    title: 't',
    description: '',
    affectedResources: ['r'],
    firstSeenAt: '2026-11-20T08:00:00Z',
    status: 'OPEN',
    scope: 'PENDING',
    severity: 'MEDIUM',
    createdAt: '2026-11-20T08:00:00Z',
  };
}

describe('IncidentStore and ApprovalStore on DynamoDB Local', () => {
  it('one open incident per finding; closing frees the finding for a new incident', async () => {
    const repo = new IncidentStore(doc, tables.incidents, new FakeClock());
    const key = `manual:${prefix}-f1`;
    expect(await repo.openIncident(incident('inc-20261120-000000000001', key), 'e1', '{}')).toEqual({ created: true });
    expect(await repo.openIncident(incident('inc-20261120-000000000002', key), 'e2', '{}')).toEqual({
      created: false,
      incidentId: 'inc-20261120-000000000001',
    });
    await repo.closeIncident('inc-20261120-000000000001', 'op');
    expect(await repo.openIncident(incident('inc-20261120-000000000003', key), 'e3', '{}')).toEqual({ created: true });
    expect((await repo.getIncident('inc-20261120-000000000001')).status).toBe('CLOSED');
  });

  it('ten concurrent opens of the same finding create exactly one incident', async () => {
    const repo = new IncidentStore(doc, tables.incidents, new FakeClock());
    const key = `manual:${prefix}-race`;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => repo.openIncident(incident(`inc-20261120-${String(100 + i).padStart(12, '0')}`, key), `e${i}`, '{}')),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = results.findIndex((r) => r.created);
    for (const r of results) if (!r.created) expect(r.incidentId).toBe(`inc-20261120-${String(100 + winner).padStart(12, '0')}`);
  });

  it('a decision is recorded once, and never after expiry: the condition is the rule', async () => {
    const clock = new FakeClock();
    const repo = new ApprovalStore(doc, tables.incidents, clock);
    const base = {
      incidentId: 'inc-20261120-0000000000aa',
      noticeId: 'n1',
      tier: 'primary' as const,
      status: 'PENDING' as const,
      createdAt: clock.now().toISOString(),
    };
    await repo.putApprovalRequest({ ...base, requestId: 'race', expiresAt: '2026-11-20T09:00:00Z' }, 'token-1');
    const wins = await Promise.all(
      Array.from({ length: 25 }, async (_, i) =>
        i % 2
          ? (await repo.recordApproval(base.incidentId, 'race', `a${i}`, 1)).outcome === 'approved'
          : (await repo.recordRejection(base.incidentId, 'race', `a${i}`, 'no')) === 'decided',
      ),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);

    await repo.putApprovalRequest({ ...base, requestId: 'late', expiresAt: '2026-11-20T09:00:00Z' }, 'token-2');
    clock.advance(3600);
    expect((await repo.recordApproval(base.incidentId, 'late', 'a', 1)).outcome).toBe('refused');
    expect(await repo.recordRejection(base.incidentId, 'late', 'a', 'no')).toBe('refused');
    expect((await repo.getApprovalRequest(base.incidentId, 'late'))?.status).toBe('PENDING');
    // The token stays out of what approval pages read.
    expect(JSON.stringify(await repo.getApprovalRequest(base.incidentId, 'late'))).not.toContain('token-2');
    expect(await repo.getTaskToken(base.incidentId, 'late')).toBe('token-2');
  });

  it('a quorum of two: the same approver counts once, the second approver decides, exactly one caller resumes', async () => {
    const clock = new FakeClock();
    const repo = new ApprovalStore(doc, tables.incidents, clock);
    const base = {
      incidentId: 'inc-20261120-0000000000bb',
      noticeId: 'n1',
      tier: 'primary' as const,
      status: 'PENDING' as const,
      createdAt: clock.now().toISOString(),
      quorum: 2,
    };
    await repo.putApprovalRequest({ ...base, requestId: 'q2', expiresAt: '2026-11-20T09:00:00Z' }, 'token-q');
    expect(await repo.recordApproval(base.incidentId, 'q2', 'a1', 2)).toEqual({ outcome: 'counted', approvedBy: ['a1'] });
    expect((await repo.recordApproval(base.incidentId, 'q2', 'a1', 2)).outcome).toBe('refused');
    const second = await Promise.all(Array.from({ length: 10 }, () => repo.recordApproval(base.incidentId, 'q2', 'a2', 2)));
    expect(second.filter((r) => r.outcome === 'approved')).toHaveLength(1);
    const request = await repo.getApprovalRequest(base.incidentId, 'q2');
    expect(request).toMatchObject({ status: 'APPROVED', decidedBy: 'a1, a2', approvedBy: ['a1', 'a2'] });
  });

  it('a rejected alarm is kept once per event id', async () => {
    const repo = new IncidentStore(doc, tables.incidents, new FakeClock());
    expect(await repo.keepRejectedAlarm(`${prefix}-bad`, 'MalformedAlarmError: x', '{"a":1}')).toBe(true);
    expect(await repo.keepRejectedAlarm(`${prefix}-bad`, 'MalformedAlarmError: x', '{"a":1}')).toBe(false);
  });
});

describe('FactsStore on DynamoDB Local', () => {
  const facts = (what: string) => ({ en: { whatHappened: what, measures: ['Closed the bucket'], advice: [], remedies: [] } });

  it('each save is a new version with its author and time; latest, one version and the history read them back', async () => {
    // Prepare
    const clock = new FakeClock();
    const store = new FactsStore(doc, tables.incidents, clock);
    const incidentId = 'inc-20261120-0000000000f1';
    await putIncidentItem(doc, tables.incidents, incidentId);
    // Act
    const first = await store.saveFacts(incidentId, 'ann@example.com', facts('v1'), 0);
    clock.advance(60);
    const second = await store.saveFacts(
      incidentId,
      'bob@example.com',
      { ...facts('v2'), 'zh-CN': { cause: '配置错误', measures: [], advice: [], remedies: [] } },
      1,
    );
    // Assess
    expect(first).toEqual({ incidentId, version: 1, author: 'ann@example.com', at: '2026-11-20T08:00:00.000Z', locales: facts('v1') });
    expect(second).toMatchObject({ version: 2, author: 'bob@example.com', at: '2026-11-20T08:01:00.000Z' });
    expect(await store.latestFacts(incidentId)).toEqual(second);
    expect(await store.getFacts(incidentId, 1)).toEqual(first);
    expect(await store.listFacts(incidentId)).toEqual([first, second]);
    expect(await store.getFacts(incidentId, 3)).toBeUndefined();
    expect(await store.latestFacts('inc-20261120-0000000000f0')).toBeUndefined();
    expect(await store.listFacts('inc-20261120-0000000000f0')).toEqual([]);
  });

  it('two concurrent saves on the same version: exactly one wins, the other is a FactsVersionConflictError and changes nothing', async () => {
    // Prepare
    const store = new FactsStore(doc, tables.incidents, new FakeClock());
    const incidentId = 'inc-20261120-0000000000f2';
    await putIncidentItem(doc, tables.incidents, incidentId);
    await store.saveFacts(incidentId, 'ann@example.com', facts('v1'), 0);
    // Act
    const results = await Promise.allSettled([
      store.saveFacts(incidentId, 'ann@example.com', facts('ann'), 1),
      store.saveFacts(incidentId, 'bob@example.com', facts('bob'), 1),
    ]);
    // Assess
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r as PromiseRejectedResult).reason.name)).toEqual(['FactsVersionConflictError']);
    const latest = await store.latestFacts(incidentId);
    expect(latest).toEqual((won[0] as PromiseFulfilledResult<unknown>).value);
    expect((await store.listFacts(incidentId)).map((v) => v.version)).toEqual([1, 2]);
  });

  it('versions sort by number past 9 (zero-padded keys)', async () => {
    // Prepare
    const store = new FactsStore(doc, tables.incidents, new FakeClock());
    const incidentId = 'inc-20261120-0000000000f3';
    await putIncidentItem(doc, tables.incidents, incidentId);
    // Act
    for (let v = 0; v < 11; v += 1) await store.saveFacts(incidentId, 'ann@example.com', facts(`v${v + 1}`), v);
    // Assess
    expect((await store.latestFacts(incidentId))?.version).toBe(11);
    expect((await store.listFacts(incidentId)).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('facts of an incident that does not exist are refused, and nothing is kept', async () => {
    // Prepare
    const store = new FactsStore(doc, tables.incidents, new FakeClock());
    // Act
    const act = store.saveFacts('inc-20261120-0000000000f4', 'ann@example.com', facts('v1'), 0);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'IncidentNotFoundError' });
    expect(await store.listFacts('inc-20261120-0000000000f4')).toEqual([]);
  });
});

describe('CustomersRepository on DynamoDB Local', () => {
  it('scans the directory in segments: each customer once, in one segment, with what assessment reads and no contact point; profiles read past the 100-key batch limit', async () => {
    // Prepare
    const repo = new CustomersRepository(doc, tables.customers);
    const resource = `bucket-${prefix}`;
    await repo.putCustomers(makeCustomers(prefix, resource, 230));
    // Act
    const segments = await Promise.all([0, 1, 2, 3, 4].map((segment) => repo.scanSegment(segment, 5)));
    // Assess
    const mine = segments.map((entries) => [...entries].filter(([id]) => id.startsWith(`cust-${prefix}-`)));
    expect(mine.reduce((n, m) => n + m.length, 0)).toBe(230);
    expect(new Set(mine.flat().map(([id]) => id)).size).toBe(230);
    expect(mine.filter((m) => m.length > 0).length).toBeGreaterThan(1);
    const [, entry] = mine.flat()[0]!;
    expect(Object.keys(entry.profile!).sort()).toEqual(['channels', 'country', 'locale']);
    expect([...entry.holdings.values()][0]!.length).toBeGreaterThan(0);
    expect(await repo.approximateItemCount()).toBeGreaterThanOrEqual(460);
    const profiles = await repo.getProfiles(mine.flat().map(([id]) => id));
    expect(profiles.size).toBe(230);
  });

  it('keeps a customer’s time zone, and a profile without one reads back without one', async () => {
    // Prepare
    const repo = new CustomersRepository(doc, tables.customers);
    const base = { name: 'Ann', locale: 'en-US', country: 'US', channels: ['email'], email: 'ann@example.com' };
    const zoned = { ...base, customerId: `tz-${prefix}-1`, timeZone: 'America/Los_Angeles' };
    const plain = { ...base, customerId: `tz-${prefix}-2` };
    // Act
    await repo.putCustomers([zoned, plain].map((profile) => ({ profile, resources: [{ resource: `tz-bucket-${prefix}`, dataCategories: ['email'] }] })));
    const profiles = await repo.getProfiles([zoned.customerId, plain.customerId]);
    // Assess
    expect(profiles.get(zoned.customerId)).toEqual(zoned);
    expect(profiles.get(plain.customerId)).toEqual(plain);
  });
});

describe('DeliveriesLedger on DynamoDB Local', () => {
  const totals = (sent: number) => ({ sent, failed: 0, retryable: 0, uncertain: 0 });
  const n1 = { incidentId: `inc-${prefix}-a`, noticeId: 'first-notice-1' };

  it('one claim wins among concurrent claimers; finished or released claims can be taken again; dead holders are detected after the lease', async () => {
    const clock = new FakeClock();
    const ledger = new DeliveriesLedger(doc, tables.deliveries, clock, 60);
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.acquire(n1, 'email', 'b1', ['c1', 'c2'], `owner-${i}`)));
    expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'busy')).toHaveLength(19);
    const won = claims.find((c) => c.kind === 'claimed') as { token: string };

    await expect(ledger.complete(n1, 'email', 'b1', 'someone-else', totals(2), [])).rejects.toThrow();
    await ledger.complete(n1, 'email', 'b1', won.token, totals(0), []);
    const retry = await ledger.acquire(n1, 'email', 'b1', ['c1', 'c2'], 'retry');
    expect(retry).toMatchObject({ kind: 'claimed', attempt: 2 });
    await ledger.release(n1, 'email', 'b1', (retry as { token: string }).token, 'ServiceUnavailable');
    expect((await ledger.acquire(n1, 'email', 'b1', ['c1', 'c2'], 'retry-2')).kind).toBe('claimed');

    expect(await ledger.acquire(n1, 'email', 'b1', ['c1'], 'impatient')).toEqual({ kind: 'busy' });
    clock.advance(61);
    expect((await ledger.acquire(n1, 'email', 'b1', ['c1'], 'rescuer')).kind).toBe('abandoned');
  });

  it('a batch whose recipients all have final outcomes is settled: no claim, no send', async () => {
    const ledger = new DeliveriesLedger(doc, tables.deliveries, new FakeClock(), 60);
    const ref = { incidentId: `inc-${prefix}-s`, noticeId: 'first-notice-1' };
    const claim = (await ledger.acquire(ref, 'email', 'b', ['s1'], 'o')) as { token: string };
    await ledger.recordOutcomes([{ ...ref, customerId: 's1', channel: 'email', status: 'SENT', batchKey: 'b', at: '2026-11-20T08:00:00Z' }]);
    await ledger.complete(ref, 'email', 'b', claim.token, totals(1), []);
    expect(await ledger.acquire(ref, 'email', 'b', ['s1'], 'again')).toMatchObject({ kind: 'settled' });
  });

  it('an SDK retry of a claim write that had landed is recognised as the same owner, not as busy', async () => {
    const { doc: retryingDoc, dropped } = docLosingFirstUpdateAnswer();
    const ledger = new DeliveriesLedger(retryingDoc, tables.deliveries, new FakeClock(), 60);
    const ref = { incidentId: `inc-${prefix}-r`, noticeId: 'first-notice-1' };
    const got = await ledger.acquire(ref, 'email', 'b', ['r1'], 'me');
    expect(dropped()).toBe(true);
    expect(got).toMatchObject({ kind: 'claimed', attempt: 1 });
  });

  it('the same notice id in two incidents is two notices: outcomes and claims never mix', async () => {
    const ledger = new DeliveriesLedger(doc, tables.deliveries, new FakeClock(), 60);
    const a = { incidentId: `inc-${prefix}-1`, noticeId: 'first-notice-1' };
    const b = { incidentId: `inc-${prefix}-2`, noticeId: 'first-notice-1' };
    const claimA = (await ledger.acquire(a, 'email', 'c000000#en#0', ['x'], 'o')) as { token: string };
    await ledger.recordOutcomes([{ ...a, customerId: 'x', channel: 'email', status: 'SENT', batchKey: 'c000000#en#0', at: '2026-11-20T08:00:00Z' }]);
    await ledger.complete(a, 'email', 'c000000#en#0', claimA.token, totals(1), []);
    const claimB = await ledger.acquire(b, 'email', 'c000000#en#0', ['x'], 'o');
    expect(claimB).toMatchObject({ kind: 'claimed', attempt: 1 });
    expect((claimB as { known: Map<string, unknown> }).known.size).toBe(0);
    expect(await ledger.noticeTotals(b)).toEqual({ email: { sent: 0, failed: 0, retryable: 0, uncertain: 0, calls: 1, unfinished: 1 } });
    expect((await ledger.noticeTotals(a)).email).toMatchObject({ sent: 1, calls: 1, unfinished: 0 });
  });

  it('outcomes are one query per customer; uncertain recipients are listed per notice', async () => {
    const ledger = new DeliveriesLedger(doc, tables.deliveries, new FakeClock(), 60);
    const ref = { incidentId: `inc-${prefix}-o`, noticeId: 'n2' };
    const at = '2026-11-20T08:00:00Z';
    await ledger.recordOutcomes([
      { customerId: `${prefix}-x`, ...ref, channel: 'email', status: 'SENT', batchKey: 'b', providerMessageId: 'm1', at },
      { customerId: `${prefix}-x`, ...ref, channel: 'sms', status: 'FAILED', batchKey: 'b', reason: 'InvalidParameter', at },
    ]);
    const got = await ledger.outcomesForCustomer(`${prefix}-x`);
    expect(got.map((o) => `${o.channel}:${o.status}`).sort()).toEqual(['email:SENT', 'sms:FAILED']);
    const read = await ledger.readOutcomes(ref, 'email', [`${prefix}-x`, `${prefix}-y`]);
    expect([...read.keys()]).toEqual([`${prefix}-x`]);
    const claim = (await ledger.acquire(ref, 'email', 'u', ['u1', 'u2'], 'o')) as { token: string };
    await ledger.complete(ref, 'email', 'u', claim.token, { sent: 0, failed: 0, retryable: 0, uncertain: 2 }, ['u2', 'u1']);
    expect(await ledger.uncertainRecipients(ref)).toEqual({ email: ['u1', 'u2'] });
  });
});

describe('SesEmailSender on aws-ses-v2-local', () => {
  it('SendBulkEmail renders the stored template per recipient and reports per-entry status', async () => {
    const sender = new SesEmailSender(new SESv2Client({ ...common, endpoint: endpoints().ses }), 'notices@example.com');
    const to = `bulk.${prefix}@example.com`;
    const impact = { affectedCustomers: 2, byDataCategory: { email: 2 }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
    const content = draftNotice(
      {
        kind: 'first-notice',
        sequence: 1,
        incident: { incidentId: 'inc-20261120-0000000000ee', source: 'guardduty', firstSeenAt: '2026-11-20T08:00:00Z', impact },
        facts: { measures: ['We closed the bucket.'], advice: [], remedies: [] },
        company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' },
        nextUpdateAt: '2026-11-27T08:00:00Z',
      },
      'en',
    );
    const reader = (name: string) => recipientTemplateData(personaliseNotice(content, 'en', { name, dataCategories: ['email'], timeZone: 'Europe/London' }));
    const results = await sender.sendBulk('breach-notice-first-notice-en', noticeTemplateData(content), [
      { to, replacementData: reader('Ada') },
      { to: 'not an address', replacementData: reader('B') },
    ]);
    expect(results[0]).toMatchObject({ status: 'SUCCESS' });
    expect(results[0]!.messageId).toBeTruthy();
    expect(results[1]!.status).toBe('FAILED');
    const [mail] = await emailsTo(to);
    expect(mail!.body.text).toContain('Dear Ada,');
    expect(mail!.body.text).toContain('email address');
    expect(mail!.body.text).toContain('We closed the bucket.');
    expect(mail!.body.text).toContain('20 November 2026 at 08:00 GMT');
  });

  it('more than 50 entries is refused before any call', async () => {
    const sender = new SesEmailSender(new SESv2Client({ ...common, endpoint: endpoints().ses }), 'notices@example.com');
    await expect(
      sender.sendBulk(
        't',
        {},
        Array.from({ length: 51 }, () => ({ to: 'a@example.com', replacementData: {} })),
      ),
    ).rejects.toThrow(RangeError);
  });

  it('an unknown template is an answered refusal (a retry may take the claim again)', async () => {
    const sender = new SesEmailSender(new SESv2Client({ ...common, endpoint: endpoints().ses, maxAttempts: 1 }), 'notices@example.com');
    const error = await sender.sendBulk('no-such-template', {}, [{ to: `x.${prefix}@example.com`, replacementData: {} }]).catch((e: unknown) => e);
    expect(classifyProviderFailure(error)).toBe('refused');
  });
});

describe('SnsMessaging on the SNS recorder', () => {
  it('SMS and topic messages arrive; an invalid number is a named, answered refusal', async () => {
    const messaging = new SnsMessaging(new SNSClient({ ...common, endpoint: endpoints().sns, maxAttempts: 1 }), 'EXAMPLE');
    const phone = `+15550100${Math.floor(Math.random() * 900) + 100}`;
    expect(await messaging.sendSms(phone, 'hello')).toBeTruthy();
    expect((await smsMessages())[phone]?.[0]?.message).toBe('hello');
    expect(await messaging.publish(topicArn, 'line one\nline two', 'body', { event: 'x' })).toBeTruthy();
    const error = await messaging.sendSms('12345', 'nope').catch((e: unknown) => e);
    expect((error as Error).name).toBe('InvalidParameterException');
    expect(classifyProviderFailure(error)).toBe('refused');
    const unknownTopic = await messaging.publish(`${topicArn}-missing`, 's', 'm').catch((e: unknown) => e);
    expect((unknownTopic as Error).name).toBe('NotFoundException');
  });
});

describe('StepFunctionsWorkflow over the local Step Functions endpoint', () => {
  let server: Server;
  let workflow: StepFunctionsWorkflow;
  let client: SFNClient;
  const engine = new LocalWorkflow({
    // Long enough that every execution still runs, with the history it had, however slow the machine (afterAll stops them).
    definition: JSON.stringify({ StartAt: 'Wait a moment', States: { 'Wait a moment': { Type: 'Wait', Seconds: 600, End: true } } }),
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:adapter-test',
    handlers: new Map(),
  });

  beforeAll(async () => {
    server = createServer((req, res) => void sfnRequestHandler(engine)(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new SFNClient({ ...common, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    workflow = new StepFunctionsWorkflow(client, engine.stateMachineArn);
  });
  afterAll(async () => {
    engine.stopAll();
    await closeServer(server);
  });

  it('a start with the same name and input is idempotent; other input under the same name is refused', async () => {
    const first = await workflow.start('inc-20261120-aaaaaaaaaaaa', { incidentId: 'x' });
    const again = await workflow.start('inc-20261120-aaaaaaaaaaaa', { incidentId: 'x' });
    expect(again.executionArn).toBe(first.executionArn);
    expect(await workflow.start('inc-20261120-aaaaaaaaaaaa', { incidentId: 'y' })).toEqual({ alreadyStarted: true });
    expect(engine.executions.size).toBe(1);
  });

  it('an unknown task token is TaskDoesNotExist, as in AWS', async () => {
    await expect(new StepFunctionsCallbacks(client).succeed('no-such-token', {})).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  });

  it('pages ListExecutions as Step Functions does (100 by default, at most 1,000), and OpenIncidents reads every page', async () => {
    // Prepare: 230 running executions besides the first test's.
    for (let i = 0; i < 230; i++) engine.start(`inc-20261121-${i.toString(16).padStart(12, '0')}`, '{}');
    const list = (extra: Partial<ListExecutionsCommandInput> = {}) =>
      client.send(new ListExecutionsCommand({ stateMachineArn: engine.stateMachineArn, statusFilter: 'RUNNING', ...extra }));
    // Act
    const first = await list();
    engine.start('inc-20261122-000000000000', '{}');
    const rest = await list({ nextToken: first.nextToken, maxResults: 1000 });
    const open = await new OpenIncidents(client, engine.stateMachineArn, doc, tables.incidents).running();
    // Assess: a default page, then the rest without the execution started meanwhile (it comes first, not twice).
    expect(first.executions).toHaveLength(100);
    expect(rest.nextToken).toBeUndefined();
    const paged = [...first.executions!, ...rest.executions!].map((e) => e.name);
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged.filter((n) => n!.startsWith('inc-20261121-'))).toHaveLength(230);
    expect(paged).not.toContain('inc-20261122-000000000000');
    expect(open.filter((id) => id.startsWith('inc-20261121-') || id === 'inc-20261122-000000000000')).toHaveLength(231);
    await expect(list({ nextToken: 'not-a-token' })).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(list({ maxResults: 1001 })).rejects.toMatchObject({ name: 'ValidationException' });
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn: first.executions![0]!.executionArn, maxResults: 1 }));
    await expect(list({ nextToken: history.nextToken })).rejects.toMatchObject({ name: 'InvalidToken' });
  });

  it('pages GetExecutionHistory in either order: every event once, each page resuming after the last', async () => {
    const executionArn = engine.start('inc-20261123-000000000000', '{}').executionArn;
    const pages = async (reverseOrder: boolean) => {
      const ids: number[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1, reverseOrder, nextToken }));
        expect(page.events!.length).toBeLessThanOrEqual(1);
        ids.push(...page.events!.map((e) => e.id!));
        nextToken = page.nextToken;
      } while (nextToken);
      return ids;
    };
    const all = ((await client.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? []).map((e) => e.id!);
    expect(all.length).toBeGreaterThan(1);
    expect(await pages(false)).toEqual(all);
    expect(await pages(true)).toEqual([...all].reverse());
  });
});
