import { randomUUID } from 'node:crypto';
import { publicPageCsp, publicPageHtml } from '../domain/incident-page.js';
import type { Incident } from '../domain/incident.js';
import { catalogues, type Locale } from '../domain/locales.js';
import { escapeHtml } from '../domain/preview.js';
import {
  checkFormToken,
  clientKey,
  FormTokenUsedError,
  HONEYPOT_FIELD,
  issueFormToken,
  QUESTION_MAX,
  questionFormSchema,
  questionPathSchema,
  type CustomerQuestion,
  type FormKeys,
  type FormLimits,
  type FormToken,
} from '../domain/question-form.js';
import type { Clock } from '../shared/clock.js';

/** The largest form body read: a question at its limit in 4-byte characters, percent-encoded, fits. */
export const MAX_FORM_BYTES = 32 * 1024;

export interface QuestionFormDeps {
  questions: {
    incidentStatus(incidentId: string): Promise<Incident['status'] | undefined>;
    formTokenUsed(nonce: string): Promise<boolean>;
    /** Stores the question and the token's use in one transaction; FormTokenUsedError when the token was used. */
    putQuestion(question: CustomerQuestion, token: FormToken): Promise<void>;
  };
  /** The request's place in the window's count, undefined when over the limit (functions/adapters/question-store.ts RateLimiter). */
  limiter: { place(scope: string, key: string, limit: number, windowSeconds: number): Promise<number | undefined> };
  /** The form tokens' HMAC keys (current and previous version, from the secret). */
  formKeys: { get(): Promise<FormKeys>; refresh(): Promise<FormKeys> };
  limits: FormLimits;
  clock: Clock;
  locales: readonly Locale[];
  pageUrl: (incidentId: string, locale: Locale) => string;
}

export interface QuestionRequest {
  method: string;
  incidentId: string;
  locale?: string;
  body?: string;
  /** The client's address, as API Gateway saw it: only its keyed hash is used, as the rate limit's key. */
  sourceIp: string;
}

export interface QuestionResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the log: what happened, never what was asked. */
  outcome: string;
  /** For the log: the client's keyed hash on a POST that got that far (never its address), to see a flood's share. */
  client?: string;
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
  status,
  outcome,
  headers,
  body: publicPageHtml(locale, title, body, "'self'"),
});

function localeOf(value: string | undefined, locales: readonly Locale[]): Locale {
  return locales.find((l) => l === value) ?? locales[0]!;
}

/** The public question form of an incident: GET serves it with a fresh signed token, POST checks and stores a question. */
export async function questionFormRequest(request: QuestionRequest, deps: QuestionFormDeps): Promise<QuestionResponse> {
  const path = questionPathSchema.safeParse({ incidentId: request.incidentId });
  const fallback = localeOf(request.locale, deps.locales);
  const t0 = catalogues[fallback].questionForm;
  if (!path.success) return answer(404, 'unknown-incident', fallback, t0.invalidTitle, '');
  const { incidentId } = path.data;
  const status = await deps.questions.incidentStatus(incidentId);
  if (status === undefined) return answer(404, 'unknown-incident', fallback, t0.invalidTitle, '');
  if (request.method === 'GET' || request.method === 'HEAD') {
    const t = t0;
    if (status !== 'OPEN') return answer(410, 'closed', fallback, t.title, `<p>${escapeHtml(t.closed)}</p>`);
    const token = issueFormToken(await deps.formKeys.get(), incidentId, fallback, deps.clock.now());
    return answer(
      200,
      'form',
      fallback,
      t.title,
      [
        `<p>${escapeHtml(t.intro)}</p>`,
        `<form method="post" action="" accept-charset="utf-8">`,
        `<input type="hidden" name="locale" value="${escapeHtml(fallback)}"><input type="hidden" name="token" value="${escapeHtml(token)}">`,
        `<label for="question">${escapeHtml(t.question)}</label><textarea id="question" name="question" rows="6" minlength="5" maxlength="${QUESTION_MAX}" required></textarea>`,
        `<label for="email">${escapeHtml(t.email)}</label><input id="email" name="email" type="email" maxlength="254" autocomplete="email"><small>${escapeHtml(t.emailHint)}</small>`,
        `<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">${escapeHtml(t.honeypot)}</label><input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>`,
        `<button type="submit">${escapeHtml(t.send)}</button></form>`,
        `<p><a href="${escapeHtml(deps.pageUrl(incidentId, fallback))}">${escapeHtml(t.back)}</a></p>`,
      ].join(''),
    );
  }
  if (request.method !== 'POST') return answer(405, 'method', fallback, t0.invalidTitle, '');
  if (Buffer.byteLength(request.body ?? '') > MAX_FORM_BYTES) return answer(413, 'too-large', fallback, t0.invalidTitle, `<p>${escapeHtml(t0.invalid)}</p>`);
  const fields = Object.fromEntries(new URLSearchParams(request.body ?? ''));
  const locale = localeOf(fields.locale, deps.locales);
  const t = catalogues[locale].questionForm;
  const back = `<p><a href="${escapeHtml(deps.pageUrl(incidentId, locale))}">${escapeHtml(t.back)}</a></p>`;
  const refuse = (outcome: string, message: string) => answer(400, outcome, locale, t.invalidTitle, `<p>${escapeHtml(message)}</p>${back}`);
  if (status !== 'OPEN') return answer(410, 'closed', locale, t.invalidTitle, `<p>${escapeHtml(t.closed)}</p>${back}`);
  if (fields[HONEYPOT_FIELD]) return refuse('honeypot', t.invalid);
  const parsed = questionFormSchema(deps.locales).safeParse(fields);
  if (!parsed.success) return refuse('invalid', t.invalid);
  let keys = await deps.formKeys.get();
  let checked = checkFormToken(keys, parsed.data.token, incidentId, deps.clock.now());
  // Another instance may have read a rotated key first: read the keys again (bounded by the source) before refusing.
  if ('problem' in checked && checked.problem === 'unknown-key') {
    keys = await deps.formKeys.refresh();
    checked = checkFormToken(keys, parsed.data.token, incidentId, deps.clock.now());
  }
  if ('problem' in checked) {
    const { problem } = checked;
    return refuse(`token-${problem}`, problem === 'too-fast' ? t.tooFast : problem === 'expired' || problem === 'unknown-key' ? t.expired : t.invalid);
  }
  const { token } = checked;
  const used = () => answer(409, 'token-used', locale, t.usedTitle, `<p>${escapeHtml(t.used)}</p>${back}`);
  // A replay is refused before it is counted; putQuestion below decides for replays that race.
  if (await deps.questions.formTokenUsed(token.nonce)) return used();
  const client = clientKey(keys.current.key, request.sourceIp);
  const limited = () => ({
    ...answer(429, 'rate-limited', locale, t.limitedTitle, `<p>${escapeHtml(t.limited)}</p>${back}`),
    headers: { ...headers, 'retry-after': String(deps.limits.windowSeconds) },
    client,
  });
  // The client's own allowance first; then its first question in the window counts against the incident's ceiling for
  // first questions, a later one against the budget for repeat questions, which a flood from many addresses can exhaust
  // without closing the form to anyone asking for the first time (see FORM_LIMITS).
  const { windowSeconds } = deps.limits;
  const place = await deps.limiter.place('client', client, deps.limits.perClient, windowSeconds);
  if (place === undefined) return limited();
  const shared =
    place === 1
      ? await deps.limiter.place('incident-first', incidentId, deps.limits.firstQuestionsPerIncident, windowSeconds)
      : await deps.limiter.place('incident-repeat', incidentId, deps.limits.repeatQuestionsPerIncident, windowSeconds);
  if (shared === undefined) return limited();
  try {
    await deps.questions.putQuestion(
      {
        incidentId,
        questionId: randomUUID(),
        locale,
        text: parsed.data.question,
        email: parsed.data.email,
        askedAt: deps.clock.now().toISOString(),
        status: 'OPEN',
      },
      token,
    );
  } catch (error) {
    if (error instanceof FormTokenUsedError) return { ...used(), client };
    throw error;
  }
  // The question is shown back to the one who asked (escaped), so they can see what was received.
  return {
    ...answer(
      200,
      'stored',
      locale,
      t.thanksTitle,
      `<p>${escapeHtml(t.thanks)}</p><blockquote>${escapeHtml(parsed.data.question)}</blockquote>${parsed.data.email ? `<p>${escapeHtml(t.thanksEmail)}</p>` : ''}${back}`,
    ),
    client,
  };
}
