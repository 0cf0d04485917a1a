import { METRICS, METRICS_NAMESPACE, type MetricKey } from '../../functions/shared/metric-catalogue.js';

/** One value of one metric, as CloudWatch would store it from an embedded-metric-format document. */
export interface MetricPoint {
  at: number;
  value: number;
  channel?: string;
}

const byName = new Map<string, MetricKey>(Object.entries(METRICS).map(([key, def]) => [def.name, key as MetricKey]));

/** How long points are kept: the console looks back a day at most. */
const KEEP_MS = 86_400_000;

/**
 * What the twin's functions report in the embedded metric format (the lines Powertools prints, which
 * CloudWatch reads from their logs in AWS), kept by catalogue key for the console's dashboard.
 */
export class MetricStore {
  private readonly points = new Map<MetricKey, MetricPoint[]>();

  /** Takes one log line; true when it was an EMF document of this project's namespace (its metrics kept). */
  ingest(line: string): boolean {
    if (!line.includes('"_aws"')) return false;
    let doc: { _aws?: { Timestamp?: number; CloudWatchMetrics?: { Namespace?: string; Metrics?: { Name: string }[] }[] } } & Record<string, unknown>;
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
        const kept = this.points.get(key) ?? [];
        for (const value of values) kept.push({ at, value, ...(channel ? { channel } : {}) });
        this.points.set(
          key,
          kept.filter((p) => p.at > at - KEEP_MS),
        );
      }
    }
    return true;
  }

  /** A gauge's last value, or undefined when none was reported. */
  latest(key: MetricKey): MetricPoint | undefined {
    return this.points.get(key)?.at(-1);
  }

  /** The sum of a count since `since`, per channel for a per-channel metric ('' for none). */
  sums(key: MetricKey, since: number): Map<string, number> {
    const sums = new Map<string, number>();
    for (const p of this.points.get(key) ?? []) if (p.at >= since) sums.set(p.channel ?? '', (sums.get(p.channel ?? '') ?? 0) + p.value);
    return sums;
  }
}
