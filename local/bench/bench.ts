import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, type HistoryEvent, ListExecutionsCommand, paginateGetExecutionHistory, SFNClient } from '@aws-sdk/client-sfn';
import { ListEmailTemplatesCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { decideByEmail } from '../tools/approval-client.js';
import { BENCH_DOMAIN, BENCH_RESOURCE, benchAppConfig, benchCustomerOfPhone, benchDirectory } from './bench-directory.js';
import { keys } from '../../functions/adapters/keys.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import { systemClock } from '../../functions/shared/clock.js';
import { deliveryCategories } from '../../functions/domain/delivery.js';
import type { RequestCounts } from '../twin/request-counts.js';
import type { Usage } from '../twin/usage.js';
import { billOf, billTable, usageBetween, type Bill } from './bill.js';
import { guardDutyFinding } from '../tools/sample-alarms.js';
import { providersFloor } from './ses-floor.js';

/**
 * `npm run bench [-- --recipients N]`: each run on a fresh `npm start` process (the demo directory as
 * usual): start to ready; N synthetic customers imported with `npm run import-customers`; an alarm on
 * their resource; alarm to approval email; approval to the last email and the last SMS; the calls the
 * send made (counted by the twin) and the execution's history; then, in the same run, the providers'
 * floor for the same emails and SMS (ses-floor.ts). BENCH_RUNS runs (default 5); medians of start, approval email and notices.
 * `--ses-rate R` (and `--ses-daily D`) give the twin's SES account that quota: the emails are then read
 * back (duplicates, the most in one second) and the run is held to N / R. Without it the account
 * may send UNPACED_RATE a second, so the provider's quota is not what the run measures. Each run's bill at AWS
 * list prices (the twin metered, local/bench/bill.ts) follows the table. `--cold-start` instead
 * bundles every function as the stack does and times each one's init (BENCH_COLD_RUNS, default 7);
 * `--assess-segment N` times each assessment phase's invocation over one directory segment of N customers;
 * `--floor-only` measures the providers' floor for N alone. `--until approval` stops each run at the approval
 * email (import, assessment, drafting at N without the send: the part of a million a session has time for);
 * `--until ledger` once *Confirm notices sent* has reconciled the ledger (the send and its totals, without the
 * hour the evidence of a million drains after it, the bill or the floor).
 */
const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '1000' },
    // The SES account's quota on the twin (GetAccount's SendQuota, see local/emulators/emulators.ts sesAccount).
    'ses-rate': { type: 'string' },
    'ses-daily': { type: 'string' },
    'cold-start': { type: 'boolean', default: false },
    'assess-segment': { type: 'string' },
    'floor-only': { type: 'boolean', default: false },
    until: { type: 'string' },
  },
});
const UNTIL = z.enum(['approval', 'ledger']).optional().parse(values.until);
const N = z.coerce.number().int().min(1).max(1_000_000).parse(values.recipients);
const SES_RATE = values['ses-rate'] === undefined ? undefined : z.coerce.number().positive().parse(values['ses-rate']);
const SES_DAILY = values['ses-daily'] === undefined ? undefined : z.coerce.number().int().positive().parse(values['ses-daily']);
/** The SES account's rate when no --ses-rate is given: a large production account's, above what the twin reaches. */
const UNPACED_RATE = 20_000;
// Reading every stored email back (duplicates, the send rate per second) costs its own time: done under a quota or up to 20,000.
const AUDIT = SES_RATE !== undefined || N <= 20_000;
// The twin's SES mailbox keeps its newest emails only (local/emulators/ses-store.ts): all of them while they are read back,
// else 20,000 (a million would not fit the heap). The counts the run waits on are kept for every email sent either way.
const MAILBOX_LIMIT = AUDIT ? N + 10_000 : 20_000;
const RUNS = z.coerce
  .number()
  .int()
  .min(1)
  .parse(process.env.BENCH_RUNS ?? 5);
const COLD_RUNS = z.coerce
  .number()
  .int()
  .min(1)
  .parse(process.env.BENCH_COLD_RUNS ?? 7);
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const DIRECTORY = benchDirectory(N);
// SendBulkEmail takes 50 destinations and one template, so one call per 50 readers of a locale.
const EXPECTED_CALLS = Object.values(DIRECTORY.byLocale).reduce((sum, count) => sum + Math.ceil(count / 50), 0);
const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];
const run = promisify(execFile);

// A step may take 5 ms a recipient, and under a quota twice N / rate on top (BENCH_STEP_TIMEOUT_S overrides).
const STEP_TIMEOUT_MS = process.env.BENCH_STEP_TIMEOUT_S
  ? z.coerce.number().positive().parse(process.env.BENCH_STEP_TIMEOUT_S) * 1000
  : 120_000 + N * 5 + (SES_RATE ? (2 * N * 1000) / SES_RATE : 0);

async function poll<T>(probe: () => Promise<T | undefined | false>, timeoutMs = STEP_TIMEOUT_MS, everyMs = 100, progress?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`benchmark step timed out after ${timeoutMs / 1000} s${progress ? `: ${await progress()}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface Mail {
  Body: { text_part: string | null };
}

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
  /** The largest state input, output or task result (bytes; Step Functions' quota is 262,144), and whose. */
  largestPayload: { bytes: number; stateName: string };
  /** The longest single invocation of the functions the incident ran, the longest first. */
  longest: string;
  /** The same per Task state (a function serves several), the longest first. */
  longestTasks: string;
  /** The providers' floor (ses-floor.ts): emails and SMS together, at the better of 4 or 16 in flight. */
  floor: { ms: number; concurrency: number };
  /** Emails sent (the count's answer, dropped ones included). */
  sentEmails: number;
  /** Once the workflow and the evidence settled: the run's customer emails and SMS, each against those they went to (more is a duplicate). */
  reached: { emails: number; sms: number; numbers: number };
  filteredQuery: number;
  count: number;
  audit?: MailAudit;
  timeline: { failures: number; actions: string };
  /** The ledger's totals per channel as *Confirm notices sent* reconciled them, and when (after approval). */
  ledger: { text: string; ms: number };
  /** The calls' own time during the send, summed per operation (seconds), the longest first. */
  callTime: string;
  /** What the incident cost at AWS list prices, alarm to the wait for the next update. */
  bill: Bill;
}

interface MailAudit {
  /** Emails to the bench's customers, and how many customers got one. */
  emails: number;
  recipients: number;
  /** The most emails the emulator stored in one second, and the seconds from the first to the last. */
  maxPerSecond: number;
  spanSeconds: number;
}

/** Every email to the bench's customers, read back in pages: who got how many, and when. */
async function auditMail(edge: string): Promise<MailAudit> {
  const recipients = new Set<string>();
  const perSecond = new Map<number, number>();
  let emails = 0;
  let next: string | undefined;
  do {
    const page = (await (
      await fetch(`${edge}/_aws/ses?recipient=${encodeURIComponent(BENCH_DOMAIN)}&limit=2000${next ? `&next=${encodeURIComponent(next)}` : ''}`)
    ).json()) as {
      messages: { Destination: { ToAddresses: string[] }; Timestamp: string }[];
      next?: string;
      dropped?: number;
    };
    if (page.dropped) throw new Error(`the twin's mailbox dropped ${page.dropped} emails: the audit cannot read them back`);
    for (const m of page.messages) {
      emails += 1;
      for (const to of m.Destination.ToAddresses) recipients.add(to);
      const second = Math.floor(Date.parse(m.Timestamp) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    next = page.next;
  } while (next);
  const seconds = [...perSecond.keys()];
  return {
    emails,
    recipients: recipients.size,
    maxPerSecond: Math.max(0, ...perSecond.values()),
    spanSeconds: seconds.length ? Math.max(...seconds) - Math.min(...seconds) + 1 : 0,
  };
}

// A timeline entry that reports a failure, a throttle or a quota (its action names it; ids only, never PII).
// sending-unfinished: a slice the Map round left undone (its errors by name follow in the table).
const FAILURE_ACTION = /fail|throttl|quota|paus|error|refus|unfinished/i;
// The twin's, as `npm run incident` finds it.
const INCIDENTS_TABLE = process.env.INCIDENTS_TABLE ?? 'breach-notice-incidents';

/** A `notice-sent` entry's detail: per channel, intended and where each intended recipient stands; reconciled or not; rounds. */
function ledgerText(detail: Record<string, unknown>): string {
  const totals = (detail.totals ?? {}) as Record<string, Record<string, number>>;
  // Channels by name and categories in the domain's order: the item's maps keep none.
  const channels = Object.keys(totals)
    .sort()
    .map((channel) => {
      const figures = totals[channel]!;
      return `${channel} ${n(figures.intended ?? 0)} intended: ${deliveryCategories.map((category) => `${category} ${n(figures[category] ?? 0)}`).join(', ')}`;
    });
  return `${channels.join('; ')}; ${detail.reconciled === true ? 'reconciled' : 'NOT reconciled'}, ${String(detail.rounds ?? '?')} round(s)`;
}
async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await f();
  return [value, performance.now() - started];
}

/** A run stopped at the approval email (`--until approval`). */
type ApprovalRun = Pick<Run, 'ready' | 'import' | 'approvalEmail' | 'historyEvents' | 'largestPayload' | 'longest' | 'longestTasks'>;
/** A run stopped once the ledger is reconciled (`--until ledger`). */
type LedgerRun = ApprovalRun & Pick<Run, 'lastEmail' | 'lastSms' | 'allNotices' | 'reached' | 'ledger'>;

/** The longest single invocation of each function a run invoked (ms), the longest first, with its invocations. */
function longestInvocations(usage: Usage): string {
  const used = Object.entries(usage.lambda).filter(([, f]) => f.invocations > 0 && !f.scheduled);
  return longestFirst(used.map(([name, f]) => [name.replace(/^breach-notice-/, ''), f.longestMs ?? 0, ` (x${n(f.invocations)})`]));
}

/** The Task states' longest invocations (ms), the longest first. */
function longestTasks(usage: Usage): string {
  return longestFirst(Object.entries(usage.stepFunctions.longestTaskMs).map(([state, ms]) => [state, ms, '']));
}

/** The six longest of (name, ms, note), the longest first. */
function longestFirst(rows: [name: string, ms: number, note: string][]): string {
  return rows
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, ms, note]) => `${name} ${n(ms)} ms${note}`)
    .join(', ');
}

async function once(file: string): Promise<Run>;
async function once(file: string, until: 'approval'): Promise<ApprovalRun>;
async function once(file: string, until: 'ledger'): Promise<LedgerRun>;
async function once(file: string, until?: 'approval' | 'ledger'): Promise<Run | ApprovalRun | LedgerRun> {
  const t0 = performance.now();
  const sesSettings = {
    BREACH_NOTICE_SES_RATE: String(SES_RATE ?? UNPACED_RATE),
    ...(SES_DAILY !== undefined ? { BREACH_NOTICE_SES_DAILY: String(SES_DAILY) } : {}),
    BREACH_NOTICE_SES_MAILBOX_LIMIT: String(MAILBOX_LIMIT),
  };
  // BENCH_CPU_PROFILE_DIR: the twin writes a V8 CPU profile there when it stops (the window to read is printed below).
  const profile = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'local/main.ts'], {
    // Metered, and the functions logging at the stack's level (INFO): their log is part of the bill.
    env: { POWERTOOLS_LOG_LEVEL: 'INFO', ...process.env, ...sesSettings, BREACH_NOTICE_PORT: '0', BREACH_NOTICE_METER: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  // The start-up lines only: the functions' log that follows is counted by the twin, not kept here.
  child.stdout!.on('data', (d: Buffer) => {
    if (out.length < 65_536) out += d.toString();
  });
  try {
    const line = await poll(async () => /edge (http:\/\/127\.0\.0\.1:\d+).* mailbox (http:\/\/127\.0\.0\.1:\d+)\//.exec(out) ?? undefined, 300_000, 20);
    const ready = performance.now() - t0;
    const [edge, mailbox] = [line[1]!, line[2]!];
    // Where start-up went (a stack spec not yet cached shows as a long `stack spec`).
    console.log(await poll(async () => /start-up, .*/.exec(out)?.[0], 5_000, 20));
    const get = async <T>(path: string) => (await (await fetch(`${edge}${path}`)).json()) as T;
    const count = async (path: string) => (await get<{ count: number }>(path)).count;
    const requests = () => get<RequestCounts>('/_twin/requests');

    const [, importMs] = await timed(() =>
      run(process.execPath, ['--import', 'tsx', 'local/tools/import-customers.ts', file], {
        env: { ...process.env, AWS_ENDPOINT_URL: edge, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      }),
    );

    // Printed as they happen: a long run stopped later keeps them.
    console.log(`import: ${s(importMs)}`);
    const usageBefore = await get<Usage>('/_twin/usage');
    const events = new EventBridgeClient({ endpoint: edge, region: 'us-east-1', credentials });
    const alarm = guardDutyFinding({ bucket: BENCH_RESOURCE });
    const t1 = performance.now();
    await events.send(new PutEventsCommand({ Entries: [{ Source: alarm.source, DetailType: alarm['detail-type'], Detail: JSON.stringify(alarm.detail) }] }));
    const approval = await poll(async () => (await get<{ messages: Mail[] }>('/_aws/ses?recipient=approver@example.com')).messages[0]);
    const approvalEmail = performance.now() - t1;
    console.log(`alarm to approval email: ${s(approvalEmail)}`);
    const sfn = new SFNClient({ endpoint: edge, region: 'us-east-1', credentials });
    const executionOf = async () =>
      ((await sfn.send(new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:breach-notice-incident-response' })))
        .executions ?? [])[0]!;
    // Every page of the history, as Step Functions pages it (at most 1,000 events each).
    const historyOf = async () => {
      const execution = await executionOf();
      const events: HistoryEvent[] = [];
      for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 1000 }, { executionArn: execution.executionArn }))
        events.push(...(page.events ?? []));
      return { execution, events };
    };
    if (until === 'approval') {
      const usage = usageBetween(usageBefore, await get<Usage>('/_twin/usage'));
      return {
        ready,
        import: importMs,
        approvalEmail,
        historyEvents: (await historyOf()).events.length,
        largestPayload: usage.stepFunctions.largestPayload,
        longest: longestInvocations(usage),
        longestTasks: longestTasks(usage),
      };
    }

    // Customer emails and SMS, each against those they went to (more than one each is a duplicate).
    const reachedOf = async () => {
      const sms = await get<{ count: number; phoneNumbers: number }>('/_aws/sns/sms-messages?count=true');
      return { emails: await count(`/_aws/ses?recipient=${BENCH_DOMAIN}&count=true`), sms: sms.count, numbers: sms.phoneNumbers };
    };
    const before = await requests();
    const t2 = performance.now();
    const approvedAt = Date.now();
    await decideByEmail(edge, approval.Body.text_part ?? '', 'approve');
    const progress = async () => {
      const { emails, numbers } = await reachedOf();
      return `${emails} of ${N} emails, ${numbers} of ${DIRECTORY.sms} SMS numbers`;
    };
    // A line a minute while sending: the pace of a long run is readable as it goes.
    const ticker = setInterval(async () => console.log(`${s(performance.now() - t2)} after approval: ${await progress().catch(() => '?')}`), 60_000);
    const [lastEmail, lastSms] = await Promise.all([
      poll(async () => (await count(`/_aws/ses?recipient=${BENCH_DOMAIN}&count=true`)) >= N && performance.now() - t2, STEP_TIMEOUT_MS, 100, progress),
      poll(
        async () => (await get<{ phoneNumbers: number }>('/_aws/sns/sms-messages?count=true')).phoneNumbers >= DIRECTORY.sms && performance.now() - t2,
        STEP_TIMEOUT_MS,
        100,
        progress,
      ),
    ])
      .catch(async (error: unknown) => {
        // Where the send stands: each failed or timed-out step's error name (names only, never a cause's text).
        const failed = (await historyOf()).events.filter((e) => /Failed|TimedOut/.test(e.type ?? ''));
        const names = new Map<string, number>();
        for (const e of failed) {
          const name = `${e.type}: ${e.taskFailedEventDetails?.error ?? e.lambdaFunctionFailedEventDetails?.error ?? e.executionFailedEventDetails?.error ?? '?'}`;
          names.set(name, (names.get(name) ?? 0) + 1);
        }
        console.error(`the execution's failures so far: ${[...names].map(([name, k]) => `${name} x${k}`).join(', ') || 'none'}`);
        throw error;
      })
      .finally(() => clearInterval(ticker));
    const after = await requests();
    if (profile.length > 0)
      console.log(
        `profile window: approval to last notice = ${((t2 - t0) / 1000).toFixed(1)} s to ${((t2 - t0 + Math.max(lastEmail, lastSms)) / 1000).toFixed(1)} s after the twin's launch`,
      );

    const { input } = await sfn.send(new DescribeExecutionCommand({ executionArn: (await executionOf()).executionArn }));
    const incidentId = /"incidentId":"([^"]+)"/.exec(input ?? '')?.[1];
    const waitsOrEnded = async () =>
      (await historyOf()).events.some(
        (e) => e.stateEnteredEventDetails?.name === 'Wait until next update' || /^Execution(Failed|Aborted|TimedOut)$/.test(e.type ?? ''),
      );
    // The ledger's totals once *Confirm notices sent* has reconciled them: printed then, since at a million the
    // evidence the bill waits for drains for an hour after (a run stopped during it keeps these lines).
    const incidents = incidentStores(
      DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: edge, region: 'us-east-1', credentials })),
      INCIDENTS_TABLE,
      systemClock,
    ).incidents;
    const noticeSent = async () => (incidentId ? (await incidents.listTimeline(incidentId)).find((e) => e.action === 'notice-sent') : undefined);
    const sent = await poll(
      async () => {
        const entry = await noticeSent();
        if (entry) return entry;
        // Read once more after the workflow moved on: the entry may have come between the two reads.
        return (await waitsOrEnded()) && ((await noticeSent()) ?? 'none');
      },
      STEP_TIMEOUT_MS,
      2000,
    );
    if (sent === 'none') throw new Error('the workflow went on or ended without a notice-sent entry on the timeline: the ledger was not reconciled');
    // Timed by the entry's own time, against the approval's.
    const ledger = { text: ledgerText(sent.detail ?? {}), ms: Date.parse(sent.at) - approvedAt };
    const { events: atLedger } = await historyOf();
    const usedToLedger = usageBetween(usageBefore, await get<Usage>('/_twin/usage'));
    console.log(
      `ledger totals, ${s(ledger.ms)} after approval: ${ledger.text}; history ${n(atLedger.length)} events; largest payload ${payload(usedToLedger.stepFunctions)}`,
    );
    const sendFigures = { ready, import: importMs, approvalEmail, lastEmail, lastSms, allNotices: Math.max(lastEmail, lastSms) };
    if (until === 'ledger') {
      return {
        ...sendFigures,
        historyEvents: atLedger.length,
        largestPayload: usedToLedger.stepFunctions.largestPayload,
        longest: longestInvocations(usedToLedger),
        longestTasks: longestTasks(usedToLedger),
        reached: await reachedOf(),
        ledger,
      };
    }

    // The incident's bill: everything from the alarm until the workflow waits for its next update.
    await poll(waitsOrEnded, STEP_TIMEOUT_MS, 500);
    // SES's events reach record-delivery-evidence through its queue, in batches: the bill waits until they are all in.
    const busy = (u: Usage) =>
      u.events.awsService +
      Object.values(u.lambda).reduce((sum, f) => sum + (f.scheduled ? 0 : f.invocations), 0) +
      Object.values(u.sqs ?? {}).reduce((sum, q) => sum + q.ReceiveMessage + q.DeleteMessageBatch, 0);
    let settled = await get<Usage>('/_twin/usage');
    let quiet = 0;
    await poll(
      async () => {
        const next = await get<Usage>('/_twin/usage');
        quiet = busy(next) === busy(settled) ? quiet + 1 : 0;
        settled = next;
        return quiet >= 2;
      },
      STEP_TIMEOUT_MS,
      3000,
    );
    const used = usageBetween(usageBefore, settled);
    const bill = billOf(used);
    const { events: history } = await historyOf();
    const timeline = incidentId ? await timelineOf(edge, incidentId) : { failures: -1, actions: 'incident id not found in the execution input' };
    const audit = AUDIT ? await auditMail(edge) : undefined;

    const delta = (service: string, operation: string) => (after.calls[service]?.[operation] ?? 0) - (before.calls[service]?.[operation] ?? 0);
    const writesBy = WRITES.map((op) => [op, delta('dynamodb', op)] as const).filter(([, n]) => n > 0);
    const [sentEmails, countMs] = await timed(() => count('/_aws/ses?count=true'));
    // Read after the evidence rounds: a recipient settled as not sent and sent again shows here as a second message.
    const reached = await reachedOf();
    if (reached.sms > reached.numbers) await explainSmsDuplicates(edge, get);
    const [, filteredMs] = await timed(() => get(`/_aws/ses?recipient=bench-${N - 1}${BENCH_DOMAIN}`));

    const ses = new SESv2Client({ endpoint: mailbox, region: 'us-east-1', credentials });
    const template = (await ses.send(new ListEmailTemplatesCommand({ PageSize: 100 }))).TemplatesMetadata?.find((t) =>
      t.TemplateName?.endsWith('first-notice-en'),
    )?.TemplateName;
    const inFlight = after.maxInFlight['ses:SendBulkEmail'] ?? 1;
    const floor = await providersFloor(mailbox, template!, N, DIRECTORY.sms);
    return {
      ...sendFigures,
      bulkCalls: delta('ses', 'SendBulkEmail'),
      inFlight,
      writes: writesBy.reduce((sum, [, n]) => sum + n, 0),
      writesByOperation: writesBy.map(([op, n]) => `${op} ${n}`).join(', '),
      historyEvents: history.length,
      largestPayload: used.stepFunctions.largestPayload,
      longest: longestInvocations(used),
      longestTasks: longestTasks(used),
      floor,
      sentEmails,
      reached,
      filteredQuery: filteredMs,
      count: countMs,
      audit,
      timeline,
      ledger,
      bill,
      callTime: Object.keys(after.totalMs ?? {})
        .map((key) => [key, (after.totalMs[key] ?? 0) - (before.totalMs?.[key] ?? 0)] as const)
        .filter(([, ms]) => ms >= 100)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([key, ms]) => `${key.replace(/^\w+:/, '')} ${(ms / 1000).toFixed(1)}`)
        .join(', '),
    };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * A number that got more than one SMS: when each came, and what the ledger and the evidence say of its
 * customer (status, reason, attempt; the delivery status's times). Synthetic customers only: the bench's.
 */
async function explainSmsDuplicates(edge: string, get: <T>(path: string) => Promise<T>): Promise<void> {
  const { sms_messages: byNumber } = await get<{ sms_messages: Record<string, { at: string; messageId: string }[]> }>('/_aws/sns/sms-messages');
  const twice = Object.entries(byNumber).filter(([, messages]) => messages.length > 1);
  console.log(`SMS duplicates: ${twice.length} numbers got more than one; the first ${Math.min(5, twice.length)}:`);
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: edge, region: 'us-east-1', credentials }));
  for (const [number, messages] of twice.slice(0, 5)) {
    const customerId = benchCustomerOfPhone(number);
    const items = await dynamodb.send(
      new QueryCommand({
        TableName: 'breach-notice-deliveries',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.customerOutcomes(customerId) },
      }),
    );
    // Its SMS outcome and evidence items: both sort keys end in the channel.
    const kept = (items.Items ?? []).filter((i) => String(i.sk).endsWith('#sms'));
    console.log(`  ${customerId}: SMS at ${messages.map((m) => m.at).join(', ')}`);
    for (const item of kept) {
      const { pk: _pk, customerId: _c, incidentId: _i, ...rest } = item;
      console.log(`    ${JSON.stringify(rest)}`);
    }
  }
}

/** The incident's timeline through `npm run incident -- show`: the failures it records, and every action counted. */
async function timelineOf(edge: string, incidentId: string): Promise<Run['timeline']> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'local/tools/incident.ts', 'show', incidentId], {
    env: { ...process.env, AWS_ENDPOINT_URL: edge, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 64 * 2 ** 20,
  });
  const entries = (JSON.parse(stdout) as { timeline: { action: string; detail?: { errors?: Record<string, number> } & Record<string, unknown> }[] }).timeline;
  const byAction = new Map<string, number>();
  for (const e of entries) byAction.set(e.action, (byAction.get(e.action) ?? 0) + 1);
  const failures = entries.filter((e) => FAILURE_ACTION.test(e.action));
  // Error names only (the detail's `errors`), never texts that could carry customer data.
  const errors = failures.flatMap((e) => Object.entries(e.detail?.errors ?? {}).map(([name, n]) => `${e.action}: ${name} x${n}`));
  // Lost answers and how the evidence settled them: confirmed sent, sent again, and waits for evidence that was behind.
  const settled = entries.filter((e) => e.action === 'uncertain-settled').map((e) => e.detail ?? {});
  const sum = (field: string) => settled.reduce((total, d) => total + Number(d[field] ?? 0), 0);
  const uncertain = settled.length
    ? `; lost answers settled: ${sum('confirmed')} confirmed, ${sum('reopened')} sent again, ${sum('behind')} waited on late evidence`
    : '';
  return {
    failures: failures.length,
    actions: `${[...byAction].map(([action, count]) => (count > 1 ? `${action} x${count}` : action)).join(', ')}${errors.length ? ` (${errors.join('; ')})` : ''}${uncertain}`,
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const n = (x: number) => Math.round(x).toLocaleString('en');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (values['floor-only']) {
  // `npm run bench -- --recipients N --floor-only`: the providers' floor for N (and its SMS) alone, on a fresh SES emulator with the stack's template.
  const [{ CreateEmailTemplateCommand }, { freePort, startSesEmulator }, { specFromStack }, { providersFloor }] = await Promise.all([
    import('@aws-sdk/client-sesv2'),
    import('../emulators/emulators.js'),
    import('../twin/from-stack.js'),
    import('./ses-floor.js'),
  ]);
  const template = specFromStack(benchAppConfig()).templates.find((t) => t.name.endsWith('first-notice-en'))!;
  // The mailbox the runs' floor is measured against (at 100,000 the twin keeps 20,000 emails; the emulator's default keeps 200,000).
  process.env.BREACH_NOTICE_SES_MAILBOX_LIMIT = String(MAILBOX_LIMIT);
  const emulator = await startSesEmulator(await freePort());
  await new SESv2Client({ endpoint: emulator.url, region: 'us-east-1', credentials }).send(
    new CreateEmailTemplateCommand({ TemplateName: template.name, TemplateContent: { Subject: template.subject, Html: template.html, Text: template.text } }),
  );
  const floor = await providersFloor(emulator.url, template.name, N, DIRECTORY.sms);
  await emulator.stop();
  console.log(
    `providers' floor for ${n(N)} emails and ${n(DIRECTORY.sms)} SMS: ${s(floor.ms)} at ${floor.concurrency} in flight; load ${loadavg()[0]!.toFixed(1)}`,
  );
  process.exit(0);
}

if (values['assess-segment']) {
  // `npm run bench -- --assess-segment N`: each assessment phase's invocation over one segment of N customers; no twin runs.
  const customers = z.coerce.number().int().min(1).max(200_000).parse(values['assess-segment']);
  const { measureAssessSegment } = await import('./assess-segment.js');
  const { phases, items, segmentsAtAMillion } = await measureAssessSegment(customers);
  const cpu = cpus();
  console.log(`\nmachine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load ${loadavg()[0]!.toFixed(1)}`);
  console.log(
    `one segment of ${n(customers)} customers (${n(items)} directory items); a million of this mix is scanned in ${segmentsAtAMillion} segments of ~${n(1_000_000 / segmentsAtAMillion)} customers\n`,
  );
  console.log("| phase (one invocation) | wall | this process's CPU | CPU x3 (a third of this machine) |");
  console.log('|---|---|---|---|');
  for (const p of phases) console.log(`| ${p.phase} | ${s(p.wallMs)} | ${s(p.cpuMs)} | ${s(p.cpuMs * 3)} |`);
  process.exit(0);
}

if (values['cold-start']) {
  // `npm run bench -- --cold-start`: each function's bundle (the stack's options), its size and its init; no twin runs.
  const [{ bundleFunctions }, { measureColdStarts }] = await Promise.all([import('../twin/function-bundles.js'), import('./cold-start.js')]);
  const bundlesDir = mkdtempSync(join(tmpdir(), 'breach-notice-bundles-'));
  try {
    const bundles = await bundleFunctions(bundlesDir);
    const starts = await measureColdStarts(bundles, COLD_RUNS);
    const cpu = cpus();
    console.log(
      `\nmachine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log(
      `cold start: import() of the bundled handler module to its handler export, in a fresh node process, ${COLD_RUNS} runs each, median (min-max)\n`,
    );
    console.log('| function | bundle | of it the AWS SDK | init, median (min-max) |');
    console.log('|---|---|---|---|');
    for (const b of bundles) {
      const c = starts.find((x) => x.name === b.name)!;
      const init = c.error ? `failed: ${c.error}` : `${Math.round(c.median)} ms (${Math.round(Math.min(...c.runs))}-${Math.round(Math.max(...c.runs))})`;
      console.log(`| ${b.name} | ${Math.round(b.bytes / 1024)} KB | ${Math.round(b.sdkBytes / 1024)} KB | ${init} |`);
    }
  } finally {
    rmSync(bundlesDir, { recursive: true, force: true });
  }
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'breach-notice-bench-'));
const file = join(dir, 'customers.csv');
writeFileSync(file, DIRECTORY.csv);
const REACHED = 'customer emails / customers; SMS / numbers (more than one each is a duplicate)';
const reachedText = (r: Pick<Run, 'reached'>) =>
  `${n(r.reached.emails)} / ${n(N)}; ${n(r.reached.sms)} / ${n(r.reached.numbers)} (${n(DIRECTORY.sms)} in the directory)`;
const ledgerCell = (r: Pick<Run, 'ledger'>) => `${r.ledger.text} (${s(r.ledger.ms)})`;
// Rows both tables print: up to the approval email, and the send.
const startRows: [string, (r: ApprovalRun) => string][] = [
  ['start to ready', (r) => s(r.ready)],
  ['import (npm run import-customers)', (r) => `${s(r.import)} (${n(N / (r.import / 1000))} customers/s)`],
  ['alarm to approval email', (r) => s(r.approvalEmail)],
];
const sendRows: [string, (r: LedgerRun) => string][] = [
  ['approval to last email', (r) => s(r.lastEmail)],
  [`approval to last SMS (${n(DIRECTORY.sms)})`, (r) => s(r.lastSms)],
  ['recipients/s (to the last notice)', (r) => n(N / (r.allNotices / 1000))],
];
const payload = (r: Pick<Run, 'largestPayload'>) =>
  `${n(r.largestPayload.bytes)} bytes (${((r.largestPayload.bytes / 262_144) * 100).toFixed(1)}% of 256 KiB), ${r.largestPayload.stateName}`;
if (UNTIL) {
  const partial: (ApprovalRun | LedgerRun)[] = [];
  try {
    for (let i = 0; i < RUNS; i += 1) partial.push(UNTIL === 'ledger' ? await once(file, 'ledger') : await once(file, 'approval'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cpu = cpus();
  console.log(`\nmachine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  const where = UNTIL === 'ledger' ? 'once the ledger was reconciled' : 'at the approval email';
  console.log(`${n(N)} recipients (${n(DIRECTORY.sms)} also by SMS), ${RUNS} run${RUNS > 1 ? 's' : ''}, each stopped ${where} (--until ${UNTIL})\n`);
  const sent = (cell: (r: LedgerRun) => string) => (r: ApprovalRun | LedgerRun) => ('ledger' in r ? cell(r) : '-');
  const partialRows: [string, (r: ApprovalRun | LedgerRun) => string][] = [
    ...startRows,
    ...(UNTIL === 'ledger'
      ? ([
          ...sendRows.map(([label, cell]) => [label, sent(cell)]),
          [REACHED, sent(reachedText)],
          ['ledger totals (Confirm notices sent), after approval', sent(ledgerCell)],
        ] as [string, (r: ApprovalRun | LedgerRun) => string][])
      : []),
    ['history events of the execution so far', (r) => n(r.historyEvents)],
    ['largest state payload so far', payload],
    ['longest single invocation per function', (r) => r.longest],
    ['longest invocation per Task state', (r) => r.longestTasks],
  ];
  console.log(`| measure | ${partial.map((_, i) => `run ${i + 1}`).join(' | ')} |`);
  console.log(`|---|${partial.map(() => '---').join('|')}|`);
  for (const [label, cell] of partialRows) console.log(`| ${label} | ${partial.map(cell).join(' | ')} |`);
  process.exit(0);
}
const runs: Run[] = [];
try {
  for (let i = 0; i < RUNS; i += 1) {
    runs.push(await once(file));
    const r = runs.at(-1)!;
    console.log(
      `run ${i + 1}/${RUNS}: ${JSON.stringify({ ready: Math.round(r.ready), approvalEmail: Math.round(r.approvalEmail), allNotices: Math.round(r.allNotices) })} ms`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows: [string, (r: Run) => string][] = [
  ...startRows,
  ...sendRows,
  [
    `SendBulkEmail calls (ceil(N/50) per locale: ${n(EXPECTED_CALLS)})`,
    (r) => `${n(r.bulkCalls)}${r.bulkCalls === EXPECTED_CALLS ? '' : ' (not the expected)'}, ${r.inFlight} in flight at most`,
  ],
  [
    "providers' floor: raw SendBulkEmail x50 and SMS Publish together, best of 4/16 in flight",
    (r) => `${s(r.floor.ms)} at ${r.floor.concurrency}; approval to last notice took ${(r.allNotices / r.floor.ms).toFixed(1)}x`,
  ],
  ['DynamoDB write requests per recipient', (r) => `${(r.writes / N).toFixed(3)} (${r.writesByOperation})`],
  ['history events of the execution', (r) => n(r.historyEvents)],
  ['largest state payload', payload],
  ['longest single invocation per function', (r) => r.longest],
  ['longest invocation per Task state', (r) => r.longestTasks],
  ['time inside calls during the send, summed per operation (s)', (r) => r.callTime || '-'],
  [REACHED, reachedText],
  [
    'emails stored / customers reached / duplicates',
    (r) =>
      r.audit ? `${n(r.audit.emails)} / ${n(r.audit.recipients)} / ${n(r.audit.emails - r.audit.recipients)}` : 'not read back (N > 20,000 without --ses-rate)',
  ],
  [
    `most emails in one second${SES_RATE !== undefined ? ` (quota ${SES_RATE}/s)` : ''}; seconds from first to last`,
    (r) => (r.audit ? `${n(r.audit.maxPerSecond)}; ${n(r.audit.spanSeconds)}` : '-'),
  ],
  ...(SES_RATE !== undefined
    ? ([
        [
          `quota target: N / rate = ${s((N / SES_RATE) * 1000)} +-10%`,
          (r) => `${s(r.lastEmail)} (${((r.lastEmail / ((N / SES_RATE) * 1000) - 1) * 100).toFixed(1)}%)`,
        ],
      ] as [string, (r: Run) => string][])
    : []),
  [
    'workflow overhead at AWS list prices / SES own price (per million customers)',
    (r) => `${(r.bill.overheadShare * 100).toFixed(1)}% (USD ${((r.bill.overheadUsd * 1e6) / N).toFixed(2)} / ${((r.bill.ses.usd * 1e6) / N).toFixed(2)})`,
  ],
  ['ledger totals (Confirm notices sent), after approval', ledgerCell],
  ['timeline: entries that report a failure / all actions', (r) => `${r.timeline.failures} / ${r.timeline.actions}`],
  [
    'retrospection: count (kept for every email sent) / one recipient (a scan of the stored emails)',
    (r) => `${Math.round(r.count)} ms / ${Math.round(r.filteredQuery)} ms over ${n(Math.min(r.sentEmails, MAILBOX_LIMIT))} of ${n(r.sentEmails)} sent`,
  ],
];
const cpu = cpus();
console.log(`\nmachine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
const mix = Object.entries(DIRECTORY.byLocale)
  .map(([locale, count]) => `${n(count)} ${locale}`)
  .join(', ');
console.log(
  `${n(N)} recipients (${mix}; ${n(DIRECTORY.sms)} also by SMS), ${RUNS} run${RUNS > 1 ? 's' : ''}; the twin's SES account sends ${n(SES_RATE ?? UNPACED_RATE)}/s${SES_RATE === undefined ? ' (not a limit here)' : ''}\n`,
);
console.log(`| measure | ${runs.map((_, i) => `run ${i + 1}`).join(' | ')} |`);
console.log(`|---|${runs.map(() => '---').join('|')}|`);
for (const [label, cell] of rows) console.log(`| ${label} | ${runs.map(cell).join(' | ')} |`);
console.log('');
for (const key of ['ready', 'approvalEmail', 'allNotices'] as const) {
  console.log(
    `median ${key}: ${(median(runs.map((r) => r[key])) / 1000).toFixed(2)} s (min ${(Math.min(...runs.map((r) => r[key])) / 1000).toFixed(2)}, max ${(Math.max(...runs.map((r) => r[key])) / 1000).toFixed(2)})`,
  );
}
const lastRun = runs.at(-1)!;
console.log(
  `\nbill of run ${runs.length} at AWS list prices, us-east-1 (local/bench/bill.ts), alarm to the wait for the next update; scheduled sweeps left out; load ${loadavg()[0]!.toFixed(1)}\n`,
);
console.log(billTable(lastRun.bill, N));
