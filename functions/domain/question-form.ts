import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { incidentIdSchema } from './incident.js';
import type { Locale } from './locales.js';
import { BreachNoticeError } from '../shared/errors.js';

/** A form is refused when sent sooner than this after it was served: people type, bots post at once. */
export const MIN_FILL_MS = 3_000;
/** A served form is good for this long, and for one question. */
export const FORM_LIFETIME_MS = 2 * 3_600_000;

/**
 * How many questions the form takes, per 10-minute window. What limits a flood is the client's own
 * allowance (by source address; an IPv6 client by its /64, which one host usually holds whole): one
 * client cannot spend anyone else's. An incident's shared budget only counts a client's second and
 * later questions in the window, so a flood from many addresses that ask again and again exhausts
 * the budget for repeat questions and nothing else: a first question from any address is taken
 * while `firstQuestionsPerIncident` (sized for a real incident's askers, far above what one origin
 * sends) is not reached. What this cannot stop is a botnet with thousands of addresses; WAF (which
 * cannot front an HTTP API, see infra/constructs/approval-api.ts) could not tell those apart either.
 * Behind a carrier-grade NAT many people share an address and so its allowance.
 */
export const FORM_LIMITS = {
  windowSeconds: 600,
  perClient: 5,
  repeatQuestionsPerIncident: 300,
  firstQuestionsPerIncident: 3_000,
};
export type FormLimits = typeof FORM_LIMITS;

/**
 * How long what an asker gives is kept (DynamoDB TTL, which deletes within days after the time;
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html): the address
 * until the answer is emailed and never past ADDRESS_RETENTION_DAYS; the question's text long enough
 * to answer it and count it in the final report.
 */
export const ADDRESS_RETENTION_DAYS = 30;
export const QUESTION_RETENTION_DAYS = 90;

export const QUESTION_MAX = 2000;

/** The honeypot's field name: hidden from people (off-screen, no tab stop), filled by form-filling bots. */
export const HONEYPOT_FIELD = 'website';

/**
 * The form's HMAC key in its versions (Secrets Manager's AWSCURRENT and AWSPREVIOUS): new tokens are
 * signed with the current one; a token signed with the previous one is still good until it expires,
 * so a rotation refuses no form already served.
 */
export interface FormKeys {
  current: { version: string; key: string };
  previous?: { version: string; key: string };
}

/** What the form token binds: the incident, the locale, when it was served, a one-use nonce and the key version. */
interface TokenPayload {
  i: string;
  l: string;
  t: number;
  n: string;
  v: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const sign = (key: string, body: string) => createHmac('sha256', key).update(body).digest('base64url');

export function issueFormToken(keys: FormKeys, incidentId: string, locale: Locale, now: Date): string {
  const body = b64(
    JSON.stringify({ i: incidentId, l: locale, t: now.getTime(), n: randomBytes(12).toString('base64url'), v: keys.current.version } satisfies TokenPayload),
  );
  return `${body}.${sign(keys.current.key, body)}`;
}

/** `unknown-key`: signed with a key version this instance does not hold (rotated since it read the keys, or older than the previous). */
export type TokenProblem = 'forged' | 'too-fast' | 'expired' | 'wrong-incident' | 'unknown-key';

/** The form token carried a question before (or is carrying one now): each served form takes one. */
export class FormTokenUsedError extends BreachNoticeError {}

/** A checked token: the nonce that makes it single use, and when it stops being accepted. */
export interface FormToken {
  nonce: string;
  expiresAt: Date;
}

export function checkFormToken(keys: FormKeys, token: string, incidentId: string, now: Date): { problem: TokenProblem } | { token: FormToken } {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined) return { problem: 'forged' };
  let payload: Partial<TokenPayload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<TokenPayload>;
  } catch {
    return { problem: 'forged' };
  }
  const key = [keys.current, keys.previous].find((k) => k !== undefined && k.version === payload.v)?.key;
  if (!key) return { problem: 'unknown-key' };
  const expected = Buffer.from(sign(key, body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { problem: 'forged' };
  if (typeof payload.t !== 'number' || typeof payload.n !== 'string' || !/^[A-Za-z0-9_-]{16}$/.test(payload.n)) return { problem: 'forged' };
  if (payload.i !== incidentId) return { problem: 'wrong-incident' };
  const age = now.getTime() - payload.t;
  if (age < MIN_FILL_MS) return { problem: 'too-fast' };
  if (age > FORM_LIFETIME_MS) return { problem: 'expired' };
  return { token: { nonce: payload.n, expiresAt: new Date(payload.t + FORM_LIFETIME_MS) } };
}

/**
 * The rate limits' key for a client: an HMAC of its address under the form's key, so no counter holds
 * an address and none can be recovered by hashing all 2^32 IPv4 addresses. An IPv6 address counts by
 * its /64 (one host can use any address in it).
 */
export function clientKey(key: string, sourceIp: string): string {
  return createHmac('sha256', key)
    .update(`client\0${clientNetwork(sourceIp)}`)
    .digest('base64url')
    .slice(0, 32);
}

/** The IPv4 address itself (also when IPv4-mapped); for IPv6 its first four groups (the /64), expanded and lower-cased. */
export function clientNetwork(sourceIp: string): string {
  if (sourceIp.includes('.')) return sourceIp.slice(sourceIp.lastIndexOf(':') + 1);
  const [head = '', tail = ''] = sourceIp.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = sourceIp.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':');
}

/** The posted form: strict lengths; an address is optional; the honeypot must stay empty. */
export function questionFormSchema(locales: readonly Locale[]) {
  return z.object({
    locale: z.enum(locales as readonly [Locale, ...Locale[]]),
    question: z.string().trim().min(5).max(QUESTION_MAX),
    email: z
      .union([z.literal(''), z.email().max(254)])
      .optional()
      .transform((v) => v || undefined),
    token: z.string().min(10).max(400),
    [HONEYPOT_FIELD]: z.string().max(0).optional(),
  });
}

export const questionPathSchema = z.object({ incidentId: incidentIdSchema });

/**
 * A stored question. `text` and `email` are personal data: never in a log or payload; the store keeps
 * the address in an item of its own that expires sooner (functions/adapters/question-store.ts).
 */
export interface CustomerQuestion {
  incidentId: string;
  questionId: string;
  locale: Locale;
  text: string;
  email?: string;
  askedAt: string;
  status: 'OPEN' | 'ANSWERED';
  /** `question`: for the page, the question in the team's words (the asker's own never goes there). */
  answer?: { text: string; locale: Locale; by: string; at: string; question?: string };
  /** Whether the answer goes on the page: asked for by the operator, published after approval. */
  faq?: 'PENDING' | 'PUBLISHED' | 'REJECTED';
  /** The approver's reason when the answer was refused for the page. */
  faqReason?: string;
  /** When the asker was emailed the answer (the one email, claimed by a conditional write). */
  emailedAt?: string;
  /** When the one email asking the asker to confirm the address was claimed (functions/steps/answer-question.ts). */
  confirmationSentAt?: string;
  /** When the asker confirmed the address through that email's link: nothing else is sent to it before. */
  addressConfirmedAt?: string;
}
