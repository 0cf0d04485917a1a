import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { incidentIdSchema } from './incident.js';
import type { Locale } from './locales.js';

/** A form is refused when sent sooner than this after it was served: people type, bots post at once. */
export const MIN_FILL_MS = 3_000;
/** A served form is good for this long. */
export const FORM_LIFETIME_MS = 2 * 3_600_000;
/** Questions one client (source address) may send per window, and all clients per incident. */
export const RATE_WINDOW_SECONDS = 600;
export const PER_CLIENT_LIMIT = 5;
export const PER_INCIDENT_LIMIT = 300;
/** Questions and their addresses are kept this long after they are asked, then expire (DynamoDB TTL). */
export const QUESTION_RETENTION_DAYS = 730;

export const QUESTION_MAX = 2000;

/** The honeypot's field name: hidden from people (off-screen, no tab stop), filled by form-filling bots. */
export const HONEYPOT_FIELD = 'website';

/** What the form token binds: the incident, the locale and when it was served; signed with the key from the secret. */
interface TokenPayload {
  i: string;
  l: string;
  t: number;
  n: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const sign = (key: string, body: string) => createHmac('sha256', key).update(body).digest('base64url');

export function issueFormToken(key: string, incidentId: string, locale: Locale, now: Date): string {
  const body = b64(JSON.stringify({ i: incidentId, l: locale, t: now.getTime(), n: randomBytes(9).toString('base64url') } satisfies TokenPayload));
  return `${body}.${sign(key, body)}`;
}

export type TokenProblem = 'forged' | 'too-fast' | 'expired' | 'wrong-incident';

export function checkFormToken(key: string, token: string, incidentId: string, now: Date): TokenProblem | undefined {
  const [body, mac] = token.split('.');
  if (!body || !mac) return 'forged';
  const expected = Buffer.from(sign(key, body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'forged';
  let payload: TokenPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
  } catch {
    return 'forged';
  }
  if (payload.i !== incidentId) return 'wrong-incident';
  const age = now.getTime() - payload.t;
  if (age < MIN_FILL_MS) return 'too-fast';
  if (age > FORM_LIFETIME_MS) return 'expired';
  return undefined;
}

/** The posted form: strict lengths; an address is optional; the honeypot must stay empty. */
export function questionFormSchema(locales: readonly Locale[]) {
  return z.object({
    locale: z.enum(locales as readonly [Locale, ...Locale[]]),
    question: z.string().trim().min(5).max(QUESTION_MAX),
    email: z.union([z.literal(''), z.email().max(254)]).optional().transform((v) => v || undefined),
    token: z.string().min(10).max(400),
    [HONEYPOT_FIELD]: z.string().max(0).optional(),
  });
}

export const questionPathSchema = z.object({ incidentId: incidentIdSchema });

/** A stored question. `text` and `email` are personal data: they stay in this item, never in a log or payload. */
export interface CustomerQuestion {
  incidentId: string;
  questionId: string;
  locale: Locale;
  text: string;
  email?: string;
  askedAt: string;
  status: 'OPEN' | 'ANSWERED';
  answer?: { text: string; locale: Locale; by: string; at: string };
  /** Whether the answer goes on the page: asked for by the operator, published after approval. */
  faq?: 'PENDING' | 'PUBLISHED' | 'REJECTED';
  /** The approver's reason when the answer was refused for the page. */
  faqReason?: string;
  /** When the asker was emailed the answer (the one email, claimed by a conditional write). */
  emailedAt?: string;
}
