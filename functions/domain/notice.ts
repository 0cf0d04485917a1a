import { htmlEscaped } from './email-templates.js';
import type { AlarmSource, ImpactSummary } from './incident.js';
import { catalogues, dataCategoryLabel, type Locale } from './locales.js';
import type { Advice } from './locales/catalogue.js';

export type NoticeKind = 'first-notice' | 'update';

/** The approved wording of one notice in one locale: the incident-wide part of the template data. */
export interface NoticeContent {
  subject: string;
  headline: string;
  whatHappened: string;
  actionsTaken: string[];
  customerSteps: string[];
  contact: string;
  nextUpdate: string;
  /** SMS body; `{affectedData}` (`SMS_AFFECTED_DATA`) is replaced per customer. */
  sms: string;
  /** The fields the email's HTML part shows, HTML-escaped (operator notes are free text). */
  html: NoticeHtml;
}

export type NoticeHtml = Pick<NoticeContent, 'headline' | 'whatHappened' | 'actionsTaken' | 'customerSteps' | 'contact' | 'nextUpdate'> & { incidentId: string };

export interface CompanyProfile {
  name: string;
  contact: string;
  incidentPageUrl: string;
}

/** Stored in the approved SMS text (approvers see it as is); each customer's data replaces it at sending. */
export const SMS_AFFECTED_DATA = '{affectedData}';

export interface DraftInput {
  kind: NoticeKind;
  sequence: number;
  incident: {
    incidentId: string;
    source: AlarmSource;
    firstSeenAt: string;
    impact: ImpactSummary;
  };
  /** Operator-entered progress notes since the last notice, oldest first. */
  progressNotes: string[];
  company: CompanyProfile;
  nextUpdateAt: string;
}

const sensitive = new Set(['password', 'payment_card', 'bank_account', 'government_id', 'crypto_assets', 'api_keys']);

/** Advice follows the data involved; every customer gets the phishing warning. */
function stepsFor(categories: string[], advice: Advice): string[] {
  const steps: string[] = [];
  if (categories.includes('password')) steps.push(advice.changePassword);
  if (categories.some((c) => sensitive.has(c))) steps.push(advice.twoFactor);
  if (categories.some((c) => ['payment_card', 'bank_account', 'crypto_assets', 'transaction_history'].includes(c))) steps.push(advice.checkTransactions);
  if (categories.includes('api_keys')) steps.push(advice.revokeApiKeys);
  steps.push(advice.phishing);
  return steps;
}

/** Drafts the wording for one locale. Plain words; approvers review it before anyone sees it. */
export function draftNotice(input: DraftInput, locale: Locale): NoticeContent {
  const { incident, company } = input;
  const c = catalogues[locale];
  const t = c.notice;
  const when = c.formatTime(incident.firstSeenAt);
  const nextUpdate = c.formatTime(input.nextUpdateAt);
  const categories = Object.keys(incident.impact.byDataCategory).sort();
  const data = affectedDataText(categories, locale);
  const first = input.kind === 'first-notice';

  const whatHappened = t.whatHappened({ when, source: incident.source, customers: incident.impact.affectedCustomers, data });
  const actionsTaken = [t.responseTeamAlerted, ...input.progressNotes];
  if (!first && input.progressNotes.length === 0) actionsTaken.push(t.nothingNew);
  const contact = t.contact(company);
  const subject = first ? t.firstSubject({ company: company.name }) : t.updateSubject({ company: company.name, update: input.sequence - 1 });
  const headline = first ? t.firstHeadline({ company: company.name }) : t.updateHeadline;
  const sms = t.sms({ company: company.name, when, incidentPageUrl: company.incidentPageUrl, affectedData: SMS_AFFECTED_DATA });
  const customerSteps = stepsFor(categories, c.advice);
  return {
    subject,
    headline,
    whatHappened,
    actionsTaken,
    customerSteps,
    contact,
    nextUpdate,
    sms,
    html: htmlEscaped({ headline, whatHappened, actionsTaken, customerSteps, contact, nextUpdate, incidentId: incident.incidentId }),
  };
}

function affectedDataText(categories: string[], locale: Locale): string {
  return catalogues[locale].formatList(categories.map((c) => dataCategoryLabel(c, locale)));
}

/**
 * The per-customer part of the template data (it reaches SES only, never the workflow): plain for the
 * text part and SMS, escaped for the HTML part. Flat keys, so a per-destination merge over the
 * notice's data never replaces its `html` object.
 */
export function customerReplacementData(
  name: string,
  categories: string[],
  locale: Locale,
): { customerName: string; affectedData: string; customerNameHtml: string; affectedDataHtml: string } {
  const affectedData = affectedDataText(categories, locale);
  return { customerName: name, affectedData, customerNameHtml: htmlEscaped(name), affectedDataHtml: htmlEscaped(affectedData) };
}

export function renderSms(content: NoticeContent, affectedData: string): string {
  return content.sms.replace(SMS_AFFECTED_DATA, affectedData);
}

export function isSensitiveCategory(category: string): boolean {
  return sensitive.has(category);
}
