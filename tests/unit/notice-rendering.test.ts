import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { allEmailTemplates, noticeTemplateData, recipientTemplateData, templateName } from '../../functions/domain/email-templates.js';
import { confirmedActionKinds, type ConfirmedAction, type NoticeFacts } from '../../functions/domain/facts.js';
import { alarmSources } from '../../functions/domain/incident.js';
import { catalogues, draftingTexts, supportedLocales, type Locale } from '../../functions/domain/locales.js';
import { dataCategories } from '../../functions/domain/locales/catalogue.js';
import {
  draftNotice,
  personaliseNotice,
  SmsTooLongError,
  usesCaliforniaFormat,
  type CompanyProfile,
  type NoticeContent,
  type NoticeKind,
} from '../../functions/domain/notice.js';
import { applicableRules, DEFAULT_REMEDY_RULES, remedyRulesSchema } from '../../functions/domain/remedies.js';
import { smsSegments } from '../../functions/domain/sms-segments.js';
import { readerDateLocale } from '../../functions/domain/local-time.js';
import { resolveTimeZone } from '../../functions/domain/time-zones.js';

/**
 * Every notice a customer can receive, rendered through the real stored templates with the library
 * the SES emulator renders them with (one instance, no escaping, no custom helpers: SES's rules), and
 * checked for the slips a native reader notices at once. Plus one reviewed snapshot per locale.
 */

const hb = Handlebars.create();
const TEMPLATE_PREFIX = 'bn';
const compiled = new Map(
  allEmailTemplates(TEMPLATE_PREFIX).map((t) => [
    t.name,
    { subject: hb.compile(t.subject, { noEscape: true }), html: hb.compile(t.html, { noEscape: true }), text: hb.compile(t.text, { noEscape: true }) },
  ]),
);

const kinds: NoticeKind[] = ['first-notice', 'update', 'closing'];
// Two companies: one ends in an abbreviation's full stop, which sentences must not double.
const companies: CompanyProfile[] = [
  {
    name: 'Acme Bank',
    contact: 'help@acme.example',
    incidentPageUrl: 'https://status.acme.example/incident',
    supportHotline: '+44 20 7946 0000',
    questionFormUrl: 'https://acme.example/security/ask',
  },
  { name: 'Example Co.', contact: 'https://example.com/contact', incidentPageUrl: 'https://status.example.com/security' },
];
const UNKNOWN_CATEGORY = 'loyalty_points';
// Negative, half-hour and quarter-hour offsets, a date line, and UTC itself.
const zones = ['Asia/Shanghai', 'America/St_Johns', 'Asia/Kathmandu', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC', 'Europe/Madrid'];

/**
 * Each locale's sample: the team's facts as a native writer would put them, the customer's name, and
 * who reads the reviewed snapshot. A new locale adds its own file beside its snapshot.
 */
interface LocaleSample {
  customerName: string;
  snapshotReader: { country: string; timeZone?: string };
  facts: { happened: string; first: string; cause: string; more: [string, string]; advice: string; remedy: string; review: string };
  /**
   * Regular expressions (case-insensitive) for what this language's notices must not say: wording
   * addressed to one reader (the public page), conceding liability (a first notice), an open-ended
   * offer or damages where compensation is meant.
   */
  wording: { secondPerson: string; liability: string; openEnded: string };
}
const samples = new Map<Locale, LocaleSample>();

/** Read when a locale's test first needs it, so a locale without its file fails alone, saying what is missing. */
function sample(locale: Locale): LocaleSample {
  const known = samples.get(locale);
  if (known) return known;
  const path = new URL(`../fixtures/notices/${locale}.json`, import.meta.url);
  if (!existsSync(path))
    throw new Error(`${path.pathname} is missing: ${locale}'s sample facts, customer name and snapshot reader (copy another locale's and translate it)`);
  const read = JSON.parse(readFileSync(path, 'utf8')) as LocaleSample;
  samples.set(locale, read);
  return read;
}

/** The team's facts as three successive versions: first notice, update, closing; `confirmed` from the first. */
function factVersions(locale: Locale, confirmed: ConfirmedAction[]): [NoticeFacts, NoticeFacts, NoticeFacts] {
  const f = sample(locale).facts;
  const v1: NoticeFacts = { whatHappened: f.happened, measures: [f.first], advice: [], remedies: [], confirmedActions: confirmed };
  const v2: NoticeFacts = {
    whatHappened: f.happened,
    cause: f.cause,
    measures: [f.first, ...f.more],
    advice: [f.advice],
    remedies: [f.remedy],
    confirmedActions: confirmed,
  };
  return [v1, v2, { ...v2, measures: [...v2.measures, f.review] }];
}
/** What the team may have confirmed: nothing, the password reset alone, the other two, everything. */
const confirmations: ConfirmedAction[][] = [[], ['passwords-reset'], ['api-keys-disabled', 'cards-replaced'], [...confirmedActionKinds]];
/** The default remedy rules, plus every other way of claiming: a URL with and without a deadline, a contact with one, the notice's contacts without one. */
const remedyRules = remedyRulesSchema.parse([
  ...DEFAULT_REMEDY_RULES,
  { id: 'identity-monitoring', offer: 'credit-monitoring', categories: ['date_of_birth'], claim: { url: 'https://acme.example/enrol', deadlineDays: 60 } },
  { id: 'statement', offer: 'reimbursement', categories: ['address'], claim: { url: 'https://acme.example/claims' } },
  { id: 'fraud-desk', offer: 'reimbursement', categories: ['transaction_history'], claim: { contact: 'claims@acme.example', deadlineDays: 30 } },
  { id: 'callback', offer: 'password-reset', categories: ['phone'], claim: {} },
]);
/** Evening in UTC: deadlines fall on different dates east and west. */
const OFFERED_AT = '2026-11-20T20:00:00Z';

interface Rendered {
  subject: string;
  html: string;
  text: string;
  sms: string;
  offers: string[];
}

function draft(
  kind: NoticeKind,
  locale: Locale,
  o: {
    categories: string[];
    company: CompanyProfile;
    filled: boolean;
    customers: number;
    source: (typeof alarmSources)[number];
    confirmed?: ConfirmedAction[];
  },
): NoticeContent {
  const [v1, v2, v3] = factVersions(locale, o.confirmed ?? []);
  const noFacts: NoticeFacts = { measures: [], advice: [], remedies: [], confirmedActions: o.confirmed ?? [] };
  const sequence = { 'first-notice': 1, update: 2, closing: 3 }[kind];
  const current = !o.filled ? noFacts : { 'first-notice': v1, update: v2, closing: v3 }[kind];
  const previous = kind === 'first-notice' ? undefined : !o.filled ? noFacts : kind === 'update' ? v1 : v2;
  return draftNotice(
    {
      kind,
      sequence,
      incident: {
        incidentId: 'inc-20261120-0123456789ab',
        source: o.source,
        firstSeenAt: '2026-11-20T03:12:00Z',
        impact: {
          affectedCustomers: o.customers,
          byDataCategory: Object.fromEntries(o.categories.map((c) => [c, 1])),
          byJurisdiction: {},
          byLocale: {},
          byChannel: {},
        },
      },
      facts: current,
      previousFacts: previous,
      company: o.company,
      nextUpdateAt: kind === 'closing' ? null : '2026-11-27T03:12:00Z',
      remedies: { rules: remedyRules, severity: 'CRITICAL', offeredAt: OFFERED_AT },
    },
    locale,
  );
}

/** What one customer receives: the email as SES renders it from the stored template, and the SMS. */
function render(
  content: NoticeContent,
  locale: Locale,
  reader: { name: string; dataCategories: string[]; timeZone: string; dateLocale?: string; region?: string },
): Rendered {
  const template = compiled.get(templateName(TEMPLATE_PREFIX, content.kind, locale))!;
  const personal = personaliseNotice(content, locale, reader);
  // SES merges each destination's data over the shared data, key by key.
  const data = { ...noticeTemplateData(content), ...recipientTemplateData(personal, { california: usesCaliforniaFormat(reader.region) }) };
  return { subject: template.subject(data), html: template.html(data), text: template.text(data), sms: personal.sms, offers: personal.offers ?? [] };
}

/** The HTML part as a reader sees it: one line per paragraph, heading or item, entities decoded. */
function htmlLines(html: string): string[] {
  const body = html.slice(html.indexOf('<body'));
  return lines(
    body.replace(/<[^>]+>/g, '\n').replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!),
  );
}

function textLines(text: string): string[] {
  return lines(text).map((l) => l.replace(/^- /, ''));
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** English sentence fragments of every customer-facing catalogue entry, for spotting untranslated text. */
const englishFragments: string[] = (() => {
  const en = catalogues.en;
  const marker = new Proxy({} as Record<string, unknown>, {
    get: (_, key) => (key === 'source' ? 'manual' : key === 'customers' || key === 'update' ? 2 : '\u0000'),
  });
  const texts: string[] = [
    ...Object.values(en.dataCategories),
    ...Object.values(en.advice),
    ...Object.values(draftingTexts.en.consequences),
    ...Object.values(en.noticeEmail),
    ...Object.values(en.notice).flatMap((v) =>
      typeof v === 'function' ? [(v as (p: unknown) => string)(marker)] : typeof v === 'string' ? [v] : Object.values(v as Record<string, string>),
    ),
    ...alarmSources.map((source) => en.notice.whatHappened({ when: '\u0000', source, customers: 2 })),
    ...Object.values(en.sms).flatMap((f) => [...(f as (p: unknown) => string[])(marker), ...(f as (p: unknown) => string[])({ ...marker, link: undefined })]),
    ...Object.values(en.remedies.offers),
    en.remedies.sms,
    ...[en.remedies.claimUrl, en.remedies.claimContact, en.remedies.claimUs].flatMap((f) => [
      f(marker as never),
      f({ url: '\u0000', contact: '\u0000' } as never),
    ]),
  ];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the marker given for each parameter, so splitting on it leaves the fixed wording.
  return [...new Set(texts.flatMap((t) => t.split(/\u0000|(?<=[.:!?])\s+/)).map((f) => f.trim()))].filter((f) => (f.match(/[A-Za-z]{2,}/g) ?? []).length >= 2);
})();

/** Latin words a Chinese notice may carry: names, addresses and terms written the same in Chinese. */
const zhLatinAllowed = new Set(['UTC', 'API', 'SMS', ...companies.flatMap((c) => c.name.match(/[A-Za-z]+/g) ?? []), ...UNKNOWN_CATEGORY.split('_')]);

/** The slips a native reader notices; each problem names the line it is in. */
function problemsIn(line: string, locale: Locale): string[] {
  const found: string[] = [];
  const leftover = /[{}[\]]|\$\{|undefined|null|NaN|\[object /.exec(line);
  if (leftover) found.push(`leftover "${leftover[0]}"`);
  const doubledWord = /(?<![\p{L}\p{N}])([\p{L}\p{N}]+)\s+\1(?![\p{L}\p{N}])/iu.exec(line);
  if (doubledWord) found.push(`doubled word "${doubledWord[0]}"`);
  // An abbreviation's full stop may meet a colon or comma ("Example Co.:"); nothing else may meet.
  const doubledPunctuation = /[,;:!?。，；：！？、]\s*[.,;:!?。，；：！？、]|\.\s*[.;!?。，；：！？、]/u.exec(line);
  if (doubledPunctuation) found.push(`doubled punctuation "${doubledPunctuation[0]}"`);
  if (locale === 'zh-CN') {
    const doubledZh = /(\p{Script=Han}{2,})\1|的的|您的您/u.exec(line);
    if (doubledZh) found.push(`doubled "${doubledZh[0]}"`);
    const latin = line
      .replace(/https?:\/\/\S+?(?=[\s，。；）]|$)/gu, ' ')
      .replace(/\S+@[\w.-]+/g, ' ')
      .replace(/inc-\d{8}-[0-9a-f]{12}/g, ' ')
      .match(/[A-Za-z]+/g)
      ?.filter((w) => !zhLatinAllowed.has(w));
    if (latin?.length) found.push(`Latin words ${latin.join(', ')}`);
  }
  if (locale !== 'en') {
    const english = englishFragments.find((f) => line.includes(f));
    if (english) found.push(`English "${english}"`);
  }
  return found;
}

/**
 * Where an email says something nobody confirmed or contradicts itself: an action stated as done
 * that the team did not confirm; advice that undoes a confirmed action (change a password it says
 * was reset, revoke keys it says were disabled, ask the issuer for a card it says is on its way); a
 * category without its consequence sentence; the advice without the line the SMS carries too.
 */
function truthProblems(locale: Locale, text: string, confirmed: readonly ConfirmedAction[], categories: readonly string[]): string[] {
  const c = catalogues[locale];
  const d = draftingTexts[locale];
  const found: string[] = [];
  const statedDone: Record<ConfirmedAction, { sentences: string[]; contradiction: string }> = {
    'passwords-reset': {
      sentences: [c.remedies.offers['password-reset'], d.confirmedAction['passwords-reset']],
      contradiction: c.advice.changePassword,
    },
    'api-keys-disabled': {
      sentences: [c.remedies.offers['api-key-replacement'], d.confirmedAction['api-keys-disabled']],
      contradiction: c.advice.revokeApiKeys,
    },
    'cards-replaced': { sentences: [c.remedies.offers['card-replacement'], d.confirmedAction['cards-replaced']], contradiction: c.advice.cardIssuer },
  };
  for (const action of confirmedActionKinds) {
    const said = statedDone[action].sentences.filter((s) => text.includes(s));
    if (said.length > 0 && !confirmed.includes(action)) found.push(`states ${action} as done without the team's confirmation`);
    if (said.length > 0 && text.includes(statedDone[action].contradiction))
      found.push(`states ${action} as done and advises against it: ${statedDone[action].contradiction}`);
  }
  for (const category of categories)
    if (category in d.consequences && !text.includes(d.consequences[category as keyof typeof d.consequences]))
      found.push(`no consequence sentence for ${category}`);
  if (!text.includes(c.advice.phishing)) found.push('the advice lacks the line that we never text links or ask for codes');
  return found;
}

/** Wording that concedes legal liability, which counsel would strike from a first notice (the locale's sample says which). */
function liabilityProblems(locale: Locale, text: string): string[] {
  const m = new RegExp(sample(locale).wording.liability, 'iu').exec(text);
  return m ? [`concedes liability: "${m[0]}"`] : [];
}

describe('notice rendering matrix', () => {
  it.each(supportedLocales)('%s: every kind x data categories x facts x channel reads clean', (locale) => {
    const subsets: string[][] = Array.from({ length: 2 ** dataCategories.length - 1 }, (_, i) => dataCategories.filter((_, bit) => ((i + 1) >> bit) & 1));
    subsets.push(['email', UNKNOWN_CATEGORY]);
    const checked = new Set<string>();
    const problems: string[] = [];
    let rendered = 0;
    const check = (what: string, text: string) => {
      for (const line of lines(text)) {
        if (checked.has(line)) continue;
        checked.add(line);
        for (const problem of problemsIn(line, locale)) problems.push(`${what}: ${problem} in: ${line}`);
      }
    };
    for (const kind of kinds)
      for (const filled of [false, true])
        for (const [i, categories] of subsets.entries()) {
          const company = companies[i % companies.length]!;
          const confirmed = confirmations[(i >> 1) % confirmations.length]!;
          const content = draft(kind, locale, {
            categories,
            company,
            filled,
            customers: i % 7 === 0 ? 1 : 12_500,
            source: alarmSources[i % alarmSources.length]!,
            confirmed,
          });
          const mail = render(content, locale, { name: sample(locale).customerName, dataCategories: categories, timeZone: zones[i % zones.length]! });
          const what = `${kind} ${filled ? 'with' : 'without'} facts [${categories.join(',')}] confirmed [${confirmed.join(',')}]`;
          // The plain-text part says exactly what the HTML part says, so checking one checks both.
          const text = textLines(mail.text).join('\n');
          if (htmlLines(mail.html).join('\n') !== text) problems.push(`${what}: text and HTML parts differ`);
          check(`${what} subject`, mail.subject);
          check(`${what} email`, text);
          check(`${what} sms`, mail.sms);
          // Each remedy by rule that the customer's own data calls for, each once, in the email; the team's after them.
          const team = filled && kind !== 'first-notice' ? 1 : 0;
          const offered = applicableRules(remedyRules, 'CRITICAL', categories, confirmed).length + team;
          if (mail.offers.length !== offered) problems.push(`${what}: ${mail.offers.length} offers, expected ${offered}`);
          // A customer with only some of the incident's categories gets only the offers those call for.
          const fewer = categories.slice(1);
          const theirs = personaliseNotice(content, locale, { name: sample(locale).customerName, dataCategories: fewer, timeZone: 'UTC' }).offers ?? [];
          if (theirs.length !== applicableRules(remedyRules, 'CRITICAL', fewer, confirmed).length + team)
            problems.push(`${what}: a customer with [${fewer.join(',')}] gets ${theirs.length} offers`);
          for (const line of mail.offers) if (!text.includes(line)) problems.push(`${what}: offer missing from the email: ${line}`);
          // The SMS may say so only to a customer offered something (and only where it costs no segment).
          if (mail.sms.includes(catalogues[locale].remedies.sms) && offered === 0)
            problems.push(`${what}: SMS mentions offers to a customer offered none: ${mail.sms}`);
          for (const problem of truthProblems(locale, text, confirmed, categories)) problems.push(`${what}: ${problem}`);
          if (kind === 'first-notice') for (const problem of liabilityProblems(locale, text)) problems.push(`${what}: ${problem}`);
          // An offer without limits ("any money lost"), or damages (赔偿) where compensation (补偿) is meant.
          const openEnded = new RegExp(sample(locale).wording.openEnded, 'iu').exec(text);
          if (openEnded) problems.push(`${what}: an open-ended promise: "${openEnded[0]}"`);
          // Without a company link the SMS carries none, says we never text links, and fits one segment in every locale.
          if (/https?:|www\.|\.(com|example)\b/i.test(mail.sms)) problems.push(`${what}: link in the SMS: ${mail.sms}`);
          if (smsSegments(mail.sms).segments !== 1) problems.push(`${what}: SMS takes ${smsSegments(mail.sms).segments} segments: ${mail.sms}`);
          rendered += 1;
        }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(rendered).toBe(kinds.length * 2 * 2 ** dataCategories.length);
  });

  it('the HTML part is a document in its language, with no images, tracking pixels or remote content', () => {
    for (const t of allEmailTemplates(TEMPLATE_PREFIX).filter((t) => !t.name.includes('final-report'))) {
      const locale = supportedLocales.find((l) => t.name.endsWith(`-${l}`))!;
      expect(t.html, t.name).toContain(`<html lang="${locale}">`);
      expect(t.html, t.name).not.toMatch(/<img|src=|url\(|background=|<link|<script/i);
    }
  });

  it('a company name too long for two segments is refused with the reason; a long one falls back to two segments', () => {
    const company = (name: string): CompanyProfile => ({ name, contact: 'help@acme.example', incidentPageUrl: 'https://status.acme.example/incident' });
    const long = draft('first-notice', 'en', {
      categories: ['email'],
      company: company('Acme Consolidated Savings, Loans and Mortgage Bank of the Northern Territories and the Outer Islands'),
      filled: false,
      customers: 2,
      source: 'manual',
    });
    expect(smsSegments(long.sms).segments).toBe(2);
    expect(() =>
      draft('first-notice', 'zh-CN', { categories: ['email'], company: company('某'.repeat(120)), filled: false, customers: 2, source: 'manual' }),
    ).toThrow(SmsTooLongError);
    expect(() =>
      draft('first-notice', 'zh-CN', { categories: ['email'], company: company('某'.repeat(120)), filled: false, customers: 2, source: 'manual' }),
    ).toThrow(/shortest zh-CN first-notice SMS takes 3 segments/);
  });

  it.each(supportedLocales)('%s: with the company own SMS link, every SMS carries it once and no promise about links, in two segments at most', (locale) => {
    const link = 'https://acme.example/security-incident-ab';
    const company: CompanyProfile = { ...companies[0]!, smsLink: link };
    for (const kind of kinds) {
      const content = draft(kind, locale, { categories: ['email', 'password'], company, filled: true, customers: 12_500, source: 'guardduty' });
      for (const timeZone of zones) {
        const mail = render(content, locale, { name: sample(locale).customerName, dataCategories: ['email', 'password'], timeZone });
        expect(mail.sms.split(link).length - 1, mail.sms).toBe(1);
        expect(smsSegments(mail.sms).segments, mail.sms).toBeLessThanOrEqual(2);
        expect(mail.sms, mail.sms).not.toMatch(/never text links|enlaces por SMS|发送链接/);
        // The email no longer says we never text links; it still says we never ask for codes.
        expect(mail.text).toContain(catalogues[locale].advice.phishingWithLink);
        expect(mail.text).not.toContain(catalogues[locale].advice.phishing);
      }
    }
  });
});

/**
 * One reviewed text per locale: a first notice, an update with changes and the closing notice, as a
 * fixed customer in a fixed time zone receives them (subject, text part, SMS with its size).
 */
const REGENERATE = 'UPDATE_NOTICE_SNAPSHOTS';

function snapshot(locale: Locale): string {
  const timeZone = resolveTimeZone(sample(locale).snapshotReader);
  // Dates as the reader's country writes them (en in the US: en-US).
  const dateLocale = readerDateLocale({ locale, country: sample(locale).snapshotReader.country });
  const reader = { name: sample(locale).customerName, dataCategories: ['email', 'password', 'payment_card'], timeZone, dateLocale };
  const company = { ...companies[0]!, name: 'Acme Bank' };
  const parts = [
    `# ${locale}: what ${reader.name} (${timeZone}) receives; the team confirmed the password reset only. Regenerate: ${REGENERATE}=1 npx vitest run tests/unit/notice-rendering.test.ts`,
  ];
  for (const kind of kinds) {
    // The team confirmed the password reset only: the card is not said to be replaced.
    const content = draft(kind, locale, {
      categories: ['email', 'password', 'payment_card', 'name'],
      company,
      filled: true,
      customers: 12_500,
      source: 'guardduty',
      confirmed: ['passwords-reset'],
    });
    const mail = render(content, locale, reader);
    const size = smsSegments(mail.sms);
    parts.push(
      `==== ${kind} ====`,
      `Subject: ${mail.subject}`,
      '',
      mail.text.trimEnd(),
      '',
      `SMS (${size.encoding}, ${size.characters} characters, ${size.segments} ${size.segments === 1 ? 'segment' : 'segments'}):`,
      mail.sms,
      '',
    );
  }
  return parts.join('\n');
}

describe('reviewed snapshots', () => {
  it.each(supportedLocales)('tests/fixtures/notices/%s.txt is what customers receive, byte for byte', (locale) => {
    const path = new URL(`../fixtures/notices/${locale}.txt`, import.meta.url);
    const actual = snapshot(locale);
    if (process.env[REGENERATE]) writeFileSync(path, actual);
    const expected = readFileSync(path, 'utf8');
    expect(
      actual,
      `${path.pathname} differs from the rendering: review the change, then regenerate with ${REGENERATE}=1 npx vitest run tests/unit/notice-rendering.test.ts`,
    ).toBe(expected);
  });
});
