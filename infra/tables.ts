/**
 * Key schemas of the tables, shared by the CDK construct and the local twin so both create the same
 * tables. Every key attribute is a string.
 */
export interface TableSpec {
  partitionKey: string;
  sortKey?: string;
  ttlAttribute?: string;
  /** `include`: the non-key attributes projected; an empty list projects the keys only; none: all. */
  indexes?: { name: string; partitionKey: string; sortKey?: string; include?: string[] }[];
}

export const TABLES = {
  /** Incidents, their raw alarms, audience chunks, notices, approvals, notes and timeline; finding and link lookups. */
  incidents: { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'ttl' },
  /**
   * The directory: a profile per customer and an item per (customer, resource match key), read by
   * assessment in parallel scan segments (domain/assessment.ts); byPhone (profiles only, keys only) finds who an SMS delivery status record is about (domain/sms-delivery-status.ts).
   */
  customers: {
    partitionKey: 'customerId',
    sortKey: 'sk',
    indexes: [{ name: 'byPhone', partitionKey: 'phone', sortKey: 'customerId', include: [] }],
  },
  /** The ledger: claims per provider call and outcomes per (customer, notice, channel). Kept, never expired. */
  deliveries: { partitionKey: 'pk', sortKey: 'sk' },
  /** Powertools idempotency records for steps whose side effect must not repeat. */
  idempotency: { partitionKey: 'id', ttlAttribute: 'expiration' },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;
