import { METRICS, type MetricKey } from '../../functions/shared/metric-catalogue.js';
import type { MetricStore } from '../twin/metric-store.js';
import type { AlarmState } from '../twin/alarms.js';
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

/** The stack's alarms in ALARM, each with its description (what to do), as CloudWatch's alarm list shows them. */
export function alarmsSection(states: readonly AlarmState[]): string {
  const firing = states.filter((s) => s.value === 'ALARM').sort((a, b) => a.since - b.since);
  const rows = firing.map(
    (s) =>
      `<tr class="alarm-firing"><td>${escapeHtml(s.alarm.name)}</td><td>${new Date(s.since).toISOString()}</td><td>${escapeHtml(s.alarm.description)}</td><td>${escapeHtml(s.reason)}</td></tr>`,
  );
  return (
    `<h2>Alarms in ALARM (${firing.length} of ${states.length})</h2><table class="alarms"><tr><th>Alarm</th><th>Since</th><th>What to do</th><th>Reason</th></tr>` +
    `${rows.join('') || '<tr><td colspan="4">None: every alarm is OK or has no data.</td></tr>'}</table>`
  );
}
