import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { keys } from '../../functions/adapters/keys.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import { UNREACHABLE } from '../../functions/domain/channels/channel.js';
import {
  deliveryCategories,
  NoticeReconciler,
  reconcile,
  reconciliationCsv,
  type ChannelFigures,
  type DeliveryCategory,
  type NoticeRef,
} from '../../functions/domain/delivery.js';
import { emptyFacts } from '../../functions/domain/facts.js';
import { chunk } from '../../functions/domain/impact.js';
import type { Locale } from '../../functions/domain/locales.js';
import { draftNotice } from '../../functions/domain/notice.js';
import type { BulkEntry, BulkEntryResult, Messaging } from '../../functions/domain/ports.js';
import { HANDED_TO_HTTP } from '../../functions/domain/provider-failure.js';
import { systemClock } from '../../functions/shared/clock.js';
import { sendNotices, type SendDeps } from '../../functions/steps/send-notices.js';
import { operatorConsole } from '../../local/console/operator-console.js';
import { closeServer, LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import type { LocalWorkflow } from '../../local/twin/workflow-engine.js';
import { testChannels } from '../support/channels.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';
import { makeCustomers } from '../support/scenario.js';
import { noticeRecord } from '../support/notices.js';

/**
 * A notice's reconciliation against DynamoDB Local, after the real send step ran against providers
 * that answer every way they can: 3,005 customers in chunks of 500 (a third also by SMS, five gone
 * from the directory), suppressed addresses and opted-out numbers, invalid ones, a bulk call and SMS
 * whose answers were lost, throttled entries left to retry, a chunk cut short by the time budget
 * (planned recipients with no outcome) and chunks not planned yet. What each recipient should be is
 * decided here, by the fake providers, and compared with what the ledger read yields.
 */
const prefix = uniquePrefix('recon');
const CHUNK = 500;
const audience = makeCustomers(prefix, `recon-${prefix}`, 3000);
const gone = Array.from({ length: 5 }, (_, k) => `cust-${prefix}-gone-${k}`);
const incidentId = `inc-20261120-${randomBytes(6).toString('hex')}`;
const ref: NoticeRef = { incidentId, noticeId: 'first-notice-1' };
const members = [...gone, ...audience.map((c) => c.profile.customerId)].map((customerId) => ({ customerId, dataCategories: ['email'] }));
const chunks = chunk(members, CHUNK);
/** Chunks 0-2 sent (2 throttled in part), chunk 3 cut short, chunks 4-6 never reached. */
const PLANNED_CHUNKS = 4;

let doc: DynamoDBDocumentClient;
let tables: Awaited<ReturnType<typeof provision>>['tables'];
let ledger: DeliveriesLedger;
/** `channel customerId` -> the category the fake providers' answer means. */
const decided = new Map<string, DeliveryCategory>();
let csv = '';

const status = (code: number, name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: code } });
const lostAnswer = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', [HANDED_TO_HTTP]: true });
const indexOfEmail = (address: string) => Number(/^c(\d+)\./.exec(address)![1]);
const indexOfPhone = (phone: string) => Number(phone.slice(-5));
const idOf = (i: number) => audience[i]!.profile.customerId;

function providers() {
  let providerCalls = 0;
  let bulkCalls = 0;
  const email = {
    sendBulk: async (_t: string, _d: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]> => {
      providerCalls += 1;
      bulkCalls += 1;
      const lost = bulkCalls === 5;
      const results = entries.map((e): BulkEntryResult => {
        const i = indexOfEmail(e.to);
        const answer = (category: DeliveryCategory, result: BulkEntryResult) => (decided.set(`email ${idOf(i)}`, lost ? 'uncertain' : category), result);
        if (i % 50 === 7)
          return answer('suppressed', { status: 'MESSAGE_REJECTED', error: `Email address ${e.to} is on the suppression list for your account.` });
        if (i % 61 === 5) return answer('failed', { status: 'INVALID_PARAMETER', error: `Illegal address: ${e.to}` });
        if (i >= 1000 && i < 1500 && i % 10 === 0) return answer('unfinished', { status: 'ACCOUNT_THROTTLED', error: 'Maximum sending rate exceeded.' });
        return answer('sent', { status: 'SUCCESS', messageId: `m-${i}` });
      });
      if (lost) throw lostAnswer();
      return results;
    },
  };
  const messaging: Messaging = {
    sendSms: async (phone: string) => {
      providerCalls += 1;
      const i = indexOfPhone(phone);
      const key = `sms ${idOf(i)}`;
      if (i % 9 === 0) throw (decided.set(key, 'suppressed'), status(400, 'OptedOutException'));
      if (i % 7 === 0) throw (decided.set(key, 'failed'), status(400, 'InvalidParameterException'));
      if (i % 11 === 0) throw (decided.set(key, 'uncertain'), lostAnswer());
      decided.set(key, 'sent');
      return `s-${i}`;
    },
    publish: () => Promise.reject(new Error('not used by the send step')),
  };
  return { email, messaging, calls: () => providerCalls };
}

/** Who the notice was planned for, per channel, from the audience (not from the ledger). */
function intendedKeys(): string[] {
  const phones = new Set(audience.filter((c) => c.profile.phone).map((c) => c.profile.customerId));
  return chunks
    .slice(0, PLANNED_CHUNKS)
    .flat()
    .flatMap(({ customerId }) => {
      if (gone.includes(customerId)) return [`${UNREACHABLE} ${customerId}`];
      return phones.has(customerId) ? [`email ${customerId}`, `sms ${customerId}`] : [`email ${customerId}`];
    });
}

/** What the figures must be: each intended recipient in the category its provider answer means; not asked yet is unfinished. */
function expectedFigures(): Record<string, ChannelFigures> {
  const figures: Record<string, ChannelFigures> = {};
  for (const key of intendedKeys()) {
    const channel = key.split(' ')[0]!;
    const f = (figures[channel] ??= { intended: 0, sent: 0, suppressed: 0, failed: 0, uncertain: 0, unfinished: 0 });
    f.intended += 1;
    f[channel === UNREACHABLE ? 'failed' : (decided.get(key) ?? 'unfinished')] += 1;
  }
  return figures;
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      (row = []), (field = ''), (i += 1);
    } else field += c;
  }
  expect(field, 'the last record ends with CRLF').toBe('');
  return rows;
}

async function csvOf(calls: AsyncIterable<Parameters<NoticeReconciler['add']>[0]>): Promise<{ text: string; reconciler: NoticeReconciler }> {
  const reconciler = new NoticeReconciler();
  let text = '';
  for await (const piece of reconciliationCsv(calls, reconciler)) text += piece;
  return { text, reconciler };
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'local/tools/incident.ts', ...args],
      { env: { ...process.env, AWS_ENDPOINT_URL: endpoints().dynamodb, INCIDENTS_TABLE: tables.incidents, DELIVERIES_TABLE: tables.deliveries } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  ({ tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix }));
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: endpoints().dynamodb, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  ledger = new DeliveriesLedger(doc, tables.deliveries, systemClock, 60);
  const customers = new CustomersRepository(doc, tables.customers);
  await customers.putCustomers(audience);
  const { incidents, notices } = incidentStores(doc, tables.incidents, systemClock);
  const firstSeenAt = '2026-11-20T08:00:00.000Z';
  const impact = { affectedCustomers: members.length, byDataCategory: { email: members.length }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
  await incidents.openIncident(
    {
      incidentId,
      source: 'guardduty',
      findingKey: `recon:${incidentId}`,
      alarmSeverity: 8,
      title: 'reconciliation',
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
  await incidents.saveAssessment(incidentId, { scope: 'KNOWN', severity: 'HIGH', impact, chunks });
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
  await notices.createNotice(
    noticeRecord({ ...ref, kind: 'first-notice', sequence: 1, status: 'APPROVED', content, createdAt: firstSeenAt, promisedNextUpdateAt: firstSeenAt }),
  );

  const { email, messaging, calls } = providers();
  const deps = (remainingTimeMs: () => number): SendDeps => ({
    incidents,
    notices,
    customers,
    ledger,
    channels: testChannels({ email, messaging, templatePrefix: 'recon', smsConcurrency: 4 }),
    clock: systemClock,
    owner: 'recon',
    remainingTimeMs,
    locales: ['en', 'zh-CN'],
    maxChunksPerInvocation: 10,
    reserveMs: 1,
  });
  // Chunks 0-2; chunk 2's throttled entries stop the slice there, to be retried later.
  await expect(
    sendNotices(
      { ...ref, fromChunk: 0, toChunk: 3 },
      deps(() => 600_000),
    ),
  ).rejects.toMatchObject({ name: 'DeliveryRetryableError' });
  // Chunk 3: out of time after six more provider calls, the rest of its plan not called yet.
  const before = calls();
  const cut = await sendNotices(
    { ...ref, fromChunk: 3, toChunk: 4 },
    deps(() => (calls() - before < 6 ? 600_000 : 0)),
  );
  expect(cut).toMatchObject({ done: false, nextChunk: 3 });
}, 120_000);

describe('a notice reconciled from the ledger on DynamoDB Local', () => {
  it('intended = sent + suppressed + failed + uncertain + unfinished per channel, every figure as the providers answered', async () => {
    // Act
    const result = await reconcile(ledger.recipientOutcomes(ref));
    // Assess
    const expected = expectedFigures();
    expect(result).toEqual({ channels: expected, plannedChunks: PLANNED_CHUNKS, problems: [] });
    for (const f of Object.values(result.channels)) expect(deliveryCategories.reduce((n, c) => n + f[c], 0)).toBe(f.intended);
    // Every category occurs, and recipients without any outcome are among the intended.
    expect(expected.email).toMatchObject({ intended: 2000 - gone.length });
    for (const c of deliveryCategories) expect(expected.email![c], c).toBeGreaterThan(0);
    for (const c of ['sent', 'suppressed', 'failed', 'uncertain', 'unfinished'] as const) expect(expected.sms![c], c).toBeGreaterThan(0);
    expect(expected[UNREACHABLE]).toEqual({ intended: 5, sent: 0, suppressed: 0, failed: 5, uncertain: 0, unfinished: 0 });
    expect(intendedKeys().filter((k) => !decided.has(k) && !k.startsWith(UNREACHABLE)).length).toBeGreaterThan(100);
  });

  it('the CSV: a header and one row per intended recipient and channel, in the category the provider answer means, ids only', async () => {
    // Act
    const { text, reconciler } = await csvOf(ledger.recipientOutcomes(ref));
    csv = text;
    // Assess
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['customer_id', 'channel', 'category', 'status', 'reason', 'provider_message_id', 'attempt', 'at']);
    const intended = intendedKeys();
    expect(rows).toHaveLength(intended.length);
    expect(new Set(rows.map(([id, channel]) => `${channel} ${id}`))).toEqual(new Set(intended));
    for (const [id, channel, category, state] of rows) {
      const key = `${channel} ${id}`;
      expect(category, key).toBe(channel === UNREACHABLE ? 'failed' : (decided.get(key) ?? 'unfinished'));
      expect(state === '', key).toBe(!decided.has(key) && channel !== UNREACHABLE);
    }
    expect(reconciler.result().channels).toEqual(expectedFigures());
    // No names, addresses or numbers, though SES echoed addresses in its errors.
    expect(text).not.toMatch(/@|\+44|Customer \d|王/);
    expect(text).toContain('MESSAGE_REJECTED: Email address [redacted] is on the suppression list for your account.');
  });

  it('streams: the first call arrives after a chunk or two of reads, and stopping early stops the reads', async () => {
    // Prepare
    let batchGets = 0;
    const counting = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: endpoints().dynamodb, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
    counting.middlewareStack.add((next, context) => async (args) => ((batchGets += /^BatchGet/.test(context.commandName ?? '') ? 1 : 0), next(args)), {
      step: 'initialize',
      name: 'countBatchGets',
    });
    const streaming = new DeliveriesLedger(counting, tables.deliveries, systemClock, 60);
    for await (const call of streaming.recipientOutcomes(ref)) void call;
    const whole = batchGets;
    batchGets = 0;
    // Act
    for await (const call of streaming.recipientOutcomes(ref)) {
      expect(call.recipients.length).toBeLessThanOrEqual(50);
      break;
    }
    await new Promise((r) => setTimeout(r, 300));
    // Assess: this chunk and the one read ahead, of four.
    expect(batchGets).toBeGreaterThan(0);
    expect(batchGets).toBeLessThanOrEqual(Math.ceil(whole * 0.6));
  });

  it('npm run incident -- deliveries ID NOTICE --csv FILE prints the table and writes the same CSV; deliveries ID still prints JSON lines', async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'recon-')), 'deliveries.csv');
    // Act
    const out = await cli('deliveries', incidentId, ref.noticeId, '--csv', file);
    const lines = await cli('deliveries', incidentId);
    const unknown = await cli('deliveries', incidentId, 'update-9');
    // Assess
    expect(out.stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expect(out.code).toBe(0);
    const figures = expectedFigures();
    const table = out.stdout.split('\n');
    expect(table[0]).toBe(`${incidentId} first-notice-1: 4 of 7 audience chunks planned (customers of the others are not counted as intended yet)`);
    expect(table[1]!.split(/\s+/)).toEqual(['channel', 'intended', ...deliveryCategories]);
    for (const [channel, f] of Object.entries(figures))
      expect(table).toContain([channel.padEnd(12), ...[f.intended, ...deliveryCategories.map((c) => f[c])].map((n) => String(n).padStart(11))].join(''));
    expect(out.stdout).toContain('intended = sent + suppressed + failed + uncertain + unfinished on every channel');
    expect(out.stdout).toContain(`CSV: ${file} (${intendedKeys().length} rows and a header; customer ids only)`);
    expect(readFileSync(file, 'utf8')).toBe(csv);
    expect(lines.code).toBe(0);
    expect(
      lines.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { channel: string }).channel)
        .sort(),
    ).toEqual(['email', 'sms', UNREACHABLE]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`${incidentId} has no notice "update-9"; it has: first-notice-1`);
  }, 60_000);

  describe('the operator console', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      const stores = incidentStores(doc, tables.incidents, systemClock);
      const execution = {
        executionArn: `arn:aws:states:us-east-1:000000000000:execution:m:${incidentId}`,
        name: incidentId,
        status: 'RUNNING',
        startDate: new Date(),
        events: [],
      };
      const workflow = {
        executions: new Map([[execution.executionArn, execution]]),
        definitionText: JSON.stringify({ StartAt: 'Send notices', States: { 'Send notices': { Type: 'Succeed' } } }),
      } as unknown as LocalWorkflow;
      const handle = operatorConsole({
        workflow,
        ...stores,
        ledger,
        locales: ['en'],
        operator: 'ops',
        editFacts: () => Promise.reject(new Error('not here')),
        teamActions: {
          listScopeDecisions: async () => [],
          decideScope: () => Promise.reject(new Error('not here')),
          close: () => Promise.reject(new Error('not here')),
          redraft: () => Promise.reject(new Error('not here')),
        },
        mailboxUrl: 'http://127.0.0.1:1/',
      });
      server = createServer((req, res) => void handle(req, res).then((handled) => handled || res.writeHead(404).end()));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await closeServer(server);
    });

    it('the incident page shows the same figures per notice and channel, and a CSV link per notice', async () => {
      // Act
      const page = await (await fetch(`${base}/incidents/${incidentId}`)).text();
      // Assess
      for (const [channel, f] of Object.entries(expectedFigures())) {
        expect(page).toContain(
          `<tr><td>first-notice-1</td><td>${channel}</td><td>${f.intended}</td>${deliveryCategories.map((c) => `<td>${f[c]}</td>`).join('')}<td>`,
        );
      }
      expect(page.match(/download>CSV<\/a>/g)).toHaveLength(1);
      expect(page).toContain(`<a href="/incidents/${incidentId}/notices/first-notice-1/deliveries.csv" download>CSV</a> (4 of 7 chunks planned)`);
      expect(page).not.toContain('do not reconcile');
    });

    it('the CSV link streams the same CSV as an attachment; an unknown notice is 404, a foreign Host 403', async () => {
      // Act
      const res = await fetch(`${base}/incidents/${incidentId}/notices/first-notice-1/deliveries.csv`);
      const body = await res.text();
      const missing = await fetch(`${base}/incidents/${incidentId}/notices/update-9/deliveries.csv`);
      const foreign = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${base}/incidents/${incidentId}/notices/first-notice-1/deliveries.csv`,
          { headers: { host: 'rebound.example:80' } },
          (r) => (r.resume(), resolve(r.statusCode ?? 0)),
        );
        req.on('error', reject).end();
      });
      // Assess
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${incidentId}-first-notice-1-deliveries.csv"`);
      expect(res.headers.get('transfer-encoding')).toBe('chunked');
      expect(body).toBe(csv);
      expect(missing.status).toBe(404);
      expect(foreign).toBe(403);
    });
  });

  // Last: it corrupts the ledger the tests above read.
  it('a ledger that disagrees with itself is reported by the read and the CLI (exit 1), never evened out', async () => {
    // Prepare: a recipient of a settled call whose outcome changed after the call was counted, and a status no category knows.
    const sentByEmail = intendedKeys().filter((k) => decided.get(k) === 'sent' && k.startsWith('email '));
    // In two calls of chunks 0 and 1, which nothing throttled: both settled.
    const settled = sentByEmail[0];
    const other = sentByEmail.find((k) => Number(k.slice(-5)) > 600);
    const update = (key: string, status: string) =>
      doc.send(
        new UpdateCommand({
          TableName: tables.deliveries,
          Key: keys.outcome(key.split(' ')[1]!, incidentId, ref.noticeId, 'email'),
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': status },
        }),
      );
    await update(settled!, 'FAILED');
    await update(other!, 'SENDING');
    // Act
    const result = await reconcile(ledger.recipientOutcomes(ref));
    const out = await cli('deliveries', incidentId, ref.noticeId);
    // Assess
    expect(result.problems).toHaveLength(4);
    expect(result.problems).toContain(`email ${other!.split(' ')[1]}: status "SENDING" is no delivery category`);
    expect(result.problems.filter((p) => /the call's totals \(sent \d+, .*\) disagree with its recipients' outcomes/.test(p))).toHaveLength(2);
    expect(result.problems.at(-1)).toBe(
      `email: intended ${expectedFigures().email!.intended} but sent + suppressed + failed + uncertain + unfinished = ${expectedFigures().email!.intended - 1}`,
    );
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('THE FIGURES OF first-notice-1 DO NOT RECONCILE:');
    expect(out.stderr).toContain('status "SENDING" is no delivery category');
  }, 60_000);
});
