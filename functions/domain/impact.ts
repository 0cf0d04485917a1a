import type { ImpactSummary } from './incident.js';

export interface AffectedCustomer {
  customerId: string;
  locale: string;
  country: string;
  /** ISO 3166-2 (`US-CA`), when the directory gives it. */
  region?: string;
  channels: string[];
  dataCategories: string[];
}

function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

/** Counts affected customers by data category, jurisdiction, locale and channel. */
export function summariseImpact(customers: Iterable<AffectedCustomer>): ImpactSummary {
  const summary: ImpactSummary = { affectedCustomers: 0, byDataCategory: {}, byJurisdiction: {}, byLocale: {}, byChannel: {} };
  for (const customer of customers) {
    summary.affectedCustomers += 1;
    for (const category of new Set(customer.dataCategories)) bump(summary.byDataCategory, category);
    bump(summary.byJurisdiction, customer.country || 'unknown');
    if (customer.region) bump((summary.byRegion ??= {}), customer.region);
    bump(summary.byLocale, customer.locale || 'unknown');
    for (const channel of new Set(customer.channels)) bump(summary.byChannel, channel);
  }
  return summary;
}

/** Splits ids into fixed-size chunks; the chunk index is the send cursor, so order must be stable. */
/**
 * Chunks of at most `size` that never mix two keys: items grouped by key (keys in sorted order, items
 * in their given order within a key), a new chunk at every key. With the locale as key and a size that
 * is a multiple of 50, each locale's emails fill SendBulkEmail calls of 50 but its last:
 * ceil(n / 50) calls per locale.
 */
export function chunkBy<T>(items: T[], key: (item: T) => string, size: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.keys()].sort().flatMap((k) => chunk(groups.get(k)!, size));
}

export function chunk<T>(items: T[], size: number): T[][] {
  if (size < 1) throw new RangeError(`chunk size must be >= 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
