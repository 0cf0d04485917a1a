import { severityLevels, type ImpactSummary, type SeverityLevel } from '../incident.js';
import { isReminderPoint, parseReminderPoint } from './settings.js';
import type { ClockSpec, ObligationRow, ReminderPoint, Sector, StartMoment, TriggerCondition } from './table.js';

export { isReminderPoint, parseReminderPoint };

/**
 * Which obligations of the table (table.ts) an incident's impact triggers, and the deadline of each
 * clock. Pure: time comes in as arguments. Assistance, not legal advice.
 */

export interface EvaluationInput {
  impact: ImpactSummary | undefined;
  severity: SeverityLevel;
  sectors: readonly Sector[];
}

export interface ApplicableObligation {
  row: ObligationRow;
  /** Why the match is not certain (a state row matched by the country alone). */
  unconfirmed?: string;
}

const rank = (s: SeverityLevel) => severityLevels.indexOf(s);

/**
 * The countries of `condition` the impact has customers in, and whether a subdivision matched only by
 * its country. A subdivision (`US-CA`) counts the customers the directory places in it; the country's
 * customers without a region match it only by the country, with a caveat.
 */
function matchCountries(
  condition: TriggerCondition,
  byJurisdiction: Record<string, number>,
  byRegion: Record<string, number> = {},
): { count: number; matched: boolean; byCountryOnly: boolean } {
  if (!condition.countries) return { count: Object.values(byJurisdiction).reduce((n, c) => n + c, 0), matched: true, byCountryOnly: false };
  let count = 0;
  let matched = false;
  let byCountryOnly = false;
  for (const code of condition.countries) {
    const exact = (code.includes('-') ? byRegion[code] : undefined) ?? byJurisdiction[code] ?? 0;
    if (exact > 0) {
      matched = true;
      count += exact;
      continue;
    }
    const country = code.includes('-') ? code.slice(0, code.indexOf('-')) : undefined;
    const withRegion = Object.entries(byRegion)
      .filter(([r]) => r.startsWith(`${country}-`))
      .reduce((n, [, c]) => n + c, 0);
    // Only the country's customers the directory places nowhere can be this subdivision's.
    const parent = country ? Math.max(0, (byJurisdiction[country] ?? 0) - withRegion) : 0;
    if (parent > 0) {
      matched = true;
      byCountryOnly = true;
      count += parent;
    }
  }
  return { count, matched, byCountryOnly };
}

function conditionHolds(condition: TriggerCondition, input: EvaluationInput): { holds: boolean; byCountryOnly: boolean } {
  const no = { holds: false, byCountryOnly: false };
  if (condition.sectors && !condition.sectors.some((s) => input.sectors.includes(s))) return no;
  if (condition.minSeverity && rank(input.severity) < rank(condition.minSeverity)) return no;
  const impact = input.impact;
  const needsImpact = condition.countries || condition.dataCategories || condition.minAffected !== undefined;
  if (!needsImpact) return { holds: true, byCountryOnly: false };
  if (!impact || impact.affectedCustomers === 0) return no;
  if (condition.dataCategories && !condition.dataCategories.some((c) => (impact.byDataCategory[c] ?? 0) > 0)) return no;
  const countries = matchCountries(condition, impact.byJurisdiction, impact.byRegion);
  if (!countries.matched) return no;
  if (condition.minAffected !== undefined && countries.count < condition.minAffected) return no;
  return { holds: true, byCountryOnly: countries.byCountryOnly };
}

/** The rows that apply, in table order; a row applies when any one of its conditions holds. */
export function applicableObligations(input: EvaluationInput, table: readonly ObligationRow[]): ApplicableObligation[] {
  const out: ApplicableObligation[] = [];
  for (const row of table) {
    const results = row.when.map((c) => conditionHolds(c, input)).filter((r) => r.holds);
    if (results.length === 0) continue;
    // Certain when any condition matched exactly.
    const unconfirmed = results.every((r) => r.byCountryOnly)
      ? `The directory holds countries only: confirm that residents of ${row.jurisdiction.replace(/^US: /, '')} are affected, or mark this not applicable.`
      : undefined;
    out.push(unconfirmed ? { row, unconfirmed } : { row });
  }
  return out;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `YYYY-MM-DD` of an instant in `timeZone`. */
function localDate(at: Date, timeZone: string): { y: number; m: number; d: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), m: get('month'), d: get('day') };
}

/** The instant a wall-clock time in `timeZone` names (the offset read at that instant, so daylight saving is right). */
function zonedInstant(y: number, m: number, d: number, hour: number, minute: number, timeZone: string): Date {
  const naive = Date.UTC(y, m - 1, d, hour, minute);
  const offsetAt = (ms: number) => {
    const p = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(new Date(ms));
    const g = (t: string) => Number(p.find((x) => x.type === t)!.value);
    return Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute')) - ms;
  };
  let guess = naive - offsetAt(naive);
  guess = naive - offsetAt(guess);
  return new Date(guess);
}

const nthWeekday = (y: number, month: number, weekday: number, n: number) => {
  const first = new Date(Date.UTC(y, month - 1, 1)).getUTCDay();
  return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
};
const lastWeekday = (y: number, month: number, weekday: number) => {
  const days = new Date(Date.UTC(y, month, 0)).getUTCDate();
  const last = new Date(Date.UTC(y, month - 1, days)).getUTCDay();
  return days - ((last - weekday + 7) % 7);
};

/** US federal holidays of year `y` as `M-D` keys, with the observed day when one falls on a weekend (5 U.S.C. 6103). */
export function usFederalHolidays(y: number): Set<string> {
  const fixed: [number, number][] = [
    [1, 1],
    [6, 19],
    [7, 4],
    [11, 11],
    [12, 25],
  ];
  const days: [number, number][] = [
    [1, nthWeekday(y, 1, 1, 3)], // Martin Luther King Jr. Day
    [2, nthWeekday(y, 2, 1, 3)], // Washington's Birthday
    [5, lastWeekday(y, 5, 1)], // Memorial Day
    [9, nthWeekday(y, 9, 1, 1)], // Labor Day
    [10, nthWeekday(y, 10, 1, 2)], // Columbus Day
    [11, nthWeekday(y, 11, 4, 4)], // Thanksgiving
  ];
  for (const [m, d] of fixed) {
    const date = new Date(Date.UTC(y, m - 1, d));
    const wd = date.getUTCDay();
    const observed = wd === 6 ? new Date(date.getTime() - DAY) : wd === 0 ? new Date(date.getTime() + DAY) : date;
    days.push([observed.getUTCMonth() + 1, observed.getUTCDate()]);
  }
  // New Year's Day of the next year observed on 31 December.
  if (new Date(Date.UTC(y + 1, 0, 1)).getUTCDay() === 6) days.push([12, 31]);
  return new Set(days.map(([m, d]) => `${m}-${d}`));
}

export function isUsBusinessDay(y: number, m: number, d: number): boolean {
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return wd !== 0 && wd !== 6 && !usFederalHolidays(y).has(`${m}-${d}`);
}

const NEW_YORK = 'America/New_York';

/** The `amount`-th US business day after the New York calendar day of `start`, at 17:30 New York time. */
function usBusinessDaysAfter(start: Date, amount: number): Date {
  let { y, m, d } = localDate(start, NEW_YORK);
  let left = amount;
  while (left > 0) {
    const next = new Date(Date.UTC(y, m - 1, d) + DAY);
    [y, m, d] = [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
    if (isUsBusinessDay(y, m, d)) left -= 1;
  }
  return zonedInstant(y, m, d, 17, 30, NEW_YORK);
}

/** `amount` weekdays (Monday to Friday, UTC) after `start`, at the same time of day: Saturday and Sunday do not count. */
function weekdaysAfter(start: Date, amount: number): Date {
  let at = start.getTime();
  let left = amount;
  while (left > 0) {
    at += DAY;
    const wd = new Date(at).getUTCDay();
    if (wd !== 0 && wd !== 6) left -= 1;
  }
  return new Date(at);
}

function addMonths(start: Date, months: number): Date {
  const out = new Date(start);
  const day = out.getUTCDate();
  out.setUTCDate(1);
  out.setUTCMonth(out.getUTCMonth() + months);
  // 31 January + 1 month is the last day of February, not 3 March.
  const last = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(day, last));
  return out;
}

/**
 * The deadline of `clock` started at `start`, or undefined for a clock without fixed hours. `scale`
 * shortens the clock (the local twin runs every wait faster); 1 in AWS.
 */
export function deadlineFor(clock: ClockSpec, start: Date, scale = 1): Date | undefined {
  let full: Date;
  switch (clock.kind) {
    case 'hours':
      full = new Date(start.getTime() + clock.amount * HOUR);
      break;
    case 'calendar-days':
      full = new Date(start.getTime() + clock.amount * DAY);
      break;
    case 'us-business-days':
      full = usBusinessDaysAfter(start, clock.amount);
      break;
    case 'months':
      full = addMonths(start, clock.amount);
      break;
    case 'working-days':
      full = weekdaysAfter(start, clock.amount);
      break;
    case 'no-fixed-deadline':
      return undefined;
  }
  return new Date(start.getTime() + (full.getTime() - start.getTime()) / scale);
}

/** The moment's name as stored and printed. */
export function momentName(moment: StartMoment): string {
  return typeof moment === 'string' ? moment : `filed:${moment.filed}`;
}

/**
 * When each reminder point falls, between the start and the deadline; points at or before the start
 * are dropped (a 1-hour clock needs no "1 hour before"). A time before the deadline shrinks with `scale`.
 */
export function reminderTimes(points: readonly ReminderPoint[], startedAt: Date, deadline: Date, scale = 1): { point: ReminderPoint; at: Date }[] {
  const span = deadline.getTime() - startedAt.getTime();
  const unit = { m: 60_000, h: HOUR, d: DAY } as const;
  return points
    .map((point) => {
      const at = point.endsWith('%')
        ? startedAt.getTime() + (span * Number(point.slice(0, -1))) / 100
        : deadline.getTime() - (Number(point.slice(0, -1)) * unit[point.slice(-1) as keyof typeof unit]) / scale;
      return { point, at: new Date(at) };
    })
    .filter((r) => r.at.getTime() > startedAt.getTime() && r.at.getTime() < deadline.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** "2 d 3 h", "45 min", "-1 h 5 min" (past): a time left, for people. */
export function formatTimeLeft(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let left = Math.abs(ms);
  const days = Math.floor(left / DAY);
  left -= days * DAY;
  const hours = Math.floor(left / HOUR);
  left -= hours * HOUR;
  const minutes = Math.floor(left / 60_000);
  const parts = days > 0 ? [`${days} d`, `${hours} h`] : hours > 0 ? [`${hours} h`, `${minutes} min`] : [`${minutes} min`];
  return sign + parts.join(' ');
}
