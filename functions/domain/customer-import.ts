import * as z from 'zod';
import { CHANNEL_NAMES } from './channels/registry.js';
import type { CustomerProfile, CustomerResource } from './customer.js';
import { isValidTimeZone } from './time-zones.js';

/** The directory file's columns, in order; a header row naming them is required. */
export const CUSTOMER_COLUMNS = ['id', 'name', 'email', 'phone', 'locale', 'country', 'channels', 'resources', 'data_categories'] as const;
/** Trailing columns a file may add, in order: files written before them keep loading. */
export const OPTIONAL_COLUMNS = ['time_zone', 'region'] as const;
const KNOWN_COLUMNS: readonly string[] = [...CUSTOMER_COLUMNS, ...OPTIONAL_COLUMNS];
const HEADER_TEXT = `${CUSTOMER_COLUMNS.join(',')}[,${OPTIONAL_COLUMNS.join(',')}]`;

const list = (v: string) =>
  v
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter(Boolean);

const rowSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'id: 1-128 letters, digits or ._:-'),
    name: z.string().min(1, 'name is empty').max(200),
    email: z.union([z.literal(''), z.email('email is not an address')]),
    phone: z.union([z.literal(''), z.string().regex(/^\+[1-9]\d{6,14}$/, 'phone must be E.164, like +447700900123')]),
    locale: z.string().regex(/^[a-z]{2}(-[A-Za-z]{2,4})?$/, 'locale must look like en, en-GB or zh-CN'),
    country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO 3166 alpha-2 code'),
    channels: z
      .string()
      .transform(list)
      .pipe(z.array(z.enum(CHANNEL_NAMES, `channels: ${CHANNEL_NAMES.join(', ')}`)).min(1, 'channels is empty')),
    resources: z
      .string()
      .transform(list)
      .pipe(z.array(z.string().max(1024)).min(1, 'resources is empty')),
    data_categories: z
      .string()
      .transform(list)
      .pipe(z.array(z.string().regex(/^[a-z_]{1,40}$/, 'data categories are snake_case words')).min(1, 'data_categories is empty')),
    // Empty: the country's zone. Kept as written (Intl accepts any case and the current IANA names).
    time_zone: z
      .string()
      .refine((v) => v === '' || isValidTimeZone(v), 'time_zone must be an IANA time zone, like Asia/Shanghai')
      .default(''),
    // The state or province: ISO 3166-2 (`US-CA`) or its code within the country (`CA`, as US directories hold states).
    region: z
      .string()
      .regex(/^([A-Z]{2}-)?[A-Z0-9]{1,3}$|^$/, 'region must be an ISO 3166-2 code, like US-CA, or the state code, like CA')
      .default(''),
  })
  .refine((r) => !r.channels.includes('email') || r.email !== '', 'channel email needs an email address')
  .refine((r) => !r.region.includes('-') || r.region.startsWith(`${r.country}-`), "region must be in the row's country (US-CA for US)")
  .refine((r) => !r.channels.includes('sms') || r.phone !== '', 'channel sms needs a phone number');

export interface ImportedCustomer {
  profile: CustomerProfile;
  resources: CustomerResource[];
}

export interface RowError {
  line: number;
  reason: string;
}

/** RFC 4180 fields: commas, double quotes, doubled quotes inside quotes, CRLF or LF. Returns [line, fields]. */
export function parseCsv(text: string): [number, string[]][] {
  const rows: [number, string[]][] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line += 1;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      fields.push(field);
      if (fields.some((f) => f !== '')) rows.push([rowLine, fields]);
      fields = [];
      field = '';
      line += 1;
      rowLine = line;
    } else field += c;
  }
  fields.push(field);
  if (fields.some((f) => f !== '')) rows.push([rowLine, fields]);
  return rows;
}

/** Validates every row; good rows become directory entries, bad rows are reported with their line. */
export function parseCustomerFile(text: string): { customers: ImportedCustomer[]; errors: RowError[] } {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  const names = header?.[1].map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  // The required columns, then the optional ones up to wherever the file stops.
  const fits = !!names && names.length >= CUSTOMER_COLUMNS.length && names.length <= KNOWN_COLUMNS.length && names.every((n, i) => n === KNOWN_COLUMNS[i]);
  if (!fits) {
    return { customers: [], errors: [{ line: 1, reason: `the header must be: ${HEADER_TEXT}` }] };
  }
  const customers: ImportedCustomer[] = [];
  const errors: RowError[] = [];
  const seen = new Set<string>();
  for (const [line, fields] of rows) {
    if (fields.length !== names.length) {
      errors.push({ line, reason: `expected ${names.length} columns, found ${fields.length}` });
      continue;
    }
    const parsed = rowSchema.safeParse(Object.fromEntries(names.map((c, i) => [c, fields[i]!.trim()])));
    if (!parsed.success) {
      errors.push({ line, reason: parsed.error.issues.map((i) => i.message).join('; ') });
      continue;
    }
    const r = parsed.data;
    if (seen.has(r.id)) {
      errors.push({ line, reason: `id ${r.id} appears on an earlier line` });
      continue;
    }
    seen.add(r.id);
    customers.push({
      profile: {
        customerId: r.id,
        name: r.name,
        email: r.email || undefined,
        phone: r.phone || undefined,
        locale: r.locale,
        country: r.country,
        channels: r.channels,
        timeZone: r.time_zone || undefined,
        region: r.region === '' ? undefined : r.region.includes('-') ? r.region : `${r.country}-${r.region}`,
      },
      resources: r.resources.map((resource) => ({ resource, dataCategories: r.data_categories })),
    });
  }
  return { customers, errors };
}
