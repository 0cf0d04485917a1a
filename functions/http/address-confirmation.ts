import { publicPageCsp, publicPageHtml } from '../domain/incident-page.js';
import { catalogues, negotiateLocale, type Locale } from '../domain/locales.js';
import { escapeHtml } from '../domain/preview.js';
import { randomId } from '../shared/crypto.js';
import { confirmAddress, confirmationState, type ConfirmationState } from '../steps/answer-question.js';

/** The double-submit token's cookie, scoped to the one link's path. */
export const CONFIRM_CSRF_COOKIE = 'confirm_csrf';

export type ConfirmationPageDeps = Parameters<typeof confirmAddress>[1];

export interface ConfirmationRequest {
  method: string;
  /** The `{linkId}` path parameter: the credential, never logged. */
  linkId: string;
  /** The form body of a POST. */
  body?: string;
  csrfCookie?: string;
  acceptLanguage?: string;
}

export interface ConfirmationResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  cookies?: string[];
  /** For the log: what happened, never the link or the address. */
  outcome: string;
}

const headers = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': publicPageCsp("'self'"),
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The path holds the link id: no page it leads to may learn it.
  'referrer-policy': 'no-referrer',
};

const STATUS: Record<ConfirmationState | 'confirmed', number> = { open: 200, confirmed: 200, used: 200, unknown: 404, expired: 410 };

function page(status: number, outcome: string, locale: Locale, title: string, body: string, cookies?: string[]): ConfirmationResponse {
  return { status, outcome, headers, body: publicPageHtml(locale, title, body, "'self'"), ...(cookies ? { cookies } : {}) };
}

/** The page for a link that cannot confirm now, or that has confirmed (repeats say so again and change nothing). */
function settled(state: ConfirmationState | 'confirmed', locale: Locale): ConfirmationResponse {
  const t = catalogues[locale].answer;
  if (state === 'confirmed' || state === 'used') return page(200, state, locale, t.confirmedTitle, `<p>${escapeHtml(t.confirmed)}</p>`);
  return page(STATUS[state], state, locale, t.refusedTitle, `<p>${escapeHtml(state === 'expired' ? t.expiredLink : t.unknownLink)}</p>`);
}

/**
 * GET/HEAD /confirm/{linkId} shows a button and changes nothing: mail scanners fetch every link. The
 * POST it sends (with the token of a cookie only this page set) confirms the address and sends the
 * answer if there is one. The page is in the question's language.
 */
export async function confirmationRequest(request: ConfirmationRequest, deps: ConfirmationPageDeps): Promise<ConfirmationResponse> {
  const fallback = negotiateLocale(request.acceptLanguage);
  if (request.method === 'GET' || request.method === 'HEAD') {
    const { state, link } = await confirmationState(request.linkId, deps);
    const locale = link?.locale ?? fallback;
    if (state !== 'open') return settled(state, locale);
    const t = catalogues[locale].answer;
    const csrf = randomId(24);
    const cookie = `${CONFIRM_CSRF_COOKIE}=${csrf}; Path=/confirm/${request.linkId}; Max-Age=3600; HttpOnly; Secure; SameSite=Strict`;
    const form = `<form method="post" action=""><input type="hidden" name="csrf" value="${csrf}"><button type="submit">${escapeHtml(t.confirmButton)}</button></form>`;
    return page(200, 'shown', locale, t.confirmTitle, `<p>${escapeHtml(t.confirmPage(link!.incidentId))}</p>${form}`, [cookie]);
  }
  if (request.method !== 'POST')
    return { ...page(405, 'method', fallback, catalogues[fallback].answer.refusedTitle, ''), headers: { ...headers, allow: 'GET, HEAD, POST' } };
  const csrf = new URLSearchParams(request.body ?? '').get('csrf') ?? '';
  if (!csrf || csrf !== request.csrfCookie) {
    const { link } = await confirmationState(request.linkId, deps);
    const locale = link?.locale ?? fallback;
    return page(403, 'stale-form', locale, catalogues[locale].answer.refusedTitle, `<p>${escapeHtml(catalogues[locale].answer.staleForm)}</p>`);
  }
  const { state, link, emailed } = await confirmAddress(request.linkId, deps);
  return { ...settled(state, link?.locale ?? fallback), outcome: emailed ? `${state}-answer-emailed` : state };
}
