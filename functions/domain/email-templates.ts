import { catalogues, supportedLocales, type Locale } from './locales.js';
import { californiaLayout, noticeLayout, PERSONAL_FIELDS, type NoticeBlock, type NoticeContent, type NoticeKind, type TextField } from './notice.js';
import { escapeHtml } from './preview.js';

/**
 * SES stored templates. The stack deploys exactly these and the local twin loads exactly these,
 * so the variables below are the contract between drafting and delivery.
 *
 * Escaping is ours, not the provider's: SES escapes `{{x}}`, the twin's emulator does not, and SES
 * would escape the text part and subject too. So every variable is inserted raw (`{{{x}}}`): the
 * text part and subject take plain values, the HTML part takes the values under `html` (or named
 * `...Html`), escaped by `htmlEscaped`. SES and the twin then render the same bytes.
 *
 * Customer notices carry no images, no tracking pixels and no links we rewrite: mail clients link
 * the addresses in the text themselves.
 */
export const templateKinds = ['first-notice', 'update', 'closing', 'final-report'] as const;
export type TemplateKind = (typeof templateKinds)[number];

export interface EmailTemplate {
  name: string;
  subject: string;
  html: string;
  text: string;
}

export function templateName(prefix: string, kind: TemplateKind, locale: Locale): string {
  return `${prefix}-${kind}-${locale}`;
}

/** `value` with every string in it HTML-escaped, for the HTML part of a template. */
export function htmlEscaped<T>(value: T): T {
  if (typeof value === 'string') return escapeHtml(value) as T;
  if (Array.isArray(value)) return value.map((v) => htmlEscaped(v)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, htmlEscaped(v)])) as T;
  return value;
}

const personal = new Set<string>(PERSONAL_FIELDS);

/**
 * A notice's template data shared by every recipient: the fields its templates read (the subject and
 * `noticeLayout`'s), plain for the text part and subject, escaped under `html` for the HTML part. Only
 * those: every bulk entry carries this whole, so nothing the templates never read (the team's
 * `remedies` reach each reader inside their own `offers`) is repeated 50 times per call.
 */
export function noticeTemplateData(content: NoticeContent): Record<string, unknown> {
  const fields: ('subject' | TextField)[] = [
    'subject',
    ...noticeLayout(content.kind)
      .flatMap((block) => block.fields)
      .filter((field) => !personal.has(field)),
  ];
  const shared = Object.fromEntries(fields.map((field) => [field, content[field]]));
  return { ...shared, html: htmlEscaped(shared) };
}

/**
 * One recipient's fields, from their personalised notice: flat keys (`greeting`, `greetingHtml`, ...)
 * beside the shared data's `html` object, and `california` for a California resident
 * (`usesCaliforniaFormat`). The SMS is not the email's.
 */
export function recipientTemplateData(personalised: NoticeContent, reader: { california?: boolean } = {}): Record<string, string | string[] | boolean> {
  // Always present: a template reads it, and an entry's data is whole (SES does not merge the default into it).
  const data: Record<string, string | string[] | boolean> = { california: reader.california === true };
  for (const field of PERSONAL_FIELDS) {
    const value = personalised[field];
    if (field === 'sms' || value === null || value === undefined) continue;
    data[field] = value;
    data[`${field}Html`] = htmlEscaped(value);
  }
  return data;
}

/** Where a field's value sits: per recipient (flat) or shared (under `html` for the HTML part). */
function variable(field: TextField, part: 'html' | 'text'): string {
  if (part === 'text') return field;
  return personal.has(field) ? `${field}Html` : `html.${field}`;
}

/** Which fields hold several paragraphs or items; typed so a new field must be placed here. */
const IS_LIST: Record<TextField, boolean> = {
  greeting: false,
  headline: false,
  apology: false,
  changes: true,
  whatHappened: false,
  yourData: false,
  consequences: true,
  account: true,
  cause: true,
  actionsTaken: true,
  customerSteps: true,
  remedies: true,
  contact: true,
  nextUpdate: false,
  thanks: true,
  signature: false,
  footer: false,
  offers: true,
};

/** Blocks as Handlebars, under `headings`: the two parts say the same, block for block. */
function blocksBody<H extends string>(blocks: NoticeBlock<H>[], headings: Record<H, string>, part: 'html' | 'text'): string {
  const html = part === 'html';
  return blocks
    .map((block) => {
      const heading = block.heading ? (html ? `<h2>${escapeHtml(headings[block.heading])}</h2>\n` : `${headings[block.heading]}\n`) : '';
      const fields = block.fields.map((field) => {
        const v = variable(field, part);
        // Handlebars drops a newline after a block tag alone on its line: the second one makes the blank line.
        if (block.as === 'list') return html ? `<ul>{{#each ${v}}}<li>{{{this}}}</li>{{/each}}</ul>\n` : `{{#each ${v}}}- {{{this}}}\n{{/each}}\n\n`;
        const p = html ? (block.as === 'small' ? '<p style="font-size:small;color:#555">{{{X}}}</p>\n' : '<p>{{{X}}}</p>\n') : '{{{X}}}\n\n';
        return IS_LIST[field] ? `{{#each ${v}}}${p.replace('X', 'this')}{{/each}}` : p.replace('X', v);
      });
      const body = `${heading}${fields.join('')}`;
      return block.optional ? `{{#if ${variable(block.fields[0]!, part)}}}${body}{{/if}}` : body;
    })
    .join('');
}

/**
 * The notice's blocks (`noticeLayout`) as Handlebars; where the locale has California's title and
 * headings, a reader flagged `california` gets the notice under them (`californiaLayout`) instead.
 */
function noticeBody(kind: NoticeKind, locale: Locale, part: 'html' | 'text'): string {
  const usual = blocksBody(noticeLayout(kind), catalogues[locale].noticeEmail, part);
  const ca = catalogues[locale].californiaNotice;
  if (!ca) return usual;
  const title = part === 'html' ? `<h1>${escapeHtml(ca.title)}</h1>\n` : `${ca.title}\n\n`;
  return `{{#if california}}${title}${blocksBody(californiaLayout(kind), ca, part)}{{/if}}{{#unless california}}${usual}{{/unless}}`;
}

/** The subject: California's prescribed title for its residents where the locale has it. */
function noticeSubject(locale: Locale, subject: string): string {
  const ca = catalogues[locale].californiaNotice;
  return ca ? `{{#if california}}${ca.title}{{/if}}{{#unless california}}${subject}{{/unless}}` : subject;
}

/** A whole HTML document: `lang` lets screen readers and translators know the language. */
function htmlDocument(locale: Locale, title: string, body: string): string {
  return [
    '<!doctype html>',
    `<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>`,
    `<body style="font-family:sans-serif;line-height:1.5;max-width:40em">`,
    body.trimEnd(),
    '</body></html>',
  ].join('\n');
}

function noticeTemplate(kind: NoticeKind, locale: Locale, prefix: string): EmailTemplate {
  return {
    name: templateName(prefix, kind, locale),
    subject: noticeSubject(locale, '{{{subject}}}'),
    html: htmlDocument(locale, noticeSubject(locale, '{{{html.subject}}}'), noticeBody(kind, locale, 'html')),
    text: noticeBody(kind, locale, 'text'),
  };
}

function reportBody(locale: Locale, incidentId: string) {
  const r = catalogues[locale].finalReport;
  return { ...r, subject: r.subject({ incidentId: '{{{incidentId}}}', title: '{{{title}}}' }), intro: r.intro({ incidentId }) };
}

function reportTemplate(locale: Locale, prefix: string): EmailTemplate {
  // The catalogue's words are text like any other: escaped for the HTML part (the variables pass unchanged).
  const h = htmlEscaped(reportBody(locale, '{{{html.incidentId}}}'));
  const t = reportBody(locale, '{{{incidentId}}}');
  const list = (tag: 'ul' | 'ol', key: string) => `<${tag}>{{#each html.${key}}}<li>{{{this}}}</li>{{/each}}</${tag}>`;
  return {
    name: templateName(prefix, 'final-report', locale),
    subject: t.subject,
    html: htmlDocument(
      locale,
      h.intro,
      [
        `<p>${h.intro}</p>`,
        `<h3>${h.counts}</h3>${list('ul', 'deliveryLines')}`,
        `<h3>${h.scope}</h3>${list('ul', 'scopeLines')}`,
        `<h3>${h.notices}</h3>${list('ul', 'noticeLines')}`,
        `<h3>${h.promises}</h3>${list('ul', 'promiseLines')}`,
        `<h3>${h.questions}</h3>${list('ul', 'questionLines')}`,
        `<h3>${h.remedies}</h3>${list('ul', 'remedyLines')}`,
        `<h3>${h.regulators}</h3>${list('ul', 'regulatorLines')}`,
        `<h3>${h.timeline}</h3>${list('ol', 'timelineLines')}`,
        // Empty unless the incident was a drill: then its heading and each step against its target.
        `{{#each html.drillLines}}<p>{{{this}}}</p>{{/each}}`,
      ].join('\n'),
    ),
    text: [
      t.intro,
      '',
      `${t.counts}:`,
      '{{#each deliveryLines}}- {{{this}}}\n{{/each}}',
      `${t.scope}:`,
      '{{#each scopeLines}}- {{{this}}}\n{{/each}}',
      `${t.notices}:`,
      '{{#each noticeLines}}- {{{this}}}\n{{/each}}',
      `${t.promises}:`,
      '{{#each promiseLines}}- {{{this}}}\n{{/each}}',
      `${t.questions}:`,
      '{{#each questionLines}}- {{{this}}}\n{{/each}}',
      `${t.remedies}:`,
      '{{#each remedyLines}}- {{{this}}}\n{{/each}}',
      `${t.regulators}:`,
      '{{#each regulatorLines}}- {{{this}}}\n{{/each}}',
      `${t.timeline}:`,
      '{{#each timelineLines}}- {{{this}}}\n{{/each}}',
      '{{#each drillLines}}{{{this}}}\n{{/each}}',
    ].join('\n'),
  };
}

/** Every template the system sends with, for all supported locales. */
export function allEmailTemplates(prefix: string): EmailTemplate[] {
  return supportedLocales.flatMap((locale) => [
    noticeTemplate('first-notice', locale, prefix),
    noticeTemplate('update', locale, prefix),
    noticeTemplate('closing', locale, prefix),
    reportTemplate(locale, prefix),
  ]);
}
