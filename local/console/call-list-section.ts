import { escapeHtml } from '../../functions/domain/preview.js';
import type { UnreachableCustomer } from '../../functions/steps/unreachable-customers.js';

/**
 * The customers each notice reached on no channel (steps/unreachable-customers.ts): the team's call
 * list, by customer id with why each channel failed, and the last resort when a call fails too.
 */
export function callListSection(incidentId: string, lists: { noticeId: string; unreachable: UnreachableCustomer[] }[]): string {
  const rows = lists.flatMap(({ noticeId, unreachable }) =>
    unreachable.map(
      (u) =>
        `<tr><td>${escapeHtml(noticeId)}</td><td>${escapeHtml(u.customerId)}</td><td>${u.channels.map((c) => `${escapeHtml(c.channel)}: ${escapeHtml(c.why)}`).join('; ')}</td></tr>`,
    ),
  );
  return (
    `<h2 id="call-list">Customers no channel reached (call list)</h2>` +
    `<table><tr><th>Notice</th><th>Customer</th><th>Why each channel failed</th></tr>${rows.join('') || '<tr><td colspan="3">none</td></tr>'}</table>` +
    `<p>Each was tried on every channel they have an address for (a bounced email falls back to their phone, once). Call or write to them; their contact details are in the customer directory. The public incident page is the last resort. The same list: <code>npm run incident -- deliveries ${escapeHtml(incidentId)}</code>.</p>`
  );
}
