import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { decideByEmail } from './approval-client.js';
import { demoDirectory } from './demo-directory.js';
import { guardDutyFinding } from './sample-alarms.js';

/**
 * `npm run bench`: the twin's three user-visible latencies, as medians of several runs, each on a
 * fresh `npm start` process: start to ready; alarm to approval email; decision to the last of the
 * 1,000 demo customers' notices (emails and SMS).
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
/** `npm start` loads the demo directory: every customer gets an email, those who chose SMS an SMS too. */
const DEMO = demoDirectory();
const DEMO_SMS = DEMO.filter((c) => c.profile.channels.includes('sms')).length;

async function poll<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('benchmark step timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Mail { Destination: { ToAddresses: string[] }; Subject: string; Body: { text_part: string | null } }

async function once(): Promise<{ ready: number; approvalEmail: number; allNotices: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], { env: { ...process.env, BREACH_NOTICE_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const edge = (await poll(async () => /edge (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]))!;
    const ready = performance.now() - t0;
    const mails = async () => ((await (await fetch(`${edge}/_aws/ses`)).json()) as { messages: Mail[] }).messages;
    const events = new EventBridgeClient({ endpoint: edge, region: 'us-east-1', credentials });
    const alarm = guardDutyFinding({ bucket: 'customer-data' });
    const t1 = performance.now();
    await events.send(new PutEventsCommand({ Entries: [{ Source: alarm.source, DetailType: alarm['detail-type'], Detail: JSON.stringify(alarm.detail) }] }));
    const approval = await poll(async () => (await mails()).find((m) => m.Subject.startsWith('[Approval needed')));
    const approvalEmail = performance.now() - t1;
    const t2 = performance.now();
    await decideByEmail(edge, approval.Body.text_part ?? '', 'approve');
    await poll(async () => (await mails()).filter((m) => m.Destination.ToAddresses[0]!.endsWith('@customers.example.com')).length >= DEMO.length);
    await poll(async () => Object.keys(((await (await fetch(`${edge}/_aws/sns/sms-messages`)).json()) as { sms_messages: object }).sms_messages).length >= DEMO_SMS);
    return { ready, approvalEmail, allNotices: performance.now() - t2 };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const runs = [];
for (let i = 0; i < RUNS; i += 1) {
  runs.push(await once());
  console.log(`run ${i + 1}/${RUNS}: ${JSON.stringify(Object.fromEntries(Object.entries(runs.at(-1)!).map(([k, v]) => [k, Math.round(v)])))} ms`);
}
const cpu = cpus();
console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
for (const key of ['ready', 'approvalEmail', 'allNotices'] as const) {
  console.log(`median ${key}: ${(median(runs.map((r) => r[key])) / 1000).toFixed(2)} s (min ${(Math.min(...runs.map((r) => r[key])) / 1000).toFixed(2)}, max ${(Math.max(...runs.map((r) => r[key])) / 1000).toFixed(2)})`);
}
