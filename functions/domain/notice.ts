import * as z from 'zod';
import { confirmedActions, emptyFacts, type ConfirmedAction, type NoticeFacts } from './facts.js';
import type { AlarmSource, ImpactSummary, SeverityLevel } from './incident.js';
import { datesAnywhere } from './local-time.js';
import { catalogues, dataCategoryLabel, draftingTexts, supportedLocales, type Locale } from './locales.js';
import type { Advice, CaliforniaNoticeTexts, NoticeEmailTexts } from './locales/catalogue.js';
import { offerLine, offersFor, offersForReader, type RemedyOffer, type RemedyRule } from './remedies.js';
import { smsSegments, type SmsSize } from './sms-segments.js';
import { BreachNoticeError } from '../shared/errors.js';

export type NoticeKind = 'first-notice' | 'update' | 'closing';

/**
 * The approved wording of one notice in one locale, as stored and shown to approvers. Free of
 * customer data: the sentences that differ per customer (`PERSONAL_FIELDS`) hold placeholders that
 * `personaliseNotice` fills for each one at sending, from the instants kept here.
 */
export interface NoticeContent {
  kind: NoticeKind;
  /** The incident's first sighting and the promised next update, for each customer's local time. */
  firstSeenAt: string;
  nextUpdateAt: string | null;
  subject: string;
  greeting: string;
  headline: string;
  apology: string;
  /** An update's changes since the last notice sent; empty in other kinds. */
  changes: string[];
  whatHappened: string;
  yourData: string;
  /** What happened said to the public (the incident page): no reader, the count in the third person. Absent in older notices. */
  publicHappened?: string;
  /** One sentence per data category of the incident on what could follow from it; each customer reads their own categories'. Absent in older notices. */
  consequenceLines?: { category: string; text: string }[];
  /** Set per reader by `personaliseNotice`/`exampleNotice`: the lines of their categories. Never stored. */
  consequences?: string[];
  /** The team's own account of what happened, when written. */
  account: string[];
  /** The cause or that it is being investigated; empty only in a closing notice that names none. */
  cause: string[];
  actionsTaken: string[];
  customerSteps: string[];
  /** The same advice said to the public, for the incident page; the team's own advice as written. Absent in older notices. */
  publicSteps?: string[];
  /** Empty when the team offers none: the section is left out. */
  remedies: string[];
  /** Remedies offered by rule (domain/remedies.ts); each customer gets those matching their data. Absent in older notices. */
  remedyOffers?: RemedyOffer[];
  /** Set per reader by `personaliseNotice`/`exampleNotice`: their offers' lines, then the team's `remedies`. Never stored. */
  offers?: string[];
  contact: string[];
  /** Null in the closing notice, which promises no more. */
  nextUpdate: string | null;
  /** The closing notice's thanks; empty in other kinds. */
  thanks: string[];
  signature: string;
  footer: string;
  sms: string;
}

export interface CompanyProfile {
  name: string;
  /** Where customers write to: an email address, or any other contact. */
  contact: string;
  incidentPageUrl: string;
  supportHotline?: string;
  questionFormUrl?: string;
  /** The company's own approved apology per locale, replacing the catalogue's first-notice apology (setting `apology`). */
  apology?: Partial<Record<Locale, string>>;
  /** One short link on the company's own domain that SMS may carry (setting `smsLink`); absent: SMS carry no link. */
  smsLink?: string;
}

/** The company's own approved first-notice apology, per locale (setting `apology`). */
export const companyApologySchema = z.partialRecord(z.enum(supportedLocales), z.string().trim().min(1).max(600));

/** The most characters an SMS link may take: one short link, so the SMS stays one or two segments. */
export const SMS_LINK_MAX = 40;

/** A link SMS may carry (setting `smsLink`): https, short, on one of the company's own domains. */
export const smsLinkSchema = z.url({ protocol: /^https$/ }).max(SMS_LINK_MAX, `must be at most ${SMS_LINK_MAX} characters: one short link`);

/** Why `link` is not on one of `ownDomains` (or a subdomain of one), or undefined. */
export function smsLinkProblem(link: string, ownDomains: readonly string[]): string | undefined {
  const host = new URL(link).hostname.toLowerCase();
  const domains = [...new Set(ownDomains.map((d) => d.toLowerCase()).filter(Boolean))];
  return domains.some((d) => host === d || host.endsWith(`.${d}`))
    ? undefined
    : `${host} is not one of the company's own domains (${domains.join(', ')}): people are told not to trust links in texts, so only the company's own may appear`;
}

/** Why the company's apology does not cover every locale notices are written in, or undefined. */
export function apologyProblem(apology: Partial<Record<Locale, string>> | undefined, locales: readonly Locale[]): string | undefined {
  if (!apology || Object.keys(apology).length === 0) return undefined;
  const missing = locales.filter((l) => !apology[l]);
  return missing.length > 0 ? `no sentence in ${missing.join(', ')}: give the approved apology in every configured locale, or none` : undefined;
}

export interface DraftInput {
  kind: NoticeKind;
  /** 1-based position among the incident's notices; update n has sequence n + 1. */
  sequence: number;
  incident: { incidentId: string; source: AlarmSource; firstSeenAt: string; impact: ImpactSummary };
  /** This locale's current facts from the team. */
  facts: NoticeFacts;
  /** This locale's facts as they stood in the last notice sent; undefined for the first notice. */
  previousFacts?: NoticeFacts;
  company: CompanyProfile;
  /** When the next update comes; null for the closing notice. */
  nextUpdateAt: string | null;
  /** Remedy rules to offer by (absent: none); deadlines count from `offeredAt`, the first notice's drafting. */
  remedies?: { rules: readonly RemedyRule[]; severity: SeverityLevel; offeredAt: string; now?: string; reach?: Readonly<Record<string, number>> };
}

/** What a sentence about one customer needs; nothing else about them reaches the wording. */
export interface NoticeReader {
  name: string;
  dataCategories: string[];
  /** IANA zone, from `resolveTimeZone`. */
  timeZone: string;
  /** Their date conventions (`en-US`, `en-GB`), from `readerDateLocale`; absent: the locale's default. */
  dateLocale?: string;
}

/** Stand-ins in the stored wording, each replaced by one customer's own value at sending. */
const PLACEHOLDERS = {
  customerName: '{customerName}',
  affectedData: '{affectedData}',
  firstSeenAt: '{firstSeenAt}',
  nextUpdateAt: '{nextUpdateAt}',
  firstSeenDay: '{firstSeenDay}',
  smsOffer: '{smsOffer}',
} as const;
type PlaceholderValues = Record<keyof typeof PLACEHOLDERS, string>;

/** The fields that hold placeholders: the only ones sent per customer. */
export const PERSONAL_FIELDS = ['greeting', 'whatHappened', 'yourData', 'consequences', 'nextUpdate', 'offers', 'sms'] as const;
type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** Even the shortest SMS of a locale is longer than two segments (a very long company name or link). */
export class SmsTooLongError extends BreachNoticeError {}

/** The most an SMS may cost per customer: a notice is never worth a third segment. */
const SMS_MAX_SEGMENTS = 2;

const sensitive = new Set(['password', 'payment_card', 'bank_account', 'government_id', 'crypto_assets', 'api_keys']);

/**
 * Advice follows the data involved and what the team confirmed it did: a password the notice says
 * was reset is chosen anew, not "changed now"; keys it says were disabled are replaced, not revoked.
 * Every customer gets the warning against scams, which says SMS carry no link unless one is configured.
 */
function stepsFor(categories: string[], advice: Advice, confirmed: readonly ConfirmedAction[], smsLink: boolean): string[] {
  const steps: string[] = [];
  if (categories.includes('password')) steps.push(confirmed.includes('passwords-reset') ? advice.changePasswordAfterReset : advice.changePassword);
  if (categories.some((c) => sensitive.has(c))) steps.push(advice.twoFactor);
  if (categories.some((c) => ['payment_card', 'bank_account', 'crypto_assets', 'transaction_history'].includes(c))) steps.push(advice.checkTransactions);
  if (categories.includes('payment_card') && !confirmed.includes('cards-replaced')) steps.push(advice.cardIssuer);
  if (categories.includes('api_keys')) steps.push(confirmed.includes('api-keys-disabled') ? advice.createApiKeys : advice.revokeApiKeys);
  steps.push(smsLink ? advice.phishingWithLink : advice.phishing);
  return steps;
}

/** The incident's own public page in `locale`: `<base>/<incidentId>/<locale>.html`; every notice links it. */
export function incidentPageLink(base: string, incidentId: string, locale: Locale): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(incidentId)}/${locale}.html`;
}

const isEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

/**
 * Drafts the wording for one locale. Whole sentences from the catalogue, the team's facts inserted
 * whole, apology first; approvers review it before anyone sees it.
 */
export function draftNotice(input: DraftInput, locale: Locale): NoticeContent {
  const { incident, company, facts, kind } = input;
  const c = catalogues[locale];
  const d = draftingTexts[locale];
  const t = c.notice;
  const end = c.endSentence;
  const categories = Object.keys(incident.impact.byDataCategory).sort();
  const update = input.sequence - 1;
  const closing = kind === 'closing';
  const closingWithoutCause = closing && !facts.cause;
  const confirmed = confirmedActions(facts);
  const remedyOffers = input.remedies ? offersFor({ ...input.remedies, categories, locale, confirmed }) : [];
  const consequenceLines = categories.flatMap((category) => {
    const text = (d.consequences as Record<string, string>)[category];
    return text ? [{ category, text }] : [];
  });
  const contact = [
    isEmail(company.contact) ? t.contactEmail({ email: company.contact }) : t.contactOther({ contact: company.contact }),
    ...(company.supportHotline ? [t.hotline({ phone: company.supportHotline })] : []),
    t.incidentPage({ url: incidentPageLink(company.incidentPageUrl, incident.incidentId, locale) }),
    ...(company.questionFormUrl ? [t.questionForm({ url: company.questionFormUrl })] : []),
  ];
  return {
    kind,
    firstSeenAt: incident.firstSeenAt,
    nextUpdateAt: input.nextUpdateAt,
    subject: {
      'first-notice': t.firstSubject({ company: company.name }),
      update: t.updateSubject({ company: company.name, update }),
      closing: t.closingSubject({ company: company.name }),
    }[kind],
    greeting: t.greeting({ customerName: PLACEHOLDERS.customerName }),
    headline: {
      'first-notice': t.firstHeadline({ company: company.name }),
      update: t.updateHeadline({ company: company.name, update }),
      closing: t.closingHeadline({ company: company.name }),
    }[kind],
    apology: { 'first-notice': company.apology?.[locale] ?? t.firstApology, update: t.updateApology, closing: t.closingApology }[kind],
    changes: kind === 'update' ? changesSince(input.previousFacts ?? emptyFacts(), facts, locale) : [],
    whatHappened: t.whatHappened({ when: PLACEHOLDERS.firstSeenAt, source: incident.source, customers: incident.impact.affectedCustomers }),
    yourData: t.yourData({ affectedData: PLACEHOLDERS.affectedData }),
    publicHappened: d.publicHappened({ when: PLACEHOLDERS.firstSeenAt, source: incident.source, customers: incident.impact.affectedCustomers }),
    ...(consequenceLines.length > 0 ? { consequenceLines } : {}),
    account: facts.whatHappened ? [end(facts.whatHappened)] : [],
    cause: facts.cause ? [end(facts.cause)] : closingWithoutCause ? [] : [t.causeUnknown],
    actionsTaken: facts.measures.length > 0 ? facts.measures.map(end) : [closing ? t.investigated : t.investigating],
    customerSteps: [...stepsFor(categories, c.advice, confirmed, company.smsLink !== undefined), ...facts.advice.map(end)],
    publicSteps: [...stepsFor(categories, d.publicAdvice, confirmed, company.smsLink !== undefined), ...facts.advice.map(end)],
    remedies: facts.remedies.map(end),
    ...(remedyOffers.length > 0 ? { remedyOffers } : {}),
    contact,
    nextUpdate: input.nextUpdateAt === null ? null : t.nextUpdate({ when: PLACEHOLDERS.nextUpdateAt }),
    thanks: closing ? [t.closingThanks] : [],
    signature: t.signature({ company: company.name }),
    footer: t.footer({ incidentId: incident.incidentId }),
    sms: draftSms(kind, update, company, daysAnywhere(incident.firstSeenAt, locale), locale, remedyOffers.length > 0 || facts.remedies.length > 0),
  };
}

/** What an update adds to the facts of the last notice sent; said plainly when nothing changed. */
function changesSince(before: NoticeFacts, now: NoticeFacts, locale: Locale): string[] {
  const t = catalogues[locale].notice;
  const added = (was: string[], is: string[]) => is.filter((item) => !was.includes(item));
  const changes = [
    ...(now.cause && !before.cause ? [t.causeFound({ cause: now.cause })] : []),
    ...(now.cause && before.cause && now.cause !== before.cause ? [t.causeRevised({ cause: now.cause })] : []),
    ...(!now.cause && before.cause ? [t.causeWithdrawn] : []),
    ...(now.whatHappened && now.whatHappened !== before.whatHappened ? [t.accountUpdated] : []),
    ...added(before.measures, now.measures).map((text) => t.newMeasure({ text })),
    ...added(before.advice, now.advice).map((text) => t.newAdvice({ text })),
    ...added(before.remedies, now.remedies).map((text) => t.newRemedy({ text })),
    ...added([...confirmedActions(before)], [...confirmedActions(now)]).map((action) =>
      t.newMeasure({ text: draftingTexts[locale].confirmedAction[action as ConfirmedAction] }),
    ),
  ];
  return changes.length > 0 ? changes : [t.nothingChanged];
}

/**
 * The longest SMS variant that fits one segment on every day in `days` (the customer's day of the
 * incident is all that differs per customer), else the longest that fits two. Never more. No link
 * unless the company configured its own (`smsLink`): after a breach people are told not to tap links
 * in texts, so the SMS says what happened, that the email has the details, and that we never text links.
 */
function draftSms(
  kind: NoticeKind,
  update: number,
  company: Pick<CompanyProfile, 'name' | 'smsLink'>,
  days: string[],
  locale: Locale,
  withOffer = false,
): string {
  const c = catalogues[locale];
  const variants = (day: string) => {
    const p = { company: company.name, day, link: company.smsLink, update };
    return kind === 'first-notice' ? c.sms.first(p) : kind === 'update' ? c.sms.update(p) : c.sms.closing(p);
  };
  const stored = variants(PLACEHOLDERS.firstSeenDay);
  const byDay = days.map(variants);
  // The note telling a customer they are offered something (`{smsOffer}`) never costs a segment nor
  // words (the day, the apology): it goes in only where the chosen variant still fits with it.
  // goes in only where some variant still fits the same number of segments with it.
  const note = smsOfferNote(locale);
  const sizes = new Map<string, number>();
  const worst = (i: number, noted = false) => {
    const key = `${i}:${noted}`;
    return sizes.get(key) ?? sizes.set(key, Math.max(...byDay.map((v) => smsSegments(noted ? `${v[i]!}${note}` : v[i]!).segments))).get(key)!;
  };
  for (const budget of [1, SMS_MAX_SEGMENTS]) {
    const fitting = stored.findIndex((_, i) => worst(i) <= budget);
    if (fitting < 0) continue;
    return withOffer && worst(fitting, true) <= budget ? `${stored[fitting]!}${PLACEHOLDERS.smsOffer}` : stored[fitting]!;
  }
  throw new SmsTooLongError(
    `Even the shortest ${locale} ${kind} SMS takes ${worst(stored.length - 1)} segments (at most ${SMS_MAX_SEGMENTS}): shorten the company name "${company.name}"${company.smsLink ? ` or the SMS link ${company.smsLink}` : ''}`,
  );
}

/** The note added to the SMS of a customer offered something; Chinese takes no space between sentences. */
const smsOfferNote = (locale: Locale) => `${catalogues[locale].language === 'zh' ? '' : ' '}${catalogues[locale].remedies.sms}`;

/** Every day an instant falls on somewhere in the world, as `locale` writes it in an SMS. */
function daysAnywhere(iso: string, locale: Locale): string[] {
  return [...new Set(datesAnywhere(iso).map((at) => catalogues[locale].formatDay(at, 'UTC')))];
}

/**
 * Why a company name (and SMS link) would make some SMS longer than two segments, checked when the
 * deployment is configured rather than when the first incident is drafted: every kind, the longest
 * day of any month, updates into two digits.
 */
export function smsBudgetProblem(company: Pick<CompanyProfile, 'name' | 'smsLink'>, locales: readonly Locale[]): string | undefined {
  for (const locale of locales) {
    const days = [...new Set(Array.from({ length: 12 }, (_, m) => catalogues[locale].formatDay(new Date(Date.UTC(2026, m, 28, 12)).toISOString(), 'UTC')))];
    for (const kind of ['first-notice', 'update', 'closing'] as const) {
      try {
        draftSms(kind, 99, company, days, locale);
      } catch (error) {
        if (error instanceof SmsTooLongError) return error.message;
        throw error;
      }
    }
  }
  return undefined;
}

function affectedDataText(categories: string[], locale: Locale): string {
  return catalogues[locale].formatList([...new Set(categories)].sort().map((c) => dataCategoryLabel(c, locale)));
}

/** The wording with the placeholders replaced by `values`: everywhere, or (for the preview and diff) by stand-ins. */
function fill(content: NoticeContent, values: PlaceholderValues, offers: string[], consequences: string[]): NoticeContent {
  const replace = (text: string) =>
    text.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? values[key as keyof PlaceholderValues] : whole));
  const filled: Pick<NoticeContent, PersonalField> = {
    greeting: replace(content.greeting),
    whatHappened: replace(content.whatHappened),
    yourData: replace(content.yourData),
    consequences,
    nextUpdate: content.nextUpdate === null ? null : replace(content.nextUpdate),
    offers,
    sms: replace(content.sms),
  };
  return { ...content, ...filled, ...(content.publicHappened ? { publicHappened: replace(content.publicHappened) } : {}) };
}

/** The notice exactly as `reader` receives it: their name, their data, times in their own zone. */
export function personaliseNotice(content: NoticeContent, locale: Locale, reader: NoticeReader): NoticeContent {
  const c = catalogues[locale];
  const offers = offerLines(content, locale, reader.timeZone, offersForReader(content.remedyOffers, reader.dataCategories));
  const consequences = (content.consequenceLines ?? []).filter((l) => reader.dataCategories.includes(l.category)).map((l) => l.text);
  return fill(
    content,
    {
      customerName: reader.name,
      affectedData: affectedDataText(reader.dataCategories, locale),
      firstSeenAt: c.formatTime(content.firstSeenAt, reader.timeZone, reader.dateLocale),
      nextUpdateAt: content.nextUpdateAt === null ? '' : c.formatTime(content.nextUpdateAt, reader.timeZone, reader.dateLocale),
      firstSeenDay: c.formatDay(content.firstSeenAt, reader.timeZone, reader.dateLocale),
      smsOffer: offers.length > 0 ? smsOfferNote(locale) : '',
    },
    offers,
    consequences,
  );
}

/** What a reader is offered: their remedies by rule, dated in their zone, then the team's own. */
function offerLines(content: NoticeContent, locale: Locale, timeZone: string, offers: readonly RemedyOffer[]): string[] {
  return [...offers.map((o) => offerLine(o, locale, timeZone)), ...content.remedies];
}

/** The notice for staff: stand-ins for the customer's name and data, times in `timeZone` (UTC unless shown per zone). */
export function exampleNotice(content: NoticeContent, locale: Locale, timeZone = 'UTC'): NoticeContent {
  const c = catalogues[locale];
  // Every offer, as the customers it applies to read it; the preview counts whom each reaches.
  const offers = offerLines(content, locale, timeZone, content.remedyOffers ?? []);
  return fill(
    content,
    {
      customerName: c.preview.customerName,
      affectedData: c.preview.affectedData,
      firstSeenAt: c.formatTime(content.firstSeenAt, timeZone),
      nextUpdateAt: content.nextUpdateAt === null ? '' : c.formatTime(content.nextUpdateAt, timeZone),
      firstSeenDay: c.formatDay(content.firstSeenAt, timeZone),
      smsOffer: offers.length > 0 ? smsOfferNote(locale) : '',
    },
    offers,
    (content.consequenceLines ?? []).map((l) => l.text),
  );
}

/** The SMS's size for the customer whose copy is longest, over the audience's time zones. */
export function worstSmsSize(content: NoticeContent, locale: Locale, timeZones: readonly string[]): SmsSize & { sms: string } {
  const sized = (timeZones.length > 0 ? timeZones : ['UTC']).map((zone) => {
    const { sms } = exampleNotice(content, locale, zone);
    return { sms, ...smsSegments(sms) };
  });
  return sized.reduce((a, b) => (b.segments > a.segments || (b.segments === a.segments && b.characters > a.characters) ? b : a));
}

/** One block of a notice: an optional heading, then paragraphs or a list. */
export interface NoticeBlock<Heading extends string = keyof NoticeEmailTexts> {
  heading?: Heading;
  fields: readonly TextField[];
  as: 'paragraphs' | 'list' | 'small';
  /** Left out, heading and all, when its one field is empty. */
  optional?: boolean;
}
/** Stored for the incident page and per-reader filling, never rendered as they are. */
type StoredOnly = 'consequenceLines' | 'publicHappened' | 'publicSteps';
export type TextField = Exclude<keyof NoticeContent, StoredOnly | 'kind' | 'firstSeenAt' | 'nextUpdateAt' | 'subject' | 'sms' | 'remedyOffers'>;

/**
 * The email's order, for every renderer (the SES templates, the approval preview, the diff): the
 * apology first, then what happened, why, what we did, what to do, remedies, how to reach us, what next.
 */
export function noticeLayout(kind: NoticeKind): NoticeBlock[] {
  return [
    { fields: ['greeting', 'headline', 'apology'], as: 'paragraphs' },
    ...(kind === 'update' ? [{ heading: 'changes', fields: ['changes'], as: 'list' } as const] : []),
    { heading: 'happened', fields: ['whatHappened', 'yourData', 'account'], as: 'paragraphs' },
    // What could follow from the reader's own data (GDPR Art. 34(2) with 33(3)(c); PIPL Art. 57).
    { heading: 'consequences', fields: ['consequences'], as: 'list', optional: true },
    { heading: 'cause', fields: ['cause'], as: 'paragraphs', optional: kind === 'closing' },
    { heading: 'done', fields: ['actionsTaken'], as: 'list' },
    { heading: 'todo', fields: ['customerSteps'], as: 'list' },
    // `offers` holds the reader's remedies by rule and the team's `remedies`.
    { heading: 'remedies', fields: ['offers'], as: 'list', optional: true },
    { heading: 'contact', fields: ['contact'], as: 'list' },
    { fields: kind === 'closing' ? ['thanks', 'signature'] : ['nextUpdate', 'signature'], as: 'paragraphs' },
    { fields: ['footer'], as: 'small' },
  ];
}

/** Readers whose notice takes California's title and headings (Cal. Civ. Code 1798.82(d)): residents by the directory's region. */
export function usesCaliforniaFormat(region: string | undefined): boolean {
  return region === 'US-CA';
}

/**
 * The same notice under California's prescribed headings, in the order 1798.82(d)(1) lists them: the
 * incident and its cause under "What Happened", the reader's data under "What Information Was
 * Involved", actions and offers under "What We Are Doing", advice, then contacts.
 */
export function californiaLayout(kind: NoticeKind): NoticeBlock<keyof CaliforniaNoticeTexts>[] {
  return [
    { fields: ['greeting', 'headline', 'apology'], as: 'paragraphs' },
    { heading: 'happened', fields: ['whatHappened', 'account'], as: 'paragraphs' },
    ...(kind === 'update' ? [{ fields: ['changes'], as: 'list' } as const] : []),
    { fields: ['cause'], as: 'paragraphs', optional: kind === 'closing' },
    { heading: 'involved', fields: ['yourData'], as: 'paragraphs' },
    // What could follow from it, as in every other layout (GDPR Art. 34(2); PIPL Art. 57).
    { fields: ['consequences'], as: 'list', optional: true },
    { heading: 'doing', fields: ['actionsTaken'], as: 'list' },
    { fields: ['offers'], as: 'list', optional: true },
    { heading: 'youCanDo', fields: ['customerSteps'], as: 'list' },
    { heading: 'moreInfo', fields: ['contact'], as: 'list' },
    { fields: kind === 'closing' ? ['thanks', 'signature'] : ['nextUpdate', 'signature'], as: 'paragraphs' },
    { fields: ['footer'], as: 'small' },
  ];
}

/** A field's text as a list of paragraphs or items. */
export function fieldTexts(content: NoticeContent, field: TextField): string[] {
  const value = content[field];
  return value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Sentences of a paragraph, for a diff that points at the sentence that changed. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}¿¡"“«(])|(?<=[。！？])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The notice as lines of plain text, one per sentence or item, with stand-ins for the customer and
 * times in UTC: what approvers diff against the last approved notice.
 */
export function noticeTextForDiff(content: NoticeContent, locale: Locale): string[] {
  const headings = catalogues[locale].noticeEmail;
  const example = exampleNotice(content, locale);
  const lines = [example.subject];
  for (const block of noticeLayout(content.kind)) {
    const texts = block.fields.flatMap((f) => fieldTexts(example, f));
    if (block.optional && texts.length === 0) continue;
    if (block.heading) lines.push(headings[block.heading]);
    lines.push(...(block.as === 'list' ? texts : texts.flatMap(sentences)));
  }
  lines.push(`SMS: ${example.sms}`);
  return lines;
}

export function isSensitiveCategory(category: string): boolean {
  return sensitive.has(category);
}
