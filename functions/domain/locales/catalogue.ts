import type { ConfirmedAction } from '../facts.js';
import type { AlarmSource } from '../incident.js';
import type { RemedyOfferKind } from '../remedies.js';

/**
 * Everything the system says to a person, in one language. One module per locale implements it, so
 * the type checker finds a missing or misspelt translation. Sentences are whole phrases taking typed
 * values, never glued from fragments: word order, plurals and punctuation belong to the language.
 */
export interface LocaleCatalogue {
  /** BCP 47 primary language subtag, for matching a customer's or browser's locale. */
  language: string;
  /**
   * An instant as a reader of this language writes it, in `timeZone`, with the zone's name (or its
   * offset from UTC); `dateLocale` is the reader's own conventions (`en-US`, `en-GB`: `readerDateLocale`).
   */
  formatTime(iso: string, timeZone: string, dateLocale?: string): string;
  /** The calendar day of an instant in `timeZone`, short enough for an SMS, in the reader's conventions. */
  formatDay(iso: string, timeZone: string, dateLocale?: string): string;
  formatNumber(n: number): string;
  formatMoney(amount: number, currency: string): string;
  /** "a, b and c" in this language. */
  formatList(items: string[]): string;
  /**
   * `text` ending a sentence: the full stop added unless it already ends in one (or in other closing
   * punctuation), so inserted text never doubles it.
   */
  endSentence(text: string): string;
  dataCategories: Record<DataCategory, string>;
  advice: Advice;
  notice: NoticeTexts;
  noticeEmail: NoticeEmailTexts;
  /** Absent: California readers of this locale get its usual headings. */
  californiaNotice?: CaliforniaNoticeTexts;
  sms: SmsTexts;
  remedies: RemedyTexts;
  preview: PreviewTexts;
  review: ReviewTexts;
  finalReport: FinalReportTexts;
  approvalEmail: ApprovalEmailTexts;
  approvalPage: ApprovalPageTexts;
  /** How a drill's messages are marked (functions/domain/drill.ts). */
  drill: DrillTexts;
  answer: AnswerTexts;
  incidentPage: IncidentPageTexts;
  questionForm: QuestionFormTexts;
}

export interface DrillTexts {
  /** Starts every subject, headline and SMS of a drill; short (it costs SMS characters). */
  marker: string;
  /** Said at the top of every drill notice. */
  sentence: string;
}

/**
 * A locale's `endSentence`: `stop` is added unless the text already ends in terminal punctuation
 * (before any closing quotes or brackets); a trailing comma, colon or semicolon gives way to it.
 */
export function sentenceEnder(stop: string, terminal: string): (text: string) => string {
  const ended = new RegExp(`[${terminal}][\\p{Pf}\\p{Pe}"']*$`, 'u');
  return (text) => {
    const trimmed = text.trimEnd();
    return ended.test(trimmed) ? trimmed : `${trimmed.replace(/[,;:、，；：]+$/u, '')}${stop}`;
  };
}

/**
 * Texts only drafting and the incident page use, one object per locale beside its catalogue
 * (`draftingTexts`): the functions that only send notices bundle none of it.
 */
export interface DraftingTexts {
  /**
   * What could follow from each kind of data falling into other hands, one plain sentence each, in
   * the third person so the incident page can say it too (GDPR Art. 34(2) with 33(3)(c); PIPL Art. 57).
   */
  consequences: Record<DataCategory, string>;
  /** The notice's advice said to the public, for the incident page: no "you", whom each step is for. */
  publicAdvice: Advice;
  /** What happened, said to the public (the incident page): how many customers, of no one in particular. */
  publicHappened(p: { when: string; source: AlarmSource; customers: number }): string;
  /** An action the team confirmed, said of the incident (an update's "new measure", the incident page). */
  confirmedAction: Record<ConfirmedAction, string>;
  /** The catalogue's offers said to the public (the incident page), after `publicOffer`'s "customers whose ...". */
  publicOffers: Record<RemedyOfferKind, string>;
  publicOffer(p: { categories: string; offer: string }): string;
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
  /** With the reset confirmed by the team: choose a new one at the next sign-in, change the old one elsewhere. */
  changePasswordAfterReset: string;
  twoFactor: string;
  checkTransactions: string;
  /** Card details involved and no replacement confirmed: the card's issuer can block and replace it. */
  cardIssuer: string;
  revokeApiKeys: string;
  /** With the keys' disabling confirmed: create new ones. */
  createApiKeys: string;
  /** We never text links or ask for passwords or codes: the same line as the SMS's. */
  phishing: string;
  /** The same when the company's SMS carry its own link (setting `smsLink`): no promise about links. */
  phishingWithLink: string;
}

/**
 * A notice's sentences. `when` is a time already written by `formatTime` (or the placeholder a
 * customer's own time replaces); `text` is the response team's own words, inserted whole.
 */
export interface NoticeTexts {
  firstSubject(p: { company: string }): string;
  /** `update` counts updates: the first update is 1. */
  updateSubject(p: { company: string; update: number }): string;
  closingSubject(p: { company: string }): string;
  greeting(p: { customerName: string }): string;
  firstHeadline(p: { company: string }): string;
  updateHeadline(p: { company: string; update: number }): string;
  closingHeadline(p: { company: string }): string;
  /**
   * Said before anything else: apologises, owns the response and plays nothing down, without
   * conceding legal liability (a company may set its own approved sentence: setting `apology`).
   */
  firstApology: string;
  updateApology: string;
  closingApology: string;
  /** When, what kind and how many; a manual report is something we learned of, not something monitoring detected. */
  whatHappened(p: { when: string; source: AlarmSource; customers: number }): string;
  yourData(p: { affectedData: string }): string;
  causeUnknown: string;
  /** With no measures written by the team: the one thing known to be true. */
  investigating: string;
  investigated: string;
  newMeasure(p: { text: string }): string;
  newAdvice(p: { text: string }): string;
  newRemedy(p: { text: string }): string;
  causeFound(p: { cause: string }): string;
  causeRevised(p: { cause: string }): string;
  causeWithdrawn: string;
  accountUpdated: string;
  nothingChanged: string;
  contactEmail(p: { email: string }): string;
  /** A contact that is not an email address (a web address, a postal address). */
  contactOther(p: { contact: string }): string;
  hotline(p: { phone: string }): string;
  incidentPage(p: { url: string }): string;
  questionForm(p: { url: string }): string;
  nextUpdate(p: { when: string }): string;
  closingThanks: string;
  signature(p: { company: string }): string;
  /** Why the customer received the message, and the reference to quote. */
  footer(p: { incidentId: string }): string;
}

/** The email template's headings around the drafted sentences. */
export interface NoticeEmailTexts {
  changes: string;
  happened: string;
  consequences: string;
  cause: string;
  done: string;
  todo: string;
  remedies: string;
  contact: string;
}

/**
 * The title and headings Cal. Civ. Code 1798.82(d)(1) prescribes for a notice to California
 * residents, in the statute's own English words: a locale that defines them uses them for readers
 * whose directory region is US-CA.
 */
export interface CaliforniaNoticeTexts {
  title: string;
  happened: string;
  involved: string;
  doing: string;
  youCanDo: string;
  moreInfo: string;
}

/**
 * Each kind's SMS, longest first: the drafter sends the longest that fits one segment for every
 * customer, else the longest that fits two. What happened, that the email has the details, and that
 * we never text links or ask for codes; `link` (the company's own, setting `smsLink`) only when set,
 * and then without the promise about links. `day` is the customer's own day of the incident (`formatDay`).
 */
export interface SmsTexts {
  first(p: { company: string; day: string; link?: string }): string[];
  update(p: { company: string; day: string; link?: string; update: number }): string[];
  closing(p: { company: string; day: string; link?: string }): string[];
}

/**
 * Remedies offered by rule (domain/remedies.ts): each offer's default sentence, and how to take it up.
 * `deadline` is a date already written by `formatDeadline` in the reader's zone.
 */
export interface RemedyTexts {
  /** Each says what is offered and its limits; no open-ended promise ("any money lost"). */
  offers: Record<RemedyOfferKind, string>;
  /** The policy an offer is made under. */
  terms(p: { url: string }): string;
  /** The calendar date of an instant in `timeZone`, with the year. */
  formatDeadline(iso: string, timeZone: string): string;
  claimUrl(p: { url: string; deadline?: string }): string;
  claimContact(p: { contact: string; deadline?: string }): string;
  /** Neither a web address nor a contact given: the notice's own contacts. */
  claimUs(p: { deadline?: string }): string;
  /** Added to a customer's SMS when their email offers them something; GSM-7 only where the locale's SMS is. */
  sms: string;
  /** The approval preview's list of offers and whom they reach. */
  previewHeading: string;
  previewLine(p: { offer: string; categories: string; customers: number }): string;
}

/** How the approval preview stands in for the per-customer parts, and what it says about the SMS. */
export interface PreviewTexts {
  customerName: string;
  affectedData: string;
  localTimes: string;
  zoneTimes(p: { zone: string; firstSeen: string }): string;
  zoneTimesWithNext(p: { zone: string; firstSeen: string; nextUpdate: string }): string;
  moreZones(p: { count: number }): string;
  sms: string;
  smsSize(p: { encoding: string; characters: number; limit: number; segments: number }): string;
  smsCost(p: { recipients: number; segments: number; perSegment: string; total: string }): string;
  smsCostUnpriced(p: { recipients: number; segments: number }): string;
  noSms: string;
}

/** The approval email's and page's review block: version, changes and gaps. */
export interface ReviewTexts {
  version(p: { version: number; factsVersion: number }): string;
  gaps: string;
  nothingApprovedYet: string;
  noChanges: string;
  changesSinceVersion(p: { version: number }): string;
  changesSinceApproved(p: { noticeId: string }): string;
  /** Heading of the team's internal notes since the last approved notice: context for approvers, never sent to customers. */
  notes: string;
}

export interface FinalReportTexts {
  subject(p: { incidentId: string; title: string }): string;
  intro(p: { incidentId: string }): string;
  counts: string;
  notices: string;
  timeline: string;
  /** One notice on one channel: everyone it was meant for and where each of them stands (the figures of `npm run incident -- deliveries`). */
  deliveryLine(p: {
    noticeId: string;
    channel: string;
    intended: number;
    sent: number;
    suppressed: number;
    failed: number;
    uncertain: number;
    unfinished: number;
  }): string;
  /** Customer ids the provider may or may not have accepted, to check against its records; `more` are not listed. */
  uncertainLine(p: { incidentId: string; noticeId: string; channel: string; ids: string; more: number }): string;
  /** Customers of a notice no channel reached: the call list, with the public incident page as the last resort. */
  unreachableLine(p: { incidentId: string; noticeId: string; count: number; ids: string; more: number }): string;
  /**
   * A notice's email evidence on one channel (domain/reputation.ts evidenceFigures) and its rates as
   * fractions (null: nothing behind them yet); `resumed`: the team sent it on despite its rates.
   */
  evidenceLine(p: {
    noticeId: string;
    channel: string;
    accepted: number;
    delivered: number;
    bounced: number;
    transientBounces: number;
    complained: number;
    delayed: number;
    rejected: number;
    renderingFailures: number;
    bounceRate: number | null;
    complaintRate: number | null;
    resumed: { by: string; at: string } | null;
  }): string;
  /** A notice whose figures disagree with themselves: said before them, never left out. */
  unreconciled(p: { noticeId: string; problems: string }): string;
  /** Remedies offered by rule, one line each: to how many customers the notices sent offered it. */
  remedies: string;
  remedyLine(p: { ruleId: string; customers: number }): string;
  noRemedies: string;
  /** Regulators' obligations (functions/domain/obligations): each with its deadline, filing and whether the deadline was met. */
  regulators: string;
  regulatorLine(p: {
    obligationId: string;
    law: string;
    deadline: string | null;
    filedAt: string | null;
    ref: string | null;
    outcome: 'met' | 'missed' | 'open' | 'not-applicable' | 'waiting' | 'no-fixed-deadline';
    reason: string | null;
  }): string;
  noRegulators: string;
  /** "Next update by": each time a notice promised customers and whether the next notice kept it (domain/promises.ts). */
  promises: string;
  /** `next` and `sentAt`: the next notice sent and when (null: none since); `lateMinutes` with a missed promise that a notice came for. */
  promiseLine(p: {
    noticeId: string;
    promisedBy: string;
    next: string | null;
    sentAt: string | null;
    outcome: 'kept' | 'missed' | 'open';
    lateMinutes: number | null;
  }): string;
  noPromises: string;
  scope: string;
  /** One scope decision: `summary` is domain/scope.ts describeScope's (English, like the ids and laws). */
  scopeLine(p: { version: number; summary: string; reason: string; by: string; at: string }): string;
  scopeFromAlarm: string;
  closedBecause(p: { by: string; reason: string }): string;
  questions: string;
  questionsLine(p: { received: number; answered: number; emailed: number; faqPublished: number; faqPending: number; faqRejected: number }): string;
  /** The drill section (functions/domain/drill-report.ts): each step's time against the playbook's targets. */
  drill: string;
  drillStep: Record<'opened' | 'paged' | 'drafted' | 'approvalRequested' | 'approved' | 'sent' | 'closed' | 'finalReport', string>;
  /** Minutes; `verdict` MET, MISSED, PENDING or UNTARGETED (kept in English, like the regulators' MET/MISSED). */
  drillLine(p: {
    step: string;
    at: string | null;
    stepMinutes: number | null;
    sinceAlarmMinutes: number | null;
    targetMinutes: number | null;
    verdict: string;
  }): string;
  drillSummary(p: { met: number; missed: number }): string;
}

export interface ApprovalEmailTexts {
  /** `update` is null for the first notice. */
  subject(p: { escalated: boolean; update: number | null; closing: boolean; incidentId: string }): string;
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
  /** The facts were edited after the request: its wording is no longer the one to approve. */
  edited: Sentence;
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
  'returned-approved': Sentence<{ by: V; at: V }>;
  'returned-rejected': Sentence<{ by: V; at: V }>;
}

/** The emails and page that carry an operator's answer to the customer who asked, in the question's language. */
export interface AnswerTexts {
  subject: (incidentId: string) => string;
  intro: (incidentId: string) => string;
  /** True when it is sent: the address is deleted with the claim of this one email (functions/adapters/question-store.ts). */
  noReply: string;
  /** The one email to an address not yet confirmed: it says nothing of the question. */
  confirmSubject: (incidentId: string) => string;
  confirmBody: (incidentId: string) => string;
  confirmLink: (expiresAt: string) => string;
  confirmIgnore: string;
  /** The confirmation page (GET shows it, its button POSTs). */
  confirmTitle: string;
  confirmPage: (incidentId: string) => string;
  confirmButton: string;
  confirmedTitle: string;
  confirmed: string;
  refusedTitle: string;
  unknownLink: string;
  expiredLink: string;
  staleForm: string;
}

/** The public incident page's own words; the notices' sentences come from the approved notices. */
export interface IncidentPageTexts {
  title: (p: { company: string }) => string;
  /** The statement's opening and apology, said to the public: nothing addressed to one customer. */
  headline: (p: { company: string }) => string;
  apology: string;
  consequences: string;
  /** A closing notice's entry among the updates. */
  closedUpdate: string;
  statement: string;
  updates: string;
  update: (p: { n: number; date: string }) => string;
  closed: string;
  whatToDo: string;
  remedies: string;
  faq: string;
  contact: string;
  ask: string;
  askLink: string;
  nextUpdate: (p: { when: string }) => string;
  noMoreUpdates: string;
  published: (p: { when: string }) => string;
  otherLanguages: string;
  /** The text announced to the public channels, and the page's summary. */
  summary: (p: { company: string; updates: number; closed: boolean; url: string }) => string;
}

/** The incident page's question form and the pages its answers show. */
export interface QuestionFormTexts {
  title: string;
  intro: string;
  question: string;
  email: string;
  emailHint: string;
  send: string;
  honeypot: string;
  thanksTitle: string;
  thanks: string;
  thanksEmail: string;
  back: string;
  invalidTitle: string;
  invalid: string;
  tooFast: string;
  expired: string;
  closed: string;
  limitedTitle: string;
  limited: string;
  /** A form sent a second time (each served form takes one question). */
  usedTitle: string;
  used: string;
}
