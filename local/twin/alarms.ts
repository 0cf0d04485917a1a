import type { CfnResource } from './from-stack.js';
import type { StackResolver } from './iam/resources.js';

/** A single-metric alarm of the template, with its intrinsics resolved to the twin's names. */
export interface AlarmSpec {
  logicalId: string;
  name: string;
  arn: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: 'Sum' | 'Maximum' | 'Minimum' | 'Average' | 'SampleCount';
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
  treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
  /** Topic ARNs published to on the change to ALARM. */
  alarmActions: string[];
}

/** Alarms of the template the twin does not evaluate, with why (metric math, percentiles): none today. */
export interface ReadAlarms {
  alarms: AlarmSpec[];
  skipped: { logicalId: string; why: string }[];
}

const STATISTICS = new Set(['Sum', 'Maximum', 'Minimum', 'Average', 'SampleCount']);

/** Every AWS::CloudWatch::Alarm of the template, as CloudFormation creates it (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html). */
export function readAlarms(resources: Record<string, CfnResource>, resolver: StackResolver): ReadAlarms {
  const read: ReadAlarms = { alarms: [], skipped: [] };
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = (r.Properties ?? {}) as Record<string, unknown>;
    if (p.Metrics) {
      read.skipped.push({ logicalId, why: 'a metric-math alarm' });
      continue;
    }
    if (!STATISTICS.has(String(p.Statistic))) {
      read.skipped.push({ logicalId, why: `statistic ${String(p.ExtendedStatistic ?? p.Statistic)}` });
      continue;
    }
    const evaluationPeriods = Number(p.EvaluationPeriods);
    read.alarms.push({
      logicalId,
      name: resolver.ref(logicalId),
      arn: resolver.getAtt(logicalId, 'Arn'),
      description: String(p.AlarmDescription ?? ''),
      namespace: String(p.Namespace),
      metricName: String(p.MetricName),
      dimensions: Object.fromEntries(((p.Dimensions ?? []) as { Name: string; Value: unknown }[]).map((d) => [d.Name, String(resolver.resolve(d.Value))])),
      statistic: p.Statistic as AlarmSpec['statistic'],
      periodSeconds: Number(p.Period),
      evaluationPeriods,
      datapointsToAlarm: Number(p.DatapointsToAlarm ?? evaluationPeriods),
      threshold: Number(p.Threshold),
      comparison: p.ComparisonOperator as AlarmSpec['comparison'],
      // CloudWatch's default (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data).
      treatMissingData: (p.TreatMissingData ?? 'missing') as AlarmSpec['treatMissingData'],
      alarmActions: ((p.AlarmActions ?? []) as unknown[]).map((a) => String(resolver.resolve(a))),
    });
  }
  return read;
}

const seriesKey = (namespace: string, metricName: string, dimensions: Record<string, string>) =>
  `${namespace}|${metricName}|${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;

/**
 * The twin's CloudWatch metrics: raw data points per series (namespace, name, dimensions), kept as long
 * as the longest alarm window needs them. Fed by the functions' EMF lines and by what the twin's
 * services know as AWS would publish it (Lambda's Errors and Throttles, Step Functions' failed executions, SES's reputation).
 */
export class TwinMetrics {
  /** Per series, its points in time order from `start` on (the ones before it are past the window, dropped in bulk). */
  private readonly series = new Map<string, { points: { at: number; value: number }[]; start: number }>();

  constructor(private readonly keepMs: number) {}

  put(namespace: string, metricName: string, dimensions: Record<string, string>, value: number, at = Date.now()): void {
    const key = seriesKey(namespace, metricName, dimensions);
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = { points: [], start: 0 }));
    const { points } = series;
    // Points arrive roughly in time order: a late one is put in its place, so reads can search by time.
    if (points.length === 0 || points.at(-1)!.at <= at) points.push({ at, value });
    else points.splice(firstAtOrAfter(points, series.start, at + 1), 0, { at, value });
    while (series.start < points.length && points[series.start]!.at < at - this.keepMs) series.start += 1;
    // Dropped in bulk: shifting one point at a time made each put cost the whole window at a million customers.
    if (series.start > 1024 && series.start * 2 > points.length) {
      points.splice(0, series.start);
      series.start = 0;
    }
  }

  /** The values of the points from `from` (inclusive) to `to` (exclusive): two binary searches, then the window's points. */
  values(namespace: string, metricName: string, dimensions: Record<string, string>, from: number, to: number): number[] {
    const series = this.series.get(seriesKey(namespace, metricName, dimensions));
    if (!series) return [];
    const lo = firstAtOrAfter(series.points, series.start, from);
    const hi = firstAtOrAfter(series.points, lo, to);
    return series.points.slice(lo, hi).map((p) => p.value);
  }
}

/** The index of the first point at or after `at`, searching from `start` (points in time order). */
function firstAtOrAfter(points: readonly { at: number }[], start: number, at: number): number {
  let lo = start;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmState {
  alarm: AlarmSpec;
  value: AlarmStateValue;
  reason: string;
  /** When it entered this state. */
  since: number;
}

function statistic(values: number[], stat: AlarmSpec['statistic']): number {
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'SampleCount':
      return values.length;
  }
}

const BREACHES: Record<AlarmSpec['comparison'], (v: number, t: number) => boolean> = {
  GreaterThanThreshold: (v, t) => v > t,
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

const PHRASE: Record<AlarmSpec['comparison'], string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export interface AlarmEvaluationOptions {
  /** How many times faster than real time the twin runs: a period of P seconds lasts P / timeScale. */
  timeScale: number;
  /** How often alarms are evaluated (CloudWatch: about once a minute, scaled). */
  intervalMs: number;
  /** Thresholds of these metrics are durations in seconds: scaled like the twin's clocks. */
  secondsMetrics: ReadonlySet<string>;
  /** Called before each evaluation: puts what the twin's services know as their metrics. @default nothing */
  sample?: (now: number) => void;
  /** Publishes an alarm's notification to one of its actions' topics. */
  publish(topicArn: string, subject: string, message: string): Promise<unknown>;
  region: string;
  regionName: string;
  account: string;
}

/**
 * CloudWatch's evaluation of single-metric alarms, on the twin's clock: every `intervalMs` each alarm
 * looks at its last `evaluationPeriods` periods (each `periodSeconds / timeScale` long, at least two
 * evaluations), and goes to ALARM when `datapointsToAlarm` of them breach; missing periods count as
 * `treatMissingData` says. A change to ALARM publishes CloudWatch's notification to the alarm's actions.
 */
export class AlarmEvaluator {
  private readonly states = new Map<string, AlarmState>();

  constructor(
    readonly alarms: AlarmSpec[],
    readonly metrics: TwinMetrics,
    private readonly options: AlarmEvaluationOptions,
  ) {
    const now = Date.now();
    for (const alarm of alarms)
      this.states.set(alarm.logicalId, { alarm, value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation', since: now });
  }

  windowMs(alarm: AlarmSpec): number {
    return Math.max((alarm.periodSeconds * 1000) / this.options.timeScale, 2 * this.options.intervalMs);
  }

  thresholdOf(alarm: AlarmSpec): number {
    return this.options.secondsMetrics.has(`${alarm.namespace}|${alarm.metricName}`) ? alarm.threshold / this.options.timeScale : alarm.threshold;
  }

  /** Every alarm's state now. */
  all(): AlarmState[] {
    return [...this.states.values()];
  }

  /** One evaluation of every alarm; resolves when the notifications of those that changed to ALARM are published. */
  async evaluate(now = Date.now()): Promise<void> {
    this.options.sample?.(now);
    const published: Promise<unknown>[] = [];
    for (const state of this.states.values()) {
      const next = this.judge(state.alarm, now);
      if (!next || next.value === state.value) continue;
      const old = state.value;
      Object.assign(state, { value: next.value, reason: next.reason, since: now });
      if (next.value === 'ALARM') published.push(...this.notify(state, old));
    }
    await Promise.allSettled(published);
  }

  private judge(alarm: AlarmSpec, now: number): { value: AlarmStateValue; reason: string } | undefined {
    const window = this.windowMs(alarm);
    const threshold = this.thresholdOf(alarm);
    const breaches = BREACHES[alarm.comparison];
    let breaching = 0;
    let present = 0;
    const seen: string[] = [];
    for (let i = 0; i < alarm.evaluationPeriods; i++) {
      const to = now - i * window;
      const values = this.metrics.values(alarm.namespace, alarm.metricName, alarm.dimensions, to - window, to);
      if (values.length === 0) {
        if (alarm.treatMissingData === 'breaching') breaching += 1;
        continue;
      }
      present += 1;
      const value = statistic(values, alarm.statistic);
      seen.push(String(value));
      if (breaches(value, threshold)) breaching += 1;
    }
    if (present === 0 && (alarm.treatMissingData === 'missing' || alarm.treatMissingData === 'ignore')) return undefined;
    const reason = `Threshold Crossed: ${breaching} out of the last ${alarm.evaluationPeriods} datapoints [${seen.join(', ')}] ${breaching >= alarm.datapointsToAlarm ? 'was' : 'was not'} ${PHRASE[alarm.comparison]} the threshold (${threshold}).`;
    return { value: breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK', reason };
  }

  /**
   * The message CloudWatch publishes to an alarm's SNS actions: its subject `ALARM: "name" in <region>` and
   * the JSON body with the alarm, the states and the trigger
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html).
   */
  private notify(state: AlarmState, old: AlarmStateValue): Promise<unknown>[] {
    const { alarm } = state;
    const message = JSON.stringify({
      AlarmName: alarm.name,
      AlarmDescription: alarm.description,
      AWSAccountId: this.options.account,
      AlarmConfigurationUpdatedTimestamp: new Date(state.since).toISOString().replace('Z', '+0000'),
      NewStateValue: state.value,
      NewStateReason: state.reason,
      StateChangeTime: new Date(state.since).toISOString().replace('Z', '+0000'),
      Region: this.options.regionName,
      AlarmArn: alarm.arn,
      OldStateValue: old,
      OKActions: [],
      AlarmActions: alarm.alarmActions,
      InsufficientDataActions: [],
      Trigger: {
        MetricName: alarm.metricName,
        Namespace: alarm.namespace,
        StatisticType: 'Statistic',
        Statistic: alarm.statistic.toUpperCase(),
        Unit: null,
        Dimensions: Object.entries(alarm.dimensions).map(([name, value]) => ({ value, name })),
        Period: alarm.periodSeconds,
        EvaluationPeriods: alarm.evaluationPeriods,
        DatapointsToAlarm: alarm.datapointsToAlarm,
        ComparisonOperator: alarm.comparison,
        Threshold: alarm.threshold,
        TreatMissingData: alarm.treatMissingData,
        EvaluateLowSampleCountPercentile: '',
      },
    });
    const subject = `ALARM: "${alarm.name}" in ${this.options.regionName}`.slice(0, 100);
    return alarm.alarmActions.map((topicArn) =>
      this.options.publish(topicArn, subject, message).catch((error: unknown) => {
        console.error(`alarm ${alarm.name}: publishing to ${topicArn} failed: ${(error as Error).name}: ${(error as Error).message}`);
      }),
    );
  }

  /** Evaluates every `intervalMs` until the returned function is called; evaluations never overlap. */
  start(): () => void {
    let evaluating = false;
    const timer = setInterval(() => {
      if (evaluating) return;
      evaluating = true;
      void this.evaluate().finally(() => (evaluating = false));
    }, this.options.intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
