import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { lambdaContext } from '../../local/twin/http-api.js';

interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: string }[];
}

/** The embedded-metric-format lines a handler printed, as CloudWatch would read them from its log. */
function emfLines(writes: string[]): { names: string[]; values: Record<string, unknown> }[] {
  return writes
    .flatMap((w) => w.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } })
    .map((doc) => ({ names: doc._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name)), values: doc }));
}

describe('step metrics', () => {
  const writes: string[] = [];
  beforeAll(() => {
    // Metrics on, as in Lambda (the suite turns them off); the Powertools instances read this at load.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'BreachNotice');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'breach-notice');
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    // The stack's log level: a warning Metrics writes through the logger would be printed.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.resetModules();
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('a step that counts and then fails still publishes its counts, and the first invocation a cold start', async () => {
    // Prepare
    const { countMetrics, stepHandler } = await import('../../functions/shared/handler.js');
    const failing = stepHandler(z.object({}), async () => {
      countMetrics({ affectedCustomers: 50 });
      throw new Error('provider gone');
    });
    // Act
    await expect(failing({}, lambdaContext('breach-notice-send-notices'))).rejects.toThrow('provider gone');
    // Assess
    const docs = emfLines(writes);
    expect(docs.flatMap((d) => d.names)).toEqual(expect.arrayContaining(['AffectedCustomers', 'ColdStart']));
    expect(docs.find((d) => d.names.includes('AffectedCustomers'))?.values.AffectedCustomers).toBe(50);
  });

  it('a warm invocation that fails publishes its counts and no cold start', async () => {
    // Prepare
    const { countMetrics, stepHandler } = await import('../../functions/shared/handler.js');
    const failing = stepHandler(z.object({}), async () => {
      countMetrics({ promisesMissed: 3 });
      throw new Error('provider gone again');
    });
    writes.length = 0;
    // Act
    await expect(failing({}, lambdaContext('breach-notice-send-notices'))).rejects.toThrow('provider gone again');
    // Assess
    const docs = emfLines(writes);
    expect(docs.find((d) => d.names.includes('PromisesMissed'))?.values.PromisesMissed).toBe(3);
    expect(docs.flatMap((d) => d.names)).not.toContain('ColdStart');
  });

  it('per-channel counts go out under the catalogue names, units and dimensions the dashboard and alarms read', async () => {
    // Prepare
    const { countPerChannel, countMetrics, stepHandler } = await import('../../functions/shared/handler.js');
    const { METRICS, METRICS_NAMESPACE, METRICS_SERVICE } = await import('../../functions/shared/metric-catalogue.js');
    const step = stepHandler(z.object({}), async () => {
      countPerChannel('email', { noticesSent: 7, noticesUncertain: 1 });
      countPerChannel('sms', { noticesSent: 2 });
      countMetrics({ oldestApprovalAge: 90 });
    });
    writes.length = 0;
    // Act
    await step({}, lambdaContext('breach-notice-send-notices'));
    // Assess
    const docs = emfLines(writes).map((d) => d.values as Record<string, unknown> & { _aws: { CloudWatchMetrics: EmfDirective[] } });
    const of = (name: string, channel?: string) =>
      docs.find((d) => d._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === name) && (channel === undefined || d.channel === channel));
    const sentByEmail = of(METRICS.noticesSent.name, 'email');
    expect(sentByEmail?.[METRICS.noticesSent.name]).toBe(7);
    expect(sentByEmail?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [['service', 'channel']] });
    expect(sentByEmail?.service).toBe(METRICS_SERVICE);
    expect(of(METRICS.noticesSent.name, 'sms')?.[METRICS.noticesSent.name]).toBe(2);
    expect(of(METRICS.noticesUncertain.name, 'email')?.[METRICS.noticesUncertain.name]).toBe(1);
    const age = of(METRICS.oldestApprovalAge.name);
    expect(age?._aws.CloudWatchMetrics[0]?.Metrics.find((m) => m.Name === METRICS.oldestApprovalAge.name)?.Unit).toBe('Seconds');
    expect(age?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
  });

  it('a step that counted nothing prints nothing about metrics (no warning on every invocation)', async () => {
    // Prepare
    const { stepHandler } = await import('../../functions/shared/handler.js');
    const quiet = stepHandler(z.object({}), async () => 'ok');
    // Powertools writes its warnings to stderr through a Console of its own.
    const warnings: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (warnings.push(String(chunk)), true));
    writes.length = 0;
    // Act
    await quiet({}, lambdaContext('breach-notice-draft-notice'));
    // Assess
    expect([...writes, ...warnings].filter((w) => /metric/i.test(w))).toEqual([]);
  });
});
