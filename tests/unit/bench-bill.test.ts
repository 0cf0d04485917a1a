import { describe, expect, it } from 'vitest';
import { billOf, billTable, LAMBDA_PLATFORM_LOG_BYTES, PRICES, usageBetween } from '../../local/bench/bill.js';
import { RequestMeter, stepFunctionsUsage } from '../../local/twin/usage.js';
import type { Usage } from '../../local/twin/usage.js';
import type { Execution } from '../../local/twin/workflow-engine.js';

const usage = (over: Partial<Usage> = {}): Usage => ({
  lambda: {},
  stepFunctions: { executions: 0, childExecutions: 0, stateTransitions: 0, logBytes: 0, largestPayload: { bytes: 0, stateName: '' }, longestTaskMs: {} },
  dynamodb: { readRequestUnits: 0, writeRequestUnits: 0, requests: {} },
  kms: { requests: 0, byService: {} },
  sns: { topicPublishes: 0, sms: 0, smsParts: 0 },
  ses: { emails: 0 },
  events: { custom: 0, awsService: 0 },
  sqs: {},
  s3: { requests: {} },
  secretsManager: { requests: 0 },
  ...over,
});

describe('the bill of a run at list prices', () => {
  it('prices each service from its counts', () => {
    // Prepare: 1,000 emails, 40,000 transitions, 2,048 GB-s... each count with a round price.
    const run = usage({
      lambda: {
        'breach-notice-send-notices': { invocations: 1000, billedMs: 1_000_000, coldStarts: 2, initMs: 1000, memoryMB: 2048, logBytes: 1_000_000 },
        'breach-notice-return-decisions': { invocations: 500, billedMs: 500_000, coldStarts: 1, initMs: 300, memoryMB: 512, logBytes: 9, scheduled: true },
      },
      stepFunctions: {
        executions: 1,
        childExecutions: 4,
        stateTransitions: 40_000,
        logBytes: 2_000_000,
        largestPayload: { bytes: 0, stateName: '' },
        longestTaskMs: {},
      },
      dynamodb: { readRequestUnits: 8_000_000, writeRequestUnits: 1_600_000, requests: {} },
      kms: { requests: 10_000, byService: { sns: 10_000 } },
      sns: { topicPublishes: 600, sms: 400, smsParts: 500 },
      ses: { emails: 1000 },
      events: { custom: 2_000_000, awsService: 5 },
      sqs: {
        Evidence: { SendMessage: 2_000_000, ReceiveMessage: 200_000, DeleteMessageBatch: 200_000 },
        DeadLetters: { SendMessage: 100_000, ReceiveMessage: 0, DeleteMessageBatch: 0 },
      },
      s3: { requests: { PutObject: 2000, GetObject: 10_000 } },
      secretsManager: { requests: 20_000 },
    });

    // Act
    const bill = billOf(run);
    const line = (service: string) => bill.overhead.find((l) => l.service === service)!.usd;

    // Assess: each line is its count times its price; the scheduled sweeper is left out.
    expect(line('Step Functions')).toBeCloseTo(1.0, 10);
    // 1,001 s at 2 GB = 2,002 GB-s, plus 1,000 requests.
    expect(line('Lambda')).toBeCloseTo(2002 * PRICES.lambdaGbSecond + 1000 * PRICES.lambdaRequest, 10);
    expect(line('DynamoDB')).toBeCloseTo(1.0 + 1.0, 10);
    expect(line('KMS')).toBeCloseTo(0.03, 10);
    expect(line('SNS (publishes)')).toBeCloseTo(1000 * PRICES.snsPublish, 12);
    expect(line('CloudWatch Logs')).toBeCloseTo(((1_000_000 + 1000 * LAMBDA_PLATFORM_LOG_BYTES + 2_000_000) / 1e9) * 0.5, 12);
    expect(line('EventBridge')).toBeCloseTo(2.0, 10);
    expect(line('SQS')).toBeCloseTo(2.5 * 0.4, 10);
    expect(line('S3')).toBeCloseTo(2 * 0.005 + 10 * 0.0004, 12);
    expect(line('Secrets Manager')).toBeCloseTo(0.1, 10);
    expect(bill.ses.usd).toBeCloseTo(0.1, 12);
    expect(bill.sms.usd).toBeCloseTo(500 * PRICES.smsPartUs, 12);
    expect(bill.overheadUsd).toBeCloseTo(
      bill.overhead.reduce((a, l) => a + l.usd, 0),
      12,
    );
    expect(bill.overheadShare).toBeCloseTo(bill.overheadUsd / 0.1, 8);
  });

  it('scales a run to a million customers and shows every service, SMS apart from the overhead', () => {
    // Prepare: a run of 2,000 customers whose overhead is 5 cents and whose emails cost 20 cents.
    const run = usage({
      ses: { emails: 2000 },
      stepFunctions: { executions: 1, childExecutions: 0, stateTransitions: 2000, logBytes: 0, largestPayload: { bytes: 0, stateName: '' }, longestTaskMs: {} },
    });

    // Act
    const table = billTable(billOf(run), 2000);

    // Assess: 500x the run; SES USD 100 per million; 25% overhead.
    expect(table).toMatch(/\| Step Functions \| 2,000 state transitions .*\| 0\.050 \| 25\.00 \|/);
    expect(table).toMatch(/\| SES \(its own price\) \| 2,000 emails \| 0\.20 \| 100\.00 \|/);
    expect(table).toContain('**25.0%** (goal < 10%)');
    for (const service of ['Lambda', 'DynamoDB', 'KMS', 'SNS (publishes)', 'CloudWatch Logs', 'EventBridge', 'SQS', 'S3', 'Secrets Manager', 'SMS (carriers'])
      expect(table).toContain(`| ${service}`);
  });

  it('takes the difference between two readings, keeping memory sizes', () => {
    const before = usage({ lambda: { f: { invocations: 2, billedMs: 10, coldStarts: 1, initMs: 300, memoryMB: 1024, logBytes: 5 } }, ses: { emails: 3 } });
    const after = usage({ lambda: { f: { invocations: 7, billedMs: 60, coldStarts: 1, initMs: 300, memoryMB: 1024, logBytes: 25 } }, ses: { emails: 10 } });
    expect(usageBetween(before, after).lambda.f).toEqual({ invocations: 5, billedMs: 50, coldStarts: 0, initMs: 0, memoryMB: 1024, logBytes: 20 });
    expect(usageBetween(before, after).ses.emails).toBe(7);
  });
});

describe('what the twin counts for the bill', () => {
  it("sums DynamoDB's ConsumedCapacity by reads and writes, and a refused conditional write as one unit", () => {
    const meter = new RequestMeter();
    meter.consumed('TransactWriteItems', 200, '{"ConsumedCapacity":[{"TableName":"a","CapacityUnits":4.0},{"TableName":"b","CapacityUnits":2.0}]}');
    meter.consumed('BatchGetItem', 200, '{"Responses":{},"ConsumedCapacity":[{"TableName":"a","CapacityUnits":12.5}]}');
    meter.consumed('PutItem', 400, '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"}');
    expect(meter.dynamodb).toMatchObject({ writeRequestUnits: 7, readRequestUnits: 12.5 });
  });

  it('counts KMS as the services call it: per publish to an encrypted topic, and a table key once per caller per five minutes', () => {
    const meter = new RequestMeter();
    const table = { action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:us-east-1:0:table/incidents' };
    const t0 = 1_000_000_000_000;
    meter.allowed('dynamodb', 'AKIA1', 'GetItem', [table], t0);
    meter.allowed('dynamodb', 'AKIA1', 'GetItem', [table], t0 + 60_000);
    meter.allowed('dynamodb', 'AKIA2', 'GetItem', [table], t0 + 60_000);
    meter.allowed('dynamodb', 'AKIA1', 'GetItem', [table], t0 + 301_000);
    meter.allowed('sns', 'AKIA1', 'Publish', [
      { action: 'sns:Publish', resource: 'arn:aws:sns:us-east-1:0:t' },
      { action: 'kms:GenerateDataKey', resource: 'arn:aws:kms:us-east-1:0:key/k' },
      { action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:0:key/k' },
    ]);
    expect(meter.kms.byService).toEqual({ dynamodb: 3, sns: 2 });
    expect(meter.dynamodb.requests.GetItem).toBe(4);
  });

  it('counts state transitions (retries too) and child executions of Distributed Maps only', () => {
    const events = ['ExecutionStarted', 'StateEntered', 'StateRetried', 'StateExited', 'StateEntered', 'StateExited'].map((type) => ({ timestamp: 1, type }));
    const iterations = [
      { timestamp: 1, type: 'MapIterationStarted', stateName: 'Send notices' },
      { timestamp: 1, type: 'MapIterationStarted', stateName: 'Send notices' },
      { timestamp: 1, type: 'MapIterationStarted', stateName: 'Inline map' },
    ];
    const execution = {
      executionArn: 'arn:aws:states:us-east-1:0:execution:m:x',
      events: [...events, ...iterations],
      largestPayload: { bytes: 900, stateName: 'Send notices' },
      longestTaskMs: {},
    } as unknown as Execution;
    const result = stepFunctionsUsage([execution], new Set(['Send notices']));
    expect(result).toMatchObject({ executions: 1, stateTransitions: 3, childExecutions: 2 });
    expect(result.logBytes).toBeGreaterThan(9 * 100);
  });

  it('keeps the largest payload of all executions, and a run keeps it whole (a level, not a count)', () => {
    // Prepare
    const execution = (bytes: number, stateName: string) =>
      ({ executionArn: stateName, events: [], largestPayload: { bytes, stateName }, longestTaskMs: { [stateName]: bytes / 10 } }) as unknown as Execution;
    // Act
    const { largestPayload: largest, longestTaskMs } = stepFunctionsUsage(
      [execution(900, 'Assess impact'), execution(4_000, 'Send notices'), execution(20, 'x'), execution(300, 'Assess impact')],
      new Set(),
    );
    const before = usage({
      stepFunctions: {
        executions: 1,
        childExecutions: 0,
        stateTransitions: 0,
        logBytes: 0,
        largestPayload: { bytes: 3_000, stateName: 'x' },
        longestTaskMs: {},
      },
    });
    const after = usage({ stepFunctions: { executions: 2, childExecutions: 0, stateTransitions: 0, logBytes: 0, largestPayload: largest, longestTaskMs: {} } });
    // Assess
    expect(largest).toEqual({ bytes: 4_000, stateName: 'Send notices' });
    expect(longestTaskMs).toEqual({ 'Assess impact': 90, 'Send notices': 400, x: 2 });
    expect(usageBetween(before, after).stepFunctions.largestPayload).toEqual({ bytes: 4_000, stateName: 'Send notices' });
  });
});
