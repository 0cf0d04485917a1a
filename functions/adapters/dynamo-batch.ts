import { BatchGetCommand, BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
// Unprocessed items that outlast the rounds are throttling: named so every Task retries them.
import { DependencyError } from '../shared/errors.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MAX_ROUNDS = 8;

/** Batch calls in flight at once: enough to hide round trips, few enough not to provoke throttling. */
const WRITE_CONCURRENCY = 4;

/** BatchWriteItem in batches of 25, a few in flight, re-driving UnprocessedItems with backoff until none are left. */
export async function batchPut(doc: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending: Record<string, unknown>[] = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; pending.length > 0; round += 1) {
        if (round === MAX_ROUNDS) throw new DependencyError(`BatchWriteItem left ${pending.length} unprocessed items in ${table}`);
        if (round > 0) await sleep(25 * 2 ** round);
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, batches.length) }, worker));
}

/** Batch calls in flight at once: a chunk's outcomes are a handful of batches, a million recipients' some 13,000. */
const READ_CONCURRENCY = 4;

/** BatchGetItem in batches of 100, a few in flight, with UnprocessedKeys re-driven; `consistent` for read-after-claim checks. */
export async function batchGet<T>(doc: DynamoDBDocumentClient, table: string, keys: Record<string, unknown>[], consistent = false): Promise<T[]> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += 100) batches.push(keys.slice(i, i + 100));
  const found: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++]!;
      for (let round = 0; pending.length > 0; round += 1) {
        if (round === MAX_ROUNDS) throw new DependencyError(`BatchGetItem left ${pending.length} unprocessed keys in ${table}`);
        if (round > 0) await sleep(25 * 2 ** round);
        const out = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: consistent } } }));
        found.push(...((out.Responses?.[table] ?? []) as T[]));
        pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, batches.length) }, worker));
  return found;
}

/** Every item a Query matches, following LastEvaluatedKey to the end. */
export async function queryAll<T = Record<string, unknown>>(doc: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as T[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
