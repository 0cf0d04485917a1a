import { createHash } from 'node:crypto';
import type { Notice } from './incident.js';
import { catalogues, type Locale } from './locales.js';
import { exampleNotice, incidentPageLink, type NoticeContent } from './notice.js';
import { escapeHtml } from './preview.js';
import { offerLine } from './remedies.js';
import { BreachNoticeError } from '../shared/errors.js';

/** One published answer on the page. */
export interface FaqEntry {
  question: string;
  answer: string;
}

/**
 * Everything the public page of one incident in one locale shows. Built only from sent notices (each
 * approved before sending) and approved FAQ entries: never a draft, never a customer's data.
 */
export interface IncidentPage {
  incidentId: string;
  locale: Locale;
  title: string;
  /**
   * The first notice's facts said to the public: nothing addressed to one customer, times in UTC.
   * `consequences`: what the incident's kinds of data could be used for, one sentence each.
   */
  statement: { headline: string; apology: string; paragraphs: string[]; consequences: string[]; cause: string[]; actionsTaken: string[] };
  updates: { sequence: number; heading: string; sentAt: string; changes: string[] }[];
  closed: boolean;
  /** From the newest notice sent, so advice added in an update shows. */
  customerSteps: string[];
  /** Every published offer (by rule, said to the public, and the team's own), from the newest notice sent. */
  remedies: string[];
  contact: string[];
  faq: FaqEntry[];
  /** ISO instant, null when no update is planned (closed). */
  nextUpdateAt: string | null;
  nextUpdateText: string;
  /** Where a customer asks a question (the form served by the HTTP API); absent when none is deployed. */
  questionFormUrl?: string;
  pageUrl: string;
  otherLocales: { locale: Locale; url: string }[];
  summary: string;
  publishedAt: string;
}

export interface IncidentPageSource {
  incidentId: string;
  companyName: string;
  /** Base URL of the incident pages (`<base>/<incidentId>/<locale>.html`). */
  pagesBaseUrl: string;
  /** The incident's notices; only those SENT are shown. */
  notices: Notice[];
  faq: FaqEntry[];
  locales: readonly Locale[];
  questionFormUrl?: (locale: Locale) => string;
  now: Date;
}

/** Where the page's objects live in the bucket: the same path as the URL under the base. */
export const incidentPageObjectKeys = (incidentId: string, locale: Locale) => ({ html: `${incidentId}/${locale}.html`, json: `${incidentId}/${locale}.json` });

const PAGE_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:0 auto;padding:1rem;color:#111;background:#fff}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}' +
  'section{border-top:1px solid #ddd}dt{font-weight:600;margin-top:1rem}dd{margin:0}small{color:#555}a{color:#0645ad;word-break:break-all}' +
  'label{display:block;margin-top:1rem}textarea,input,select{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}button{margin-top:1rem;font:inherit;padding:.5rem 1rem}.hp{position:absolute;left:-10000px}';

/** The one inline style block, allowed by its hash: no other style, no script, no frame, no plugin. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

/** The Content-Security-Policy of every public page (the incident page and the question form's pages). */
export function publicPageCsp(formAction: string = "'none'"): string {
  return `default-src 'none'; style-src ${PAGE_STYLE_HASH}; img-src 'none'; base-uri 'none'; form-action ${formAction}; frame-ancestors 'none'`;
}

/** What CloudFront adds to every page (its response headers policy) and the twin's page server too. */
export const INCIDENT_PAGE_SECURITY_HEADERS = {
  'content-security-policy': publicPageCsp(),
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** Only http(s) links: a `javascript:` or `data:` URL is left out however it is escaped. */
const webUrl = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);

const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : '');
const paragraphs = (items: string[]) => items.map((p) => `<p>${escapeHtml(p)}</p>`).join('');

/** The page's data from the incident's sent notices and its approved FAQ. */
export function buildIncidentPage(source: IncidentPageSource, locale: Locale): IncidentPage {
  const c = catalogues[locale];
  const texts = c.incidentPage;
  const sent = source.notices
    .filter((n) => n.status === 'SENT' && (n.content[locale] ?? n.content[source.locales[0]!]))
    .sort((a, b) => a.sequence - b.sequence);
  const wording = (n: Notice): NoticeContent => exampleNotice((n.content[locale] ?? n.content[source.locales[0]!])!, locale, 'UTC');
  const first = sent.find((n) => n.kind === 'first-notice') ?? sent[0];
  if (!first) throw new NothingSentError(`Incident ${source.incidentId} has no sent notice to publish`);
  const statement = wording(first);
  const latest = wording(sent.at(-1)!);
  const closed = latest.kind === 'closing';
  const pageUrl = incidentPageLink(source.pagesBaseUrl, source.incidentId, locale);
  const updates = sent
    .filter((n) => n !== first)
    .map((n) => {
      const w = wording(n);
      const sentAt = n.sentAt ?? n.createdAt;
      return {
        sequence: n.sequence,
        heading: texts.update({ n: n.sequence - 1, date: c.formatDay(sentAt, 'UTC') }),
        sentAt,
        changes: n.kind === 'closing' ? [texts.closedUpdate] : w.changes,
      };
    });
  const nextUpdateAt = closed ? null : latest.nextUpdateAt;
  return {
    incidentId: source.incidentId,
    locale,
    title: texts.title({ company: source.companyName }),
    statement: {
      headline: texts.headline({ company: source.companyName }),
      apology: texts.apology,
      // Notices drafted before the public wording existed fall back to theirs.
      paragraphs: [statement.publicHappened ?? statement.whatHappened, ...statement.account],
      consequences: (statement.consequenceLines ?? []).map((l) => l.text),
      cause: latest.cause,
      actionsTaken: latest.actionsTaken,
    },
    updates,
    closed,
    customerSteps: latest.publicSteps ?? latest.customerSteps,
    remedies: [...(latest.remedyOffers ?? []).map((o) => offerLine(o, locale, 'UTC', 'public')), ...latest.remedies],
    contact: latest.contact,
    faq: source.faq,
    nextUpdateAt,
    nextUpdateText: nextUpdateAt ? texts.nextUpdate({ when: c.formatTime(nextUpdateAt, 'UTC') }) : texts.noMoreUpdates,
    questionFormUrl: closed ? undefined : source.questionFormUrl?.(locale),
    pageUrl,
    otherLocales: source.locales.filter((l) => l !== locale).map((l) => ({ locale: l, url: incidentPageLink(source.pagesBaseUrl, source.incidentId, l) })),
    summary: texts.summary({ company: source.companyName, updates: sent.filter((n) => n.kind === 'update').length, closed, url: pageUrl }),
    publishedAt: source.now.toISOString(),
  };
}

/** The page as HTML: every text escaped, one hashed style block, no script; readable on a phone. */
export function renderIncidentPageHtml(page: IncidentPage): string {
  const c = catalogues[page.locale];
  const t = c.incidentPage;
  const section = (heading: string, body: string) => (body ? `<section><h2>${escapeHtml(heading)}</h2>${body}</section>` : '');
  return [
    `<!doctype html><html lang="${escapeHtml(page.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(publicPageCsp().replace(/; frame-ancestors 'none'$/, ''))}">`,
    `<meta name="referrer" content="no-referrer"><title>${escapeHtml(page.title)}</title><style>${PAGE_STYLE}</style></head><body>`,
    `<h1>${escapeHtml(page.title)}</h1>`,
    page.closed ? `<p><strong>${escapeHtml(t.closed)}</strong></p>` : '',
    `<p><strong>${escapeHtml(page.nextUpdateText)}</strong></p>`,
    section(
      t.statement,
      paragraphs([page.statement.headline, page.statement.apology, ...page.statement.paragraphs, ...page.statement.cause]) + list(page.statement.actionsTaken),
    ),
    section(t.consequences, list(page.statement.consequences)),
    section(t.updates, page.updates.map((u) => `<h3>${escapeHtml(u.heading)}</h3>${list(u.changes)}`).join('')),
    section(t.whatToDo, list(page.customerSteps)),
    section(t.remedies, list(page.remedies)),
    section(t.faq, page.faq.length ? `<dl>${page.faq.map((f) => `<dt>${escapeHtml(f.question)}</dt><dd>${escapeHtml(f.answer)}</dd>`).join('')}</dl>` : ''),
    section(t.contact, list(page.contact)),
    webUrl(page.questionFormUrl) ? section(t.ask, `<p><a href="${escapeHtml(page.questionFormUrl!)}">${escapeHtml(t.askLink)}</a></p>`) : '',
    page.otherLocales.length
      ? `<nav><small>${escapeHtml(t.otherLanguages)}: ${page.otherLocales
          .filter((o) => webUrl(o.url))
          .map(
            (o) =>
              `<a href="${escapeHtml(o.url)}" hreflang="${escapeHtml(o.locale)}" lang="${escapeHtml(o.locale)}">${escapeHtml(catalogues[o.locale].language)}</a>`,
          )
          .join(' · ')}</small></nav>`
      : '',
    `<footer><small>${escapeHtml(t.published({ when: c.formatTime(page.publishedAt, 'UTC') }))} ${escapeHtml(page.incidentId)}</small></footer>`,
    '</body></html>',
  ].join('');
}

/** The JSON twin of the page, for the app and web relays: the same data, versioned by `schema`. */
export function incidentPageJson(page: IncidentPage): string {
  return JSON.stringify({ schema: 'breach-notice/incident-page/1', ...page });
}

/** The shared page wrapper for the question form's pages (form, thanks, refusals): same CSP and style. */
export function publicPageHtml(locale: Locale, title: string, bodyHtml: string, formAction?: string): string {
  return [
    `<!doctype html><html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(publicPageCsp(formAction).replace(/; frame-ancestors 'none'$/, ''))}">`,
    `<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body><h1>${escapeHtml(title)}</h1>${bodyHtml}</body></html>`,
  ].join('');
}

/** An incident with no sent notice has nothing approved to show. */
export class NothingSentError extends BreachNoticeError {}
