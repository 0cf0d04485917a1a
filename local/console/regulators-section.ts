import { obligationState, type ObligationRecord } from '../../functions/domain/obligations/record.js';
import { escapeHtml } from '../../functions/domain/preview.js';

/** The console's "Regulators' clocks" table: each obligation with its deadline, time left and state. */
export function regulatorsSection(obligations: readonly ObligationRecord[], now: Date): string {
  const rows = [...obligations]
    .sort((a, b) => (a.deadline ?? '~').localeCompare(b.deadline ?? '~'))
    .map((o) => {
      const { state, timeLeft } = obligationState(o, now);
      const missed = state.startsWith('MISSED') || (o.status === 'FILED' && !!o.deadline && o.filed!.at > o.deadline);
      return (
        `<tr><td>${escapeHtml(o.obligationId)}</td><td>${escapeHtml(o.law)}</td><td>${escapeHtml(o.recipient)}</td><td>${escapeHtml(o.deadline ?? '')}</td>` +
        `<td>${escapeHtml(timeLeft)}</td><td${missed ? ' class="gaps"' : ''}>${escapeHtml(state)}</td>` +
        `<td>v${o.reportVersion}${o.approval ? ` (v${o.approval.version} approved by ${escapeHtml(o.approval.by)})` : ''}</td></tr>`
      );
    });
  return (
    `<h2>Regulators' clocks</h2><p>Assistance, not legal advice: counsel decides what applies and what is filed (npm run incident -- regulators ID).</p>` +
    `<table><tr><th>Obligation</th><th>Law</th><th>Notify</th><th>Deadline</th><th>Time left</th><th>State</th><th>Report</th></tr>${rows.join('') || '<tr><td colspan="7">none found to apply</td></tr>'}</table>`
  );
}
