import type { Usage } from '../twin/usage.js';

/**
 * AWS list prices, us-east-1, on-demand, without free tiers. Read on 2026-12-06 from the pages named
 * (through stored copies: these machines have no network beyond package registries).
 */
export const PRICES = {
  /** https://aws.amazon.com/step-functions/pricing/ : Standard, USD 0.025 per 1,000 state transitions (child executions of a Distributed Map included). */
  stateTransition: 0.025 / 1000,
  /** https://aws.amazon.com/lambda/pricing/ : USD 0.20 per million requests. */
  lambdaRequest: 0.2 / 1e6,
  /** https://aws.amazon.com/lambda/pricing/ : Arm (the stack's architecture), USD 0.0000133334 per GB-second, the Init phase included. */
  lambdaGbSecond: 0.0000133334,
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ : USD 0.625 per million write request units, 0.125 per million read request units. */
  writeRequestUnit: 0.625 / 1e6,
  readRequestUnit: 0.125 / 1e6,
  /** https://aws.amazon.com/kms/pricing/ : USD 0.03 per 10,000 requests. */
  kmsRequest: 0.03 / 10_000,
  /** https://aws.amazon.com/sns/pricing/ : USD 0.50 per million publishes (each 64 KB chunk). */
  snsPublish: 0.5 / 1e6,
  /** https://aws.amazon.com/cloudwatch/pricing/ : USD 0.50 per GB ingested (Standard class; vended logs start at the same rate). */
  logsGb: 0.5,
  /** https://aws.amazon.com/eventbridge/pricing/ : USD 1.00 per million custom events; AWS services' own events are free. */
  customEvent: 1 / 1e6,
  /** https://aws.amazon.com/sqs/pricing/ : Standard queues, USD 0.40 per million requests (each up to 10 messages and 64 KB). */
  sqsRequest: 0.4 / 1e6,
  /** https://aws.amazon.com/s3/pricing/ : USD 0.005 per 1,000 PUT, 0.0004 per 1,000 GET. */
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  /** https://aws.amazon.com/secrets-manager/pricing/ : USD 0.05 per 10,000 API calls. */
  secretsManagerCall: 0.05 / 10_000,
  /** https://aws.amazon.com/ses/pricing/ : USD 0.10 per 1,000 emails (each recipient is an email). */
  sesEmail: 0.1 / 1000,
  /**
   * https://aws.amazon.com/end-user-messaging/pricing/ : an SMS part to a US number (10DLC), USD 0.00581, before the
   * carriers' own fees; other countries differ by an order of magnitude. Listed apart: it is the carriers' price, not the workflow's.
   */
  smsPartUs: 0.00581,
} as const;

/** Lambda's START, END and REPORT lines per invocation (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html), about this long. */
export const LAMBDA_PLATFORM_LOG_BYTES = 330;

export interface BillLine {
  service: string;
  /** What was counted, in words. */
  quantity: string;
  usd: number;
}

export interface Bill {
  /** The workflow's own services, each a line (zero lines kept: every service shows). */
  overhead: BillLine[];
  ses: BillLine;
  sms: BillLine;
  overheadUsd: number;
  /** The overhead as a share of SES's own price for the same run (goal below 0.1). */
  overheadShare: number;
}

const n = (x: number) => Math.round(x).toLocaleString('en');

/** What happened between two readings of /_twin/usage. Memory sizes are settings, not counts: they stay. */
/** Usage fields that are levels, not counts: a function's memory, its longest invocation, the largest payload, each Task state's longest. */
const LEVELS = new Set(['memoryMB', 'longestMs', 'largestPayload', 'longestTaskMs']);

export function usageBetween(before: Usage, after: Usage): Usage {
  const minus = (a: unknown, b: unknown, key?: string): unknown => {
    if (key !== undefined && LEVELS.has(key)) return a;
    if (typeof a === 'number') return a - (typeof b === 'number' ? b : 0);
    if (a && typeof a === 'object') {
      const bb = (b ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(a as Record<string, unknown>).map(([k, v]) => [k, minus(v, bb[k], k)]));
    }
    return a;
  };
  return minus(after, before) as Usage;
}

/**
 * A run's usage at list prices. Functions run on a schedule (the sweepers) are left out: the twin runs
 * them `timeScale` times as often as AWS, and their cost is per hour, not per customer.
 */
export function billOf(usage: Usage): Bill {
  const functions = Object.values(usage.lambda).filter((f) => !f.scheduled);
  const invocations = sum(functions, (f) => f.invocations);
  const gbSeconds = sum(functions, (f) => ((f.billedMs + f.initMs) / 1000) * (f.memoryMB / 1024));
  const lambdaLogBytes = sum(functions, (f) => f.logBytes + f.invocations * LAMBDA_PLATFORM_LOG_BYTES);
  const logBytes = lambdaLogBytes + usage.stepFunctions.logBytes;
  const transitions = usage.stepFunctions.stateTransitions;
  const { readRequestUnits: rru, writeRequestUnits: wru } = usage.dynamodb;
  const s3 = usage.s3.requests;
  const s3Puts = (s3.PutObject ?? 0) + (s3.CopyObject ?? 0) + (s3.ListObjectsV2 ?? 0);
  const s3Gets = Object.values(s3).reduce((a, b) => a + b, 0) - s3Puts;
  // Lambda's pollers' empty receives on an idle queue cost per hour, not per customer: the twin counts receives that return messages.
  const sqs = { SendMessage: 0, ReceiveMessage: 0, DeleteMessageBatch: 0 };
  for (const queue of Object.values(usage.sqs ?? {})) for (const key of Object.keys(sqs) as (keyof typeof sqs)[]) sqs[key] += queue[key];
  const overhead: BillLine[] = [
    {
      service: 'Step Functions',
      quantity: `${n(transitions)} state transitions (${n(usage.stepFunctions.executions)} executions, ${n(usage.stepFunctions.childExecutions)} child executions)`,
      usd: transitions * PRICES.stateTransition,
    },
    {
      service: 'Lambda',
      quantity: `${n(invocations)} invocations, ${gbSeconds.toFixed(1)} GB-s`,
      usd: invocations * PRICES.lambdaRequest + gbSeconds * PRICES.lambdaGbSecond,
    },
    { service: 'DynamoDB', quantity: `${n(wru)} WRU, ${n(rru)} RRU`, usd: wru * PRICES.writeRequestUnit + rru * PRICES.readRequestUnit },
    { service: 'KMS', quantity: `${n(usage.kms.requests)} requests`, usd: usage.kms.requests * PRICES.kmsRequest },
    {
      service: 'SNS (publishes)',
      quantity: `${n(usage.sns.topicPublishes + usage.sns.sms)} publishes`,
      usd: (usage.sns.topicPublishes + usage.sns.sms) * PRICES.snsPublish,
    },
    {
      service: 'CloudWatch Logs',
      quantity: `${(logBytes / 1e6).toFixed(2)} MB (Lambda ${(lambdaLogBytes / 1e6).toFixed(2)}, Step Functions ${(usage.stepFunctions.logBytes / 1e6).toFixed(2)})`,
      usd: (logBytes / 1e9) * PRICES.logsGb,
    },
    {
      service: 'EventBridge',
      quantity: `${n(usage.events.custom)} custom events (${n(usage.events.awsService)} AWS service events, free)`,
      usd: usage.events.custom * PRICES.customEvent,
    },
    {
      service: 'SQS',
      quantity: `${n(sqs.SendMessage)} sends, ${n(sqs.ReceiveMessage)} receives, ${n(sqs.DeleteMessageBatch)} deletes (in tens)`,
      usd: (sqs.SendMessage + sqs.ReceiveMessage + sqs.DeleteMessageBatch) * PRICES.sqsRequest,
    },
    { service: 'S3', quantity: `${n(s3Puts)} PUT/LIST, ${n(s3Gets)} GET`, usd: s3Puts * PRICES.s3Put + s3Gets * PRICES.s3Get },
    { service: 'Secrets Manager', quantity: `${n(usage.secretsManager.requests)} calls`, usd: usage.secretsManager.requests * PRICES.secretsManagerCall },
  ];
  const ses = { service: 'SES (its own price)', quantity: `${n(usage.ses.emails)} emails`, usd: usage.ses.emails * PRICES.sesEmail };
  const sms = {
    service: 'SMS (carriers, US 10DLC)',
    quantity: `${n(usage.sns.sms)} messages, ${n(usage.sns.smsParts)} parts`,
    usd: usage.sns.smsParts * PRICES.smsPartUs,
  };
  const overheadUsd = sum(overhead, (l) => l.usd);
  return { overhead, ses, sms, overheadUsd, overheadShare: ses.usd > 0 ? overheadUsd / ses.usd : Number.POSITIVE_INFINITY };
}

/** The bill as a Markdown table: the run's cost and, scaled linearly, per million customers. */
export function billTable(bill: Bill, customers: number): string {
  const scale = 1e6 / customers;
  const usd = (x: number) => (x >= 1 ? x.toFixed(2) : x.toPrecision(2));
  const row = (l: BillLine) => `| ${l.service} | ${l.quantity} | ${usd(l.usd)} | ${usd(l.usd * scale)} |`;
  return [
    `| service | this run (${n(customers)} customers) | USD this run | USD per million customers |`,
    '|---|---|---|---|',
    ...bill.overhead.map(row),
    `| **workflow overhead** | | ${usd(bill.overheadUsd)} | **${usd(bill.overheadUsd * scale)}** |`,
    row(bill.ses),
    `| **overhead / SES's own price** | | | **${(bill.overheadShare * 100).toFixed(1)}%** (goal < 10%) |`,
    row(bill.sms),
  ].join('\n');
}

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  return xs.reduce((a, x) => a + f(x), 0);
}
