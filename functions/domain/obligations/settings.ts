// What the settings name from the regulators' obligations (sectors, reminder points), apart from the table
// and its evaluation: the settings' schema (functions/shared/environment.ts) is in every function's bundle,
// and must not carry the whole table (16 KB minified) for eight names and a pattern.
import type { ReminderPoint } from './table.js';

/**
 * Sectors a deployment declares itself in (setting `sectors`); rows for regulated firms trigger on them.
 * `police-report-policy` is a declared practice rather than a sector: the company reports serious
 * incidents to the police by its own policy, and wants that clock tracked like a regulator's.
 */
export const sectors = [
  'financial-services-ny',
  'us-bank',
  'public-company-us',
  'health-us',
  'essential-entity-eu',
  'important-entity-eu',
  'cn-network-operator',
  'cn-critical-information-infrastructure',
  'police-report-policy',
] as const;
export type Sector = (typeof sectors)[number];

export function isReminderPoint(text: string): text is ReminderPoint {
  return /^(\d{1,2}(\.\d+)?%|\d{1,4}[mhd])$/.test(text);
}

/** `'50%'` / `'1h'` / `'30m'` / `'2d'`, validated. */
export function parseReminderPoint(text: string): ReminderPoint {
  if (!isReminderPoint(text))
    throw new RangeError(`a reminder point is a percentage of the clock (50%) or a time before the deadline (1h, 30m, 2d), got ${JSON.stringify(text)}`);
  return text as ReminderPoint;
}
