import { describe, expect, it } from 'vitest';
import { cachedFormKeys, KEY_CACHE_MS, KEY_REFRESH_FLOOR_MS } from '../../functions/adapters/secret-key.js';
import type { Incident } from '../../functions/domain/incident.js';
import {
  checkFormToken,
  clientKey,
  clientNetwork,
  FORM_LIFETIME_MS,
  FORM_LIMITS,
  FormTokenUsedError,
  issueFormToken,
  MIN_FILL_MS,
  type CustomerQuestion,
  type FormKeys,
  type FormLimits,
} from '../../functions/domain/question-form.js';
import { questionFormRequest, type QuestionFormDeps } from '../../functions/http/question-form.js';

const incidentId = 'inc-20261120-0123456789ab';
const KEYS: FormKeys = { current: { version: 'v2', key: 'k'.repeat(48) }, previous: { version: 'v1', key: 'p'.repeat(48) } };
// Relative to now: nothing here depends on the day the test runs.
const t0 = Date.now();

function world(options: { status?: Incident['status']; limits?: FormLimits; keys?: FormKeys } = {}) {
  let now = t0;
  const stored: CustomerQuestion[] = [];
  const usedTokens = new Set<string>();
  const counts = new Map<string, number>();
  // What the secret holds, and what this instance read of it (read again only on refresh).
  let keys = options.keys ?? KEYS;
  let held = keys;
  let refreshes = 0;
  const deps: QuestionFormDeps = {
    questions: {
      incidentStatus: async (id) => (id === incidentId ? (options.status ?? 'OPEN') : undefined),
      formTokenUsed: async (nonce) => usedTokens.has(nonce),
      putQuestion: async (q, token) => {
        if (usedTokens.has(token.nonce)) throw new FormTokenUsedError('used');
        usedTokens.add(token.nonce);
        stored.push(q);
      },
    },
    limiter: {
      place: async (scope, key, limit) => {
        const n = (counts.get(`${scope}/${key}`) ?? 0) + 1;
        if (n > limit) return undefined;
        counts.set(`${scope}/${key}`, n);
        return n;
      },
    },
    formKeys: { get: async () => held, refresh: async () => (refreshes++, (held = keys)) },
    limits: options.limits ?? FORM_LIMITS,
    clock: { now: () => new Date(now) },
    locales: ['en', 'zh-CN'],
    pageUrl: (id, l) => `https://pages.example/${id}/${l}.html`,
  };
  return {
    deps,
    stored,
    counts,
    advance: (ms: number) => (now += ms),
    rotateTo: (next: FormKeys) => (keys = next),
    refreshes: () => refreshes,
  };
}

const tokenFrom = (html: string) => /name="token" value="([^"]+)"/.exec(html)![1]!;
const post = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
type World = ReturnType<typeof world>;
const getToken = async (w: World, sourceIp = '192.0.2.1') => tokenFrom((await questionFormRequest({ method: 'GET', incidentId, sourceIp }, w.deps)).body);
const ask = (w: World, token: string, sourceIp: string, question = 'Is my card safe?') =>
  questionFormRequest({ method: 'POST', incidentId, sourceIp, body: post({ locale: 'en', token, question }) }, w.deps);

describe('the form token', () => {
  it("binds the incident and refuses forged, too fast, expired and other incidents' tokens", () => {
    const token = issueFormToken(KEYS, incidentId, 'en', new Date(t0));
    expect(checkFormToken(KEYS, token, incidentId, new Date(t0 + MIN_FILL_MS))).toMatchObject({ token: { expiresAt: new Date(t0 + FORM_LIFETIME_MS) } });
    expect(checkFormToken(KEYS, token, incidentId, new Date(t0 + MIN_FILL_MS - 1))).toEqual({ problem: 'too-fast' });
    expect(checkFormToken(KEYS, token, incidentId, new Date(t0 + FORM_LIFETIME_MS + 1))).toEqual({ problem: 'expired' });
    expect(checkFormToken(KEYS, token, 'inc-20261120-ffffffffffff', new Date(t0 + MIN_FILL_MS))).toEqual({ problem: 'wrong-incident' });
    expect(checkFormToken({ current: { version: 'v2', key: 'x'.repeat(48) } }, token, incidentId, new Date(t0 + MIN_FILL_MS))).toEqual({ problem: 'forged' });
    const [body, mac] = token.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), t: t0 - 10_000 })).toString('base64url');
    expect(checkFormToken(KEYS, `${tampered}.${mac}`, incidentId, new Date(t0))).toEqual({ problem: 'forged' });
  });

  it('carries a nonce of its own each time it is served', () => {
    const nonces = Array.from({ length: 50 }, () => {
      const checked = checkFormToken(KEYS, issueFormToken(KEYS, incidentId, 'en', new Date(t0)), incidentId, new Date(t0 + MIN_FILL_MS));
      return 'token' in checked ? checked.token.nonce : undefined;
    });
    expect(new Set(nonces).size).toBe(50);
    expect(nonces.every((n) => n !== undefined)).toBe(true);
  });

  it('is signed with the current key version; one signed with the previous version is still good, an older one is not', () => {
    const rotated: FormKeys = { current: { version: 'v3', key: 'n'.repeat(48) }, previous: KEYS.current };
    const signedWithV2 = issueFormToken(KEYS, incidentId, 'en', new Date(t0));
    const signedWithV1 = issueFormToken({ current: KEYS.previous! }, incidentId, 'en', new Date(t0));
    const later = new Date(t0 + MIN_FILL_MS);
    expect(checkFormToken(rotated, signedWithV2, incidentId, later)).toHaveProperty('token');
    expect(checkFormToken(rotated, signedWithV1, incidentId, later)).toEqual({ problem: 'unknown-key' });
    // A token naming v3 but signed with another key is forged, not accepted under v3.
    const [body] = issueFormToken({ current: { version: 'v3', key: 'z'.repeat(48) } }, incidentId, 'en', new Date(t0)).split('.');
    expect(checkFormToken(rotated, `${body}.${signedWithV2.split('.')[1]}`, incidentId, later)).toEqual({ problem: 'forged' });
  });
});

describe('the client key', () => {
  it('is a keyed hash: another key gives another value, so no table of all 2^32 IPv4 hashes recovers an address', () => {
    const a = clientKey('k'.repeat(48), '198.51.100.7');
    expect(a).not.toContain('198');
    expect(clientKey('k'.repeat(48), '198.51.100.7')).toBe(a);
    expect(clientKey('j'.repeat(48), '198.51.100.7')).not.toBe(a);
    expect(clientKey('k'.repeat(48), '198.51.100.8')).not.toBe(a);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as the IPv4 address', () => {
    expect(clientNetwork('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1');
    expect(clientNetwork('2001:DB8::1')).toBe('2001:db8:0:0');
    expect(clientNetwork('2001:db8:0001:0002:3:4:5:6')).toBe('2001:db8:1:2');
    expect(clientNetwork('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('k'.repeat(48), '2001:db8:0:1::1')).toBe(clientKey('k'.repeat(48), '2001:db8:0:1:ffff:ffff:ffff:ffff'));
  });
});

describe('the form keys from the secret', () => {
  function source() {
    let now = t0;
    let stages: Record<string, FormKeys['current'] | undefined> = { AWSCURRENT: KEYS.previous, AWSPREVIOUS: undefined };
    let reads = 0;
    let failing = false;
    const keys = cachedFormKeys(
      async (stage) => {
        reads += 1;
        if (failing) throw new Error('Secrets Manager down');
        return stages[stage];
      },
      { now: () => new Date(now) },
    );
    return {
      keys,
      advance: (ms: number) => (now += ms),
      rotate: (next: FormKeys['current']) => (stages = { AWSCURRENT: next, AWSPREVIOUS: stages.AWSCURRENT }),
      reads: () => reads,
      fail: (on: boolean) => (failing = on),
    };
  }

  it('are read once per KEY_CACHE_MS, so a rotation reaches every instance within it, and the previous version comes along', async () => {
    const s = source();
    expect(await s.keys.get()).toEqual({ current: KEYS.previous });
    s.rotate(KEYS.current);
    s.advance(KEY_CACHE_MS - 1);
    expect((await s.keys.get()).current.version).toBe('v1');
    expect(s.reads()).toBe(2);
    s.advance(1);
    expect(await s.keys.get()).toEqual({ current: KEYS.current, previous: KEYS.previous });
    expect(s.reads()).toBe(4);
  });

  it('are read again on refresh at most once per KEY_REFRESH_FLOOR_MS; a failed read is not kept', async () => {
    const s = source();
    await s.keys.get();
    s.rotate(KEYS.current);
    expect((await s.keys.refresh()).current.version).toBe('v1');
    s.advance(KEY_REFRESH_FLOOR_MS);
    expect((await s.keys.refresh()).current.version).toBe('v2');
    s.advance(KEY_CACHE_MS);
    s.fail(true);
    await expect(s.keys.get()).rejects.toThrow('Secrets Manager down');
    s.fail(false);
    expect((await s.keys.get()).current.version).toBe('v2');
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

  it('stores a valid question after the minimum fill time and shows it back escaped; the log outcome carries no text and no address', async () => {
    const w = world();
    const token = await getToken(w, '1.2.3.4');
    w.advance(MIN_FILL_MS);
    const question = '<script>alert(1)</script> is my card safe?';
    const out = await questionFormRequest(
      { method: 'POST', incidentId, sourceIp: '1.2.3.4', body: post({ locale: 'en', token, question, email: 'ann@example.com', website: '' }) },
      w.deps,
    );
    expect(out.status).toBe(200);
    expect(out.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; is my card safe?');
    expect(out.body).not.toContain('<script>');
    expect([out.outcome, out.client]).toEqual(['stored', clientKey(KEYS.current.key, '1.2.3.4')]);
    expect(w.stored).toEqual([expect.objectContaining({ incidentId, locale: 'en', text: question, email: 'ann@example.com', status: 'OPEN' })]);
    expect([...w.counts.keys()].join()).not.toContain('1.2.3.4');
  });

  it.each([
    ['the honeypot filled', { website: 'http://spam.example' }, 0, 'honeypot'],
    ['sent too fast', {}, MIN_FILL_MS - 1000, 'token-too-fast'],
    ['a question too short', { question: 'hi' }, MIN_FILL_MS, 'invalid'],
    ['a question too long', { question: 'x'.repeat(2001) }, MIN_FILL_MS, 'invalid'],
    ['a bad address', { email: 'not-an-address' }, MIN_FILL_MS, 'invalid'],
    ['an unknown locale', { locale: 'fr' }, MIN_FILL_MS, 'invalid'],
  ])('refuses %s with 400 and stores nothing', async (_, over, wait, outcome) => {
    const w = world();
    const token = await getToken(w);
    w.advance(wait || MIN_FILL_MS);
    const out = await questionFormRequest(
      { method: 'POST', incidentId, sourceIp: '1.2.3.4', body: post({ locale: 'en', token, question: 'Is my card safe?', ...over }) },
      w.deps,
    );
    expect([out.status, out.outcome]).toEqual([400, outcome]);
    expect(w.stored).toEqual([]);
  });

  it('takes one question per served form: the same token again is 409 and counts nothing', async () => {
    const w = world();
    const token = await getToken(w);
    w.advance(MIN_FILL_MS);
    const first = await ask(w, token, '192.0.2.1');
    const again = await ask(w, token, '192.0.2.1');
    const elsewhere = await ask(w, token, '203.0.113.9');
    expect([first.status, again.status, elsewhere.status]).toEqual([200, 409, 409]);
    expect(again.body).toContain('This form was already sent');
    expect(w.stored).toHaveLength(1);
    expect([...w.counts.values()].reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('answers 429 past the per-client limit; 410 for a closed incident; 404 for an unknown one', async () => {
    const w = world();
    const tokens = await Promise.all(Array.from({ length: 6 }, () => getToken(w)));
    w.advance(MIN_FILL_MS);
    const statuses = [];
    for (const [i, token] of tokens.entries()) statuses.push((await ask(w, token, '1.2.3.4', `Question ${i}?`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await ask(w, tokens[5]!, '1.2.3.5')).status).toBe(200);
    expect((await questionFormRequest({ method: 'GET', incidentId, sourceIp: '1.2.3.4' }, world({ status: 'CLOSED' }).deps)).status).toBe(410);
    expect((await questionFormRequest({ method: 'GET', incidentId: 'inc-20261120-ffffffffffff', sourceIp: '1.2.3.4' }, w.deps)).status).toBe(404);
  });

  it("spends the incident's shared budget on repeat questions only: a flood from many addresses leaves a first question open to anyone, up to the first-question ceiling", async () => {
    // Prepare: small limits, the same rules.
    const w = world({ limits: { windowSeconds: 600, perClient: 3, repeatQuestionsPerIncident: 4, firstQuestionsPerIncident: 7 } });
    const flooders = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'];
    const tokens = await Promise.all(Array.from({ length: 20 }, () => getToken(w)));
    w.advance(MIN_FILL_MS);
    // Act: each flooder asks three times (its own allowance): four first questions, eight repeats.
    const flood = [];
    for (const [i, ip] of flooders.flatMap((f) => [f, f, f]).entries()) flood.push((await ask(w, tokens[i]!, ip)).status);
    const genuine = await ask(w, tokens[12]!, '203.0.113.50');
    const genuineAgain = await ask(w, tokens[13]!, '203.0.113.50');
    const newcomers = [];
    for (const [i, ip] of ['203.0.113.51', '203.0.113.52', '203.0.113.53'].entries()) newcomers.push((await ask(w, tokens[14 + i]!, ip)).status);
    // Assess: the repeat budget took four of the eight repeats; a new asker still gets in, a repeat does not.
    expect(flood.filter((s) => s === 200)).toHaveLength(4 + 4);
    expect(flood.filter((s) => s === 429)).toHaveLength(4);
    expect([genuine.status, genuineAgain.status]).toEqual([200, 429]);
    // Seven first questions in the window at most: the sixth and seventh newcomers get in, the eighth does not.
    expect(newcomers).toEqual([200, 200, 429]);
    expect(w.stored).toHaveLength(4 + 4 + 1 + 2);
  });

  it('accepts a token another instance signed with a key version this one has not read yet, after reading the keys again', async () => {
    const w = world({ keys: { current: KEYS.previous! } });
    const fromNewerInstance = issueFormToken(KEYS, incidentId, 'en', new Date(t0));
    w.advance(MIN_FILL_MS);
    w.rotateTo(KEYS);
    expect((await ask(w, fromNewerInstance, '192.0.2.1')).status).toBe(200);
    expect(w.refreshes()).toBe(1);
    // A version no source holds is refused as an expired form (reload), after one more bounded read.
    const unknown = issueFormToken({ current: { version: 'v9', key: 'q'.repeat(48) } }, incidentId, 'en', new Date(t0));
    const out = await ask(w, unknown, '192.0.2.2');
    expect([out.status, out.outcome]).toEqual([400, 'token-unknown-key']);
    expect(out.body).toContain('The form has expired');
  });
});
