import { createHash, randomUUID } from 'node:crypto';
import { publicPageCsp, publicPageHtml } from '../domain/incident-page.js';
import type { Incident } from '../domain/incident.js';
import type { Locale } from '../domain/locales.js';
import { escapeHtml } from '../domain/preview.js';
import {
  checkFormToken, HONEYPOT_FIELD, issueFormToken, PER_CLIENT_LIMIT, PER_INCIDENT_LIMIT, QUESTION_MAX, questionFormSchema, questionPathSchema, RATE_WINDOW_SECONDS,
  type CustomerQuestion,
} from '../domain/question-form.js';
import { questionFormTexts } from '../domain/question-form-texts.js';
import type { Clock } from '../shared/clock.js';
import { IncidentNotFoundError } from '../shared/errors.js';

/** The largest form body read: a question at its limit in 4-byte characters, percent-encoded, fits. */
export const MAX_FORM_BYTES = 32 * 1024;

export interface QuestionFormDeps {
  incidents: { getIncident(incidentId: string): Promise<Incident> };
  questions: { putQuestion(question: CustomerQuestion): Promise<void> };
  limiter: { take(scope: string, key: string, limit: number, windowSeconds: number): Promise<boolean> };
  /** The form tokens' HMAC key (from the secret). */
  formKey: () => Promise<string>;
  clock: Clock;
  locales: readonly Locale[];
  pageUrl: (incidentId: string, locale: Locale) => string;
}

export interface QuestionRequest {
  method: string;
  incidentId: string;
  locale?: string;
  body?: string;
  /** The client's address, as API Gateway saw it: only its hash is used, as the rate-limit key. */
  sourceIp: string;
}

export interface QuestionResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the log: what happened, never what was asked. */
  outcome: string;
}

const headers = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': publicPageCsp("'self'"),
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const answer = (status: number, outcome: string, locale: Locale, title: string, body: string): QuestionResponse => ({
  status, outcome, headers, body: publicPageHtml(locale, title, body, "'self'"),
});

function localeOf(value: string | undefined, locales: readonly Locale[]): Locale {
  return locales.find((l) => l === value) ?? locales[0]!;
}

/** The public question form of an incident: GET serves it with a fresh signed token, POST checks and stores a question. */
export async function questionFormRequest(request: QuestionRequest, deps: QuestionFormDeps): Promise<QuestionResponse> {
  const path = questionPathSchema.safeParse({ incidentId: request.incidentId });
  const fallback = localeOf(request.locale, deps.locales);
  const t0 = questionFormTexts[fallback];
  if (!path.success) return answer(404, 'unknown-incident', fallback, t0.invalidTitle, '');
  const { incidentId } = path.data;
  let incident: Incident;
  try {
    incident = await deps.incidents.getIncident(incidentId);
  } catch (error) {
    if (error instanceof IncidentNotFoundError) return answer(404, 'unknown-incident', fallback, t0.invalidTitle, '');
    throw error;
  }
  if (request.method === 'GET' || request.method === 'HEAD') {
    const t = t0;
    if (incident.status !== 'OPEN') return answer(410, 'closed', fallback, t.title, `<p>${escapeHtml(t.closed)}</p>`);
    const token = issueFormToken(await deps.formKey(), incidentId, fallback, deps.clock.now());
    return answer(200, 'form', fallback, t.title, [
      `<p>${escapeHtml(t.intro)}</p>`,
      `<form method="post" action="" accept-charset="utf-8">`,
      `<input type="hidden" name="locale" value="${escapeHtml(fallback)}"><input type="hidden" name="token" value="${escapeHtml(token)}">`,
      `<label for="question">${escapeHtml(t.question)}</label><textarea id="question" name="question" rows="6" minlength="5" maxlength="${QUESTION_MAX}" required></textarea>`,
      `<label for="email">${escapeHtml(t.email)}</label><input id="email" name="email" type="email" maxlength="254" autocomplete="email"><small>${escapeHtml(t.emailHint)}</small>`,
      `<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">${escapeHtml(t.honeypot)}</label><input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>`,
      `<button type="submit">${escapeHtml(t.send)}</button></form>`,
      `<p><a href="${escapeHtml(deps.pageUrl(incidentId, fallback))}">${escapeHtml(t.back)}</a></p>`,
    ].join(''));
  }
  if (request.method !== 'POST') return answer(405, 'method', fallback, t0.invalidTitle, '');
  if (Buffer.byteLength(request.body ?? '') > MAX_FORM_BYTES) return answer(413, 'too-large', fallback, t0.invalidTitle, `<p>${escapeHtml(t0.invalid)}</p>`);
  const fields = Object.fromEntries(new URLSearchParams(request.body ?? ''));
  const locale = localeOf(fields.locale, deps.locales);
  const t = questionFormTexts[locale];
  const back = `<p><a href="${escapeHtml(deps.pageUrl(incidentId, locale))}">${escapeHtml(t.back)}</a></p>`;
  const refuse = (outcome: string, message: string) => answer(400, outcome, locale, t.invalidTitle, `<p>${escapeHtml(message)}</p>${back}`);
  if (incident.status !== 'OPEN') return answer(410, 'closed', locale, t.invalidTitle, `<p>${escapeHtml(t.closed)}</p>${back}`);
  if (fields[HONEYPOT_FIELD]) return refuse('honeypot', t.invalid);
  const parsed = questionFormSchema(deps.locales).safeParse(fields);
  if (!parsed.success) return refuse('invalid', t.invalid);
  const problem = checkFormToken(await deps.formKey(), parsed.data.token, incidentId, deps.clock.now());
  if (problem) return refuse(`token-${problem}`, problem === 'too-fast' ? t.tooFast : problem === 'expired' ? t.expired : t.invalid);
  const client = createHash('sha256').update(request.sourceIp).digest('hex').slice(0, 32);
  // Per client first, so one sender spends its own allowance before the incident's shared one.
  if (!(await deps.limiter.take('client', client, PER_CLIENT_LIMIT, RATE_WINDOW_SECONDS)) || !(await deps.limiter.take('incident', incidentId, PER_INCIDENT_LIMIT, RATE_WINDOW_SECONDS))) {
    return { ...answer(429, 'rate-limited', locale, t.limitedTitle, `<p>${escapeHtml(t.limited)}</p>${back}`), headers: { ...headers, 'retry-after': String(RATE_WINDOW_SECONDS) } };
  }
  await deps.questions.putQuestion({
    incidentId, questionId: randomUUID(), locale, text: parsed.data.question, email: parsed.data.email, askedAt: deps.clock.now().toISOString(), status: 'OPEN',
  });
  // The question is shown back to the one who asked (escaped), so they can see what was received.
  return answer(200, 'stored', locale, t.thanksTitle, `<p>${escapeHtml(t.thanks)}</p><blockquote>${escapeHtml(parsed.data.question)}</blockquote>${parsed.data.email ? `<p>${escapeHtml(t.thanksEmail)}</p>` : ''}${back}`);
}
