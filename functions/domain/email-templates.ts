import { catalogues, supportedLocales, type Locale } from './locales.js';
import { escapeHtml } from './preview.js';

/**
 * SES stored templates. The stack deploys exactly these and the local twin loads exactly these,
 * so the variables below are the contract between drafting and delivery.
 *
 * Escaping is ours, not the provider's: SES escapes `{{x}}`, the twin's emulator does not, and SES
 * would escape the text part and subject too. So every variable is inserted raw (`{{{x}}}`): the
 * text part and subject take plain values, the HTML part takes the values under `html` (or named
 * `...Html`), escaped by `htmlEscaped`. SES and the twin then render the same bytes.
 */
export const noticeKinds = ['first-notice', 'update', 'final-report'] as const;
export type TemplateKind = (typeof noticeKinds)[number];

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

const htmlVars = { customerName: '{{{customerNameHtml}}}', affectedData: '{{{affectedDataHtml}}}', nextUpdate: '{{{html.nextUpdate}}}', incidentId: '{{{html.incidentId}}}' };
const textVars = { customerName: '{{{customerName}}}', affectedData: '{{{affectedData}}}', nextUpdate: '{{{nextUpdate}}}', incidentId: '{{{incidentId}}}' };
type Vars = typeof htmlVars;

/** The catalogue's sentences with template variables as their values. */
function noticeBody(locale: Locale, v: Vars) {
  const e = catalogues[locale].noticeEmail;
  return {
    greeting: e.greeting({ customerName: v.customerName }),
    yourData: e.yourData({ affectedData: v.affectedData }),
    happened: e.happened,
    done: e.done,
    todo: e.todo,
    contact: e.contact,
    next: e.next({ nextUpdate: v.nextUpdate }),
    footer: e.footer({ incidentId: v.incidentId }),
  };
}

function reportBody(locale: Locale, incidentId: string) {
  const r = catalogues[locale].finalReport;
  return { ...r, subject: r.subject({ incidentId: textVars.incidentId, title: '{{{title}}}' }), intro: r.intro({ incidentId }) };
}

function noticeTemplate(kind: 'first-notice' | 'update', locale: Locale, prefix: string): EmailTemplate {
  // The catalogue's words are text like any other: escaped for the HTML part (the variables pass unchanged).
  const h = htmlEscaped(noticeBody(locale, htmlVars));
  const t = noticeBody(locale, textVars);
  const list = (key: string) => `<ul>{{#each html.${key}}}<li>{{{this}}}</li>{{/each}}</ul>`;
  const textList = (key: string) => `{{#each ${key}}}- {{{this}}}\n{{/each}}`;
  return {
    name: templateName(prefix, kind, locale),
    subject: '{{{subject}}}',
    html: [
      `<p>${h.greeting}</p>`,
      '<p>{{{html.headline}}}</p>',
      `<h3>${h.happened}</h3><p>{{{html.whatHappened}}}</p>`,
      `<p><strong>${h.yourData}</strong></p>`,
      `<h3>${h.done}</h3>${list('actionsTaken')}`,
      `<h3>${h.todo}</h3>${list('customerSteps')}`,
      `<h3>${h.contact}</h3><p>{{{html.contact}}}</p>`,
      `<p>${h.next}</p>`,
      `<p><small>${h.footer}</small></p>`,
    ].join('\n'),
    text: [
      t.greeting,
      '',
      '{{{headline}}}',
      '',
      `${t.happened}:`,
      '{{{whatHappened}}}',
      '',
      t.yourData,
      '',
      `${t.done}:`,
      textList('actionsTaken'),
      `${t.todo}:`,
      textList('customerSteps'),
      `${t.contact}: {{{contact}}}`,
      '',
      t.next,
      '',
      t.footer,
    ].join('\n'),
  };
}

function reportTemplate(locale: Locale, prefix: string): EmailTemplate {
  const h = htmlEscaped(reportBody(locale, htmlVars.incidentId));
  const t = reportBody(locale, textVars.incidentId);
  const list = (tag: 'ul' | 'ol', key: string) => `<${tag}>{{#each html.${key}}}<li>{{{this}}}</li>{{/each}}</${tag}>`;
  return {
    name: templateName(prefix, 'final-report', locale),
    subject: t.subject,
    html: [
      `<p>${h.intro}</p>`,
      `<h3>${h.counts}</h3>${list('ul', 'deliveryLines')}`,
      `<h3>${h.notices}</h3>${list('ul', 'noticeLines')}`,
      `<h3>${h.timeline}</h3>${list('ol', 'timelineLines')}`,
    ].join('\n'),
    text: [
      t.intro,
      '',
      `${t.counts}:`,
      '{{#each deliveryLines}}- {{{this}}}\n{{/each}}',
      `${t.notices}:`,
      '{{#each noticeLines}}- {{{this}}}\n{{/each}}',
      `${t.timeline}:`,
      '{{#each timelineLines}}- {{{this}}}\n{{/each}}',
    ].join('\n'),
  };
}

/** Every template the system sends with, for all supported locales. */
export function allEmailTemplates(prefix: string): EmailTemplate[] {
  return supportedLocales.flatMap((locale) => [
    noticeTemplate('first-notice', locale, prefix),
    noticeTemplate('update', locale, prefix),
    reportTemplate(locale, prefix),
  ]);
}
