import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { say, type TextKey } from '../../functions/domain/approval-text.js';
import { allEmailTemplates, templateName } from '../../functions/domain/email-templates.js';
import { alarmSources } from '../../functions/domain/incident.js';
import { catalogues, supportedLocales, type Locale } from '../../functions/domain/locales.js';
import { dataCategories } from '../../functions/domain/locales/catalogue.js';
import { draftNotice, type DraftInput, type NoticeKind } from '../../functions/domain/notice.js';
import { noticePreviewHtml, noticePreviewText } from '../../functions/domain/preview.js';
import { localesEnv } from '../../functions/shared/config.js';
import { approvalEmail } from '../../functions/steps/wait-for-approval.js';
import { functionEnvironment, parseAppConfig } from '../../infra/config.js';

const handlebars = Handlebars.create();

const others = supportedLocales.filter((l) => l !== 'en');
// The directory refuses a customer without data categories, so every spread names at least one.
const spreads: string[][] = [['email'], ['name', 'password'], ['payment_card', 'transaction_history'], ['api_keys', 'crypto_assets'], [...dataCategories]];
const company = { name: 'Acme Bank', contact: 'help@acme.example', incidentPageUrl: 'https://status.acme.example/incident' };

const draft = (kind: NoticeKind, categories: string[], customers: number, locale: Locale) => {
  const input: DraftInput = {
    kind,
    sequence: kind === 'first-notice' ? 1 : 3,
    incident: {
      incidentId: 'inc-20261120-0123456789ab',
      source: alarmSources[categories.length % alarmSources.length]!,
      firstSeenAt: '2026-11-20T08:10:00Z',
      impact: {
        affectedCustomers: customers,
        byDataCategory: Object.fromEntries(categories.map((c) => [c, 1])),
        byJurisdiction: {},
        byLocale: {},
        byChannel: {},
      },
    },
    facts: { measures: [], advice: [], remedies: [] },
    previousFacts: kind === 'first-notice' ? undefined : { measures: [], advice: [], remedies: [] },
    company,
    nextUpdateAt: kind === 'closing' ? null : '2026-11-27T13:00:00Z',
  };
  return draftNotice(input, locale);
};

/**
 * What staff read, per locale: the approval preview of each notice kind (the customers' own copies
 * are checked in notice-rendering.test.ts), the final report, approval emails and pages.
 */
function renderedNotices(locale: Locale): { what: string; text: string }[] {
  const out: { what: string; text: string }[] = [];
  for (const kind of ['first-notice', 'update', 'closing'] as const)
    for (const [i, categories] of spreads.entries()) {
      const content = draft(kind, categories, i === 0 ? 1 : 250, locale);
      const ctx = {
        timeZones: ['Asia/Shanghai', 'America/St_Johns', 'UTC', 'Europe/Madrid', 'Asia/Kathmandu', 'Pacific/Kiritimati'].slice(0, i + 1),
        smsRecipients: i * 100,
        ...(i % 2 ? { smsPrice: { perSegment: 0.0075, currency: 'EUR' } } : {}),
      };
      out.push({
        what: `${locale} ${kind} [${categories.join(',')}] preview`,
        text: `${stripTags(noticePreviewHtml(content, locale, ctx))}\n${noticePreviewText(content, locale, ctx)}`,
      });
    }
  const report = allEmailTemplates('bn').find((t) => t.name === templateName('bn', 'final-report', locale))!;
  const lines = {
    deliveryLines: ['first-notice-1 email: sent 3'],
    noticeLines: ['first-notice-1 (SENT)'],
    timelineLines: ['2026-11-20T08:10:00Z notice-drafted'],
  };
  const reportData = { incidentId: 'inc-1', title: 'Access keys exposed', ...lines, html: { incidentId: 'inc-1', ...lines } };
  for (const part of ['subject', 'html', 'text'] as const)
    out.push({ what: `${locale} final report ${part}`, text: stripTags(handlebars.compile(report[part])(reportData)) });
  for (const code of ['123456', null])
    for (const [update, closing] of [
      [null, false],
      [2, false],
      [3, true],
    ] as const) {
      const facts = {
        escalated: update !== null,
        update,
        closing,
        incidentId: 'inc-1',
        title: 'Access keys exposed',
        severity: 'HIGH',
        customers: 250,
        firstSeenAt: '2026-11-20T08:10:00Z',
        expiresAt: '2026-11-20T12:10:00Z',
        url: 'https://approve.example/approvals/x',
        code,
      };
      const mail = approvalEmail(locale, facts, { html: '', text: '' });
      for (const part of ['subject', 'html', 'text'] as const)
        out.push({ what: `${locale} approval email ${part} (code ${code}, update ${update}${closing ? ', closing' : ''})`, text: stripTags(mail[part]) });
    }
  out.push({ what: `${locale} approval sms`, text: catalogues[locale].approvalEmail.sms({ incidentId: 'inc-1', code: '123456' }) });
  const pageParams = {
    left: 3,
    count: 1,
    quorum: 2,
    by: 'ann@acme.example',
    at: '2026-11-20T09:00:00Z',
    digits: 6,
    approver: 'ann@acme.example',
    names: 'ann@acme.example',
    id: 'inc-1',
  };
  for (const key of Object.keys(catalogues.en.approvalPage) as TextKey[])
    out.push({ what: `${locale} page ${key}`, text: stripTags(say(locale, key, pageParams)) });
  return out;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]+>/g, ' ');
}

describe('locale catalogues', () => {
  it('every catalogue has every entry of the English one (the type checker enforces it; this catches casts)', () => {
    // California's title and headings are the statute's English words: only English has them.
    const english = shape(catalogues.en).filter((entry) => !entry.startsWith('.californiaNotice'));
    for (const locale of others) expect(shape(catalogues[locale]), locale).toEqual(english);
  });

  it.each(supportedLocales)('%s: every notice, report, approval email and page renders whole sentences', (locale) => {
    const problems: string[] = [];
    for (const { what, text } of renderedNotices(locale)) {
      if (!text.trim()) problems.push(`${what}: empty`);
      // The preview's stand-ins for a customer's name and data are the only brackets allowed.
      const leftover = /[{}]|\$\{|undefined|null|NaN|\[object /.exec(
        text.replaceAll(catalogues[locale].preview.customerName, '').replaceAll(catalogues[locale].preview.affectedData, ''),
      );
      if (leftover) problems.push(`${what}: leftover ${leftover[0]}`);
      const doubledWord = /(?<![\p{L}\p{N}])(\p{L}{2,})\s+\1(?![\p{L}\p{N}])/iu.exec(text);
      if (doubledWord) problems.push(`${what}: doubled word "${doubledWord[0]}"`);
      const doubledPunctuation = /[.,;:!?。，；：！？、]\s*[.,;:!?。，；：！？、]/u.exec(text);
      if (doubledPunctuation) problems.push(`${what}: doubled punctuation "${doubledPunctuation[0]}" in ${text}`);
    }
    expect(problems).toEqual([]);
  });

  // A language tag and a currency's symbol (US$) are the same in every language.
  const untranslatable = new Set(['language', 'formatMoney']);

  it.each(others)('%s: nothing is left in English', (locale) => {
    const untranslated = leaves(catalogues[locale])
      .filter(([path, text]) => !untranslatable.has(path) && wordsOf(text) !== '' && wordsOf(text) === wordsOf(leafAt(catalogues.en, path)))
      .map(([path, text]) => `${path}: ${text}`);
    expect(untranslated).toEqual([]);
  });

  it('an approver reads the approval email in their language; the code and link stay where tools find them', () => {
    const facts = {
      escalated: true,
      update: 1,
      closing: false,
      incidentId: 'inc-1',
      title: 'Keys exposed',
      severity: 'HIGH',
      customers: 1,
      firstSeenAt: '2026-11-20T08:10:00Z',
      expiresAt: '2026-11-20T12:10:00Z',
      url: 'https://a.example/approvals/x',
      code: '042917',
    };
    const previews = { html: '<h3>en</h3>preview', text: '--- en ---\npreview' };
    const en = approvalEmail('en', facts, previews);
    expect(en.subject).toBe('[Approval needed, escalated] Customer update 1 for incident inc-1');
    expect(en.text).toContain('Confirmation code to type on the page: 042917');
    expect(en.text).toContain('1 customer affected;');
    const es = approvalEmail('es', facts, previews);
    expect(es.subject).toBe('[Aprobación requerida, escalada] Actualización 1 para clientes del incidente inc-1');
    expect(es.text).toContain('1 cliente afectado;');
    expect(es.html).toContain('letter-spacing:.2em">042917</strong>');
    expect(es.text).toContain('--- en ---\npreview');
    expect(approvalEmail('zh-CN', { ...facts, code: null }, previews).text).toContain('请输入我们通过短信发送到您手机的验证码。');
  });

  it('approver locales are a deployment setting that reaches the function environment', () => {
    const context: Record<string, unknown> = {
      'breach-notice:senderAddress': 'notices@acme.example',
      'breach-notice:approverEmails': 'ciso@acme.example,legal@acme.example',
      'breach-notice:backupApproverEmails': 'ceo@acme.example',
      'breach-notice:approverLocales': 'legal@acme.example=es,ceo@acme.example=zh-CN',
    };
    const config = parseAppConfig((key) => context[key]);
    const names = {
      incidentsTable: 'i',
      customersTable: 'c',
      deliveriesTable: 'd',
      idempotencyTable: 'x',
      responseTeamTopicArn: 'arn:t',
      stateMachineArn: 'arn:s',
      approvalBaseUrl: 'https://a.example',
      publicChannelsTopicArn: 'arn:p',
      incidentPagesBucket: 'pages',
      incidentPagesUrl: 'https://pages.example',
    };
    const env = localesEnv.parse(functionEnvironment(config, names));
    expect([...env.APPROVER_LOCALES]).toEqual([
      ['legal@acme.example', 'es'],
      ['ceo@acme.example', 'zh-CN'],
    ]);
    expect(env.REPORT_LOCALE).toBe('en');
    expect(() => parseAppConfig((key) => ({ ...context, 'breach-notice:approverLocales': 'legal@acme.example=de' })[key])).toThrow(
      new RegExp(`approverLocales=.*name@example\\.com=<${supportedLocales.join('\\|')}>`),
    );
    expect(() => parseAppConfig((key) => ({ ...context, 'breach-notice:approverLocales': 'eve@acme.example=es' })[key])).toThrow(/approverLocales=.*approver/);
    expect(() => parseAppConfig((key) => ({ ...context, 'breach-notice:locales': 'en,de' })[key])).toThrow(/locales=/);
  });
});

/** Every entry of a catalogue as a path, functions included. */
function shape(value: unknown, path = ''): string[] {
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => shape(v, `${path}.${k}`));
  return [path];
}

/**
 * Every entry rendered with placeholder values: a function is called with a parameter object whose
 * every value is a marker (names, URLs, ids and numbers are the same in every language), so only
 * the catalogue's own words remain to compare.
 */
function leaves(catalogue: object): [string, string][] {
  return shape(catalogue)
    .map((path) => path.slice(1))
    .map((path) => [path, leafAt(catalogue, path)]);
}

const numbers = new Set(['update', 'customers', 'count', 'segments', 'recipients', 'characters', 'limit', 'version', 'factsVersion']);
const sample = new Proxy({} as Record<string | symbol, unknown>, {
  // A sentence taking a plain string (the answer texts' incident id) is given the object itself: it reads as a marker.
  get: (_, key) =>
    key === Symbol.toPrimitive ? () => '⟦value⟧' : key === 'source' ? 'macie' : numbers.has(String(key)) ? 2 : key === 'escalated' ? true : `⟦${String(key)}⟧`,
});

function leafAt(catalogue: object, path: string): string {
  const value = path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], catalogue);
  if (path === 'formatTime' || path === 'formatDay' || path === 'remedies.formatDeadline')
    return (value as (iso: string, zone: string) => string)('2026-11-20T08:10:00Z', 'Asia/Shanghai');
  if (path === 'formatNumber') return (value as (n: number) => string)(12_500);
  if (path === 'formatMoney') return (value as (n: number, currency: string) => string)(7.5, 'USD');
  if (path === 'formatList') return (value as (items: string[]) => string)(['⟦a⟧', '⟦b⟧', '⟦c⟧']);
  if (path === 'endSentence') return (value as (text: string) => string)('⟦a⟧');
  return typeof value === 'function' ? String(value(sample)) : String(value);
}

/** The words of a sentence, without markers, digits and punctuation. */
function wordsOf(text: string): string {
  return text
    .replace(/⟦[^⟧]*⟧/g, ' ')
    .replace(/[^\p{L}]+/gu, ' ')
    .trim();
}
