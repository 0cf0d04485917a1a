import type { ApprovalLink, IncidentsRepository } from '../adapters/incidents-repository.js';
import type { Workflow } from '../adapters/workflow.js';
import { CODE_DIGITS, codeDigest, LINK_ID_PATTERN, MAX_CODE_ATTEMPTS, parseDecisionForm, refusalFor, type ApprovalRequest } from '../domain/approval.js';
import type { Locale } from '../domain/locales.js';
import { escapeHtml, noticePreviewHtml } from '../domain/preview.js';
import type { Clock } from '../shared/clock.js';
import { randomId, sameDigest, sha256Hex } from '../shared/crypto.js';
import { ApprovalRefusedError, NoticeRejectedError } from '../shared/errors.js';

export interface ApprovalPageDeps {
  incidents: IncidentsRepository;
  workflow: Workflow;
  clock: Clock;
  locales: readonly Locale[];
  /** Tells the response team a link was locked by wrong codes. */
  alertTeam: (subject: string, message: string) => Promise<void>;
}

export interface PageResponse {
  status: number;
  html: string;
  /** Set-Cookie values (the CSRF cookie of the decision form). */
  cookies?: string[];
}

export interface RequestMeta {
  sourceIp: string;
  userAgent: string;
  /** The CSRF cookie the browser sent back, if any. */
  csrfCookie?: string;
}

export const CSRF_COOKIE = 'bn_csrf';

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
    'wrong-code': 'The confirmation code is not right',
    locked: 'This approval link is locked',
    'stale-form': 'Please reload the page',
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

/** Runs `action`; a refusal becomes its page, and once the link is known it is also audited. */
async function withRefusals(deps: ApprovalPageDeps, meta: RequestMeta, action: (remember: (link: ApprovalLink) => void) => Promise<PageResponse>): Promise<PageResponse> {
  let known: ApprovalLink | undefined;
  try {
    return await action((link) => (known = link));
  } catch (error) {
    if (!(error instanceof ApprovalRefusedError)) throw error;
    if (known) {
      await deps.incidents.appendTimeline(known.incidentId, {
        action: 'approval-refused',
        actor: known.approver,
        detail: { requestId: known.requestId, status: error.status, reason: error.reasonCode, sourceIp: meta.sourceIp, userAgent: meta.userAgent.slice(0, 200) },
      });
    }
    return refusalPage(error);
  }
}

function decided(message: string, approver: string, at: string): PageResponse {
  return { status: 200, html: page('Decision recorded', `<p>${escapeHtml(message)}</p><p>Recorded for ${escapeHtml(approver)} at ${escapeHtml(at)}.</p>`) };
}

const lockedError = () => new ApprovalRefusedError(403, 'locked', 'Too many wrong codes were typed: this link is locked and the response team has been told.');

/** GET: shows the incident, the notice as customers will see it and the choices. Changes nothing but the audit trail. */
export function showApproval(linkId: string, meta: RequestMeta, deps: ApprovalPageDeps): Promise<PageResponse> {
  return withRefusals(deps, meta, async (remember) => {
    const { link, request } = await resolveLink(linkId, deps);
    remember(link);
    await deps.incidents.appendTimeline(link.incidentId, {
      action: 'approval-page-viewed',
      actor: link.approver,
      detail: { requestId: request.requestId, sourceIp: meta.sourceIp, userAgent: meta.userAgent.slice(0, 200) },
    });
    if (link.locked) throw lockedError();
    const refusal = refusalFor(request, deps.clock.now());
    if (refusal) throw refusal;
    const incident = await deps.incidents.getIncident(link.incidentId);
    const notice = await deps.incidents.getNotice(link.incidentId, request.noticeId);
    const impact = incident.impact;
    const csrf = randomId(24);
    const previews = deps.locales
      .filter((l) => notice.content[l])
      .map((l) => `<h3>${l}</h3><div class="notice" lang="${l}">${noticePreviewHtml(notice.content[l]!, l)}</div>`)
      .join('\n');
    const body = [
      `<p>You are deciding as <strong>${escapeHtml(link.approver)}</strong>. Decide by ${escapeHtml(request.expiresAt)}.</p>`,
      `<p>Approvals needed: ${request.quorum ?? 1}. ${request.approvedBy?.length ? `Approved so far by: ${escapeHtml(request.approvedBy.join(', '))}.` : 'Nobody has decided yet.'}</p>`,
      `<h2>Incident ${escapeHtml(incident.incidentId)}</h2>`,
      `<ul><li>What: ${escapeHtml(incident.title)}</li><li>When: first seen ${escapeHtml(incident.firstSeenAt)}</li>`,
      `<li>Customers affected: ${impact?.affectedCustomers ?? 0}</li><li>Data: ${escapeHtml(Object.keys(impact?.byDataCategory ?? {}).join(', ') || 'none')}</li>`,
      `<li>Severity: ${escapeHtml(incident.severity)}</li></ul>`,
      `<h2>The notice, exactly as customers will see it</h2>${previews}`,
      `<form method="post"><input type="hidden" name="csrf" value="${csrf}">`,
      `<p><label for="code">Confirmation code from your email</label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{${CODE_DIGITS}}" maxlength="${CODE_DIGITS}" required></p>`,
      `<p><label for="reason">Reason (required to reject)</label><br><textarea id="reason" name="reason" rows="3" maxlength="1000"></textarea></p>`,
      `<button type="submit" name="decision" value="approve">Approve and send</button><button type="submit" name="decision" value="reject">Reject</button></form>`,
    ].join('\n');
    // Double-submit CSRF: the form's token must come back with the matching cookie, which only this page set.
    const cookie = `${CSRF_COOKIE}=${csrf}; Path=/approvals/${linkId}; Max-Age=3600; HttpOnly; Secure; SameSite=Strict`;
    return { status: 200, html: page('Approve the customer notice', body), cookies: [cookie] };
  });
}

/**
 * POST: records the first valid decision by conditional write, then resumes the workflow. Every
 * refusal (bad form, unknown, expired, superseded, already decided) returns before any callback.
 */
export function decideApproval(linkId: string, body: URLSearchParams, meta: RequestMeta, deps: ApprovalPageDeps): Promise<PageResponse> {
  return withRefusals(deps, meta, async (remember) => {
    const { link, request } = await resolveLink(linkId, deps);
    remember(link);
    if (link.locked) throw lockedError();
    const early = refusalFor(request, deps.clock.now());
    if (early) throw early;
    const form = parseDecisionForm(body);
    if (!form.csrf || form.csrf !== meta.csrfCookie) {
      throw new ApprovalRefusedError(403, 'stale-form', 'The form has expired or did not come from this page. Reload the page and decide again.');
    }
    if (!sameDigest(codeDigest(link.linkHash, form.code), link.codeDigest)) {
      const { attempts, lockedNow } = await deps.incidents.recordWrongCode(link.linkHash, MAX_CODE_ATTEMPTS);
      if (lockedNow) {
        await deps.incidents.appendTimeline(link.incidentId, { action: 'approval-link-locked', actor: link.approver, detail: { requestId: link.requestId, sourceIp: meta.sourceIp } });
        await deps.alertTeam(
          `Approval link locked after ${MAX_CODE_ATTEMPTS} wrong codes (${link.incidentId})`,
          `The approval link of ${link.approver} for incident ${link.incidentId} (request ${link.requestId}) was locked after ${MAX_CODE_ATTEMPTS} wrong confirmation codes, the last from ${meta.sourceIp}. The approver can still be reached through escalation; check for a forwarded or stolen email.`,
        );
      }
      if (attempts >= MAX_CODE_ATTEMPTS) throw lockedError();
      throw new ApprovalRefusedError(403, 'wrong-code', `That is not the code from your email. ${MAX_CODE_ATTEMPTS - attempts} tries left before this link locks.`);
    }
    const taskToken = () => deps.incidents.getTaskToken(link.incidentId, link.requestId);
    const audit = (action: string, detail: Record<string, unknown>) =>
      deps.incidents.appendTimeline(link.incidentId, {
        action,
        actor: link.approver,
        detail: { noticeId: request.noticeId, requestId: link.requestId, tier: request.tier, sourceIp: meta.sourceIp, userAgent: meta.userAgent.slice(0, 200), ...detail },
      });
    const lost = async () => {
      const current = (await deps.incidents.getApprovalRequest(link.incidentId, link.requestId)) as ApprovalRequest;
      if (current.status === 'PENDING' && current.approvedBy?.includes(link.approver)) {
        return new ApprovalRefusedError(409, 'already-decided', `You already approved this notice; ${current.approvedBy.length} of ${current.quorum ?? 1} approvals so far.`);
      }
      return refusalFor(current, deps.clock.now()) ?? new ApprovalRefusedError(410, 'expired', `This link expired at ${current.expiresAt}.`);
    };
    const decidedAt = deps.clock.now().toISOString();

    if (form.decision === 'reject') {
      // One rejection decides, whatever the quorum: nobody is told what one approver found wrong.
      if (!(await deps.incidents.recordRejection(link.incidentId, link.requestId, link.approver, form.reason))) throw await lost();
      await deps.incidents.setNoticeStatus(link.incidentId, request.noticeId, 'REJECTED');
      await deps.workflow.fail(await taskToken(), NoticeRejectedError.name, form.reason);
      await audit('notice-rejected', { reason: form.reason });
      return decided('The notice is rejected; the response team has your reason.', link.approver, decidedAt);
    }
    const quorum = request.quorum ?? 1;
    const approval = await deps.incidents.recordApproval(link.incidentId, link.requestId, link.approver, quorum);
    if (approval.outcome === 'refused') throw await lost();
    await audit('approval-counted', { approvals: approval.approvedBy.length, quorum });
    if (approval.outcome === 'counted') {
      return decided(`Your approval is recorded: ${approval.approvedBy.length} of ${quorum}. The notice goes out once ${quorum} approvers have approved.`, link.approver, decidedAt);
    }
    await deps.incidents.setNoticeStatus(link.incidentId, request.noticeId, 'APPROVED');
    await deps.workflow.succeed(await taskToken(), { decision: 'APPROVED', requestId: link.requestId, noticeId: request.noticeId, decidedAt });
    await audit('notice-approved', { approvedBy: approval.approvedBy.length });
    return decided('The notice is approved and is being sent to customers.', link.approver, decidedAt);
  });
}
