import type { AlarmSource } from '../incident.js';

/**
 * Everything the system says to a person, in one language. One module per locale implements it, so
 * the type checker finds a missing or misspelt translation. Sentences are whole phrases taking typed
 * values, never glued from fragments: word order, plurals and punctuation belong to the language.
 */
export interface LocaleCatalogue {
  /** BCP 47 primary language subtag, for matching a customer's or browser's locale. */
  language: string;
  /** A UTC instant as a reader of this language writes it, naming the time zone. */
  formatTime(iso: string): string;
  /** "a, b and c" in this language. */
  formatList(items: string[]): string;
  dataCategories: Record<DataCategory, string>;
  advice: Advice;
  notice: NoticeTexts;
  noticeEmail: NoticeEmailTexts;
  preview: PreviewTexts;
  finalReport: FinalReportTexts;
  approvalEmail: ApprovalEmailTexts;
  approvalPage: ApprovalPageTexts;
}

/** The data categories the directory knows; other words are shown as written. */
export const dataCategories = [
  'name',
  'email',
  'phone',
  'address',
  'date_of_birth',
  'password',
  'government_id',
  'payment_card',
  'bank_account',
  'transaction_history',
  'crypto_assets',
  'api_keys',
] as const;
export type DataCategory = (typeof dataCategories)[number];

/** What a customer should do, one sentence each; which apply is decided by the data involved. */
export interface Advice {
  changePassword: string;
  twoFactor: string;
  checkTransactions: string;
  revokeApiKeys: string;
  phishing: string;
}

/** The notice's incident-wide wording; `when` and `nextUpdate` are already formatted by `formatTime`. */
export interface NoticeTexts {
  firstSubject(p: { company: string }): string;
  /** `update` counts updates: the first update is 1. */
  updateSubject(p: { company: string; update: number }): string;
  firstHeadline(p: { company: string }): string;
  updateHeadline: string;
  whatHappened(p: { when: string; source: AlarmSource; customers: number; data: string }): string;
  responseTeamAlerted: string;
  nothingNew: string;
  contact(p: { contact: string; incidentPageUrl: string }): string;
  /** The SMS; `affectedData` is the per-customer placeholder, filled at sending. */
  sms(p: { company: string; when: string; incidentPageUrl: string; affectedData: string }): string;
}

/** The SES template's own words around the drafted fields; values are template variables. */
export interface NoticeEmailTexts {
  greeting(p: { customerName: string }): string;
  yourData(p: { affectedData: string }): string;
  happened: string;
  done: string;
  todo: string;
  contact: string;
  next(p: { nextUpdate: string }): string;
  footer(p: { incidentId: string }): string;
}

/** How the approval preview stands in for the per-customer parts. */
export interface PreviewTexts {
  customerName: string;
  affectedData: string;
}

export interface FinalReportTexts {
  subject(p: { incidentId: string; title: string }): string;
  intro(p: { incidentId: string }): string;
  counts: string;
  notices: string;
  timeline: string;
}

export interface ApprovalEmailTexts {
  /** `update` is null for the first notice. */
  subject(p: { escalated: boolean; update: number | null; incidentId: string }): string;
  summary(p: { incidentId: string; title: string; severity: string; customers: number; firstSeenAt: string }): string;
  reviewHtml(p: { by: string }): string;
  reviewText(p: { by: string }): string;
  /** `code` arrives as HTML, so the sentence itself must be HTML-safe (no `<>&"'`). */
  codeInEmailHtml(p: { code: string }): string;
  codeInEmailText(p: { code: string }): string;
  codeBySmsHtml: string;
  codeBySmsText: string;
  linkChangesNothing: string;
  doNotForward: string;
  sms(p: { incidentId: string; code: string }): string;
}

type Sentence<P = Record<never, never>> = (p: P) => string;
type V = string | number;

/** The approval pages; refusals are keyed so they read right in every language while logs keep English. */
export interface ApprovalPageTexts {
  'link-invalid': Sentence;
  'request-gone': Sentence;
  locked: Sentence;
  'stale-form': Sentence;
  'wrong-code': Sentence<{ left: V }>;
  'you-already-approved': Sentence<{ count: V; quorum: V }>;
  'already-approved': Sentence<{ by: V; at: V }>;
  'already-rejected': Sentence<{ by: V; at: V }>;
  superseded: Sentence;
  expired: Sentence<{ at: V }>;
  'choose-decision': Sentence;
  'reason-needed': Sentence;
  'code-needed': Sentence<{ digits: V }>;
  'title-bad-request': Sentence;
  'title-unknown-link': Sentence;
  'title-already-decided': Sentence;
  'title-expired': Sentence;
  'title-superseded': Sentence;
  'title-wrong-code': Sentence;
  'title-locked': Sentence;
  'title-stale-form': Sentence;
  'nothing-changed': Sentence;
  'title-approve': Sentence;
  'title-decided': Sentence;
  'deciding-as': Sentence<{ approver: V; by: V }>;
  quorum: Sentence<{ quorum: V }>;
  'approved-so-far': Sentence<{ names: V }>;
  'nobody-yet': Sentence;
  incident: Sentence<{ id: V }>;
  what: Sentence;
  when: Sentence<{ at: V }>;
  'when-label': Sentence;
  customers: Sentence;
  data: Sentence;
  severity: Sentence;
  'notice-heading': Sentence;
  'code-label': Sentence;
  'reason-label': Sentence;
  approve: Sentence;
  reject: Sentence;
  'decided-rejected': Sentence;
  'decided-counted': Sentence<{ count: V; quorum: V }>;
  'decided-approved': Sentence;
  'recorded-for': Sentence<{ approver: V; at: V }>;
  'callback-pending': Sentence;
  'callback-lost': Sentence;
  'redelivered-approved': Sentence<{ by: V; at: V }>;
  'redelivered-rejected': Sentence<{ by: V; at: V }>;
}
