/**
 * Instants as a customer reads them: in their own time zone, with the offset from UTC so nobody has
 * to guess which zone a time is in. The wording around them belongs to each locale's catalogue.
 */

/** A formatting of `options` in `locale`, for any instant and zone; one formatter per zone, built once (building is slow, a send formats thousands of times). */
export function zonedFormat(locale: string, options: Intl.DateTimeFormatOptions): (iso: string, timeZone: string) => string {
  const formatters = new Map<string, Intl.DateTimeFormat>();
  return (iso, timeZone) => {
    let f = formatters.get(timeZone);
    if (!f) {
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      formatters.set(timeZone, f);
    }
    return f.format(new Date(iso));
  };
}

const offsetNames = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset at that instant as `+08:00`, `-03:30` or `+00:00` (it changes with daylight saving time). */
function utcOffset(iso: string, timeZone: string): string {
  let f = offsetNames.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetNames.set(timeZone, f);
  }
  const name = f.formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName')?.value;
  // ICU writes "GMT+08:00", and plain "GMT" for a zero offset.
  const offset = name?.replace(/^GMT/, '') ?? '';
  return offset === '' ? '+00:00' : offset;
}

/** `UTC+08:00`, `UTC+00:00`: always the offset, so no reader has to know what their zone's is. */
export function utcLabel(iso: string, timeZone: string): string {
  return `UTC${utcOffset(iso, timeZone)}`;
}

/** Every zone's offset lies within these hours of UTC (Etc/GMT+12 to Pacific/Kiritimati). */
const WESTMOST_HOURS = -12;
const EASTMOST_HOURS = 14;

/**
 * Every calendar date `iso` falls on somewhere in the world, as instants at noon UTC of each: two
 * dates, or three when the instant is near midnight UTC. Formatted in UTC they give those dates.
 */
export function datesAnywhere(iso: string): string[] {
  const at = new Date(iso).getTime();
  const day = (ms: number) => Math.floor(ms / 86_400_000);
  const dates: string[] = [];
  for (let d = day(at + WESTMOST_HOURS * 3_600_000); d <= day(at + EASTMOST_HOURS * 3_600_000); d += 1)
    dates.push(new Date(d * 86_400_000 + 43_200_000).toISOString());
  return dates;
}

/**
 * The conventions a customer reads dates in: the directory's locale when it names a region
 * (`en-GB`), else its language with the customer's country (`en` in `US`: `en-US`).
 */
export function readerDateLocale(profile: { locale: string; country: string }): string {
  if (/^[a-z]{2,3}-[A-Z]{2}$/.test(profile.locale)) return profile.locale;
  const language = profile.locale.split('-')[0] ?? '';
  return /^[A-Z]{2}$/.test(profile.country) ? `${language}-${profile.country}` : language;
}

/** Zones that keep China's standard time, which Chinese readers call 北京时间 (Beijing time). */
const CHINA_STANDARD_ZONES = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'PRC']);

export function isBeijingTime(timeZone: string): boolean {
  return CHINA_STANDARD_ZONES.has(timeZone);
}

const zoneNames = new Map<string, Intl.DateTimeFormat>();

function zoneNameIn(iso: string, timeZone: string, locale: string, style: 'short' | 'long'): string {
  const key = `${locale}|${timeZone}|${style}`;
  let f = zoneNames.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style });
    zoneNames.set(key, f);
  }
  return f.formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/**
 * The zone's name as a reader of `locale` knows it at that instant (daylight saving included): the
 * short name where the language has one ("CST", "GMT", "BST", "UTC"), else the long one ("Central
 * Standard Time", "China Standard Time"), else the offset (`UTC+05:45`). ICU writes "GMT-6" where it
 * has no name, which would read as a claim about Greenwich.
 */
export function zoneName(iso: string, timeZone: string, locale: string): string {
  const named = (name: string) => name !== '' && !/^(GMT|UTC)[+−-]/.test(name);
  const short = zoneNameIn(iso, timeZone, locale, 'short');
  if (named(short)) return short;
  const long = zoneNameIn(iso, timeZone, locale, 'long');
  return named(long) ? long : utcLabel(iso, timeZone);
}
