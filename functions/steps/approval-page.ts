import type { IncidentsRepository } from '../adapters/incidents-repository.js';
import type { Workflow } from '../adapters/workflow.js';
import { LINK_ID_PATTERN, parseDecisionForm, refusalFor, type ApprovalRequest } from '../domain/approval.js';
import type { Locale } from '../domain/locales.js';
import { escapeHtml, noticePreviewHtml } from '../domain/preview.js';
import type { Clock } from '../shared/clock.js';
import { sha256Hex } from '../shared/crypto.js';
import { ApprovalRefusedError, NoticeRejectedError } from '../shared/errors.js';

export interface ApprovalPageDeps {
  incidents: IncidentsRepository;
  workflow: Workflow;
  clock: Clock;
  locales: readonly Locale[];
}

export interface PageResponse {
  status: number;
  html: string;
}

export interface RequestMeta {
  sourceIp: string;
  userAgent: string;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}.notice{border:1px solid #ccc;padding:1rem;margin:1rem 0}textarea{width:100%}button{font-size:1rem;padding:.5rem 1rem;margin-right:1rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function refusalPage(error: ApprovalRefusedError): PageResponse {
  const titles: Record<ApprovalRefusedError['reasonCode'], string> = {
    'bad-request': 'The form was not complete',
    'unknown-link': 'This approval link is not valid',
    'already-decided': 'This notice has already been decided',
    expired: 'This approval link has expired',
    superseded: 'This approval link is no longer active',
  };
  return { status: error.status, html: page(titles[error.reasonCode], `<p>${escapeHtml(error.message)}</p><p>Nothing was changed.</p>`) };
}

async function resolveLink(linkId: string, deps: ApprovalPageDeps) {
  if (!LINK_ID_PATTERN.test(linkId)) throw new ApprovalRefusedError(404, 'unknown-link', 'The link is incomplete or was changed. Open it again from your email.');
  const link = await deps.incidents.getApprovalLink(sha256Hex(linkId));
  if (!link) throw new ApprovalRefusedError(404, 'unknown-link', 'The link is incomplete or was changed. Open it again from your email.');
  const request = await deps.incidents.getApprovalRequest(link.incidentId, link.requestId);
  if (!request) throw new ApprovalRefusedError(404, 'unknown-link', 'The approval request behind this link no longer exists.');
  return { link, request };
}

async function withRefusals(action: () => Promise<PageResponse>): Promise<PageResponse> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ApprovalRefusedError) return refusalPage(error);
    throw error;
  }
}

/** GET: shows the incident, the notice as customers will see it and the choices. Changes nothing but the audit trail. */
export function showApproval(linkId: string, meta: RequestMeta, deps: ApprovalPageDeps): Promise<PageResponse> {
  return withRefusals(async () => {
    const { link, request } = await resolveLink(linkId, deps);
    await deps.incidents.appendTimeline(link.incidentId, {
      action: 'approval-page-viewed',
      actor: link.approver,
      detail: { requestId: request.requestId, sourceIp: meta.sourceIp, userAgent: meta.userAgent.slice(0, 200) },
    });
    const refusal = refusalFor(request, deps.clock.now());
    if (refusal) throw refusal;
    const incident = await deps.incidents.getIncident(link.incidentId);
    const notice = await deps.incidents.getNotice(link.incidentId, request.noticeId);
    const impact = incident.impact;
    const previews = deps.locales
      .filter((l) => notice.content[l])
      .map((l) => `<h3>${l}</h3><div class="notice" lang="${l}">${noticePreviewHtml(notice.content[l]!, l)}</div>`)
      .join('\n');
    const body = [
      `<p>You are deciding as <strong>${escapeHtml(link.approver)}</strong>. Decide by ${escapeHtml(request.expiresAt)}.</p>`,
      `<h2>Incident ${escapeHtml(incident.incidentId)}</h2>`,
      `<ul><li>What: ${escapeHtml(incident.title)}</li><li>When: first seen ${escapeHtml(incident.firstSeenAt)}</li>`,
      `<li>Customers affected: ${impact?.affectedCustomers ?? 0}</li><li>Data: ${escapeHtml(Object.keys(impact?.byDataCategory ?? {}).join(', ') || 'none')}</li>`,
      `<li>Severity: ${escapeHtml(incident.severity)}</li></ul>`,
      `<h2>The notice, exactly as customers will see it</h2>${previews}`,
      `<form method="post"><p><label for="reason">Reason (required to reject)</label><br><textarea id="reason" name="reason" rows="3" maxlength="1000"></textarea></p>`,
      `<button type="submit" name="decision" value="approve">Approve and send</button><button type="submit" name="decision" value="reject">Reject</button></form>`,
    ].join('\n');
    return { status: 200, html: page('Approve the customer notice', body) };
  });
}

/**
 * POST: records the first valid decision by conditional write, then resumes the workflow. Every
 * refusal (bad form, unknown, expired, superseded, already decided) returns before any callback.
 */
export function decideApproval(linkId: string, body: URLSearchParams, meta: RequestMeta, deps: ApprovalPageDeps): Promise<PageResponse> {
  return withRefusals(async () => {
    const { link, request } = await resolveLink(linkId, deps);
    const early = refusalFor(request, deps.clock.now());
    if (early) throw early;
    const form = parseDecisionForm(body);
    const status = form.decision === 'approve' ? 'APPROVED' : 'REJECTED';
    const won = await deps.incidents.recordDecision(link.incidentId, link.requestId, { status, decidedBy: link.approver, reason: form.reason });
    if (!won) {
      const current = (await deps.incidents.getApprovalRequest(link.incidentId, link.requestId)) as ApprovalRequest;
      throw refusalFor(current, deps.clock.now()) ?? new ApprovalRefusedError(410, 'expired', `This link expired at ${current.expiresAt}.`);
    }
    await deps.incidents.setNoticeStatus(link.incidentId, request.noticeId, status);
    const taskToken = await deps.incidents.getTaskToken(link.incidentId, link.requestId);
    const decidedAt = deps.clock.now().toISOString();
    if (status === 'APPROVED') {
      await deps.workflow.succeed(taskToken, { decision: 'APPROVED', requestId: link.requestId, noticeId: request.noticeId, decidedAt });
    } else {
      await deps.workflow.fail(taskToken, NoticeRejectedError.name, form.reason);
    }
    await deps.incidents.appendTimeline(link.incidentId, {
      action: status === 'APPROVED' ? 'notice-approved' : 'notice-rejected',
      actor: link.approver,
      detail: { noticeId: request.noticeId, requestId: link.requestId, tier: request.tier, reason: form.reason, sourceIp: meta.sourceIp, userAgent: meta.userAgent.slice(0, 200) },
    });
    const done = status === 'APPROVED' ? 'The notice is approved and is being sent to customers.' : 'The notice is rejected; the response team has your reason.';
    return { status: 200, html: page('Decision recorded', `<p>${escapeHtml(done)}</p><p>Recorded for ${escapeHtml(link.approver)} at ${escapeHtml(decidedAt)}.</p>`) };
  });
}
