import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DirectoryEntry } from '../domain/assessment.js';
import type { CustomerProfile, CustomerResource } from '../domain/customer.js';
import type { CustomerDirectoryPort } from '../domain/ports.js';
import { matchKeys } from '../domain/resources.js';
import { batchGet, batchPut } from './dynamo-batch.js';
import { keys } from './keys.js';

/**
 * The customer directory: a profile item per customer plus one item per (customer, match key) saying
 * which data they hold there; assessment scans it in segments. The `resource` attribute holds the
 * match key (see domain/resources.ts), not the text as written.
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

  async getProfiles(customerIds: string[]): Promise<Map<string, CustomerProfile>> {
    const items = await batchGet<CustomerProfile & { sk: string }>(
      this.doc,
      this.table,
      customerIds.map((customerId) => keys.profile(customerId)),
    );
    return new Map(items.map(({ sk: _sk, ...profile }) => [profile.customerId, profile]));
  }

  /**
   * One segment of a parallel scan (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.ParallelScan),
   * read consistently, so customers imported just before the alarm are in it. Assumed, not documented by
   * AWS: a partition key's items fall in one segment (segments split the key space by partition), so a
   * customer's profile and resource items are seen together; DynamoDB Local does so
   * (tests/integration/assess-segments.test.ts), and docs/architecture.md lists it among the twin's limits.
   * Only what assessment reads is projected: no name, address or number leaves the table.
   */
  async scanSegment(segment: number, totalSegments: number): Promise<Map<string, DirectoryEntry>> {
    const out = new Map<string, DirectoryEntry>();
    let start: Record<string, unknown> | undefined;
    do {
      const scanned = await this.doc.send(
        new ScanCommand({
          TableName: this.table,
          Segment: segment,
          TotalSegments: totalSegments,
          ProjectionExpression: SCAN_PROJECTION,
          ConsistentRead: true,
          ExpressionAttributeNames: Object.fromEntries(SCANNED.map((name) => [`#${name}`, name])),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of scanned.Items ?? []) addEntry(out, item);
      start = scanned.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async approximateItemCount(): Promise<number> {
    const described = await this.doc.send(new DescribeTableCommand({ TableName: this.table }));
    return described.Table?.ItemCount ?? 0;
  }
}

const SCANNED = ['customerId', 'sk', 'resource', 'dataCategories', 'locale', 'country', 'region', 'timeZone', 'channels'] as const;
const SCAN_PROJECTION = SCANNED.map((name) => `#${name}`).join(', ');

/** A profile gives the fields assessment reads; a resource item adds its categories under its match key. */
function addEntry(out: Map<string, DirectoryEntry>, item: Record<string, unknown>): void {
  const id = String(item.customerId);
  const entry = out.get(id) ?? out.set(id, { holdings: new Map() }).get(id)!;
  if (String(item.sk).startsWith('RES#')) {
    entry.holdings.set(String(item.resource), (item.dataCategories as string[] | undefined) ?? []);
    return;
  }
  if (item.sk !== keys.profile(id).sk) return;
  entry.profile = {
    locale: String(item.locale ?? ''),
    country: String(item.country ?? ''),
    channels: (item.channels as string[] | undefined) ?? [],
    ...(typeof item.region === 'string' ? { region: item.region } : {}),
    ...(typeof item.timeZone === 'string' ? { timeZone: item.timeZone } : {}),
  };
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
