import type { SeverityLevel } from '../incident.js';

/**
 * Regulators' notification obligations: which law asks whom to be told, on what condition, by when.
 *
 * ASSISTANCE, NOT LEGAL ADVICE. The rows summarise public texts in our own words so the response team
 * sees the clocks that may run; counsel decides what applies, what is filed and when. Every row names
 * its sources; `checked` says how far a row was checked against them (see the README table).
 */

import type { Sector } from './settings.js';

export { sectors, type Sector } from './settings.js';

export type Recipient = 'authority' | 'individuals' | 'media';

/**
 * The moment a clock starts from.
 * - `detection`: the incident was opened (the alarm reached us). Laws speak of awareness, discovery or
 *   determination; the earliest moment we record is taken, so a deadline is never later than the law's.
 * - `assessment`: the impact was assessed and the obligation found to apply (recorded when it is added).
 * - `materiality-determination`: a person records it (`npm run incident -- materiality ID --at TIME`).
 * - `{ filed }`: another obligation of the incident was recorded as filed (NIS2's final report).
 */
export type StartMoment = 'detection' | 'assessment' | 'materiality-determination' | { filed: string };

export type ClockSpec =
  | { kind: 'hours'; amount: number; from: StartMoment }
  | { kind: 'calendar-days'; amount: number; from: StartMoment }
  /** Days other than Saturday, Sunday and US federal holidays, ending 17:30 New York time (EDGAR's filing-date cut-off). */
  | { kind: 'us-business-days'; amount: number; from: StartMoment }
  | { kind: 'months'; amount: number; from: StartMoment }
  /** "Immediately" / "without undue delay": no fixed deadline, tracked until filed or marked not applicable. */
  | { kind: 'no-fixed-deadline'; from: StartMoment };

/**
 * One way a row applies; every field given must hold (a list: any of its values). Countries are ISO
 * 3166-1 alpha-2 codes as the customer directory holds them, or ISO 3166-2 subdivisions (`US-CO`):
 * the directory holds countries only, so a subdivision row also matches its country, with a caveat.
 */
export interface TriggerCondition {
  countries?: readonly string[];
  dataCategories?: readonly string[];
  sectors?: readonly Sector[];
  minSeverity?: SeverityLevel;
  /** Affected customers in the matched countries together, at least. */
  minAffected?: number;
}

/** `'50%'` of the clock gone, or `'1h'` / `'30m'` / `'2d'` before the deadline. */
export type ReminderPoint = `${number}%` | `${number}${'m' | 'h' | 'd'}`;

export interface ObligationRow {
  id: string;
  jurisdiction: string;
  /** Law and article. */
  law: string;
  notify: readonly Recipient[];
  /** Who receives it, in words. */
  recipient: string;
  /** Applies when any one condition holds. */
  when: readonly TriggerCondition[];
  clock: ClockSpec;
  reminders: readonly ReminderPoint[];
  sources: readonly string[];
  /** What the law asks, in our words. */
  summary: string;
  /** What this row simplifies or cannot know. */
  caveat?: string;
  /** How the row was checked against its sources. */
  checked: string;
}

export const EU_EEA = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'IS',
  'LI',
  'NO',
] as const;

/** Data categories that make personal information under the US state laws below (name plus one of them). */
const US_STATE_PI = ['government_id', 'payment_card', 'bank_account', 'password', 'health', 'medical', 'health_insurance'] as const;
/** Categories of protected health information; the directory has none by default: import them as data categories. */
export const HEALTH_CATEGORIES = ['health', 'medical', 'health_insurance'] as const;
/** Categories likely to cause significant harm (Singapore's PDPA prescribes classes of such data). */
const SIGNIFICANT_HARM = ['government_id', 'payment_card', 'bank_account', 'password', 'health', 'medical', 'health_insurance', 'crypto_assets'] as const;

const STANDARD_REMINDERS: readonly ReminderPoint[] = ['50%', '75%', '90%', '1h'];
const SHORT_REMINDERS: readonly ReminderPoint[] = ['50%', '75%', '90%'];

export const OBLIGATIONS: readonly ObligationRow[] = [
  {
    id: 'eu-gdpr-art33',
    jurisdiction: 'EU/EEA',
    law: 'GDPR (Regulation (EU) 2016/679) Art. 33',
    notify: ['authority'],
    recipient: 'the competent (lead) supervisory authority',
    when: [{ countries: EU_EEA }],
    clock: { kind: 'hours', amount: 72, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://gdprlearninghub.com/article-33-gdpr/',
      'https://www.gdpr-ccpa.org/gdpr-articles/gdpr-article-33-notification-of-a-personal-data-breach-to-the-supervisory-authority',
    ],
    summary:
      "A controller tells its supervisory authority about a personal data breach without undue delay and where feasible within 72 hours of becoming aware, unless the breach is unlikely to risk people's rights; a later notice must give reasons for the delay. It describes the breach, categories and rough numbers of people and records, a contact, likely consequences and the measures taken; details may follow in phases.",
    caveat: 'Mark not applicable, with the reason, when the breach is unlikely to result in a risk to individuals (keep that assessment on record).',
    checked: 'Article text read through the search tool (2 sources agree).',
  },
  {
    id: 'eu-gdpr-art34',
    jurisdiction: 'EU/EEA',
    law: 'GDPR (Regulation (EU) 2016/679) Art. 34',
    notify: ['individuals'],
    recipient: 'the affected data subjects',
    when: [{ countries: EU_EEA, minSeverity: 'HIGH' }],
    clock: { kind: 'no-fixed-deadline', from: 'detection' },
    reminders: [],
    sources: ['https://oc-services.de/en/compliance/incidents/', 'https://macwangrid.com/blog/gdpr-breach-notification-requirements.html'],
    summary:
      'When a breach is likely to result in a high risk to people, the controller also tells the people concerned, in plain language, without undue delay. No fixed hours.',
    caveat: '"High risk" is approximated by severity HIGH or CRITICAL; the customer notices this system sends are the usual way to meet it.',
    checked: 'Summaries found through the search tool; the article text itself was not retrieved.',
  },
  {
    id: 'cn-pipl-art57',
    jurisdiction: 'China',
    law: 'Personal Information Protection Law (PIPL) Art. 57',
    notify: ['authority', 'individuals'],
    recipient: 'the departments performing personal information protection duties, and the individuals',
    when: [{ countries: ['CN'] }],
    clock: { kind: 'no-fixed-deadline', from: 'detection' },
    reminders: [],
    sources: ['http://www.plnmw.com/InformationService/fbtanikxat.html', 'https://bifrostindex.ai/guides/china/breach-notification'],
    summary:
      'When personal information is leaked, tampered with or lost, the processor takes remedial measures at once and notifies the protection departments and the individuals: kinds of information, cause, possible harm, measures taken, what individuals can do, a contact. Individuals need not be told when the measures effectively avoid harm, unless the authority asks. No fixed hours ("immediately").',
    checked: 'An English translation of the article read through the search tool.',
  },
  {
    id: 'cn-cac-incident-4h',
    jurisdiction: 'China',
    law: 'CAC Measures for the Administration of National Cybersecurity Incident Reporting (in force 1 Nov 2025) Art. 4',
    notify: ['authority'],
    recipient: 'the provincial cyberspace administration',
    when: [{ sectors: ['cn-network-operator'], minSeverity: 'HIGH' }],
    clock: { kind: 'hours', amount: 4, from: 'detection' },
    reminders: SHORT_REMINDERS,
    sources: [
      'https://datacompliancechina.com/laws/cybersecurity-incident-reporting-measures/',
      'https://cbltranslations.com/en-us/china-law/privacy/cybersecurity-incident-reporting-rules-translated/',
    ],
    summary:
      'A network operator in China grades an incident by the annexed classification guide; one of "relatively significant" level or above is reported to the provincial cyberspace authority within 4 hours of discovery (operators under central state organs: 2 hours to their department).',
    caveat: "Grade is approximated by severity HIGH or CRITICAL; the official grading (by the Measures' annex) decides.",
    checked: 'Translations of Art. 4 read through the search tool; sources agree on 4 hours for other network operators.',
  },
  {
    id: 'cn-cac-cii-1h',
    jurisdiction: 'China',
    law: 'CAC Measures for the Administration of National Cybersecurity Incident Reporting Art. 4 (critical information infrastructure)',
    notify: ['authority'],
    recipient: 'the CII protection department and public security',
    when: [{ sectors: ['cn-critical-information-infrastructure'], minSeverity: 'HIGH' }],
    clock: { kind: 'hours', amount: 1, from: 'detection' },
    reminders: SHORT_REMINDERS,
    sources: [
      'https://cbltranslations.com/en-us/china-law/privacy/cybersecurity-incident-reporting-rules-translated/',
      'http://www.szdaily.com/content/2025-09/16/content_31692383.htm',
    ],
    summary:
      'Where critical information infrastructure is involved, the operator reports to its protection department and the public security authority within 1 hour; for major and particularly major incidents those authorities pass it on to the national level within 30 minutes.',
    caveat: "The 1-hour clock is the CII operator's; for other operators the 1-hour and 30-minute steps are the authorities' escalations, not theirs.",
    checked: 'Translations read through the search tool; secondary sources differ on who owes the 1 hour, the translation of Art. 4 is followed.',
  },
  {
    id: 'us-nydfs-500-17',
    jurisdiction: 'US: New York',
    law: '23 NYCRR 500.17(a)',
    notify: ['authority'],
    recipient: 'the Superintendent of Financial Services (DFS portal)',
    when: [{ sectors: ['financial-services-ny'] }],
    clock: { kind: 'hours', amount: 72, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://www.law.cornell.edu/regulations/new-york/23-NYCRR-500.17'],
    summary:
      'A covered entity notifies the Superintendent electronically as promptly as possible and no later than 72 hours after determining that a cybersecurity incident occurred at it, an affiliate or a third-party service provider, and keeps the Department updated.',
    checked: 'Current regulation text read through the search tool.',
  },
  {
    id: 'us-sec-8k-1-05',
    jurisdiction: 'US: federal (SEC)',
    law: 'Form 8-K Item 1.05 (Release 33-11216)',
    notify: ['authority', 'media'],
    recipient: 'the SEC, by a public Form 8-K filing',
    when: [{ sectors: ['public-company-us'] }],
    clock: { kind: 'us-business-days', amount: 4, from: 'materiality-determination' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://breachdocket.com/articles/sec-8k-item-1-05-meaning-explainer-2026-06-22',
      'https://learn.daydream.ai/requirements/sec-cybersecurity-item-106',
    ],
    summary:
      'A registrant that determines a cybersecurity incident is material files an Item 1.05 Form 8-K within four business days of that determination, describing the nature, scope and timing and the (reasonably likely) material impact. The determination itself is to be made without unreasonable delay after discovery. The Attorney General may allow a delay for national security or public safety.',
    caveat: 'The clock waits until an operator records the materiality determination; the deadline is 17:30 New York time of the 4th business day.',
    checked: 'Summaries quoting the release read through the search tool; Form 8-K itself was not retrieved.',
  },
  {
    id: 'us-hipaa-individuals',
    jurisdiction: 'US: federal (HHS)',
    law: 'HIPAA Breach Notification Rule, 45 CFR 164.404',
    notify: ['individuals'],
    recipient: 'the affected individuals',
    when: [{ sectors: ['health-us'], countries: ['US'], dataCategories: HEALTH_CATEGORIES }],
    clock: { kind: 'calendar-days', amount: 60, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://www.hipaanswers.com/?p=79',
      'https://www.accountablehq.com/post/breach-notification-under-hipaa-timelines-triggers-and-reporting-best-practices',
    ],
    summary:
      'A covered entity notifies each individual whose unsecured protected health information was breached without unreasonable delay and no later than 60 calendar days after discovery.',
    checked: 'Secondary summaries read through the search tool; the CFR text was not retrieved.',
  },
  {
    id: 'us-hipaa-hhs',
    jurisdiction: 'US: federal (HHS)',
    law: 'HIPAA Breach Notification Rule, 45 CFR 164.408',
    notify: ['authority'],
    recipient: 'the Secretary of HHS (OCR breach portal)',
    when: [{ sectors: ['health-us'], countries: ['US'], dataCategories: HEALTH_CATEGORIES, minAffected: 500 }],
    clock: { kind: 'calendar-days', amount: 60, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://telehealthist.com/course/hipaa/lessons/breach-of-information/topics/secretary-notification-requirements/'],
    summary:
      'A breach of 500 or more individuals goes to the Secretary within 60 days of discovery; smaller ones are logged and reported within 60 days after the end of the calendar year.',
    checked: 'Secondary summaries read through the search tool.',
  },
  {
    id: 'us-hipaa-media',
    jurisdiction: 'US: federal (HHS)',
    law: 'HIPAA Breach Notification Rule, 45 CFR 164.406',
    notify: ['media'],
    recipient: 'prominent media outlets serving the state',
    when: [{ sectors: ['health-us'], countries: ['US'], dataCategories: HEALTH_CATEGORIES, minAffected: 500 }],
    clock: { kind: 'calendar-days', amount: 60, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://www.fullycompliance.com/hipaa-breach-notification/'],
    summary: 'When more than 500 residents of one state or jurisdiction are affected, prominent media outlets there are told within 60 days of discovery.',
    caveat: 'The directory holds countries, not states: this row counts all US customers; mark it not applicable when no single state reaches 500.',
    checked: 'Secondary summaries read through the search tool.',
  },
  {
    id: 'us-co-6-1-716',
    jurisdiction: 'US: Colorado',
    law: 'C.R.S. 6-1-716',
    notify: ['individuals', 'authority'],
    recipient: 'affected Colorado residents; the Attorney General when 500 or more',
    when: [{ countries: ['US-CO'], dataCategories: US_STATE_PI }],
    clock: { kind: 'calendar-days', amount: 30, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://www.complianceiq.site/breach-notification/colorado', 'https://csrps.com/privacy-regulations/colorado/'],
    summary:
      'Residents are notified in the most expedient time possible and no later than 30 days after determining that a security breach occurred; the Attorney General too within 30 days when 500 or more residents are affected.',
    checked: 'Secondary summaries read through the search tool; the statute text was not retrieved.',
  },
  {
    id: 'us-fl-501-171',
    jurisdiction: 'US: Florida',
    law: 'Fla. Stat. 501.171',
    notify: ['individuals', 'authority'],
    recipient: 'affected Florida residents; the Department of Legal Affairs when 500 or more',
    when: [{ countries: ['US-FL'], dataCategories: US_STATE_PI }],
    clock: { kind: 'calendar-days', amount: 30, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://www.dwt.com/gcp/states/florida', 'https://www.wordsbywit.com/florida'],
    summary:
      'Individuals are notified as expeditiously as practicable and no later than 30 days after the breach is determined or believed to have occurred; the Department of Legal Affairs within 30 days when 500 or more residents are affected (15 more days for good cause given in time).',
    checked: 'Secondary summaries and part of the statute text read through the search tool.',
  },
  {
    id: 'us-wa-19-255-010',
    jurisdiction: 'US: Washington',
    law: 'RCW 19.255.010',
    notify: ['individuals', 'authority'],
    recipient: 'affected Washington residents; the Attorney General when more than 500',
    when: [{ countries: ['US-WA'], dataCategories: [...US_STATE_PI, 'date_of_birth'] }],
    clock: { kind: 'calendar-days', amount: 30, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://atg.wa.gov/washington-s-data-breach-notification-laws'],
    summary:
      'Residents are notified in the most expedient time possible and within 30 days after the breach was discovered; the Attorney General too, within 30 days, when more than 500 residents are affected.',
    checked: "The Attorney General's own page read through the search tool.",
  },
  {
    id: 'sg-pdpa-26d',
    jurisdiction: 'Singapore',
    law: 'Personal Data Protection Act 2012 s. 26D',
    notify: ['authority', 'individuals'],
    recipient: 'the Personal Data Protection Commission; affected individuals when significant harm is likely',
    when: [
      { countries: ['SG'], minAffected: 500 },
      { countries: ['SG'], dataCategories: SIGNIFICANT_HARM },
    ],
    clock: { kind: 'calendar-days', amount: 3, from: 'assessment' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://resourcehub.bakermckenzie.com/en/resources/global-data-privacy-and-cybersecurity-handbook/asia-pacific/singapore/topics/breach-notification-requirements',
    ],
    summary:
      'A breach is notifiable when it is likely to cause significant harm or affects 500 or more people. The PDPC is told as soon as practicable and no later than 3 calendar days after the organisation assesses it notifiable; individuals (when significant harm is likely) as soon as practicable.',
    caveat:
      'The clock starts when this system assessed the impact, the earliest the organisation could have; record the filing by the 3rd day after your own assessment if it was later.',
    checked: "A law firm's handbook citing s. 26D read through the search tool.",
  },
  {
    id: 'au-ndb-assessment',
    jurisdiction: 'Australia',
    law: 'Privacy Act 1988 Part IIIC (s. 26WH, 26WK, 26WL)',
    notify: ['authority', 'individuals'],
    recipient: 'the OAIC and the individuals at risk, once the breach is assessed eligible',
    when: [{ countries: ['AU'] }],
    clock: { kind: 'calendar-days', amount: 30, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://quillio.au/compliance/privacy-mandatory-pii-reporting',
      'https://www.oaic.gov.au/privacy/notifiable-data-breaches/when-to-report-a-data-breach',
    ],
    summary:
      'An entity that suspects an eligible data breach (likely serious harm) assesses it reasonably and expeditiously, within 30 days; an eligible breach is notified to the OAIC and the individuals as soon as practicable. The clock here is the 30-day assessment.',
    caveat: 'Record "filed" when the statement went to the OAIC, or "not applicable" with the assessment\'s reasons.',
    checked: 'The OAIC page and a summary citing s. 26WH read through the search tool.',
  },
  {
    id: 'eu-nis2-early-warning',
    jurisdiction: 'EU',
    law: 'NIS2 Directive (EU) 2022/2555 Art. 23(4)(a)',
    notify: ['authority'],
    recipient: 'the national CSIRT or competent authority',
    when: [{ sectors: ['essential-entity-eu', 'important-entity-eu'], minSeverity: 'HIGH' }],
    clock: { kind: 'hours', amount: 24, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://www.sorena.io/artifacts/eu/nis2-directive/faq/24-hour-early-warning',
      'https://enactia.com/nis2-incident-reporting-24h-72h-and-1-month-cascade-guide/',
    ],
    summary:
      'An essential or important entity sends an early warning of a significant incident within 24 hours of becoming aware, saying whether it looks malicious or cross-border.',
    caveat: '"Significant" is approximated by severity HIGH or CRITICAL; national transpositions name the recipient.',
    checked: 'Summaries of Art. 23 read through the search tool; the directive text was not retrieved.',
  },
  {
    id: 'eu-nis2-notification',
    jurisdiction: 'EU',
    law: 'NIS2 Directive (EU) 2022/2555 Art. 23(4)(b)',
    notify: ['authority'],
    recipient: 'the national CSIRT or competent authority',
    when: [{ sectors: ['essential-entity-eu', 'important-entity-eu'], minSeverity: 'HIGH' }],
    clock: { kind: 'hours', amount: 72, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://enactia.com/nis2-incident-reporting-24h-72h-and-1-month-cascade-guide/'],
    summary:
      'Within 72 hours of becoming aware, an incident notification updates the early warning with an initial assessment: severity, impact and indicators of compromise.',
    checked: 'Summaries of Art. 23 read through the search tool.',
  },
  {
    id: 'eu-nis2-final-report',
    jurisdiction: 'EU',
    law: 'NIS2 Directive (EU) 2022/2555 Art. 23(4)(d)',
    notify: ['authority'],
    recipient: 'the national CSIRT or competent authority',
    when: [{ sectors: ['essential-entity-eu', 'important-entity-eu'], minSeverity: 'HIGH' }],
    clock: { kind: 'months', amount: 1, from: { filed: 'eu-nis2-notification' } },
    reminders: STANDARD_REMINDERS,
    sources: ['https://www.resiplan.eu/en/nis2-incident-notification'],
    summary:
      'A final report (root cause, mitigation, cross-border impact) follows no later than one month after the incident notification; a progress report instead while the incident is still going on.',
    caveat: 'The clock starts when the 72-hour notification (eu-nis2-notification) is recorded as filed.',
    checked: 'Summaries of Art. 23 read through the search tool.',
  },
  {
    id: 'us-bank-36h',
    jurisdiction: 'US: federal banking agencies',
    law: 'Computer-Security Incident Notification Rule, 12 CFR 53 (OCC), 225 subpart N (Fed), 304 subpart C (FDIC)',
    notify: ['authority'],
    recipient: 'the primary federal banking regulator',
    when: [{ sectors: ['us-bank'], minSeverity: 'HIGH' }],
    clock: { kind: 'hours', amount: 36, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://www.pawtectors.org/openregs/federal_register/2021-25510'],
    summary:
      'A banking organisation tells its primary federal regulator of a "notification incident" as soon as possible and no later than 36 hours after determining that one occurred.',
    caveat: 'A notification incident (material disruption of operations) is approximated by severity HIGH or CRITICAL.',
    checked: "The final rule's Federal Register abstract read through the search tool.",
  },
];
