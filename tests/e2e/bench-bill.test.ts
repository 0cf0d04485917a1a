import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run bench', () => {
  it('prices a run of 2,000 customers at AWS list prices, every service on its own line, per million customers', async () => {
    // Act: one run on its own twin, as `npm run bench -- --recipients 2000` does (the floor's own run is short at this size).
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'local/bench/bench.ts', '--recipients', '2000'], {
      env: { ...process.env, BENCH_RUNS: '1' },
      maxBuffer: 16 * 2 ** 20,
    });

    // Assess: each service a row with a count and a price; SES beside the overhead; SMS apart.
    const table = stdout.slice(stdout.indexOf('| service | this run (2,000 customers)'));
    const rows = new Map(
      table
        .split('\n')
        .filter((line) => line.startsWith('| '))
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .map((cells) => [cells[1]!, cells.slice(2, 5)] as const),
    );
    for (const service of ['Step Functions', 'Lambda', 'DynamoDB', 'KMS', 'SNS (publishes)', 'CloudWatch Logs', 'EventBridge', 'S3', 'Secrets Manager']) {
      expect(rows.has(service), `${service} in\n${table}`).toBe(true);
      expect(Number(rows.get(service)![2])).toBeGreaterThanOrEqual(0);
    }
    // What every incident uses: state transitions, invocations, request units, the key, the team's page, logs.
    for (const service of ['Step Functions', 'Lambda', 'DynamoDB', 'KMS', 'SNS (publishes)', 'CloudWatch Logs'])
      expect(Number(rows.get(service)![2])).toBeGreaterThan(0);
    expect(rows.get('SES (its own price)')?.[0]).toMatch(/^2,00\d emails$/);
    expect(Number(rows.get('SES (its own price)')![2])).toBeCloseTo(100, 0);
    expect(rows.get('SMS (carriers, US 10DLC)')?.[0]).toMatch(/^667 messages, [\d,]+ parts$/);
    expect(table).toMatch(/\*\*overhead \/ SES's own price\*\* \| \| \| \*\*\d+\.\d%\*\* \(goal < 10%\)/);
    // The ledger's totals, printed once reconciled: every intended recipient sent, on each channel.
    expect(stdout).toMatch(LEDGER_LINE);
  }, 900_000);

  it('stops once the ledger is reconciled with --until ledger, and tables the send, its totals and exactly once', async () => {
    // Act: a run that does not wait for the evidence, the bill or the floor.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'local/bench/bench.ts', '--recipients', '2000', '--until', 'ledger'], {
      env: { ...process.env, BENCH_RUNS: '1' },
      maxBuffer: 16 * 2 ** 20,
    });

    // Assess: the totals as they happened and in the table; one email per customer, one SMS per number; no bill.
    expect(stdout).toMatch(LEDGER_LINE);
    expect(stdout).toContain('each stopped once the ledger was reconciled (--until ledger)');
    expect(stdout).toMatch(/\| ledger totals \(Confirm notices sent\), after approval \| email 2,000 intended: sent 2,000, .*reconciled/);
    expect(stdout).toMatch(/\| customer emails \/ customers; SMS \/ numbers [^|]*\| 2,000 \/ 2,000; 667 \/ 667 /);
    expect(stdout).not.toContain('| service |');
  }, 900_000);
});

const LEDGER_LINE =
  /ledger totals, [\d.]+ s after approval: email 2,000 intended: sent 2,000, suppressed 0, failed 0, uncertain 0, unfinished 0; sms 667 intended: sent 667, suppressed 0, failed 0, uncertain 0, unfinished 0; reconciled, \d+ round\(s\); history \d+ events/;
