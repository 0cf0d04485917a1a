import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import type { NoticeRef } from '../../functions/domain/delivery.js';
import { emptyFacts } from '../../functions/domain/facts.js';
import type { Locale } from '../../functions/domain/locales.js';
import { draftNotice } from '../../functions/domain/notice.js';
import type { BulkEntry } from '../../functions/domain/ports.js';
import { limitsFromPercent } from '../../functions/domain/reputation.js';
import { systemClock } from '../../functions/shared/clock.js';
import { NoticeNotFoundError } from '../../functions/shared/errors.js';
import { resumeSending } from '../../functions/steps/resume-sending.js';
import { sendNotices, type SendDeps } from '../../functions/steps/send-notices.js';
import { operatorConsole } from '../../local/console/operator-console.js';
import { closeServer, LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import type { LocalWorkflow } from '../../local/twin/workflow-engine.js';
import { testChannels } from '../support/channels.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';
import { noticeRecord } from '../support/notices.js';
import { makeCustomers } from '../support/scenario.js';

/**
 * The reputation guard on DynamoDB Local: counts recorded as SES events arrive pause a notice's sending;
 * the team's `npm run incident -- resume-sending` keeps its word on the notice (once, conditionally), and
 * the guard then lets the notice through. `deliveries` shows the evidence and its rates.
 */
const prefix = uniquePrefix('reput');
const incidentId = `inc-20261120-${randomBytes(6).toString('hex')}`;
const ref: NoticeRef = { incidentId, noticeId: 'first-notice-1' };
const sentNotice: NoticeRef = { incidentId, noticeId: 'first-notice-0' };
/** Paused for its complaints, resumed from the console. */
const update: NoticeRef = { incidentId, noticeId: 'update-3' };
const audience = makeCustomers(prefix, `reput-${prefix}`, 10).map((c) => ({ ...c, profile: { ...c.profile, channels: ['email'], phone: undefined } }));
let tables: Awaited<ReturnType<typeof provision>>['tables'];
let stores: ReturnType<typeof incidentStores>;
let evidence: EvidenceStore;
let ledger: DeliveriesLedger;
let deps: SendDeps;
const emailed: string[] = [];

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'local/tools/incident.ts', ...args],
      {
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: endpoints().dynamodb,
          INCIDENTS_TABLE: tables.incidents,
          DELIVERIES_TABLE: tables.deliveries,
          OPERATOR: 'lead',
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  ({ tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix }));
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: endpoints().dynamodb, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  stores = incidentStores(doc, tables.incidents, systemClock);
  evidence = new EvidenceStore(doc, tables.deliveries, systemClock);
  ledger = new DeliveriesLedger(doc, tables.deliveries, systemClock, 60);
  const customers = new CustomersRepository(doc, tables.customers);
  await customers.putCustomers(audience);
  const firstSeenAt = new Date().toISOString();
  const members = audience.map((c) => ({ customerId: c.profile.customerId, dataCategories: ['email'] }));
  const impact = { affectedCustomers: members.length, byDataCategory: { email: members.length }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
  await stores.incidents.openIncident(
    {
      incidentId,
      source: 'guardduty',
      findingKey: `reput:${incidentId}`,
      alarmSeverity: 8,
      title: 'reputation',
      description: '',
      affectedResources: [],
      firstSeenAt,
      status: 'OPEN',
      scope: 'PENDING',
      severity: 'HIGH',
      createdAt: firstSeenAt,
    },
    incidentId,
    '{}',
  );
  await stores.incidents.saveAssessment(incidentId, { scope: 'KNOWN', severity: 'HIGH', impact, chunks: [members] });
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
  const notice = { kind: 'first-notice' as const, content, createdAt: firstSeenAt, promisedNextUpdateAt: firstSeenAt };
  await stores.notices.createNotice(noticeRecord({ ...ref, ...notice, sequence: 2, status: 'APPROVED' }));
  await stores.notices.createNotice(noticeRecord({ ...sentNotice, ...notice, sequence: 1, status: 'SENT' }));
  await stores.notices.createNotice(noticeRecord({ ...update, ...notice, kind: 'update', sequence: 3, status: 'APPROVED' }));
  // What SES reported for an earlier batch of this notice: 100 accepted, 4 of them bounced for good (4% > 2.5%).
  for (let i = 0; i < 100; i += 1) await evidence.record(ref, `earlier-${i}`, 'email', 'Send', firstSeenAt, `m-${i}`);
  for (let i = 0; i < 4; i += 1) await evidence.record(ref, `earlier-${i}`, 'email', 'BouncePermanent', firstSeenAt, `m-${i}`);
  const email = {
    sendBulk: async (_t: string, _d: Record<string, unknown>, entries: BulkEntry[]) =>
      entries.map((e) => (emailed.push(e.to), { status: 'SUCCESS', messageId: `sent-${e.to}` })),
  };
  deps = {
    ...stores,
    customers,
    ledger,
    channels: testChannels({ email, templatePrefix: 'reput' }),
    clock: systemClock,
    owner: 'reput',
    remainingTimeMs: () => 600_000,
    locales: ['en', 'zh-CN'],
    maxChunksPerInvocation: 10,
    reserveMs: 1,
    reputation: { evidence, limits: limitsFromPercent(2.5, 0.05, 100) },
  };
}, 60_000);

describe('resuming a notice the reputation guard paused, on DynamoDB Local', () => {
  it('paused by the recorded counts; resume-sending keeps who, when and the rates once; then the guard lets it through', async () => {
    // Act, Assess: paused, nobody emailed
    await expect(sendNotices({ ...ref, fromChunk: 0 }, deps)).rejects.toMatchObject({
      name: 'ReputationPausedError',
      message: expect.stringContaining('bounce rate 4.00% (4 permanent bounces of 100 accepted)'),
    });
    expect(emailed).toEqual([]);

    // Act: the team's word, through the CLI, twice
    const first = await cli('resume-sending', incidentId, ref.noticeId);
    const again = await cli('resume-sending', incidentId, ref.noticeId);
    // Assess
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('first-notice-1 goes on sending despite its rates (recorded: lead at ') });
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('first-notice-1 was already resumed by lead at ') });
    const resumed = (await stores.notices.getNotice(incidentId, ref.noticeId)).sendingResumed;
    expect(resumed).toEqual({ by: 'lead', at: expect.any(String), accepted: 100, delivered: 0, bounceRate: 0.04 });
    expect(Date.now() - Date.parse(resumed!.at)).toBeLessThan(60_000);
    const entries = (await stores.incidents.listTimeline(incidentId)).filter((e) => e.action === 'sending-resumed');
    expect(entries.map((e) => [e.actor, e.detail])).toEqual([['lead', { noticeId: ref.noticeId, ...resumed }]]);

    // Act, Assess: the next invocation sends everyone, once
    expect(await sendNotices({ ...ref, fromChunk: 0 }, deps)).toMatchObject({ done: true, sent: 10 });
    expect(emailed.sort()).toEqual(audience.map((c) => c.profile.email).sort());

    // The team's view: a JSON line per notice and channel, with the evidence and its rates.
    const deliveries = await cli('deliveries', incidentId);
    expect(deliveries.code).toBe(0);
    const lines = deliveries.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.noticeId === ref.noticeId && l.channel === 'email')).toMatchObject({
      sent: 10,
      evidence: { accepted: 100, delivered: 0, bounced: 4, complained: 0, delayed: 0, rejected: 0, renderingFailures: 0, bounceRate: 0.04 },
      sendingResumed: resumed,
    });
  }, 60_000);

  it('only an approved notice is resumed: a sent one is refused and left as it was; an unknown one is an error', async () => {
    const resumed = { by: 'lead', at: new Date().toISOString(), accepted: 0, delivered: 0 };
    expect(await stores.notices.resumeSending(incidentId, sentNotice.noticeId, resumed)).toEqual({ outcome: 'not-sending', status: 'SENT' });
    expect((await stores.notices.getNotice(incidentId, sentNotice.noticeId)).sendingResumed).toBeUndefined();
    await expect(stores.notices.resumeSending(incidentId, 'update-9', resumed)).rejects.toBeInstanceOf(NoticeNotFoundError);
    // The CLI says so and fails.
    expect(await cli('resume-sending', incidentId, sentNotice.noticeId)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('first-notice-0 is SENT, not being sent'),
    });
    expect(await cli('resume-sending', incidentId, 'update-9')).toMatchObject({ code: 1, stderr: expect.stringContaining('update-9') });
  }, 60_000);
});

describe('the operator console', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const execution = {
      executionArn: `arn:aws:states:us-east-1:000000000000:execution:m:${incidentId}`,
      name: incidentId,
      status: 'RUNNING',
      startDate: new Date(),
      events: [],
    };
    const workflow = {
      executions: new Map([[execution.executionArn, execution]]),
      definitionText: JSON.stringify({ StartAt: 'Send update', States: { 'Send update': { Type: 'Succeed' } } }),
    } as unknown as LocalWorkflow;
    const notHere = () => Promise.reject(new Error('not here'));
    const handle = operatorConsole({
      workflow,
      ...stores,
      ledger,
      locales: ['en'],
      operator: 'ops',
      editFacts: notHere,
      teamActions: { listScopeDecisions: async () => [], decideScope: notHere, close: notHere, redraft: notHere },
      reputation: { evidence, resume: (input) => resumeSending(input, { ...stores, evidence, clock: systemClock }) },
      mailboxUrl: 'http://127.0.0.1:1/',
    });
    server = createServer((req, res) => void handle(req, res).then((handled) => handled || res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // 2 complaints in 1,000 delivered (0.2% > 0.05%), as the record step counts them; confirm-sent's pause on the timeline.
    for (let i = 0; i < 1000; i += 1) await evidence.record(update, `u-${i}`, 'email', 'Delivery', new Date().toISOString());
    for (let i = 0; i < 2; i += 1) await evidence.record(update, `u-${i}`, 'email', 'Complaint', new Date().toISOString());
    await stores.incidents.appendTimeline(incidentId, { action: 'sending-paused-reputation', actor: 'confirm-sent', detail: { noticeId: update.noticeId } });
  }, 60_000);
  afterAll(async () => {
    await closeServer(server);
  });

  it("shows each notice's email evidence and rates; Resume sending records the operator's word on a paused notice", async () => {
    // Prepare: the page, with the form's secret
    const res = await fetch(`${base}/incidents/${incidentId}`);
    const page = await res.text();
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    expect(page).toContain('<h2 id="evidence">Email evidence and reputation</h2>');
    expect(page).toContain(
      '<tr><td>update-3</td><td>0</td><td>1000</td><td>0</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>n/a</td><td>0.20%</td><td><strong>paused for its rates</strong>',
    );
    expect(page).toContain(`action="/incidents/${incidentId}/notices/update-3/resume-sending"`);
    // Act: a post without the secret changes nothing; with it, the notice is resumed
    const forged = await fetch(`${base}/incidents/${incidentId}/notices/update-3/resume-sending`, { method: 'POST', body: new URLSearchParams({ csrf: 'x' }) });
    const done = await fetch(`${base}/incidents/${incidentId}/notices/update-3/resume-sending`, {
      method: 'POST',
      body: new URLSearchParams({ csrf }),
      headers: { cookie },
      redirect: 'manual',
    });
    // Assess
    expect(forged.status).toBe(403);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/incidents/${incidentId}?done=resumed#evidence`);
    expect((await stores.notices.getNotice(incidentId, update.noticeId)).sendingResumed).toMatchObject({ by: 'ops', delivered: 1000, complaintRate: 0.002 });
    const after = await (await fetch(`${base}${done.headers.get('location')}`)).text();
    expect(after).toContain('Sending goes on despite the rates');
    expect(after).toMatch(/<td>sent on despite its rates by ops at [^<]+<\/td>/);
    expect(after).not.toContain('update-3/resume-sending');
  }, 60_000);
});
