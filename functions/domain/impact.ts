import type { ImpactSummary } from './incident.js';

export interface AffectedCustomer {
  customerId: string;
  locale: string;
  country: string;
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
    bump(summary.byLocale, customer.locale || 'unknown');
    for (const channel of new Set(customer.channels)) bump(summary.byChannel, channel);
  }
  return summary;
}

/** Splits ids into fixed-size chunks; the chunk index is the send cursor, so order must be stable. */
export function chunk<T>(items: T[], size: number): T[][] {
  if (size < 1) throw new RangeError(`chunk size must be >= 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
