import type { Notice } from '../../functions/domain/incident.js';
import { escapeHtml } from '../../functions/domain/preview.js';
import { promiseRecords } from '../../functions/domain/promises.js';

/** The console's "Promised updates" table: each time a sent notice told customers the next update would come by, and whether it did. */
export function promisesSection(notices: readonly Notice[], now: Date): string {
  const rows = promiseRecords(notices, now).map((r) => {
    const outcome =
      r.outcome === 'kept' ? 'KEPT' : r.outcome === 'open' ? 'open, not due yet' : r.next ? `MISSED by ${r.lateSeconds} s` : 'MISSED: no notice sent since';
    return (
      `<tr><td>${escapeHtml(r.noticeId)}</td><td>${escapeHtml(r.promisedBy)}</td><td>${escapeHtml(r.next ? `${r.next.noticeId} at ${r.next.sentAt}` : '')}</td>` +
      `<td${r.outcome === 'missed' ? ' class="gaps"' : ''}>${escapeHtml(outcome)}</td></tr>`
    );
  });
  return (
    `<h2 id="promises">Promised updates</h2><p>Each notice tells customers when the next one comes; the next notice sent keeps that promise or misses it (the team is paged when one comes due unkept).</p>` +
    `<table><tr><th>Notice</th><th>Next update promised by</th><th>Next notice sent</th><th>Outcome</th></tr>${rows.join('') || '<tr><td colspan="4">no notice sent yet</td></tr>'}</table>`
  );
}
