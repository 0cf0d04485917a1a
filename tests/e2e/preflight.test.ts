import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/emulators/emulators.js';

// `npm run preflight` as a team runs it, against two twins started as `npm start` runs: one ready to
// send, one where each TWIN_* setting (local/emulators/preflight-twin.ts) makes its check fail.
const run = promisify(execFile);

interface RunningTwin {
  process: ChildProcess;
  edge: string;
  output: string;
}

/** The environment without anything that would leak the parent's settings into a twin or into preflight. */
function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('TWIN_') || key.startsWith('AWS_ENDPOINT_URL') || key === 'BREACH_NOTICE_STACK') delete env[key];
  // The test run's own SES emulator account (global-setup): a twin computes its own from its settings.
  delete env.AWS_SES_ACCOUNT;
  return env;
}

async function startTwin(settings: Record<string, string>): Promise<RunningTwin> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env: { ...cleanEnv(), BREACH_NOTICE_PORT: '0', BREACH_NOTICE_CUSTOMERS: '60', ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const twin: RunningTwin = { process: child, edge: '', output: '' };
  child.stdout!.on('data', (d: Buffer) => (twin.output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (twin.output += d.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ready = /ready in [\d.]+ s: edge (http:\/\/127\.0\.0\.1:\d+)/.exec(twin.output);
    if (ready) return { ...twin, edge: ready[1]! };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`The twin did not start:\n${twin.output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopTwin(twin: RunningTwin | undefined): Promise<void> {
  if (!twin || twin.process.exitCode !== null) return;
  const exited = new Promise((resolve) => twin.process.once('exit', resolve));
  twin.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (twin.process.exitCode === null) twin.process.kill('SIGKILL');
}

/** `npm run preflight` against a twin's edge: its exit code and what it printed. */
async function preflight(edge: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('npm', ['run', '--silent', 'preflight', '--', ...args], { env: { ...cleanEnv(), AWS_ENDPOINT_URL: edge } });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number' || !failed.stdout) throw error;
    return { code: failed.code, stdout: failed.stdout };
  }
}

const line = (stdout: string, check: string) => stdout.split('\n').find((l) => l.slice(6).startsWith(`${check}:`)) ?? `(no line for ${check})`;
const fixUnder = (stdout: string, check: string) => {
  const lines = stdout.split('\n');
  return lines[lines.indexOf(line(stdout, check)) + 1] ?? '';
};

let ready: RunningTwin | undefined;
let unready: RunningTwin | undefined;

beforeAll(async () => {
  [ready, unready] = await Promise.all([
    // What AWS answers for an account ready to send, with a spend limit raised from AWS's USD 1.
    startTwin({ TWIN_SNS_MONTHLY_SPEND_LIMIT: '500' }),
    startTwin({
      TWIN_SES_IDENTITY: 'pending',
      TWIN_SES_PRODUCTION_ACCESS: 'false',
      TWIN_SES_SENDING_ENABLED: 'false',
      BREACH_NOTICE_SES_DAILY: '10',
      TWIN_SNS_SANDBOX: 'true',
      TWIN_SNS_ORIGINATION_COUNTRIES: 'GB',
      TWIN_SNS_SUBSCRIPTION: 'pending',
      TWIN_EVENTS_DISABLED_RULES: 'ManualReports',
    }),
  ]);
}, 150_000);

afterAll(async () => {
  await Promise.all([stopTwin(ready), stopTwin(unready)]);
});

describe('npm run preflight against the twin', () => {
  it('a twin ready to send: all nine checks pass and the command exits 0', async () => {
    const { code, stdout } = await preflight(ready!.edge);
    expect(stdout).toContain(`preflight against the twin at ${ready!.edge}`);
    expect(stdout.split('\n').filter((l) => l.startsWith('PASS  '))).toHaveLength(9);
    expect(stdout).not.toContain('FAIL');
    expect(line(stdout, 'Sender identity')).toContain('example.com is verified for sending and its DKIM status is SUCCESS');
    // The demo directory's 60 customers: all by email, every third by SMS, each SMS country covered by a number.
    expect(line(stdout, 'SES quota for the directory')).toContain('60 customers with email (counted from the 60 profiles');
    expect(line(stdout, 'SNS monthly SMS spend limit')).toContain('one SMS to each of the 20 SMS customers costs up to USD 4.00');
    expect(line(stdout, 'SMS origination identities')).toMatch(/covered: CN 10 \(\+999\d+\), .*GB \d/);
    expect(line(stdout, 'Response-team subscriptions')).toContain('1 confirmed: email:response-team@example.com');
    expect(line(stdout, 'Approval URL answers')).toContain(`GET ${ready!.edge} answered HTTP 200`);
    expect(line(stdout, 'EventBridge rules enabled')).toContain(
      '5 enabled: GuardDutyFindings, SecurityHubFindings, MacieFindings, SecurityAlarms, ManualReports',
    );
    expect(stdout).toMatch(/all 9 checks passed\n$/);
    expect(code).toBe(0);
  }, 60_000);

  it('each twin setting fails its check with the fix printed under it, and the command exits 1', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { code, stdout } = await preflight(unready!.edge, '--approval-url', closed);
    const expected: Record<string, [string, string]> = {
      'Sender identity': ['example.com is not verified for sending; DKIM status PENDING', '_domainkey.example.com CNAME'],
      'SES production access': ['the account is in the SES sandbox', 'put-account-sending-attributes --sending-enabled'],
      'SES quota for the directory': ['60 customers with email', 'daily sending quota of at least 60'],
      'SNS SMS sandbox': ['the account is in the SMS sandbox', 'Exit SMS sandbox'],
      // The twin's default limit is AWS's for a new account.
      'SNS monthly SMS spend limit': ['MonthlySpendLimit is USD 1.00', 'MonthlySpendLimit=4'],
      'SMS origination identities': ['US 2: no active SMS number, and it needs a registered toll-free number', 'CN: register the template'],
      'Response-team subscriptions': [
        '1 of 1 not confirmed (PendingConfirmation)',
        'aws sns subscribe --topic-arn arn:aws:sns:us-east-1:000000000000:breach-notice-response-team',
      ],
      'Approval URL answers': [`GET ${closed} got no answer: ECONNREFUSED`, 'approvalBaseUrl'],
      'EventBridge rules enabled': ['ManualReports is DISABLED', 'aws events enable-rule --name ManualReports'],
    };
    for (const [check, [detail, fix]] of Object.entries(expected)) {
      expect(line(stdout, check)).toMatch(/^FAIL {2}/);
      expect(line(stdout, check)).toContain(detail);
      expect(fixUnder(stdout, check)).toMatch(/^ {6}fix: /);
      expect(fixUnder(stdout, check)).toContain(fix);
    }
    expect(stdout).toMatch(/9 of 9 checks failed\n$/);
    expect(code).toBe(1);
  }, 60_000);
});
