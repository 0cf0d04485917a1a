import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { dashboardSection } from '../../local/console/dashboard-section.js';
import { MetricStore } from '../../local/twin/metric-store.js';
import { lambdaContext } from '../../local/twin/http-api.js';

describe("the twin's dashboard, from the functions' own metric output", () => {
  const writes: string[] = [];
  beforeAll(() => {
    // Metrics on, as in a twin sandbox and in Lambda; the Powertools instances read this at load.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'BreachNotice');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'breach-notice');
    vi.resetModules();
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('reads the EMF lines a handler prints: gauges by their latest value, counts summed per channel; other lines are left to print', async () => {
    // Prepare
    const { countMetrics, countPerChannel, stepHandler } = await import('../../functions/shared/handler.js');
    const sweep = stepHandler(z.object({ open: z.number() }), async ({ open }) => {
      countMetrics({ incidentsOpen: open, oldestApprovalAge: 5400, approvalsWaiting: 2 });
    });
    const send = stepHandler(z.object({}), async () => {
      countPerChannel('email', { noticesSent: 40, noticesUncertain: 1 });
      countPerChannel('sms', { noticesSent: 9 });
    });
    await sweep({ open: 1 }, lambdaContext('breach-notice-regulator-clocks'));
    await sweep({ open: 3 }, lambdaContext('breach-notice-regulator-clocks'));
    await send({}, lambdaContext('breach-notice-send-notices'));
    await send({}, lambdaContext('breach-notice-send-notices'));
    const store = new MetricStore();
    // Act
    const lines = writes.flatMap((w) => w.split('\n')).filter(Boolean);
    const kept = lines.filter((line) => store.ingest(line));
    const html = dashboardSection(store, Date.now());
    // Assess
    expect(kept.length).toBeGreaterThan(0);
    expect(store.ingest('{"level":"WARN","message":"not a metric"}')).toBe(false);
    expect(store.latest('incidentsOpen')?.value).toBe(3);
    expect(Object.fromEntries(store.sums('noticesSent', Date.now() - 60_000))).toEqual({ email: 80, sms: 18 });
    expect(html).toMatch(/Incidents open: their workflow runs<\/td><td>3<\/td>/);
    expect(html).toMatch(/Age of the oldest approval request waiting<\/td><td>1\.5 h<\/td>/);
    expect(html).toContain('<tr><td>NoticesSent</td><td>email</td><td>80</td></tr><tr><td>NoticesSent</td><td>sms</td><td>18</td></tr>');
    expect(html).toContain('<tr><td>NoticesUncertain</td><td>email</td><td>2</td></tr>');
    expect(html).toMatch(/Time left until the next promised update is due<\/td><td>–<\/td><td>not reported yet/);
  });
});
