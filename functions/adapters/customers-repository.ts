import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomerProfile, CustomerResource } from '../domain/customer.js';
import type { CustomerDirectoryPort } from '../domain/ports.js';
import { matchKeys } from '../domain/resources.js';
import { batchGet, batchPut, queryAll } from './dynamo-batch.js';
import { keys } from './keys.js';

export const BY_RESOURCE_INDEX = 'byResource';

/**
 * The customer directory: a profile item per customer plus one item per (customer, match key) that
 * the `byResource` index turns into "who has data on this resource, and which data". The indexed
 * `resource` attribute holds the match key (see domain/resources.ts), not the text as written.
 */
export class CustomersRepository implements CustomerDirectoryPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Writes each profile and one item per (customer, match key). Several identifiers of one customer
   * can share a key (a bucket's ARN and an object ARN inside it): their data categories
   * are merged and the operator's own texts kept in `written`.
   */
  async putCustomers(entries: { profile: CustomerProfile; resources: CustomerResource[] }[]): Promise<void> {
    await batchPut(
      this.doc,
      this.table,
      entries.flatMap(({ profile, resources }) => [{ ...profile, ...keys.profile(profile.customerId) }, ...resourceItems(profile.customerId, resources)]),
    );
  }

  /** Every (customer, data categories) on the resource `identifier` names (an alarm's ARN, name or id), following LastEvaluatedKey to the end. */
  async findByResource(identifier: string): Promise<{ customerId: string; dataCategories: string[] }[]> {
    const byCustomer = new Map<string, Set<string>>();
    for (const key of matchKeys(identifier).query) {
      const items = await queryAll(this.doc, {
        TableName: this.table,
        IndexName: BY_RESOURCE_INDEX,
        KeyConditionExpression: '#resource = :key',
        ExpressionAttributeNames: { '#resource': 'resource' },
        ExpressionAttributeValues: { ':key': key },
      });
      for (const item of items) {
        const categories = byCustomer.get(String(item.customerId)) ?? new Set<string>();
        for (const c of (item.dataCategories as string[] | undefined) ?? []) categories.add(c);
        byCustomer.set(String(item.customerId), categories);
      }
    }
    return [...byCustomer].map(([customerId, categories]) => ({ customerId, dataCategories: [...categories].sort() }));
  }

  async getProfiles(customerIds: string[]): Promise<Map<string, CustomerProfile>> {
    const items = await batchGet<CustomerProfile & { sk: string }>(
      this.doc,
      this.table,
      customerIds.map((customerId) => keys.profile(customerId)),
    );
    return new Map(items.map(({ sk: _sk, ...profile }) => [profile.customerId, profile]));
  }

  /** A whole-directory read (parallel scan segments); a profile without resources counts with no category. */
  async everyone(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    await Promise.all(
      Array.from({ length: SCAN_SEGMENTS }, async (_, segment) => {
        let start: Record<string, unknown> | undefined;
        do {
          const scanned = await this.doc.send(
            new ScanCommand({
              TableName: this.table,
              Segment: segment,
              TotalSegments: SCAN_SEGMENTS,
              ProjectionExpression: 'customerId, sk, dataCategories',
              ExclusiveStartKey: start,
            }),
          );
          for (const item of scanned.Items ?? []) addHolding(out, item);
          start = scanned.LastEvaluatedKey;
        } while (start);
      }),
    );
    return out;
  }

  async holdingsOf(customerIds: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    const ids = [...new Set(customerIds)];
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const customerId = ids[next++]!;
        const items = await queryAll(this.doc, {
          TableName: this.table,
          KeyConditionExpression: 'customerId = :id',
          ExpressionAttributeValues: { ':id': customerId },
          ProjectionExpression: 'customerId, sk, dataCategories',
        });
        for (const item of items) addHolding(out, item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(HOLDINGS_CONCURRENCY, ids.length) }, worker));
    return out;
  }
}

const SCAN_SEGMENTS = 4;
const HOLDINGS_CONCURRENCY = 16;

/** Profiles make a customer known; resource items add the categories held there. */
function addHolding(out: Map<string, Set<string>>, item: Record<string, unknown>): void {
  const id = String(item.customerId);
  const set = out.get(id) ?? new Set<string>();
  if (String(item.sk).startsWith('RES#')) for (const c of (item.dataCategories as string[] | undefined) ?? []) set.add(c);
  out.set(id, set);
}

function resourceItems(customerId: string, resources: CustomerResource[]): Record<string, unknown>[] {
  const byKey = new Map<string, { categories: Set<string>; written: Set<string> }>();
  for (const { resource, dataCategories } of resources) {
    for (const key of matchKeys(resource).index) {
      const entry = byKey.get(key) ?? { categories: new Set<string>(), written: new Set<string>() };
      for (const c of dataCategories) entry.categories.add(c);
      entry.written.add(resource);
      byKey.set(key, entry);
    }
  }
  return [...byKey].map(([key, { categories, written }]) => ({
    ...keys.customerResource(customerId, key),
    resource: key,
    written: [...written],
    dataCategories: [...categories],
  }));
}
