import { CUSTOMER_COLUMNS, OPTIONAL_COLUMNS } from '../../functions/domain/customer-import.js';
import { appConfigSchema, type AppConfig } from '../../infra/config.js';
import { demoDirectory } from '../twin/demo-directory.js';

/** The stack's settings for the benchmarks that run parts without the twin (the floor, assessment per segment): the defaults. */
export const benchAppConfig = (): AppConfig =>
  appConfigSchema.parse({ senderAddress: 'notices@example.com', approverEmails: ['a@example.com'], backupApproverEmails: ['b@example.com'] });

/** The resource the benchmark's customers hold data on: no demo customer does, so its alarm reaches them alone. */
export const BENCH_RESOURCE = 'bench-data';
export const BENCH_DOMAIN = '@bench.example.com';
/** The benchmark customers' numbers: this prefix and the customer's index in 8 digits. */
const BENCH_PHONE_PREFIX = '+4479';
const benchCustomerId = (i: number) => `bench-${i}`;

/** The benchmark customer a number belongs to (benchDirectory gives `bench-i` the number of i). */
export const benchCustomerOfPhone = (phone: string): string => benchCustomerId(Number(phone.slice(BENCH_PHONE_PREFIX.length)));

type Column = (typeof CUSTOMER_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
/** Every required column written; an optional one (a new channel's address) left empty unless set. */
type Row = Record<(typeof CUSTOMER_COLUMNS)[number], string> & Partial<Record<(typeof OPTIONAL_COLUMNS)[number], string>>;

/**
 * `n` synthetic customers as a directory file for `npm run import-customers`: the demo directory's
 * mix (half zh-CN, a third also by SMS, several countries and zones) under ids, addresses and numbers
 * of their own, all on BENCH_RESOURCE. Also how many chose SMS and how many read each locale.
 */
export function benchDirectory(n: number): { csv: string; sms: number; byLocale: Record<string, number> } {
  const columns: Column[] = [...CUSTOMER_COLUMNS, ...OPTIONAL_COLUMNS];
  const lines = [columns.join(',')];
  const byLocale: Record<string, number> = {};
  let sms = 0;
  for (const [i, { profile, resources }] of demoDirectory(n).entries()) {
    const id = benchCustomerId(i);
    const row: Row = {
      id,
      name: profile.name,
      email: `${id}${BENCH_DOMAIN}`,
      phone: profile.phone ? `${BENCH_PHONE_PREFIX}${String(i).padStart(8, '0')}` : '',
      locale: profile.locale,
      country: profile.country,
      channels: profile.channels.join(';'),
      resources: BENCH_RESOURCE,
      data_categories: resources[0]!.dataCategories.join(';'),
      time_zone: profile.timeZone ?? '',
    };
    lines.push(columns.map((c) => row[c] ?? '').join(','));
    byLocale[profile.locale] = (byLocale[profile.locale] ?? 0) + 1;
    if (row.phone) sms += 1;
  }
  return { csv: `${lines.join('\n')}\n`, sms, byLocale };
}
