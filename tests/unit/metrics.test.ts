import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { lambdaContext } from '../../local/twin/http-api.js';

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
      countMetrics({ NoticesSent: 50 });
      throw new Error('provider gone');
    });
    // Act
    await expect(failing({}, lambdaContext('breach-notice-send-notices'))).rejects.toThrow('provider gone');
    // Assess
    const docs = emfLines(writes);
    expect(docs.flatMap((d) => d.names)).toEqual(expect.arrayContaining(['NoticesSent', 'ColdStart']));
    expect(docs.find((d) => d.names.includes('NoticesSent'))?.values.NoticesSent).toBe(50);
  });

  it('a warm invocation that fails publishes its counts and no cold start', async () => {
    // Prepare
    const { countMetrics, stepHandler } = await import('../../functions/shared/handler.js');
    const failing = stepHandler(z.object({}), async () => {
      countMetrics({ NoticesFailed: 3 });
      throw new Error('provider gone again');
    });
    writes.length = 0;
    // Act
    await expect(failing({}, lambdaContext('breach-notice-send-notices'))).rejects.toThrow('provider gone again');
    // Assess
    const docs = emfLines(writes);
    expect(docs.find((d) => d.names.includes('NoticesFailed'))?.values.NoticesFailed).toBe(3);
    expect(docs.flatMap((d) => d.names)).not.toContain('ColdStart');
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
