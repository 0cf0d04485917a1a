import { METRICS, type MetricKey } from '../../functions/shared/metric-catalogue.js';
import type { MetricStore } from '../twin/metric-store.js';
import { escapeHtml } from '../../functions/domain/preview.js';

const DAY_MS = 86_400_000;

/** The gauges the clocks' sweep reports each minute, in the order an operator reads them. */
const GAUGES: readonly MetricKey[] = [
  'incidentsOpen',
  'approvalsWaiting',
  'oldestApprovalAge',
  'approvalsOverdue',
  'promisesDueWithinDay',
  'nextPromiseDueIn',
  'regulatorDeadlinesDueWithinDay',
  'nextRegulatorDeadlineIn',
  'regulatorDeadlinesMissed',
  'sendQuotaUsed',
];
/** The counts summed over the last day, per channel where they have one. */
const COUNTS: readonly MetricKey[] = [
  'noticesSent',
  'noticesFailed',
  'noticesUncertain',
  'noticesDelivered',
  'noticesBounced',
  'noticesComplained',
  'promisesMissed',
  'alarmsAccepted',
  'alarmsRejected',
];

function shown(key: MetricKey, value: number): string {
  const { unit } = METRICS[key];
  if (unit === 'Seconds') return value >= 3600 ? `${(value / 3600).toFixed(1)} h` : `${Math.round(value / 60)} min`;
  return unit === 'Percent' ? `${value}%` : String(value);
}

/**
 * The console's front page summary: the same metrics, by the same names, as the stack's CloudWatch
 * dashboard (infra/constructs/operations.ts), read from what the functions printed (MetricStore).
 */
export function dashboardSection(store: MetricStore, now: number): string {
  const gauges = GAUGES.map((key) => {
    const latest = store.latest(key);
    return `<tr><td>${escapeHtml(METRICS[key].label)}</td><td>${latest ? shown(key, latest.value) : '–'}</td><td>${latest ? new Date(latest.at).toISOString() : 'not reported yet'}</td></tr>`;
  });
  const counts = COUNTS.flatMap((key) => {
    const sums = [...store.sums(key, now - DAY_MS)].sort(([a], [b]) => a.localeCompare(b));
    if (sums.length === 0) return [`<tr><td>${escapeHtml(METRICS[key].name)}</td><td></td><td>0</td></tr>`];
    return sums.map(([channel, sum]) => `<tr><td>${escapeHtml(METRICS[key].name)}</td><td>${escapeHtml(channel)}</td><td>${sum}</td></tr>`);
  });
  return (
    '<h2>Now</h2><table class="dashboard"><tr><th>Gauge (the clocks\' sweep, every minute)</th><th>Value</th><th>Reported</th></tr>' +
    `${gauges.join('')}</table>` +
    `<h2>The last 24 hours</h2><table class="dashboard"><tr><th>Metric</th><th>Channel</th><th>Sum</th></tr>${counts.join('')}</table>`
  );
}
