import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ListEmailTemplatesCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { decideByEmail } from './approval-client.js';
import { BENCH_DOMAIN, BENCH_RESOURCE, benchDirectory } from './bench-directory.js';
import type { RequestCounts } from './request-counts.js';
import { guardDutyFinding } from './sample-alarms.js';
import { sesFloor } from './ses-floor.js';

/**
 * `npm run bench [-- --recipients N]`: each run on a fresh `npm start` process (the demo directory as
 * usual): start to ready; N synthetic customers imported with `npm run import-customers`; an alarm on
 * their resource; alarm to approval email; approval to the last email and the last SMS; the calls the
 * send made (counted by the twin) and the execution's history; then, in the same run, the SES
 * emulator's own floor for N. BENCH_RUNS runs (default 5); medians of start, approval email and notices.
 */
const { values } = parseArgs({ options: { recipients: { type: 'string', default: '1000' } } });
const N = z.coerce.number().int().min(1).max(1_000_000).parse(values.recipients);
const RUNS = z.coerce.number().int().min(1).parse(process.env.BENCH_RUNS ?? 5);
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const DIRECTORY = benchDirectory(N);
// SendBulkEmail takes 50 destinations and one template, so one call per 50 readers of a locale.
const EXPECTED_CALLS = Object.values(DIRECTORY.byLocale).reduce((sum, count) => sum + Math.ceil(count / 50), 0);
const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];
const run = promisify(execFile);

async function poll<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 120_000 + N * 5, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('benchmark step timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface Mail { Body: { text_part: string | null } }

interface Run {
  ready: number;
  import: number;
  approvalEmail: number;
  lastEmail: number;
  lastSms: number;
  allNotices: number;
  bulkCalls: number;
  inFlight: number;
  writes: number;
  writesByOperation: string;
  historyEvents: number;
  floor: number;
  storedEmails: number;
  filteredQuery: number;
  count: number;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await f();
  return [value, performance.now() - started];
}

async function once(file: string): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], { env: { ...process.env, BREACH_NOTICE_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const line = await poll(async () => /edge (http:\/\/127\.0\.0\.1:\d+).* mailbox (http:\/\/127\.0\.0\.1:\d+)\//.exec(out) ?? undefined, 120_000, 20);
    const ready = performance.now() - t0;
    const [edge, mailbox] = [line[1]!, line[2]!];
    // Where start-up went (a stack spec not yet cached shows as a long `stack spec`).
    console.log(await poll(async () => /start-up, .*/.exec(out)?.[0], 5_000, 20));
    const get = async <T>(path: string) => (await (await fetch(`${edge}${path}`)).json()) as T;
    const count = async (path: string) => (await get<{ count: number }>(path)).count;
    const requests = () => get<RequestCounts>('/_twin/requests');

    const [, importMs] = await timed(() =>
      run(process.execPath, ['--import', 'tsx', 'local/import-customers.ts', file], { env: { ...process.env, AWS_ENDPOINT_URL: edge, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } }),
    );

    const events = new EventBridgeClient({ endpoint: edge, region: 'us-east-1', credentials });
    const alarm = guardDutyFinding({ bucket: BENCH_RESOURCE });
    const t1 = performance.now();
    await events.send(new PutEventsCommand({ Entries: [{ Source: alarm.source, DetailType: alarm['detail-type'], Detail: JSON.stringify(alarm.detail) }] }));
    const approval = await poll(async () => (await get<{ messages: Mail[] }>('/_aws/ses?recipient=approver@example.com')).messages[0]);
    const approvalEmail = performance.now() - t1;

    const before = await requests();
    const t2 = performance.now();
    await decideByEmail(edge, approval.Body.text_part ?? '', 'approve');
    const [lastEmail, lastSms] = await Promise.all([
      poll(async () => (await count(`/_aws/ses?recipient=${BENCH_DOMAIN}&count=true`)) >= N && performance.now() - t2),
      poll(async () => (await get<{ phoneNumbers: number }>('/_aws/sns/sms-messages?count=true')).phoneNumbers >= DIRECTORY.sms && performance.now() - t2),
    ]);
    const after = await requests();

    const sfn = new SFNClient({ endpoint: edge, region: 'us-east-1', credentials });
    const [execution] = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:breach-notice-incident-response' }))).executions ?? [];
    const history = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution!.executionArn }))).events ?? [];

    const delta = (service: string, operation: string) => (after.calls[service]?.[operation] ?? 0) - (before.calls[service]?.[operation] ?? 0);
    const writesBy = WRITES.map((op) => [op, delta('dynamodb', op)] as const).filter(([, n]) => n > 0);
    const [storedEmails, countMs] = await timed(() => count('/_aws/ses?count=true'));
    const [, filteredMs] = await timed(() => get(`/_aws/ses?recipient=bench-${N - 1}${BENCH_DOMAIN}`));

    const ses = new SESv2Client({ endpoint: mailbox, region: 'us-east-1', credentials });
    const template = (await ses.send(new ListEmailTemplatesCommand({ PageSize: 100 }))).TemplatesMetadata?.find((t) => t.TemplateName?.endsWith('first-notice-en'))?.TemplateName;
    const inFlight = after.maxInFlight['ses:SendBulkEmail'] ?? 1;
    const floor = await sesFloor(mailbox, template!, N, inFlight);
    return {
      ready,
      import: importMs,
      approvalEmail,
      lastEmail,
      lastSms,
      allNotices: Math.max(lastEmail, lastSms),
      bulkCalls: delta('ses', 'SendBulkEmail'),
      inFlight,
      writes: writesBy.reduce((sum, [, n]) => sum + n, 0),
      writesByOperation: writesBy.map(([op, n]) => `${op} ${n}`).join(', '),
      historyEvents: history.length,
      floor,
      storedEmails,
      filteredQuery: filteredMs,
      count: countMs,
    };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const n = (x: number) => Math.round(x).toLocaleString('en');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'breach-notice-bench-'));
const file = join(dir, 'customers.csv');
writeFileSync(file, DIRECTORY.csv);
const runs: Run[] = [];
try {
  for (let i = 0; i < RUNS; i += 1) {
    runs.push(await once(file));
    const r = runs.at(-1)!;
    console.log(`run ${i + 1}/${RUNS}: ${JSON.stringify({ ready: Math.round(r.ready), approvalEmail: Math.round(r.approvalEmail), allNotices: Math.round(r.allNotices) })} ms`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows: [string, (r: Run) => string][] = [
  ['start to ready', (r) => s(r.ready)],
  ['import (npm run import-customers)', (r) => `${s(r.import)} (${n(N / (r.import / 1000))} customers/s)`],
  ['alarm to approval email', (r) => s(r.approvalEmail)],
  ['approval to last email', (r) => s(r.lastEmail)],
  [`approval to last SMS (${n(DIRECTORY.sms)})`, (r) => s(r.lastSms)],
  ['recipients/s (to the last notice)', (r) => n(N / (r.allNotices / 1000))],
  [`SendBulkEmail calls (ceil(N/50) per locale: ${n(EXPECTED_CALLS)})`, (r) => `${n(r.bulkCalls)}${r.bulkCalls === EXPECTED_CALLS ? '' : ' (not the expected)'}, ${r.inFlight} in flight at most`],
  ['SES floor: raw SendBulkEmail x50, as many in flight', (r) => `${s(r.floor)}; the twin took ${(r.lastEmail / r.floor).toFixed(1)}x`],
  ['DynamoDB write requests per recipient', (r) => `${(r.writes / N).toFixed(3)} (${r.writesByOperation})`],
  ['history events of the execution', (r) => n(r.historyEvents)],
  ['retrospection: count / one recipient, over the stored emails', (r) => `${Math.round(r.count)} ms / ${Math.round(r.filteredQuery)} ms over ${n(r.storedEmails)}`],
];
const cpu = cpus();
console.log(`\nmachine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
const mix = Object.entries(DIRECTORY.byLocale).map(([locale, count]) => `${n(count)} ${locale}`).join(', ');
console.log(`${n(N)} recipients (${mix}; ${n(DIRECTORY.sms)} also by SMS), ${RUNS} run${RUNS > 1 ? 's' : ''}\n`);
console.log(`| measure | ${runs.map((_, i) => `run ${i + 1}`).join(' | ')} |`);
console.log(`|---|${runs.map(() => '---').join('|')}|`);
for (const [label, cell] of rows) console.log(`| ${label} | ${runs.map(cell).join(' | ')} |`);
console.log('');
for (const key of ['ready', 'approvalEmail', 'allNotices'] as const) {
  console.log(`median ${key}: ${(median(runs.map((r) => r[key])) / 1000).toFixed(2)} s (min ${(Math.min(...runs.map((r) => r[key])) / 1000).toFixed(2)}, max ${(Math.max(...runs.map((r) => r[key])) / 1000).toFixed(2)})`);
}
