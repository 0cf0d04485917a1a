import { METRICS, METRICS_NAMESPACE, type MetricKey } from '../../functions/shared/metric-catalogue.js';

/** One value of one metric, as CloudWatch would store it from an embedded-metric-format document. */
export interface MetricPoint {
  at: number;
  value: number;
  channel?: string;
}

const byName = new Map<string, MetricKey>(Object.entries(METRICS).map(([key, def]) => [def.name, key as MetricKey]));

const MINUTE_MS = 60_000;
/** How long sums are kept: the console looks back a day at most. */
const KEEP_MS = 86_400_000;

/**
 * What the twin's functions report in the embedded metric format (the lines Powertools prints, which
 * CloudWatch reads from their logs in AWS), kept by catalogue key for the console's dashboard: each
 * metric's latest value, and per-minute sums by channel for a day (a notice's evidence is millions of
 * lines: the memory and the work per line stay bounded).
 */
export class MetricStore {
  private readonly last = new Map<MetricKey, MetricPoint>();
  /** key -> minute -> channel ('' for none) -> sum. */
  private readonly minutes = new Map<MetricKey, Map<number, Map<string, number>>>();

  /** `onDatapoint` gets each value once per dimension set of its document, as CloudWatch stores it (the twin's alarms read them). */
  constructor(private readonly onDatapoint?: (namespace: string, name: string, dimensions: Record<string, string>, value: number, at: number) => void) {}

  /** Takes one log line; true when it was an EMF document of this project's namespace (its metrics kept). */
  ingest(line: string): boolean {
    if (!line.includes('"_aws"')) return false;
    let doc: {
      _aws?: { Timestamp?: number; CloudWatchMetrics?: { Namespace?: string; Dimensions?: string[][]; Metrics?: { Name: string }[] }[] };
    } & Record<string, unknown>;
    try {
      doc = JSON.parse(line);
    } catch {
      return false;
    }
    const directives = doc._aws?.CloudWatchMetrics;
    if (!Array.isArray(directives)) return false;
    const at = typeof doc._aws?.Timestamp === 'number' ? doc._aws.Timestamp : Date.now();
    const channel = typeof doc.channel === 'string' ? doc.channel : undefined;
    for (const directive of directives) {
      if (directive.Namespace !== METRICS_NAMESPACE) continue;
      for (const { Name } of directive.Metrics ?? []) {
        const key = byName.get(Name);
        const raw = doc[Name];
        // Powertools writes a metric added more than once in an invocation as an array of its values.
        const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');
        if (!key || values.length === 0) continue;
        for (const value of values) this.keep(key, { at, value, ...(channel ? { channel } : {}) });
        for (const set of directive.Dimensions ?? [[]]) {
          const dimensions = Object.fromEntries(set.map((d) => [d, String(doc[d])]));
          for (const value of values) this.onDatapoint?.(METRICS_NAMESPACE, Name, dimensions, value, at);
        }
      }
    }
    return true;
  }

  private keep(key: MetricKey, point: MetricPoint): void {
    this.last.set(key, point);
    const minute = Math.floor(point.at / MINUTE_MS);
    let byMinute = this.minutes.get(key);
    if (!byMinute) this.minutes.set(key, (byMinute = new Map()));
    let sums = byMinute.get(minute);
    if (!sums) {
      byMinute.set(minute, (sums = new Map()));
      // A new minute: the ones older than a day go (a few hundred at most).
      for (const old of byMinute.keys()) if (old < minute - KEEP_MS / MINUTE_MS) byMinute.delete(old);
    }
    sums.set(point.channel ?? '', (sums.get(point.channel ?? '') ?? 0) + point.value);
  }

  /** A metric's last value, or undefined when none was reported. */
  latest(key: MetricKey): MetricPoint | undefined {
    return this.last.get(key);
  }

  /** The sum of a count since `since` (to the minute), per channel for a per-channel metric ('' for none). */
  sums(key: MetricKey, since: number): Map<string, number> {
    const total = new Map<string, number>();
    for (const [minute, sums] of this.minutes.get(key) ?? []) {
      if (minute < Math.floor(since / MINUTE_MS)) continue;
      for (const [channel, sum] of sums) total.set(channel, (total.get(channel) ?? 0) + sum);
    }
    return total;
  }
}
