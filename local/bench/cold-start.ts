import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { functionEnvironment, parseAppConfig, type ResourceNames } from '../../infra/config.js';
import { environmentOf } from '../../infra/functions.js';
import type { FunctionBundle } from '../twin/function-bundles.js';

const run = promisify(execFile);

// What the Node.js runtime does at init: import the handler module, then take its `handler` export.
const IMPORT_HANDLER = `
const started = performance.now();
const module = await import('file://' + process.argv[1]);
if (typeof module.handler !== 'function') throw new Error('the module exports no handler function');
process.stdout.write(String(performance.now() - started));
`;

// The stack's settings as a deployment would give them; names are placeholders (nothing is called at init).
const CONTEXT: Record<string, string> = {
  'breach-notice:senderAddress': 'notices@example.com',
  'breach-notice:approverEmails': 'a1@example.com,a2@example.com',
  'breach-notice:backupApproverEmails': 'b1@example.com',
};
const NAMES = {
  incidentsTable: 'incidents',
  customersTable: 'customers',
  deliveriesTable: 'deliveries',
  idempotencyTable: 'idempotency',
  responseTeamTopicArn: 'arn:aws:sns:us-east-1:123456789012:response-team',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:incident-response',
  approvalBaseUrl: 'https://approvals.example.com',
  publicChannelsTopicArn: 'arn:aws:sns:us-east-1:123456789012:public-channels',
  incidentPagesBucket: 'incident-pages',
  incidentPagesUrl: 'https://status.example.com',
} satisfies ResourceNames;

export interface ColdStart {
  name: string;
  /** Milliseconds from import() to the handler export, per run. */
  runs: number[];
  median: number;
  error?: string;
}

/**
 * Each bundle's init as Lambda's Node.js runtime performs it: a fresh `node` process (the function's
 * own environment variables, NODE_OPTIONS=--enable-source-maps as the stack sets) imports the bundled
 * module and takes its handler; the time from import() to the handler being ready, `runs` times, one
 * process after another. Node's own start (and Lambda's sandbox) is not in it.
 */
export async function measureColdStarts(bundles: FunctionBundle[], runs = 5): Promise<ColdStart[]> {
  const values = functionEnvironment(
    parseAppConfig((key) => CONTEXT[key]),
    NAMES,
  );
  const results: ColdStart[] = [];
  for (const bundle of bundles) {
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'cold-start',
      AWS_SECRET_ACCESS_KEY: 'cold-start',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_NAME: bundle.name,
      POWERTOOLS_SERVICE_NAME: 'breach-notice',
      POWERTOOLS_METRICS_NAMESPACE: 'BreachNotice',
      POWERTOOLS_TRACE_ENABLED: 'false',
      NODE_OPTIONS: '--enable-source-maps',
      ...environmentOf(bundle.name, values),
    };
    const times: number[] = [];
    let error: string | undefined;
    for (let i = 0; i < runs && !error; i += 1) {
      try {
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', IMPORT_HANDLER, bundle.file], { env });
        times.push(Number(stdout));
      } catch (e) {
        error = ((e as { stderr?: string }).stderr ?? String(e)).split('\n').find((line) => /Error/.test(line)) ?? String(e);
      }
    }
    const sorted = [...times].sort((a, b) => a - b);
    results.push({ name: bundle.name, runs: times, median: sorted[Math.floor(sorted.length / 2)] ?? NaN, ...(error ? { error } : {}) });
  }
  return results;
}
