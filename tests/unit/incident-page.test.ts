import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildIncidentPage,
  incidentPageJson,
  INCIDENT_PAGE_SECURITY_HEADERS,
  renderIncidentPageHtml,
  type IncidentPageSource,
} from '../../functions/domain/incident-page.js';
import type { Notice } from '../../functions/domain/incident.js';
import type { ConfirmedAction } from '../../functions/domain/facts.js';
import { draftingTexts, supportedLocales, type Locale } from '../../functions/domain/locales.js';
import { dataCategories } from '../../functions/domain/locales/catalogue.js';
import { draftNotice, type CompanyProfile } from '../../functions/domain/notice.js';
import { DEFAULT_REMEDY_RULES } from '../../functions/domain/remedies.js';
import { publishIncidentPage, type PublishIncidentPageDeps } from '../../functions/steps/publish-incident-page.js';
import { FakeClock, FakeIncidents, FakeNotices } from '../support/fakes.js';
import { noticeRecord } from '../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const firstSeenAt = '2026-11-20T08:00:00.000Z';
const HOSTILE = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;
const impact = {
  affectedCustomers: 12,
  byDataCategory: { email: 12, password: 3 },
  byJurisdiction: { GB: 12 },
  byLocale: { en: 12 },
  byChannel: { email: 12 },
};
const company = (name = 'Example Co.'): CompanyProfile => ({ name, contact: 'help@example.com', incidentPageUrl: 'https://status.example.com/security' });
const locales: Locale[] = ['en', 'zh-CN'];

/** A sent notice of the incident, drafted by the real drafter from `facts` in every locale. */
function sent(
  kind: Notice['kind'],
  sequence: number,
  facts: { whatHappened?: string; cause?: string; measures?: string[]; advice?: string[]; remedies?: string[] } = {},
  name?: string,
): Notice {
  const content = Object.fromEntries(
    locales.map((l) => [
      l,
      draftNotice(
        {
          kind,
          sequence,
          incident: { incidentId, source: 'guardduty', firstSeenAt, impact },
          facts: { measures: [], advice: [], remedies: [], ...facts },
          company: company(name),
          nextUpdateAt: kind === 'closing' ? null : `2026-11-${20 + sequence}T08:00:00.000Z`,
        },
        l,
      ),
    ]),
  );
  const at = `2026-11-${19 + sequence}T12:00:00.000Z`;
  return {
    ...noticeRecord({ incidentId, noticeId: `${kind}-${sequence}`, kind, sequence, status: 'SENT', content, createdAt: at, promisedNextUpdateAt: at }),
    sentAt: at,
  };
}

const source = (notices: Notice[], over: Partial<IncidentPageSource> = {}): IncidentPageSource => ({
  incidentId,
  companyName: 'Example Co.',
  pagesBaseUrl: 'https://pages.example.com',
  notices,
  faq: [],
  locales,
  now: new Date('2026-11-22T09:00:00Z'),
  ...over,
});

describe('the incident page', () => {
  it('shows the first notice as the statement, each sent update in order with its date, advice, remedies, FAQ, contacts and the next update', () => {
    // Prepare
    const notices = [
      sent('first-notice', 1, { measures: ['We closed the bucket.'], remedies: ['Free credit monitoring for a year.'] }),
      sent('update', 2, { measures: ['We closed the bucket.', 'We rotated every key.'], remedies: ['Free credit monitoring for a year.'] }),
      { ...sent('update', 3), status: 'APPROVED' as const },
    ];
    // Act
    const page = buildIncidentPage(source(notices, { faq: [{ question: 'Is my card safe?', answer: 'Yes.' }] }), 'en');
    const html = renderIncidentPageHtml(page);
    // Assess
    expect(page.statement.headline).toBe('Example Co. is informing its customers and the public about a security incident that involved customer information.');
    expect(page.updates.map((u) => u.heading)).toEqual(['Update 1 (21 November)']);
    expect(page.updates[0]!.changes.join(' ')).toContain('We rotated every key.');
    expect(page.remedies).toEqual(['Free credit monitoring for a year.']);
    expect(page.customerSteps.join(' ')).toContain('password');
    expect(page.nextUpdateAt).toBe('2026-11-22T08:00:00.000Z');
    expect(page.pageUrl).toBe(`https://pages.example.com/${incidentId}/en.html`);
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    for (const text of ['Is my card safe?', 'Free credit monitoring for a year.', 'help@example.com', 'Next update by']) expect(html).toContain(text);
    // The update approved but not sent is not shown.
    expect(page.updates).toHaveLength(1);
  });

  it('speaks to the public in every locale, for 1 customer as for 10,000: no second person, every consequence, every published offer', () => {
    // What addresses a reader in each language (its sample beside its snapshot); the page says none of it (the team's own sentences aside, none given here).
    const secondPerson = (locale: Locale) =>
      new RegExp(
        (JSON.parse(readFileSync(new URL(`../fixtures/notices/${locale}.json`, import.meta.url), 'utf8')) as { wording: { secondPerson: string } }).wording
          .secondPerson,
        'iu',
      );
    const problems: string[] = [];
    for (const customers of [1, 10_000])
      for (const confirmed of [[], ['passwords-reset', 'api-keys-disabled', 'cards-replaced']] as ConfirmedAction[][]) {
        const wide = { ...impact, affectedCustomers: customers, byDataCategory: Object.fromEntries(dataCategories.map((c) => [c, 1])) };
        const notice = (kind: Notice['kind'], sequence: number): Notice => {
          const content = Object.fromEntries(
            supportedLocales.map((l) => [
              l,
              draftNotice(
                {
                  kind,
                  sequence,
                  incident: { incidentId, source: customers === 1 ? 'manual' : 'guardduty', firstSeenAt, impact: wide },
                  facts: { measures: [], advice: [], remedies: [], confirmedActions: confirmed },
                  previousFacts: kind === 'first-notice' ? undefined : { measures: [], advice: [], remedies: [] },
                  company: company(),
                  nextUpdateAt: kind === 'closing' ? null : `2026-11-${20 + sequence}T08:00:00.000Z`,
                  remedies: { rules: DEFAULT_REMEDY_RULES, severity: 'CRITICAL', offeredAt: firstSeenAt },
                },
                l,
              ),
            ]),
          );
          const at = `2026-11-${19 + sequence}T12:00:00.000Z`;
          return {
            ...noticeRecord({ incidentId, noticeId: `${kind}-${sequence}`, kind, sequence, status: 'SENT', content, createdAt: at, promisedNextUpdateAt: at }),
            sentAt: at,
          };
        };
        for (const notices of [[notice('first-notice', 1)], [notice('first-notice', 1), notice('update', 2), notice('closing', 3)]])
          for (const locale of supportedLocales) {
            const page = buildIncidentPage(source(notices, { locales: supportedLocales }), locale);
            const text = renderIncidentPageHtml(page)
              .slice(renderIncidentPageHtml(page).indexOf('<body>'))
              .replace(/<[^>]+>/g, '\n');
            const what = `${locale}, ${customers} customers, ${notices.length} notices, confirmed [${confirmed.join(',')}]`;
            for (const line of text.split('\n').filter((l) => secondPerson(locale).test(l))) problems.push(`${what}: second person in: ${line}`);
            for (const category of dataCategories)
              if (!page.statement.consequences.includes(draftingTexts[locale].consequences[category])) problems.push(`${what}: no consequence for ${category}`);
            // Every offer the last notice made is published: the actions only once the team confirmed them.
            const offers = notices.at(-1)!.content[locale]!.remedyOffers ?? [];
            expect(offers.length, what).toBe(confirmed.length === 0 ? 2 : 5);
            if (page.remedies.length !== offers.length) problems.push(`${what}: ${page.remedies.length} offers published of ${offers.length}`);
          }
      }
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('in Chinese: lang zh-CN, the Chinese wording, links to the other languages', () => {
    const page = buildIncidentPage(source([sent('first-notice', 1)]), 'zh-CN');
    const html = renderIncidentPageHtml(page);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('我们的声明');
    expect(page.otherLocales).toEqual([{ locale: 'en', url: `https://pages.example.com/${incidentId}/en.html` }]);
  });

  it('escapes hostile text in every field (facts, company name, FAQ, URLs); the HTML holds no script, handler or remote content', () => {
    // Prepare: every free text the page shows carries the same hostile string.
    const notices = [
      sent('first-notice', 1, { whatHappened: HOSTILE, cause: HOSTILE, measures: [HOSTILE], advice: [HOSTILE], remedies: [HOSTILE] }, '<b>"&'),
      sent('update', 2, { whatHappened: HOSTILE, cause: HOSTILE, measures: [HOSTILE, `${HOSTILE} 2`], advice: [HOSTILE], remedies: [HOSTILE] }, '<b>"&'),
    ];
    const page = buildIncidentPage(
      source(notices, { companyName: HOSTILE, faq: [{ question: HOSTILE, answer: HOSTILE }], questionFormUrl: () => `javascript:"><script>x</script>` }),
      'en',
    );
    // Act
    const html = renderIncidentPageHtml(page);
    // Assess
    expect(html).not.toMatch(/<(script|img|b|iframe|object)\b|javascript:/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/&lt;img src=x onerror=alert\(2\)&gt;&quot;&#39;&amp;/g)!.length).toBeGreaterThanOrEqual(8);
    // Every attribute value is quoted and escaped: no attribute breaks out.
    expect(html).not.toMatch(/href="[^"]*"[^ >]/);
    expect(JSON.parse(incidentPageJson(page)).faq).toEqual([{ question: HOSTILE, answer: HOSTILE }]);
  });

  it('carries no customer data: no greeting, no name stand-in, no per-customer data sentence, no placeholder', () => {
    const page = buildIncidentPage(source([sent('first-notice', 1)]), 'en');
    const json = incidentPageJson(page);
    const html = renderIncidentPageHtml(page);
    for (const out of [json, html]) {
      expect(out).not.toContain('[customer name]');
      expect(out).not.toContain('[the data of theirs involved]');
      expect(out).not.toMatch(/\{(customerName|affectedData|firstSeenAt|nextUpdateAt|firstSeenDay)\}/);
      expect(out).not.toContain('Dear');
    }
  });

  it('has a strict CSP: nothing by default, one hashed style block, no script source, no framing', () => {
    const csp = INCIDENT_PAGE_SECURITY_HEADERS['content-security-policy'];
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(csp).not.toContain('unsafe');
    const html = renderIncidentPageHtml(buildIncidentPage(source([sent('first-notice', 1)]), 'en'));
    // The style block is the one the hash allows.
    const style = /<style>(.*?)<\/style>/.exec(html)![1]!;
    const hash = (csp.match(/'sha256-([^']+)'/) ?? [])[1];
    expect(Buffer.from(hash!, 'base64').equals(require('node:crypto').createHash('sha256').update(style).digest())).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`.replace(/'/g, '&#39;'));
  });

  it('a closed incident says so and promises no update; it offers no question form', () => {
    const page = buildIncidentPage(source([sent('first-notice', 1), sent('closing', 2)], { questionFormUrl: () => 'https://api.example.com/q' }), 'en');
    expect(page.closed).toBe(true);
    expect(page.nextUpdateAt).toBeNull();
    expect(page.questionFormUrl).toBeUndefined();
    expect(renderIncidentPageHtml(page)).toContain('This incident is closed.');
  });
});

describe('publishIncidentPage', () => {
  function world() {
    const clock = new FakeClock(Date.parse('2026-11-22T09:00:00Z'));
    const incidents = new FakeIncidents(clock);
    const notices = new FakeNotices();
    const objects = new Map<string, { body: string; type: string }>();
    const published: { topic: string; subject: string; message: string; attributes?: Record<string, string> }[] = [];
    const claims = new Set<string>();
    let failPublish = false;
    const deps: PublishIncidentPageDeps = {
      incidents,
      notices,
      clock,
      locales,
      companyName: 'Example Co.',
      pagesBaseUrl: 'https://pages.example.com',
      publicChannelsTopicArn: 'arn:aws:sns:us-east-1:0:public',
      records: {
        listFaq: async () => [],
        claimAnnouncement: async (i, n, l) => !claims.has(`${i}/${n}/${l}`) && Boolean(claims.add(`${i}/${n}/${l}`)),
        releaseAnnouncement: async (i, n, l) => void claims.delete(`${i}/${n}/${l}`),
      },
      pages: { put: async (key, body, type) => void objects.set(key, { body, type }) },
      messaging: {
        publish: async (topic, subject, message, attributes) => {
          if (failPublish) throw new Error('SNS down');
          published.push({ topic, subject, message, attributes });
          return 'm';
        },
      },
    };
    return { deps, notices, objects, published, fail: (v: boolean) => (failPublish = v) };
  }

  it('writes HTML and JSON per locale and announces each locale once, with the page summary and its attributes, however often it runs', async () => {
    // Prepare
    const w = world();
    await w.notices.createNotice(sent('first-notice', 1));
    // Act
    await publishIncidentPage({ incidentId, noticeId: 'first-notice-1' }, w.deps);
    await publishIncidentPage({ incidentId, noticeId: 'first-notice-1' }, w.deps);
    // Assess
    expect([...w.objects.keys()].sort()).toEqual([`${incidentId}/en.html`, `${incidentId}/en.json`, `${incidentId}/zh-CN.html`, `${incidentId}/zh-CN.json`]);
    expect(w.objects.get(`${incidentId}/en.html`)!.type).toBe('text/html; charset=utf-8');
    expect(w.published).toHaveLength(2);
    const en = w.published.find((p) => p.attributes?.locale === 'en')!;
    expect(en.attributes).toEqual({ incidentId, noticeId: 'first-notice-1', locale: 'en', pageUrl: `https://pages.example.com/${incidentId}/en.html` });
    expect(en.message).toBe(JSON.parse(w.objects.get(`${incidentId}/en.json`)!.body).summary);
  });

  it('a failed announcement is announced by the retry, and only then', async () => {
    const w = world();
    await w.notices.createNotice(sent('first-notice', 1));
    w.fail(true);
    await expect(publishIncidentPage({ incidentId, noticeId: 'first-notice-1' }, w.deps)).rejects.toThrow('SNS down');
    w.fail(false);
    await publishIncidentPage({ incidentId, noticeId: 'first-notice-1' }, w.deps);
    expect(w.published.map((p) => p.attributes?.locale).sort()).toEqual(['en', 'zh-CN']);
  });

  it("a drill's page is written but never announced to the public channels", async () => {
    // Prepare
    const w = world();
    await w.notices.createNotice({ ...sent('first-notice', 1), drill: true });
    // Act
    await publishIncidentPage({ incidentId, noticeId: 'first-notice-1' }, w.deps);
    // Assess
    expect(w.objects.has(`${incidentId}/en.html`)).toBe(true);
    expect(w.published).toEqual([]);
  });

  it('a notice not sent is not announced', async () => {
    const w = world();
    await w.notices.createNotice(sent('first-notice', 1));
    await w.notices.createNotice({ ...sent('update', 2), status: 'APPROVED' });
    await publishIncidentPage({ incidentId, noticeId: 'update-2' }, w.deps);
    expect(w.published).toEqual([]);
  });
});
