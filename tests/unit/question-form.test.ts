import { describe, expect, it } from 'vitest';
import type { Incident } from '../../functions/domain/incident.js';
import { checkFormToken, FORM_LIFETIME_MS, issueFormToken, MIN_FILL_MS, type CustomerQuestion } from '../../functions/domain/question-form.js';
import { questionFormRequest, type QuestionFormDeps } from '../../functions/http/question-form.js';
import { IncidentNotFoundError } from '../../functions/shared/errors.js';

const incidentId = 'inc-20261120-0123456789ab';
const KEY = 'k'.repeat(48);
const t0 = Date.parse('2026-11-22T10:00:00Z');

function world(status: Incident['status'] = 'OPEN') {
  let now = t0;
  const stored: CustomerQuestion[] = [];
  const counts = new Map<string, number>();
  const deps: QuestionFormDeps = {
    incidents: { getIncident: async (id) => { if (id !== incidentId) throw new IncidentNotFoundError('no'); return { incidentId, status } as Incident; } },
    questions: { putQuestion: async (q) => void stored.push(q) },
    limiter: { take: async (scope, key, limit) => { const n = (counts.get(`${scope}/${key}`) ?? 0) + 1; counts.set(`${scope}/${key}`, n); return n <= limit; } },
    formKey: async () => KEY,
    clock: { now: () => new Date(now) },
    locales: ['en', 'zh-CN'],
    pageUrl: (id, l) => `https://pages.example/${id}/${l}.html`,
  };
  return { deps, stored, advance: (ms: number) => (now += ms) };
}

const tokenFrom = (html: string) => /name="token" value="([^"]+)"/.exec(html)![1]!;
const post = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('the form token', () => {
  it('binds the incident and refuses forged, too fast, expired and other incidents\' tokens', () => {
    const token = issueFormToken(KEY, incidentId, 'en', new Date(t0));
    expect(checkFormToken(KEY, token, incidentId, new Date(t0 + MIN_FILL_MS))).toBeUndefined();
    expect(checkFormToken(KEY, token, incidentId, new Date(t0 + MIN_FILL_MS - 1))).toBe('too-fast');
    expect(checkFormToken(KEY, token, incidentId, new Date(t0 + FORM_LIFETIME_MS + 1))).toBe('expired');
    expect(checkFormToken(KEY, token, 'inc-20261120-ffffffffffff', new Date(t0 + MIN_FILL_MS))).toBe('wrong-incident');
    expect(checkFormToken('x'.repeat(48), token, incidentId, new Date(t0 + MIN_FILL_MS))).toBe('forged');
    const [body] = token.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), t: t0 - 10_000 })).toString('base64url');
    expect(checkFormToken(KEY, `${tampered}.${token.split('.')[1]}`, incidentId, new Date(t0))).toBe('forged');
  });
});

describe('the question form', () => {
  it('serves the form with a token, a hidden honeypot, lang and a CSP that allows posting to itself only', async () => {
    const { deps } = world();
    const out = await questionFormRequest({ method: 'GET', incidentId, locale: 'zh-CN', sourceIp: '1.2.3.4' }, deps);
    expect(out.status).toBe(200);
    expect(out.body).toContain('<html lang="zh-CN">');
    expect(out.body).toMatch(/<div class="hp" aria-hidden="true">.*name="website" tabindex="-1"/);
    expect(out.headers['content-security-policy']).toMatch(/default-src 'none'.*form-action 'self'; frame-ancestors 'none'$/);
    expect(out.body).not.toMatch(/<script/i);
  });

  it('stores a valid question after the minimum fill time and shows it back escaped; the log outcome carries no text', async () => {
    const { deps, stored, advance } = world();
    const token = tokenFrom((await questionFormRequest({ method: 'GET', incidentId, sourceIp: '1.2.3.4' }, deps)).body);
    advance(MIN_FILL_MS);
    const question = '<script>alert(1)</script> is my card safe?';
    const out = await questionFormRequest({ method: 'POST', incidentId, sourceIp: '1.2.3.4', body: post({ locale: 'en', token, question, email: 'ann@example.com', website: '' }) }, deps);
    expect(out.status).toBe(200);
    expect(out.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; is my card safe?');
    expect(out.body).not.toContain('<script>');
    expect(out.outcome).toBe('stored');
    expect(stored).toEqual([expect.objectContaining({ incidentId, locale: 'en', text: question, email: 'ann@example.com', status: 'OPEN' })]);
  });

  it.each([
    ['the honeypot filled', { website: 'http://spam.example' }, 0, 'honeypot'],
    ['sent too fast', {}, MIN_FILL_MS - 1000, 'token-too-fast'],
    ['a question too short', { question: 'hi' }, MIN_FILL_MS, 'invalid'],
    ['a question too long', { question: 'x'.repeat(2001) }, MIN_FILL_MS, 'invalid'],
    ['a bad address', { email: 'not-an-address' }, MIN_FILL_MS, 'invalid'],
    ['an unknown locale', { locale: 'fr' }, MIN_FILL_MS, 'invalid'],
  ])('refuses %s with 400 and stores nothing', async (_, over, wait, outcome) => {
    const { deps, stored, advance } = world();
    const token = tokenFrom((await questionFormRequest({ method: 'GET', incidentId, sourceIp: '1.2.3.4' }, deps)).body);
    advance(wait || MIN_FILL_MS);
    const out = await questionFormRequest({ method: 'POST', incidentId, sourceIp: '1.2.3.4', body: post({ locale: 'en', token, question: 'Is my card safe?', ...over }) }, deps);
    expect([out.status, out.outcome]).toEqual([400, outcome]);
    expect(stored).toEqual([]);
  });

  it('answers 429 past the per-client limit; 410 for a closed incident; 404 for an unknown one', async () => {
    const { deps, advance } = world();
    const token = tokenFrom((await questionFormRequest({ method: 'GET', incidentId, sourceIp: '1.2.3.4' }, deps)).body);
    advance(MIN_FILL_MS);
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await questionFormRequest({ method: 'POST', incidentId, sourceIp: '1.2.3.4', body: post({ locale: 'en', token, question: `Question ${i}?` }) }, deps)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await questionFormRequest({ method: 'GET', incidentId, sourceIp: '1.2.3.4' }, world('CLOSED').deps)).status).toBe(410);
    expect((await questionFormRequest({ method: 'GET', incidentId: 'inc-20261120-ffffffffffff', sourceIp: '1.2.3.4' }, deps)).status).toBe(404);
  });
});
