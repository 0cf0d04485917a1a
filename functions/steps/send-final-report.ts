import type { ApprovalStorePort, DeliveryLedgerPort, EmailSender, IncidentStorePort, Messaging, NoticeStorePort } from '../domain/ports.js';
import { htmlEscaped, templateName } from '../domain/email-templates.js';
import type { Locale } from '../domain/locales.js';

export interface FinalReportDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'listTimeline'>;
  notices: Pick<NoticeStorePort, 'listNotices'>;
  approvals: Pick<ApprovalStorePort, 'listApprovalRequests'>;
  ledger: Pick<DeliveryLedgerPort, 'noticeTotals' | 'uncertainRecipients'>;
  email: EmailSender;
  messaging: Messaging;
  templatePrefix: string;
  reportLocale: Locale;
  reportRecipients: string[];
  topicArn: string;
}

/** The closing report: timeline, who was told what and when, approvals and delivery figures. Ids and counts only. */
export async function sendFinalReport(incidentId: string, deps: FinalReportDeps): Promise<{ notices: number; sent: number; failed: number; uncertain: number }> {
  const incident = await deps.incidents.getIncident(incidentId);
  const notices = (await deps.notices.listNotices(incidentId)).sort((a, b) => a.sequence - b.sequence);
  const approvals = await deps.approvals.listApprovalRequests(incidentId);
  const timeline = (await deps.incidents.listTimeline(incidentId)).sort((a, b) => a.at.localeCompare(b.at));
  const deliveryLines: string[] = [];
  const sum = { sent: 0, failed: 0, uncertain: 0 };
  for (const notice of notices) {
    const byChannel = await deps.ledger.noticeTotals(notice);
    for (const [channel, t] of Object.entries(byChannel)) {
      sum.sent += t.sent;
      sum.failed += t.failed;
      sum.uncertain += t.uncertain;
      deliveryLines.push(`${notice.noticeId} ${channel}: sent ${t.sent}, failed ${t.failed}, uncertain ${t.uncertain}, still retryable ${t.retryable}, provider calls ${t.calls}`);
    }
    for (const line of uncertainLines(notice.noticeId, await deps.ledger.uncertainRecipients(notice))) deliveryLines.push(line);
  }
  const noticeLines = notices.map((n) => {
    const decided = approvals.filter((a) => a.noticeId === n.noticeId && (a.status === 'APPROVED' || a.status === 'REJECTED'));
    const decisions = decided.map((a) => `${a.status.toLowerCase()} by ${a.decidedBy} at ${a.decidedAt}${a.reason ? ` (${a.reason})` : ''}`).join('; ');
    return `${n.noticeId} (${n.status}, drafted ${n.createdAt}${n.sentAt ? `, sent ${n.sentAt}` : ''}): ${decisions || 'no decision'}`;
  });
  const timelineLines = timeline.map((e) => `${e.at} ${e.action} (${e.actor})`);
  const data = { incidentId, title: incident.title, deliveryLines, noticeLines, timelineLines, html: htmlEscaped({ incidentId, deliveryLines, noticeLines, timelineLines }) };
  await deps.email.sendTemplated(deps.reportRecipients, templateName(deps.templatePrefix, 'final-report', deps.reportLocale), data);
  await deps.messaging.publish(
    deps.topicArn,
    `Final report sent: incident ${incidentId}`,
    [`Incident ${incidentId} is closed.`, `Notices: ${notices.length}; sent ${sum.sent}, failed ${sum.failed}, uncertain ${sum.uncertain}.`, ...deliveryLines].join('\n'),
    { event: 'final-report' },
  );
  await deps.incidents.appendTimeline(incidentId, { action: 'final-report-sent', actor: 'send-final-report', detail: { notices: notices.length, ...sum } });
  return { notices: notices.length, ...sum };
}

/** Ids listed in the report per notice and channel; the rest are one command away. */
const MAX_LISTED_IDS = 200;

/** Who to reconcile with the provider's records: the provider may or may not have accepted them. */
function uncertainLines(noticeId: string, byChannel: Record<string, string[]>): string[] {
  return Object.entries(byChannel).map(([channel, ids]) => {
    const more = ids.length > MAX_LISTED_IDS ? ` and ${ids.length - MAX_LISTED_IDS} more (npm run incident -- deliveries)` : '';
    return `${noticeId} ${channel}: to reconcile with the provider's records (uncertain): ${ids.slice(0, MAX_LISTED_IDS).join(', ')}${more}`;
  });
}
