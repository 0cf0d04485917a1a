import type { EmailSender } from '../adapters/email-sender.js';
import type { Messaging } from '../adapters/messaging.js';
import type { IncidentsRepository } from '../adapters/incidents-repository.js';
import { CODE_DIGITS, codeDigest, decisionDeadline, type ApprovalTier } from '../domain/approval.js';
import type { Locale } from '../domain/locales.js';
import { escapeHtml, noticePreviewHtml, noticePreviewText } from '../domain/preview.js';
import type { Clock } from '../shared/clock.js';
import { randomDigits, randomId, sha256Hex, shortHash } from '../shared/crypto.js';

export interface RequestApprovalDeps {
  incidents: IncidentsRepository;
  email: EmailSender;
  clock: Clock;
  approvers: Record<ApprovalTier, string[]>;
  /** Base URL of the approval pages, e.g. the HTTP API's URL. */
  approvalBaseUrl: string;
  locales: readonly Locale[];
  /** Approvals needed; backup approvers need as many, capped at their number. */
  quorum: number;
  /** Where the one-time code goes: the email body, or an SMS to the approver's phone. */
  codeChannel: 'email' | 'sms';
  /** Approver email -> phone, for the sms channel. */
  phones: Map<string, string>;
  messaging: Messaging;
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
 */
export async function requestApproval(input: RequestApprovalInput, deps: RequestApprovalDeps): Promise<{ requestId: string; emailed: number }> {
  const now = deps.clock.now();
  const requestId = shortHash(input.taskToken, 24);
  const expiresAt = decisionDeadline(new Date(input.waitEnteredAt), input.timeoutSeconds).toISOString();
  const { notified } = await deps.incidents.putApprovalRequest(
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
    },
    input.taskToken,
  );
  const superseded = await deps.incidents.supersedePendingRequests(input.incidentId, input.noticeId, requestId);
  // Read after superseding: no earlier request of the notice can be decided any more, so this view is final.
  const decidedEarlier = (await deps.incidents.listApprovalRequests(input.incidentId)).find(
    (r) =>
      r.noticeId === input.noticeId &&
      r.requestId !== requestId &&
      (r.status === 'APPROVED' || r.status === 'REJECTED') &&
      !r.callbackDeliveredAt &&
      (r.carriedTo === undefined || r.carriedTo === requestId),
  );
  if (decidedEarlier) {
    // The scheduled sweeper sends it with this task's token; only it and the approval page may call Step Functions.
    await deps.incidents.carryDecision(input.incidentId, decidedEarlier, requestId);
    await deps.incidents.appendTimeline(input.incidentId, {
      action: 'approval-decision-carried',
      actor: 'request-approval',
      detail: { noticeId: input.noticeId, requestId, tier: input.tier, from: decidedEarlier.requestId, decision: decidedEarlier.status, supersededRequests: superseded },
    });
    return { requestId, emailed: 0 };
  }
  const incident = await deps.incidents.getIncident(input.incidentId);
  const notice = await deps.incidents.getNotice(input.incidentId, input.noticeId);
  const approvers = deps.approvers[input.tier].filter((a) => !notified.includes(a));
  // The same for every approver of the tier: rendered once.
  const subject = `[Approval needed${input.tier === 'backup' ? ', escalated' : ''}] ${notice.kind === 'first-notice' ? 'First customer notice' : `Customer update ${notice.sequence - 1}`} for incident ${incident.incidentId}`;
  const summary = `Incident ${incident.incidentId}: ${incident.title}. Severity ${incident.severity}; ${incident.impact?.affectedCustomers ?? 0} customers affected; first seen ${incident.firstSeenAt}.`;
  const previewsHtml = deps.locales
    .map((l) => (notice.content[l] ? `<h3>${l}</h3><div style="border-left:3px solid #999;padding-left:1em">${noticePreviewHtml(notice.content[l]!, l)}</div>` : ''))
    .join('\n');
  const previewsText = deps.locales.map((l) => (notice.content[l] ? `--- ${l} ---\n${noticePreviewText(notice.content[l]!, l)}` : '')).join('\n\n');
  for (const approver of approvers) {
    const linkId = randomId(32);
    const linkHash = sha256Hex(linkId);
    // The second factor: shown in this email's body only, never in the link; only its digest is stored.
    const code = randomDigits(CODE_DIGITS);
    await deps.incidents.putApprovalLink({ linkHash, incidentId: input.incidentId, requestId, approver, expiresAt, codeDigest: codeDigest(linkHash, code) });
    const url = `${deps.approvalBaseUrl.replace(/\/$/, '')}/approvals/${linkId}`;
    await deps.email.send(
      [approver],
      subject,
      [
        `<p>${escapeHtml(summary)}</p>`,
        `<p>Please review the notice below, then open your personal link to approve or reject it (decide by ${escapeHtml(expiresAt)}):</p>`,
        `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`,
        deps.codeChannel === 'email'
          ? `<p>On the page, type this confirmation code: <strong style="font-size:1.3em;letter-spacing:.2em">${code}</strong></p>`
          : '<p>On the page, type the confirmation code we send to your phone by SMS.</p>',
        `<p>Opening the link changes nothing; the decision is made on the page with the code. The link and code are yours alone: do not forward them.</p>`,
        previewsHtml,
      ].join('\n'),
      `${summary}\n\nReview the notice below, then decide at your personal link (by ${expiresAt}):\n${url}\n\n${
        deps.codeChannel === 'email' ? `Confirmation code to type on the page: ${code}` : 'Type the confirmation code we send to your phone by SMS.'
      }\n\nOpening the link changes nothing; the decision is made on the page with the code.\n\n${previewsText}`,
    );
    if (deps.codeChannel === 'sms') {
      // Out of band: the code never travels with the link, so a stolen mailbox alone cannot decide.
      const phone = deps.phones.get(approver);
      if (!phone) throw new Error(`No phone configured for approver ${approver}`);
      await deps.messaging.sendSms(phone, `breach-notice approval code for incident ${incident.incidentId}: ${code}. Never share it.`);
    }
    await deps.incidents.markApproverNotified(input.incidentId, requestId, approver);
  }
  await deps.incidents.appendTimeline(input.incidentId, {
    action: input.tier === 'backup' ? 'approval-escalated' : 'approval-requested',
    actor: 'request-approval',
    detail: { noticeId: input.noticeId, requestId, tier: input.tier, approversEmailed: approvers.length, expiresAt, supersededRequests: superseded },
  });
  return { requestId, emailed: approvers.length };
}
