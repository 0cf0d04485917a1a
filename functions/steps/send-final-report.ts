import { deliveryCategories, type ChannelFigures } from '../domain/delivery.js';
import type {
  ApprovalStorePort,
  DeliveryLedgerPort,
  EmailSender,
  EvidenceStorePort,
  IncidentStorePort,
  Messaging,
  NoticeStorePort,
  ObligationStorePort,
  TeamStorePort,
} from '../domain/ports.js';
import { describeScope } from '../domain/scope.js';
import type { CustomerQuestion } from '../domain/question-form.js';
import { htmlEscaped, templateName } from '../domain/email-templates.js';
import type { Notice } from '../domain/incident.js';
import { catalogues, type Locale } from '../domain/locales.js';
import { promiseRecords } from '../domain/promises.js';
import { remediesOffered } from '../domain/remedies.js';
import { reconcileNotice } from './reconcile-notice.js';
import { unreachableCustomers, type UnreachableDeps } from './unreachable-customers.js';
import { EVIDENCE_CHANNELS } from '../domain/delivery-evidence.js';
import { anyEvidence, evidenceFigures } from '../domain/reputation.js';
import { finalReportRegulatorLines } from '../domain/obligations/record.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { DEFAULT_DRILL_TARGETS, drillReport, drillReportLines, type DrillTargets } from '../domain/drill-report.js';
import { withDrillMarker } from '../domain/drill.js';

export interface FinalReportDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'listTimeline'>;
  notices: Pick<NoticeStorePort, 'listNotices'>;
  approvals: Pick<ApprovalStorePort, 'listApprovalRequests'>;
  ledger: Pick<DeliveryLedgerPort, 'recipientOutcomes'>;
  email: EmailSender;
  messaging: Messaging;
  templatePrefix: string;
  reportLocale: Locale;
  reportRecipients: string[];
  topicArn: string;
  /** The notices' delivery evidence counts (adapters/evidence-store.ts): what SES reported, with the bounce and complaint rates. Absent: no such lines. */
  evidence?: Pick<EvidenceStorePort, 'counts'>;
  /** The notices' undeliverable lists and outcomes: the customers no channel reached, the team's call list. Absent: no such lines. */
  unreachable?: UnreachableDeps;
  /** Regulators' obligations, for their section (met or missed); absent: the section says none applied. */
  obligations?: Pick<ObligationStorePort, 'listObligations'>;
  /** The team's scope decisions, for who was affected and why; absent: the alarm's own scope. */
  team?: Pick<TeamStorePort, 'listScopeDecisions'>;
  /** Customers' questions (functions/adapters/question-store.ts): counted, never quoted. */
  questions?: { listQuestions(incidentId: string): Promise<Pick<CustomerQuestion, 'status' | 'faq' | 'emailedAt'>[]> };
  clock?: Clock;
  /** The playbook's targets for a drill's report. @default DEFAULT_DRILL_TARGETS */
  drillTargets?: DrillTargets;
}

/** Unreachable customers named in the report; the rest are counted and listed by the CLI. */
const UNREACHABLE_LISTED = 50;

export type FinalReportResult = { notices: number; reconciled: boolean } & ChannelFigures;

/**
 * The closing report: timeline, who was told what and when, approvals, and each notice's delivery
 * reconciled per channel from the ledger (the figures `npm run incident -- deliveries` prints), in
 * the report's locale. Ids and counts only.
 */
export async function sendFinalReport(incidentId: string, deps: FinalReportDeps): Promise<FinalReportResult> {
  const incident = await deps.incidents.getIncident(incidentId);
  const notices = (await deps.notices.listNotices(incidentId)).sort((a, b) => a.sequence - b.sequence);
  const approvals = await deps.approvals.listApprovalRequests(incidentId);
  const timeline = (await deps.incidents.listTimeline(incidentId)).sort((a, b) => a.at.localeCompare(b.at));
  const words = catalogues[deps.reportLocale].finalReport;
  const deliveryLines: string[] = [];
  const sum: ChannelFigures = { intended: 0, sent: 0, suppressed: 0, failed: 0, uncertain: 0, unfinished: 0 };
  let reconciled = true;
  for (const notice of notices) {
    // Kept when the notice was sent; read again only for a notice from before that (or never sent).
    const { channels, problems, uncertain } = notice.reconciliation ?? (await reconcileNotice(deps.ledger, notice));
    if (problems.length > 0) {
      reconciled = false;
      deliveryLines.push(words.unreconciled({ noticeId: notice.noticeId, problems: problems.join('; ') }));
    }
    for (const [channel, figures] of Object.entries(channels)) {
      for (const k of ['intended', ...deliveryCategories] as const) sum[k] += figures[k];
      deliveryLines.push(words.deliveryLine({ noticeId: notice.noticeId, channel, ...figures }));
    }
    // What the provider reported after accepting (a sent notice without any is news too: no events came).
    for (const channel of deps.evidence ? EVIDENCE_CHANNELS : []) {
      const figures = evidenceFigures(await deps.evidence!.counts(notice, channel));
      if (!anyEvidence(figures) && notice.status !== 'SENT') continue;
      const { bounceRate, complaintRate, ...counts } = figures;
      deliveryLines.push(
        words.evidenceLine({
          noticeId: notice.noticeId,
          channel,
          ...counts,
          bounceRate: bounceRate ?? null,
          complaintRate: complaintRate ?? null,
          resumed: notice.sendingResumed ? { by: notice.sendingResumed.by, at: notice.sendingResumed.at } : null,
        }),
      );
    }
    // Who no channel reached, late bounces included: the team calls or writes to them.
    const unreachable = deps.unreachable ? await unreachableCustomers(notice, deps.unreachable) : [];
    if (unreachable.length > 0) {
      const ids = unreachable.slice(0, UNREACHABLE_LISTED).map((u) => u.customerId);
      deliveryLines.push(
        words.unreachableLine({ incidentId, noticeId: notice.noticeId, count: unreachable.length, ids: ids.join(', '), more: unreachable.length - ids.length }),
      );
    }
    // Who to reconcile with the provider's records: the provider may or may not have accepted them.
    for (const [channel, { ids, count }] of Object.entries(uncertain)) {
      deliveryLines.push(words.uncertainLine({ incidentId, noticeId: notice.noticeId, channel, ids: ids.join(', '), more: count - ids.length }));
    }
  }
  const noticeLines = notices.map((n) => {
    const decided = approvals.filter((a) => a.noticeId === n.noticeId && (a.status === 'APPROVED' || a.status === 'REJECTED'));
    const decisions = decided.map((a) => `${a.status.toLowerCase()} by ${a.decidedBy} at ${a.decidedAt}${a.reason ? ` (${a.reason})` : ''}`).join('; ');
    return `${n.noticeId} (${n.status}, drafted ${n.createdAt}${n.sentAt ? `, sent ${n.sentAt}` : ''}): ${decisions || 'no decision'}`;
  });
  const timelineLines = timeline.map((e) => `${e.at} ${e.action} (${e.actor})`);
  const decisions = (await deps.team?.listScopeDecisions(incidentId)) ?? [];
  const closeReason = timeline.filter((e) => e.action === 'close-reason').at(-1);
  const scopeLines = [
    ...(decisions.length > 0
      ? decisions.map((d) => words.scopeLine({ version: d.version, summary: describeScope(d), reason: d.reason, by: d.decidedBy, at: d.decidedAt }))
      : [words.scopeFromAlarm]),
    ...(closeReason ? [words.closedBecause({ by: closeReason.actor, reason: String(closeReason.detail?.reason ?? '') })] : []),
  ];
  const asked = (await deps.questions?.listQuestions(incidentId)) ?? [];
  const questionLines = [
    words.questionsLine({
      received: asked.length,
      answered: asked.filter((q) => q.status === 'ANSWERED').length,
      emailed: asked.filter((q) => q.emailedAt).length,
      faqPublished: asked.filter((q) => q.faq === 'PUBLISHED').length,
      faqPending: asked.filter((q) => q.faq === 'PENDING').length,
      faqRejected: asked.filter((q) => q.faq === 'REJECTED').length,
    }),
  ];
  const now = (deps.clock ?? systemClock).now();
  const remedyLines = remedyReportLines(notices, deps.reportLocale);
  const promiseLines = promiseReportLines(notices, now, deps.reportLocale);
  const regulatorLines = finalReportRegulatorLines((await deps.obligations?.listObligations(incidentId)) ?? [], now, words);
  // A drill's report times each step against the playbook's targets (domain/drill-report.ts).
  const drillLines = incident.drill
    ? drillReportLines(drillReport(incident, timeline, notices, deps.drillTargets ?? DEFAULT_DRILL_TARGETS, now, now.toISOString()), words)
    : [];
  const title = incident.drill ? withDrillMarker(incident.title, deps.reportLocale) : incident.title;
  const data = {
    incidentId,
    title,
    deliveryLines,
    scopeLines,
    noticeLines,
    promiseLines,
    questionLines,
    timelineLines,
    remedyLines,
    regulatorLines,
    drillLines,
    html: htmlEscaped({
      incidentId,
      deliveryLines,
      scopeLines,
      noticeLines,
      promiseLines,
      questionLines,
      timelineLines,
      remedyLines,
      regulatorLines,
      drillLines,
    }),
  };
  await deps.email.sendTemplated(deps.reportRecipients, templateName(deps.templatePrefix, 'final-report', deps.reportLocale), data);
  await deps.messaging.publish(
    deps.topicArn,
    `${incident.drill ? '[DRILL] ' : ''}Final report sent: incident ${incidentId}`,
    [
      `Incident ${incidentId} is closed.`,
      `Notices: ${notices.length}; intended ${sum.intended}: sent ${sum.sent}, suppressed ${sum.suppressed}, failed ${sum.failed}, uncertain ${sum.uncertain}, unfinished ${sum.unfinished}.`,
      ...(reconciled ? [] : ['THE DELIVERY FIGURES DO NOT RECONCILE: see below.']),
      ...deliveryLines,
      `${words.scope}:`,
      ...scopeLines,
      ...remedyLines,
      `${words.promises}:`,
      ...promiseLines,
      `${words.regulators}:`,
      ...regulatorLines,
      ...drillLines,
    ].join('\n'),
    { event: 'final-report' },
  );
  await deps.incidents.appendTimeline(incidentId, {
    action: 'final-report-sent',
    actor: 'send-final-report',
    detail: { notices: notices.length, ...sum, reconciled },
  });
  return { notices: notices.length, ...sum, reconciled };
}

/** One line per time a sent notice promised customers the next update, and whether the next notice kept it. */
export function promiseReportLines(notices: readonly Notice[], now: Date, locale: Locale): string[] {
  const words = catalogues[locale].finalReport;
  const lines = promiseRecords(notices, now).map((r) =>
    words.promiseLine({
      noticeId: r.noticeId,
      promisedBy: r.promisedBy,
      next: r.next?.noticeId ?? null,
      sentAt: r.next?.sentAt ?? null,
      outcome: r.outcome,
      lateMinutes: r.lateSeconds === undefined ? null : Math.ceil(r.lateSeconds / 60),
    }),
  );
  return lines.length > 0 ? lines : [words.noPromises];
}

/** One line per remedy offered by rule: to how many customers the notices sent offered it (or that none was). */
export function remedyReportLines(notices: readonly Notice[], locale: Locale): string[] {
  const words = catalogues[locale].finalReport;
  const offered = remediesOffered(notices);
  return offered.length > 0 ? offered.map((o) => words.remedyLine(o)) : [words.noRemedies];
}
