import { TransactWriteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSACTION_CONFLICT_ATTEMPTS } from '../../functions/shared/transaction-conflicts.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

/**
 * A transaction DynamoDB cancels because another one was in progress on its items, answered on the
 * wire as DynamoDB answers it, in front of DynamoDB Local: the functions' own client (shared/dynamo-client.ts)
 * runs it again; any other cancellation is the caller's to read.
 */
const prefix = uniquePrefix('conflict');
let table: string;
let proxy: FaultProxy;
let dynamo: DynamoDBDocumentClient;
/** Per item key: how many of its next transactions the proxy cancels, and with which reasons. */
const saved: Record<string, string | undefined> = {};
const plans = new Map<string, { left: number; reasons: string[]; seen: number }>();

const cancellation = (reasons: string[]) => ({
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    CancellationReasons: reasons.map((Code) => ({ Code })),
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.join(', ')}]`,
  }),
});

beforeAll(async () => {
  ({
    tables: { incidents: table },
  } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix }));
  proxy = await startFaultProxy(endpoints().dynamodb, (req) => {
    if (!req.body.includes('"TransactItems"')) return 'pass';
    const plan = [...plans].find(([key]) => req.body.includes(key))?.[1];
    if (!plan) return 'pass';
    plan.seen += 1;
    if (plan.left <= 0) return 'pass';
    plan.left -= 1;
    return cancellation(plan.reasons);
  });
  const set = {
    AWS_ENDPOINT_URL_DYNAMODB: proxy.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  for (const name of Object.keys(set)) saved[name] = process.env[name];
  Object.assign(process.env, set);
  // The module every function imports, configured as a function's is: by environment alone.
  ({ dynamo } = await import('../../functions/shared/dynamo-client.js'));
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await proxy?.close();
});

/** Two items in one transaction, the second conditioned on not existing yet. */
const write = (key: string) =>
  dynamo.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table, Item: { pk: key, sk: 'A' } } },
        { Put: { TableName: table, Item: { pk: key, sk: 'B' }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }),
  );
const stored = async (key: string) => (await dynamo.send(new GetCommand({ TableName: table, Key: { pk: key, sk: 'B' }, ConsistentRead: true }))).Item;

describe('transactions cancelled by a conflict', () => {
  it('are run again until they pass: the write lands once, the caller never sees the conflict', async () => {
    // Prepare
    const key = `${prefix}-retried`;
    plans.set(key, { left: 2, reasons: ['None', 'TransactionConflict'], seen: 0 });
    // Act
    await write(key);
    // Assess
    expect(plans.get(key)!.seen).toBe(3);
    expect(await stored(key)).toEqual({ pk: key, sk: 'B' });
  });

  it("are given up after a bounded number of attempts, with DynamoDB's own error", async () => {
    const key = `${prefix}-busy`;
    plans.set(key, { left: 100, reasons: ['TransactionConflict', 'TransactionConflict'], seen: 0 });
    await expect(write(key)).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(plans.get(key)!.seen).toBe(TRANSACTION_CONFLICT_ATTEMPTS);
    expect(await stored(key)).toBeUndefined();
  });

  it('are not retried when a condition failed too: that answer is final', async () => {
    const key = `${prefix}-condition`;
    plans.set(key, { left: 1, reasons: ['TransactionConflict', 'ConditionalCheckFailed'], seen: 0 });
    await expect(write(key)).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'ConditionalCheckFailed' }],
    });
    expect(plans.get(key)!.seen).toBe(1);
  });
});
