import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet, batchPut, queryAll } from './dynamo-batch.js';

export interface CustomerProfile {
  customerId: string;
  name: string;
  email?: string;
  phone?: string;
  locale: string;
  country: string;
  channels: ('email' | 'sms')[];
}

export interface CustomerResource {
  resource: string;
  dataCategories: string[];
}

export const BY_RESOURCE_INDEX = 'byResource';

/**
 * The customer directory: a profile item per customer plus one item per (customer, resource) that
 * the `byResource` index turns into "who has data on this resource, and which data".
 */
export class CustomersRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putCustomers(entries: { profile: CustomerProfile; resources: CustomerResource[] }[]): Promise<void> {
    await batchPut(
      this.doc,
      this.table,
      entries.flatMap(({ profile, resources }) => [
        { ...profile, sk: 'PROFILE' },
        ...resources.map((r) => ({ customerId: profile.customerId, sk: `RES#${r.resource}`, resource: r.resource, dataCategories: r.dataCategories })),
      ]),
    );
  }

  /** Every (customer, data categories) holding data on `resource`, across all pages. */
  async findByResource(resource: string): Promise<{ customerId: string; dataCategories: string[] }[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      IndexName: BY_RESOURCE_INDEX,
      KeyConditionExpression: '#resource = :resource',
      ExpressionAttributeNames: { '#resource': 'resource' },
      ExpressionAttributeValues: { ':resource': resource },
    });
    return items.map((item) => ({ customerId: String(item.customerId), dataCategories: (item.dataCategories as string[]) ?? [] }));
  }

  async getProfiles(customerIds: string[]): Promise<Map<string, CustomerProfile>> {
    const items = await batchGet<CustomerProfile & { sk: string }>(
      this.doc,
      this.table,
      customerIds.map((customerId) => ({ customerId, sk: 'PROFILE' })),
    );
    return new Map(items.map(({ sk: _sk, ...profile }) => [profile.customerId, profile]));
  }
}
