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
