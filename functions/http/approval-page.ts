import type { ApprovalStorePort, FactsStorePort, IncidentStorePort, NoticeStorePort, TaskCallbacks } from '../domain/ports.js';
import {
  ApprovalRefusedError,
  awaitsCallback,
  CODE_DIGITS,
  codeDigest,
  LINK_ID_PATTERN,
  MAX_CODE_ATTEMPTS,
  parseDecisionForm,
  refusalFor,
  type ApprovalLink,
  type ApprovalRequest,
  type RefusalReason,
} from '../domain/approval.js';
import type { Locale } from '../domain/locales.js';
import { escapeHtml, type PreviewContext } from '../domain/preview.js';
import { reviewHtml } from '../domain/review.js';
import { loadReview } from '../steps/wait-for-approval.js';
import type { Clock } from '../shared/clock.js';
import { randomId, sameDigest, sha256Hex } from '../shared/crypto.js';
import { say, type ApprovalPageLocale, type Params, type TextKey } from '../domain/approval-text.js';
import { returnDecision, returnPendingDecision, type DecisionReturnDeps } from '../steps/return-decision.js';

export interface ApprovalPageDeps extends DecisionReturnDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'listProgressNotes'>;
  notices: DecisionReturnDeps['notices'] & Pick<NoticeStorePort, 'getNotice' | 'listNotices'>;
  facts: Pick<FactsStorePort, 'getFacts'>;
  approvals: DecisionReturnDeps['approvals'] &
    Pick<
      ApprovalStorePort,
      'countCodeAttempt' | 'getApprovalLink' | 'getApprovalRequest' | 'getTaskToken' | 'recordApproval' | 'recordRejection' | 'supersedeForEdit'
    >;
  workflow: TaskCallbacks;
  clock: Clock;
  locales: readonly Locale[];
  smsPrice?: PreviewContext['smsPrice'];
}

export interface ApprovalPageResponse {
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
  /** The page's language, from the browser's Accept-Language. @default 'en' */
  locale?: ApprovalPageLocale;
}

export const CSRF_COOKIE = 'bn_csrf';

function page(title: string, body: string, locale: ApprovalPageLocale): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}.notice{border:1px solid #ccc;padding:1rem;margin:1rem 0}textarea{width:100%}button{font-size:1rem;padding:.5rem 1rem;margin-right:1rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** The HTTP answer to each refusal: the domain says why, this page says how. */
const REFUSAL_STATUS: Record<RefusalReason, number> = {
  'bad-request': 400,
  'stale-form': 403,
  'wrong-code': 403,
  locked: 403,
  'unknown-link': 404,
  'already-decided': 409,
  expired: 410,
  superseded: 410,
};

function refusalPage(error: ApprovalRefusedError, locale: ApprovalPageLocale): ApprovalPageResponse {
  const escaped = Object.fromEntries(Object.entries(error.params).map(([k, v]) => [k, escapeHtml(String(v))]));
  const title = say(locale, `title-${error.reasonCode}` as TextKey);
  return {
    status: REFUSAL_STATUS[error.reasonCode],
    html: page(title, `<p>${say(locale, error.text, escaped)}</p><p>${say(locale, 'nothing-changed')}</p>`, locale),
  };
}

async function resolveLink(linkId: string, deps: ApprovalPageDeps) {
  if (!LINK_ID_PATTERN.test(linkId)) throw new ApprovalRefusedError('unknown-link', 'link-invalid');
  const link = await deps.approvals.getApprovalLink(sha256Hex(linkId));
  if (!link) throw new ApprovalRefusedError('unknown-link', 'link-invalid');
  const request = await deps.approvals.getApprovalRequest(link.incidentId, link.requestId);
  if (!request) throw new ApprovalRefusedError('unknown-link', 'request-gone');
  return { link, request };
}

/** Runs `action`; a refusal becomes its page, and once the link is known it is also audited. */
async function withRefusals(
  deps: ApprovalPageDeps,
  meta: RequestMeta,
  action: (remember: (link: ApprovalLink) => void) => Promise<ApprovalPageResponse>,
): Promise<ApprovalPageResponse> {
  let known: ApprovalLink | undefined;
  try {
    return await action((link) => (known = link));
  } catch (error) {
    if (!(error instanceof ApprovalRefusedError)) throw error;
    if (known) {
      await deps.incidents.appendTimeline(known.incidentId, {
        action: 'approval-refused',
        actor: known.approver,
        detail: {
          requestId: known.requestId,
          status: REFUSAL_STATUS[error.reasonCode],
          reason: error.reasonCode,
          sourceIp: meta.sourceIp,
          userAgent: meta.userAgent.slice(0, 200),
        },
      });
    }
    return refusalPage(error, meta.locale ?? 'en');
  }
}

function decided(locale: ApprovalPageLocale, message: TextKey, params: Params, approver: string, at: string, status = 200): ApprovalPageResponse {
  const body = `<p>${say(locale, message, params)}</p><p>${say(locale, 'recorded-for', { approver: escapeHtml(approver), at: escapeHtml(at) })}</p>`;
  return { status, html: page(say(locale, 'title-decided'), body, locale) };
}

const lockedError = () => new ApprovalRefusedError('locked', 'locked');

/** GET: shows the incident, the notice as customers will see it and the choices. Changes nothing but the audit trail. */
export function showApproval(linkId: string, meta: RequestMeta, deps: ApprovalPageDeps): Promise<ApprovalPageResponse> {
  return withRefusals(deps, meta, async (remember) => {
    const locale = meta.locale ?? 'en';
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
    if (request.kind === 'faq') return showFaqApproval(linkId, link, request, incident.incidentId, locale, deps);
    const notice = await deps.notices.getNotice(link.incidentId, request.noticeId);
    const impact = incident.impact;
    const csrf = randomId(24);
    const facts = notice.factsVersion > 0 ? await deps.facts.getFacts(notice.incidentId, notice.factsVersion) : undefined;
    const previews = reviewHtml(await loadReview(notice, incident, facts, deps), locale);
    const t = (key: TextKey, params?: Params) => say(locale, key, params);
    const body = [
      `<p>${t('deciding-as', { approver: escapeHtml(link.approver), by: escapeHtml(request.expiresAt) })}</p>`,
      `<p>${t('quorum', { quorum: request.quorum ?? 1 })} ${request.approvedBy?.length ? t('approved-so-far', { names: escapeHtml(request.approvedBy.join(', ')) }) : t('nobody-yet')}</p>`,
      `<h2>${t('incident', { id: escapeHtml(incident.incidentId) })}</h2>`,
      `<ul><li>${t('what')}: ${escapeHtml(incident.title)}</li><li>${t('when-label')}: ${t('when', { at: escapeHtml(incident.firstSeenAt) })}</li>`,
      `<li>${t('customers')}: ${impact?.affectedCustomers ?? 0}</li><li>${t('data')}: ${escapeHtml(Object.keys(impact?.byDataCategory ?? {}).join(', ') || '-')}</li>`,
      `<li>${t('severity')}: ${escapeHtml(incident.severity)}</li></ul>`,
      `<h2>${t('notice-heading')}</h2>${previews}`,
      `<form method="post"><input type="hidden" name="csrf" value="${csrf}">`,
      `<p><label for="code">${t('code-label')}</label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{${CODE_DIGITS}}" maxlength="${CODE_DIGITS}" required></p>`,
      `<p><label for="reason">${t('reason-label')}</label><br><textarea id="reason" name="reason" rows="3" maxlength="1000"></textarea></p>`,
      `<button type="submit" name="decision" value="approve">${t('approve')}</button><button type="submit" name="decision" value="reject">${t('reject')}</button></form>`,
    ].join('\n');
    // Double-submit CSRF: the form's token must come back with the matching cookie, which only this page set.
    const cookie = `${CSRF_COOKIE}=${csrf}; Path=/approvals/${linkId}; Max-Age=3600; HttpOnly; Secure; SameSite=Strict`;
    return { status: 200, html: page(t('title-approve'), body, locale), cookies: [cookie] };
  });
}

/** GET of a 'faq' request: the customer's question and the operator's answer, as the page would show them, and the same form. */
async function showFaqApproval(
  linkId: string,
  link: ApprovalLink,
  request: ApprovalRequest,
  incidentId: string,
  locale: ApprovalPageLocale,
  deps: ApprovalPageDeps,
): Promise<ApprovalPageResponse> {
  const question = await deps.faq?.questions.getQuestion(incidentId, request.questionId ?? '');
  if (!question?.answer) throw new ApprovalRefusedError('unknown-link', 'request-gone');
  const csrf = randomId(24);
  const t = (key: TextKey, params?: Params) => say(locale, key, params);
  const body = [
    `<p>${t('deciding-as', { approver: escapeHtml(link.approver), by: escapeHtml(request.expiresAt) })}</p>`,
    `<p>${t('quorum', { quorum: request.quorum ?? 1 })} ${request.approvedBy?.length ? t('approved-so-far', { names: escapeHtml(request.approvedBy.join(', ')) }) : t('nobody-yet')}</p>`,
    `<h2>${t('incident', { id: escapeHtml(incidentId) })}</h2>`,
    `<p>FAQ entry for the public page (${escapeHtml(question.answer.locale)}), answered by ${escapeHtml(question.answer.by)}; the question in the team's words, as the page shows it (check it holds no personal data):</p>`,
    `<div class="notice"><dl><dt>${escapeHtml(question.answer.question ?? '')}</dt><dd>${escapeHtml(question.answer.text)}</dd></dl></div>`,
    `<p>What the customer asked (never published):</p><blockquote>${escapeHtml(question.text)}</blockquote>`,
    `<form method="post"><input type="hidden" name="csrf" value="${csrf}">`,
    `<p><label for="code">${t('code-label')}</label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{${CODE_DIGITS}}" maxlength="${CODE_DIGITS}" required></p>`,
    `<p><label for="reason">${t('reason-label')}</label><br><textarea id="reason" name="reason" rows="3" maxlength="1000"></textarea></p>`,
    `<button type="submit" name="decision" value="approve">${t('approve')}</button><button type="submit" name="decision" value="reject">${t('reject')}</button></form>`,
  ].join('\n');
  const cookie = `${CSRF_COOKIE}=${csrf}; Path=/approvals/${linkId}; Max-Age=3600; HttpOnly; Secure; SameSite=Strict`;
  return { status: 200, html: page(t('title-approve'), body, locale), cookies: [cookie] };
}

/**
 * A POST on a request already decided: if that decision's callback never landed, send it now (the
 * approver retrying after an error page is the quickest way to resume the run) and say so.
 * Otherwise the usual "already decided" refusal.
 */
async function repeatedDecision(
  request: ApprovalRequest,
  link: ApprovalLink,
  locale: ApprovalPageLocale,
  deps: ApprovalPageDeps,
): Promise<ApprovalPageResponse> {
  const outcome = awaitsCallback(request) ? await returnPendingDecision(request.incidentId, request.requestId, 'repeat-post', deps) : 'settled';
  const params = { by: escapeHtml(request.decidedBy ?? ''), at: escapeHtml(request.decidedAt ?? '') };
  const key = request.status === 'APPROVED' ? 'returned-approved' : 'returned-rejected';
  if (outcome === 'returned') return decided(locale, key, params, link.approver, deps.clock.now().toISOString());
  if (outcome === 'lost') return decided(locale, 'callback-lost', {}, link.approver, request.decidedAt ?? '', 410);
  if (outcome === 'failed') return decided(locale, 'callback-pending', {}, link.approver, request.decidedAt ?? '', 202);
  throw refusalFor(request, deps.clock.now())!;
}

/**
 * POST: records the first valid decision by conditional write, then resumes the workflow. Every
 * refusal (bad form, unknown, expired, superseded, already decided, wrong code) returns before any callback.
 */
export function decideApproval(linkId: string, body: URLSearchParams, meta: RequestMeta, deps: ApprovalPageDeps): Promise<ApprovalPageResponse> {
  return withRefusals(deps, meta, async (remember) => {
    const locale = meta.locale ?? 'en';
    const { link, request } = await resolveLink(linkId, deps);
    remember(link);
    if (request.status === 'APPROVED' || request.status === 'REJECTED') return repeatedDecision(request, link, locale, deps);
    if (link.locked) throw lockedError();
    const early = refusalFor(request, deps.clock.now());
    if (early) throw early;
    const form = parseDecisionForm(body);
    if (!form.csrf || form.csrf !== meta.csrfCookie) {
      throw new ApprovalRefusedError('stale-form', 'stale-form');
    }
    // Counted before it is compared, in one write: concurrent guesses cannot outrun the lock.
    const attempt = await deps.approvals.countCodeAttempt(link.linkHash, MAX_CODE_ATTEMPTS);
    if (!attempt.counted) {
      // Out of attempts. A burst that includes the right code may have decided meanwhile: say so if it did.
      const current = (await deps.approvals.getApprovalRequest(link.incidentId, link.requestId)) as ApprovalRequest;
      if (current.status === 'APPROVED' || current.status === 'REJECTED') return repeatedDecision(current, link, locale, deps);
      throw lockedError();
    }
    if (!sameDigest(codeDigest(link.linkHash, form.code), link.codeDigest)) {
      if (attempt.lockedNow) {
        await deps.incidents.appendTimeline(link.incidentId, {
          action: 'approval-link-locked',
          actor: link.approver,
          detail: { requestId: link.requestId, sourceIp: meta.sourceIp },
        });
        await deps.alertTeam(
          'approval-link-locked',
          `Approval link locked after ${MAX_CODE_ATTEMPTS} wrong codes (${link.incidentId})`,
          `The approval link of ${link.approver} for incident ${link.incidentId} (request ${link.requestId}) was locked after ${MAX_CODE_ATTEMPTS} wrong confirmation codes, the last from ${meta.sourceIp}. The approver can still be reached through escalation; check for a forwarded or stolen email.`,
        );
        throw lockedError();
      }
      throw new ApprovalRefusedError('wrong-code', 'wrong-code', { left: MAX_CODE_ATTEMPTS - attempt.attempts });
    }
    const audit = (action: string, detail: Record<string, unknown>) =>
      deps.incidents.appendTimeline(link.incidentId, {
        action,
        actor: link.approver,
        detail: {
          noticeId: request.noticeId,
          requestId: link.requestId,
          tier: request.tier,
          sourceIp: meta.sourceIp,
          userAgent: meta.userAgent.slice(0, 200),
          ...detail,
        },
      });
    const lost = async () => {
      const current = (await deps.approvals.getApprovalRequest(link.incidentId, link.requestId)) as ApprovalRequest;
      if (current.status === 'PENDING' && current.approvedBy?.includes(link.approver)) {
        return new ApprovalRefusedError('already-decided', 'you-already-approved', { count: current.approvedBy.length, quorum: current.quorum ?? 1 });
      }
      return refusalFor(current, deps.clock.now()) ?? new ApprovalRefusedError('expired', 'expired', { at: current.expiresAt });
    };
    // The decision is recorded (with this sender holding its callback lease): now tell the workflow.
    const resume = async (message: TextKey, decidedAt: string) => {
      const current = (await deps.approvals.getApprovalRequest(link.incidentId, link.requestId)) as ApprovalRequest;
      const taskToken = await deps.approvals.getTaskToken(link.incidentId, link.requestId);
      const outcome = await returnDecision(current, taskToken, 'approval-page', deps);
      if (outcome === 'returned') return decided(locale, message, {}, link.approver, decidedAt);
      return decided(locale, outcome === 'lost' ? 'callback-lost' : 'callback-pending', {}, link.approver, decidedAt, outcome === 'lost' ? 410 : 202);
    };

    // The decision binds to the wording this request showed and what it was drafted from; a redraft, an edit, a scope decision or a close since makes it stale.
    const wording = request.contentHash
      ? { noticeId: request.noticeId, contentHash: request.contentHash, ...(request.basis ? { basis: request.basis } : {}) }
      : undefined;
    // A stale request still pending means the change that made it stale died before taking it back:
    // this decision does it, so the workflow redrafts now instead of waiting out the timeout.
    const stale = async () => {
      if (await deps.approvals.supersedeForEdit(link.incidentId, link.requestId, request.basis?.factsVersion ?? 0)) {
        await audit('approval-taken-back-as-stale', {});
        await returnPendingDecision(link.incidentId, link.requestId, 'approval-page', deps);
      }
      return new ApprovalRefusedError('superseded', 'edited');
    };
    if (form.decision === 'reject') {
      // One rejection decides, whatever the quorum: nobody is told what one approver found wrong.
      const rejected = await deps.approvals.recordRejection(link.incidentId, link.requestId, link.approver, form.reason, wording);
      if (rejected === 'stale') throw await stale();
      if (rejected === 'refused') throw await lost();
      await audit('notice-rejected', { reason: form.reason });
      return resume('decided-rejected', deps.clock.now().toISOString());
    }
    const quorum = request.quorum ?? 1;
    const approval = await deps.approvals.recordApproval(link.incidentId, link.requestId, link.approver, quorum, wording);
    if (approval.outcome === 'stale') throw await stale();
    if (approval.outcome === 'refused') throw await lost();
    await audit('approval-counted', { approvals: approval.approvedBy.length, quorum });
    if (approval.outcome === 'counted') {
      return decided(locale, 'decided-counted', { count: approval.approvedBy.length, quorum }, link.approver, deps.clock.now().toISOString());
    }
    await audit('notice-approved', { approvedBy: approval.approvedBy.length });
    return resume('decided-approved', deps.clock.now().toISOString());
  });
}
