import { ConfigurationError, NoticeEditedError } from '../shared/errors.js';
import type { ApprovalStorePort, EmailSender, FactsStorePort, IncidentStorePort, Messaging, NoticeStorePort } from '../domain/ports.js';
import { basisOf, CODE_DIGITS, sameBasis, codeDigest, decisionDeadline, type ApprovalTier } from '../domain/approval.js';
import type { Incident, Notice } from '../domain/incident.js';
import { catalogues, type Locale } from '../domain/locales.js';
import { escapeHtml, type PreviewContext } from '../domain/preview.js';
import { reviewHtml, reviewText, type ReviewInput } from '../domain/review.js';
import type { Clock } from '../shared/clock.js';
import { randomDigits, randomId, sha256Hex, shortHash } from '../shared/crypto.js';
import { withDrillMarker } from '../domain/drill.js';

export interface RequestApprovalDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'listProgressNotes'>;
  notices: Pick<NoticeStorePort, 'getNotice' | 'listNotices'>;
  facts: Pick<FactsStorePort, 'getFacts'>;
  approvals: Pick<
    ApprovalStorePort,
    | 'carryDecision'
    | 'getApprovalRequest'
    | 'listApprovalRequests'
    | 'markApproverNotified'
    | 'putApprovalLink'
    | 'putApprovalRequest'
    | 'supersedePendingRequests'
  >;
  email: EmailSender;
  clock: Clock;
  approvers: Record<ApprovalTier, string[]>;
  /** Base URL of the approval pages, e.g. the HTTP API's URL. */
  approvalBaseUrl: string;
  locales: readonly Locale[];
  /** The language of each approver's email (the previews stay in every locale). @default English for everyone */
  approverLocale?: (approver: string) => Locale;
  /** Approvals needed; backup approvers need as many, capped at their number. */
  quorum: number;
  /** Where the one-time code goes: the email body, or an SMS to the approver's phone. */
  codeChannel: 'email' | 'sms';
  /** Approver email -> phone, for the sms channel. */
  phones: Map<string, string>;
  messaging: Messaging;
  /** For the SMS cost shown to approvers; unset: no estimate. */
  smsPrice?: PreviewContext['smsPrice'];
}

export interface RequestApprovalInput {
  incidentId: string;
  noticeId: string;
  tier: ApprovalTier;
  taskToken: string;
  timeoutSeconds: number;
  /** `$$.State.EnteredTime`: when the wait state, and so its timeout, began. */
  waitEnteredAt: string;
}

/**
 * Stores the approval request (with the task token, which never leaves DynamoDB) and emails each
 * approver of the tier a personal link. The link carries a random id whose hash alone is stored.
 * A retry of the same task (same token) re-sends only to approvers not yet emailed. An escalation
 * that finds the notice already decided (its callback lost on the way) carries that decision instead
 * and emails nobody: backup approvers never get to overturn a primary decision.
 *
 * The request is bound to the notice's wording (its hash) and to what it was drafted from (facts,
 * scope, open or closed: `DraftBasis`), checked against the incident's item in the same write that
 * stores it. An edit, a scope decision or a close that came first makes that write fail with
 * NoticeEditedError before anyone is asked, and the state machine redrafts; one that comes after finds
 * the stored request and takes it back (its task fails with the same error), and the emails still to
 * send are not sent.
 */
export async function requestApproval(input: RequestApprovalInput, deps: RequestApprovalDeps): Promise<{ requestId: string; emailed: number }> {
  const now = deps.clock.now();
  const requestId = shortHash(input.taskToken, 24);
  const expiresAt = decisionDeadline(new Date(input.waitEnteredAt), input.timeoutSeconds).toISOString();
  const notice = await deps.notices.getNotice(input.incidentId, input.noticeId);
  const basis = basisOf(notice);
  const stored = await deps.approvals.putApprovalRequest(
    {
      incidentId: input.incidentId,
      requestId,
      noticeId: input.noticeId,
      tier: input.tier,
      status: 'PENDING',
      expiresAt,
      createdAt: now.toISOString(),
      waitEnteredAt: input.waitEnteredAt,
      quorum: Math.min(deps.quorum, deps.approvers[input.tier].length),
      contentHash: notice.contentHash,
      noticeVersion: notice.version,
      basis,
    },
    input.taskToken,
  );
  if (stored.outcome === 'stale') {
    await deps.incidents.appendTimeline(input.incidentId, {
      action: 'approval-request-refused-stale',
      actor: 'wait-for-approval',
      detail: { noticeId: input.noticeId, version: notice.version, basis },
    });
    throw new NoticeEditedError(
      `${input.noticeId} of ${input.incidentId} was drafted from facts version ${basis.factsVersion} and scope decision ${basis.scopeVersion}${basis.closing ? '' : ' while open'}; the incident has changed since: redraft`,
    );
  }
  // A retry of a task whose request was since taken back or decided: that callback answers the task.
  if (stored.status !== 'PENDING') return { requestId, emailed: 0 };
  const { notified } = stored;
  const superseded = await deps.approvals.supersedePendingRequests(input.incidentId, input.noticeId, requestId, input.waitEnteredAt);
  // Read after superseding: no earlier request of the notice can be decided any more, so this view is final.
  const decidedEarlier = (await deps.approvals.listApprovalRequests(input.incidentId)).find(
    (r) =>
      r.noticeId === input.noticeId &&
      r.requestId !== requestId &&
      (r.status === 'APPROVED' || r.status === 'REJECTED') &&
      // A decision about an earlier version (the one rejected and redrafted) never decides this one,
      // nor one about the same wording drafted for another audience, facts or state (a scope decision since).
      (r.noticeVersion === undefined || r.noticeVersion === notice.version) &&
      (r.basis === undefined || sameBasis(r.basis, basis)) &&
      !r.callbackDeliveredAt &&
      (r.carriedTo === undefined || r.carriedTo === requestId),
  );
  if (decidedEarlier) {
    // The scheduled sweeper sends it with this task's token; only it and the approval page may call Step Functions.
    // Not carried: this request was taken back meanwhile, and its task is told that instead.
    if (!(await deps.approvals.carryDecision(input.incidentId, decidedEarlier, requestId))) return { requestId, emailed: 0 };
    await deps.incidents.appendTimeline(input.incidentId, {
      action: 'approval-decision-carried',
      actor: 'wait-for-approval',
      detail: {
        noticeId: input.noticeId,
        requestId,
        tier: input.tier,
        from: decidedEarlier.requestId,
        decision: decidedEarlier.status,
        supersededRequests: superseded,
      },
    });
    return { requestId, emailed: 0 };
  }
  // The facts the draft was written from (a newer version means the request is being taken back).
  const facts = notice.factsVersion > 0 ? await deps.facts.getFacts(input.incidentId, notice.factsVersion) : undefined;
  const incident = await deps.incidents.getIncident(input.incidentId);
  const approvers = deps.approvers[input.tier].filter((a) => !notified.includes(a));
  // Checked before any email leaves: a link whose code can never arrive would be re-sent on every retry.
  const phoneless = deps.codeChannel === 'sms' ? approvers.filter((a) => !deps.phones.get(a)) : [];
  if (phoneless.length > 0) throw new ConfigurationError(`No phone configured for approver ${phoneless.join(', ')}`);
  const review = await loadReview(notice, incident, facts, deps);
  // Rendered once per language of the approvers, not once per approver (diffs and previews of every locale).
  const rendered = new Map<Locale, { html: string; text: string }>();
  const reviewIn = (locale: Locale) => {
    let block = rendered.get(locale);
    if (!block) rendered.set(locale, (block = { html: reviewHtml(review, locale), text: reviewText(review, locale) }));
    return block;
  };
  const about = {
    escalated: input.tier === 'backup',
    update: notice.kind === 'first-notice' ? null : notice.sequence - 1,
    closing: notice.kind === 'closing',
    incidentId: incident.incidentId,
    title: incident.title,
    severity: incident.severity,
    customers: incident.impact?.affectedCustomers ?? 0,
    firstSeenAt: incident.firstSeenAt,
    expiresAt,
  };
  let emailed = 0;
  for (const approver of approvers) {
    // Taken back meanwhile (an edit, a scope decision, a close): its task is told; asking more approvers would only confuse them.
    if ((await deps.approvals.getApprovalRequest(input.incidentId, requestId))?.status !== 'PENDING') break;
    const linkId = randomId(32);
    const linkHash = sha256Hex(linkId);
    // The second factor: shown in this email's body only, never in the link; only its digest is stored.
    const code = randomDigits(CODE_DIGITS);
    await deps.approvals.putApprovalLink({ linkHash, incidentId: input.incidentId, requestId, approver, expiresAt, codeDigest: codeDigest(linkHash, code) });
    const url = `${deps.approvalBaseUrl.replace(/\/$/, '')}/approvals/${linkId}`;
    const locale = deps.approverLocale?.(approver) ?? 'en';
    const mail = approvalEmail(locale, { ...about, url, code: deps.codeChannel === 'email' ? code : null }, reviewIn(locale));
    // A drill's approval email says so in its subject (the approvers are real; the customers are not reached).
    if (incident.drill) mail.subject = withDrillMarker(mail.subject, locale);
    await deps.email.send([approver], mail.subject, mail.html, mail.text);
    if (deps.codeChannel === 'sms') {
      // Out of band: the code never travels with the link, so a stolen mailbox alone cannot decide.
      await deps.messaging.sendSms(deps.phones.get(approver)!, catalogues[locale].approvalEmail.sms({ incidentId: incident.incidentId, code }));
    }
    await deps.approvals.markApproverNotified(input.incidentId, requestId, approver);
    emailed += 1;
  }
  await deps.incidents.appendTimeline(input.incidentId, {
    action: input.tier === 'backup' ? 'approval-escalated' : 'approval-requested',
    actor: 'wait-for-approval',
    detail: { noticeId: input.noticeId, requestId, tier: input.tier, approversEmailed: emailed, expiresAt, supersededRequests: superseded },
  });
  return { requestId, emailed };
}

/**
 * What approvers review besides the wording, for the approval email and the approval page alike: the
 * last notice approved before this one (the diff's base), the team's notes since, and the audience.
 */
export async function loadReview(
  notice: Notice,
  incident: Incident,
  facts: ReviewInput['facts'],
  deps: {
    notices: Pick<NoticeStorePort, 'listNotices'>;
    incidents: Pick<IncidentStorePort, 'listProgressNotes'>;
    locales: readonly Locale[];
    smsPrice?: PreviewContext['smsPrice'];
  },
): Promise<ReviewInput> {
  const previous = await lastApproved(notice, deps);
  const notes = await deps.incidents.listProgressNotes(notice.incidentId, previous?.approvedAt);
  return { notice, lastApproved: previous, facts, notes, locales: deps.locales, preview: previewContext(incident, deps.smsPrice) };
}

/** The last notice of the incident approved before `notice`: what its diff is against. */
async function lastApproved(notice: Notice, deps: { notices: Pick<NoticeStorePort, 'listNotices'> }): Promise<Notice | undefined> {
  return (await deps.notices.listNotices(notice.incidentId))
    .filter((n) => n.sequence < notice.sequence && (n.status === 'APPROVED' || n.status === 'SENT'))
    .sort((a, b) => a.sequence - b.sequence)
    .at(-1);
}

/** What the preview needs to know of the audience: its time zones (most customers first) and SMS volume. */
function previewContext(incident: Incident, smsPrice: PreviewContext['smsPrice']): PreviewContext {
  const zones = Object.entries(incident.impact?.byTimeZone ?? {}).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return {
    timeZones: zones.length > 0 ? zones.map(([z]) => z) : ['UTC'],
    smsRecipients: incident.impact?.byChannel.sms ?? 0,
    ...(smsPrice ? { smsPrice } : {}),
  };
}

export interface ApprovalEmailFacts {
  escalated: boolean;
  /** Null for the first notice. */
  update: number | null;
  closing: boolean;
  incidentId: string;
  title: string;
  severity: string;
  customers: number;
  firstSeenAt: string;
  expiresAt: string;
  url: string;
  /** The one-time code when the email carries it; null when it goes by SMS. */
  code: string | null;
}

/** One approver's email in their language; `previews` (the review block, every configured locale) are already rendered. */
export function approvalEmail(
  locale: Locale,
  f: ApprovalEmailFacts,
  previews: { html: string; text: string },
): { subject: string; html: string; text: string } {
  const t = catalogues[locale].approvalEmail;
  const summary = t.summary(f);
  const codeStrong = f.code === null ? '' : `<strong style="font-size:1.3em;letter-spacing:.2em">${f.code}</strong>`;
  return {
    subject: t.subject(f),
    html: [
      `<p>${escapeHtml(summary)}</p>`,
      `<p>${escapeHtml(t.reviewHtml({ by: f.expiresAt }))}</p>`,
      `<p><a href="${escapeHtml(f.url)}">${escapeHtml(f.url)}</a></p>`,
      `<p>${f.code === null ? escapeHtml(t.codeBySmsHtml) : t.codeInEmailHtml({ code: codeStrong })}</p>`,
      `<p>${escapeHtml(`${t.linkChangesNothing} ${t.doNotForward}`)}</p>`,
      previews.html,
    ].join('\n'),
    text: `${summary}\n\n${t.reviewText({ by: f.expiresAt })}\n${f.url}\n\n${
      f.code === null ? t.codeBySmsText : t.codeInEmailText({ code: f.code })
    }\n\n${t.linkChangesNothing}\n\n${previews.text}`,
  };
}
