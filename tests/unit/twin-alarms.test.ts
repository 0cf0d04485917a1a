import { describe, expect, it } from 'vitest';
import { AlarmEvaluator, type AlarmSpec, TwinMetrics } from '../../local/twin/alarms.js';

const spec = (over: Partial<AlarmSpec> = {}): AlarmSpec => ({
  logicalId: 'Errors1',
  name: 'Errors1',
  arn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:Errors1',
  description: 'Read the log.',
  namespace: 'AWS/Lambda',
  metricName: 'Errors',
  dimensions: { FunctionName: 'f' },
  statistic: 'Sum',
  periodSeconds: 300,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 1,
  comparison: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
  alarmActions: ['arn:aws:sns:us-east-1:000000000000:team'],
  ...over,
});

function evaluator(alarms: AlarmSpec[], secondsMetrics: string[] = []) {
  const metrics = new TwinMetrics(3_600_000);
  const published: { topicArn: string; subject: string; message: Record<string, unknown> }[] = [];
  const e = new AlarmEvaluator(alarms, metrics, {
    timeScale: 60,
    intervalMs: 1000,
    secondsMetrics: new Set(secondsMetrics),
    publish: async (topicArn, subject, message) => void published.push({ topicArn, subject, message: JSON.parse(message) }),
    region: 'us-east-1',
    regionName: 'US East (N. Virginia)',
    account: '000000000000',
  });
  return { e, metrics, published };
}

describe("the twin's alarm evaluation", () => {
  it("sums a period scaled by the time scale, goes to ALARM once and publishes CloudWatch's message", async () => {
    const { e, metrics, published } = evaluator([spec()]);
    const now = Date.now();
    metrics.put('AWS/Lambda', 'Errors', { FunctionName: 'f' }, 0, now - 1000);
    await e.evaluate(now);
    expect(e.all()[0]!.value).toBe('OK');
    metrics.put('AWS/Lambda', 'Errors', { FunctionName: 'other' }, 1, now + 500);
    await e.evaluate(now + 1000);
    expect(e.all()[0]!.value).toBe('OK');
    metrics.put('AWS/Lambda', 'Errors', { FunctionName: 'f' }, 1, now + 1500);
    await e.evaluate(now + 2000);
    await e.evaluate(now + 3000);
    expect(e.all()[0]!.value).toBe('ALARM');
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      topicArn: 'arn:aws:sns:us-east-1:000000000000:team',
      subject: 'ALARM: "Errors1" in US East (N. Virginia)',
      message: {
        AlarmName: 'Errors1',
        NewStateValue: 'ALARM',
        OldStateValue: 'OK',
        Trigger: { MetricName: 'Errors', Dimensions: [{ name: 'FunctionName', value: 'f' }] },
      },
    });
    // The 5-minute period lasts 5 s at 60 times: past it the error is no longer counted.
    await e.evaluate(now + 7000);
    expect(e.all()[0]!.value).toBe('OK');
  });

  it('scales thresholds in seconds, and keeps the state through missing data when told to', async () => {
    const promise = spec({
      logicalId: 'P',
      name: 'P',
      namespace: 'BreachNotice',
      metricName: 'NextPromiseDueIn',
      dimensions: {},
      statistic: 'Minimum',
      threshold: 3600,
      comparison: 'LessThanThreshold',
      treatMissingData: 'missing',
    });
    const { e, metrics } = evaluator([promise], ['BreachNotice|NextPromiseDueIn']);
    const now = Date.now();
    await e.evaluate(now);
    expect(e.all()[0]!.value).toBe('INSUFFICIENT_DATA');
    metrics.put('BreachNotice', 'NextPromiseDueIn', {}, 61, now + 100);
    await e.evaluate(now + 1000);
    expect(e.all()[0]!.value).toBe('OK');
    metrics.put('BreachNotice', 'NextPromiseDueIn', {}, 59, now + 1100);
    await e.evaluate(now + 2000);
    expect(e.all()[0]!.value).toBe('ALARM');
    await e.evaluate(now + 60_000);
    expect(e.all()[0]!.value).toBe('ALARM');
  });

  it('reads a window of many points by time, a late point in its place, the points past the window dropped', () => {
    // Prepare: 10,000 points a millisecond apart, kept 2 s; one late point put after the rest
    const metrics = new TwinMetrics(2_000);
    const t0 = 1_000_000;
    for (let i = 0; i < 10_000; i += 1) metrics.put('N', 'M', {}, 1, t0 + i);
    metrics.put('N', 'M', {}, 100, t0 + 9_000);
    // Act
    const window = metrics.values('N', 'M', {}, t0 + 8_990, t0 + 9_010);
    const dropped = metrics.values('N', 'M', {}, t0, t0 + 7_999);
    // Assess: [from, to): 20 points and the late one; nothing older than the kept 2 s
    expect(window).toHaveLength(21);
    expect(window.filter((v) => v === 100)).toHaveLength(1);
    expect(dropped).toEqual([]);
    expect(metrics.values('N', 'M', {}, t0 + 8_000, t0 + 10_000)).toHaveLength(2_001);
  });
});
