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

export type Recipient = 'authority' | 'individuals' | 'media' | 'police';

/**
 * The moment a clock starts from.
 * - `detection`: the incident was opened (the alarm reached us). Laws speak of awareness, discovery or
 *   determination; the earliest moment we record is taken, so a deadline is never later than the law's.
 * - `assessment`: the impact was assessed and the obligation found to apply (recorded when it is added).
 * - `materiality-determination`: a person records it (`npm run incident -- materiality ID --at TIME`).
 * - `extortion-payment`: a person records when an extortion (ransom) payment was made (`npm run incident -- extortion-payment ID --at TIME`).
 * - `{ filed }`: another obligation of the incident was recorded as filed (NIS2's final report).
 */
export type StartMoment = 'detection' | 'assessment' | 'materiality-determination' | 'extortion-payment' | { filed: string };

/** The moments a person records (the CLI's `materiality` and `extortion-payment`). */
export const RECORDED_MOMENTS = ['materiality-determination', 'extortion-payment'] as const;
export type RecordedMoment = (typeof RECORDED_MOMENTS)[number];

export type ClockSpec =
  | { kind: 'hours'; amount: number; from: StartMoment }
  | { kind: 'calendar-days'; amount: number; from: StartMoment }
  /** Days other than Saturday, Sunday and US federal holidays, ending 17:30 New York time (EDGAR's filing-date cut-off). */
  | { kind: 'us-business-days'; amount: number; from: StartMoment }
  /** Monday to Friday in UTC; public holidays are not skipped, so the deadline is never later than the law's. */
  | { kind: 'working-days'; amount: number; from: StartMoment }
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
  /** The language the regulator is written to, when not English (the first draft of the report is in it). */
  reportLanguage?: 'zh-CN';
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

/** The Grading Guide of the CAC Measures: leaking personal information of 1 million people or more is a "relatively major" incident. */
const CAC_RELATIVELY_MAJOR_PEOPLE = 1_000_000;
/** Special-care-required personal information (APPI Art. 2(3)) the directory can hold. */
const JP_SPECIAL_CARE = ['health', 'medical', 'health_insurance'] as const;
/** Data whose misuse may cause property damage (APPI Enforcement Rules Art. 7(2): card numbers, banking credentials). */
const JP_PROPERTY_DAMAGE = ['payment_card', 'bank_account', 'password', 'crypto_assets'] as const;
/** ANPD Resolution 15/2024 Art. 5: sensitive, financial and authentication data make a relevant risk. */
const BR_RELEVANT_RISK = ['health', 'medical', 'health_insurance', 'payment_card', 'bank_account', 'password', 'crypto_assets', 'government_id'] as const;

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
    reportLanguage: 'zh-CN',
  },
  {
    id: 'cn-cac-incident-4h',
    jurisdiction: 'China',
    law: 'CAC Measures for the Administration of National Cybersecurity Incident Reporting (in force 1 Nov 2025) Art. 4',
    notify: ['authority'],
    recipient: 'the provincial cyberspace administration',
    when: [
      { sectors: ['cn-network-operator'], countries: ['CN'], minAffected: CAC_RELATIVELY_MAJOR_PEOPLE },
      { sectors: ['cn-network-operator'], minSeverity: 'CRITICAL' },
    ],
    clock: { kind: 'hours', amount: 4, from: 'detection' },
    reminders: SHORT_REMINDERS,
    sources: [
      'http://www.qdubb.cn/html/2025/yunlingyaowen_0916/141638.html',
      'https://wlzx.gzy.edu.cn/info/1098/1576.htm',
      'https://cbltranslations.com/en-us/china-law/privacy/cybersecurity-incident-reporting-rules-translated/',
    ],
    summary:
      'A network operator in China grades an incident by the annexed Grading Guide (网络安全事件分级指南); one of "relatively major" (较大) level or above is reported to the provincial cyberspace administration within 4 hours of discovery (operators under central state organs: 2 hours to their department). By the Guide, leaking personal information of 1 million people or more (100万人以上) is relatively major, 10 million major, 100 million particularly major.',
    caveat:
      'The people count here is the affected customers in China; the Guide\'s other criteria (outages, economic loss, "a relatively large amount of personal information" without a number) are approximated by severity CRITICAL: the official grading decides.',
    checked:
      "The Measures (Art. 4) as republished in Chinese from the CAC's WeChat account, and the Guide's top grade, read through the search tool; the 1 million / 10 million thresholds of the lower grades read in a quotation of the annex (the full annex page was not retrieved).",
    reportLanguage: 'zh-CN',
  },
  {
    id: 'cn-cac-cii-1h',
    jurisdiction: 'China',
    law: 'CAC Measures for the Administration of National Cybersecurity Incident Reporting Art. 4 (critical information infrastructure)',
    notify: ['authority'],
    recipient: 'the CII protection department and public security',
    when: [
      { sectors: ['cn-critical-information-infrastructure'], countries: ['CN'], minAffected: CAC_RELATIVELY_MAJOR_PEOPLE },
      { sectors: ['cn-critical-information-infrastructure'], minSeverity: 'CRITICAL' },
    ],
    clock: { kind: 'hours', amount: 1, from: 'detection' },
    reminders: SHORT_REMINDERS,
    sources: [
      'http://www.qdubb.cn/html/2025/yunlingyaowen_0916/141638.html',
      'https://cbltranslations.com/en-us/china-law/privacy/cybersecurity-incident-reporting-rules-translated/',
      'http://www.szdaily.com/content/2025-09/16/content_31692383.htm',
    ],
    summary:
      'Where critical information infrastructure is involved, the operator reports to its protection department and the public security authority within 1 hour; for major and particularly major incidents those authorities pass it on to the national level within 30 minutes.',
    caveat:
      "The 1-hour clock is the CII operator's; for other operators the 1-hour and 30-minute steps are the authorities' escalations, not theirs. Graded as the 4-hour row: 1 million people or more, or severity CRITICAL for the Guide's other criteria.",
    checked:
      "The Chinese text of Art. 4 (republished from the CAC) read through the search tool: 涉及关键信息基础设施的 ... 最迟不得超过1小时 is the operator's own duty.",
    reportLanguage: 'zh-CN',
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
    // "More than 500": 500 residents do not trigger it, 501 do.
    when: [{ sectors: ['health-us'], countries: ['US'], dataCategories: HEALTH_CATEGORIES, minAffected: 501 }],
    clock: { kind: 'calendar-days', amount: 60, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-D/section-164.406',
      'https://www.fullycompliance.com/hipaa-breach-notification/',
    ],
    summary: 'When more than 500 residents of one state or jurisdiction are affected, prominent media outlets there are told within 60 days of discovery.',
    caveat: 'This row counts all US customers; mark it not applicable when no single state or jurisdiction has more than 500.',
    checked: 'Secondary summaries read through the search tool; the eCFR section is cited but its text was not retrieved here.',
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
  {
    id: 'uk-gdpr-art33',
    jurisdiction: 'United Kingdom',
    law: 'UK GDPR Art. 33 (Data Protection Act 2018)',
    notify: ['authority'],
    recipient: "the Information Commissioner's Office (ICO)",
    when: [{ countries: ['GB'] }],
    clock: { kind: 'hours', amount: 72, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://www.legislation.gov.uk/eur/2016/679/article/33', 'https://ico.org.uk/for-organisations/report-a-breach/'],
    summary:
      'A controller reports a personal data breach to the ICO without undue delay and, where feasible, within 72 hours of becoming aware of it, unless it is unlikely to result in a risk to people; a late report gives the reasons for the delay. Details may follow in phases.',
    caveat: 'Mark not applicable, with the reason, when the breach is unlikely to result in a risk to individuals (keep that assessment on record).',
    checked:
      'Secondary summaries of the UK GDPR article read through the search tool; the legislation.gov.uk text and the ICO page are cited but were not retrieved here.',
  },
  {
    id: 'uk-gdpr-art34',
    jurisdiction: 'United Kingdom',
    law: 'UK GDPR Art. 34',
    notify: ['individuals'],
    recipient: 'the affected data subjects',
    when: [{ countries: ['GB'], minSeverity: 'HIGH' }],
    clock: { kind: 'no-fixed-deadline', from: 'detection' },
    reminders: [],
    sources: ['https://www.legislation.gov.uk/eur/2016/679/article/34'],
    summary: 'When a breach is likely to result in a high risk to people, they are told without undue delay, in clear and plain language. No fixed hours.',
    caveat: '"High risk" is approximated by severity HIGH or CRITICAL.',
    checked: 'The article is cited from legislation.gov.uk; its text was not retrieved here (the EU article of the same number was checked for eu-gdpr-art34).',
  },
  {
    id: 'us-nydfs-500-17c-payment',
    jurisdiction: 'US: New York',
    law: '23 NYCRR 500.17(c)(1)',
    notify: ['authority'],
    recipient: 'the Superintendent of Financial Services (DFS portal)',
    when: [{ sectors: ['financial-services-ny'] }],
    clock: { kind: 'hours', amount: 24, from: 'extortion-payment' },
    reminders: SHORT_REMINDERS,
    sources: ['https://www.law.cornell.edu/regulations/new-york/23-NYCRR-500.17', 'https://www.dfs.ny.gov/industry_guidance/cybersecurity'],
    summary:
      'A covered entity that makes an extortion payment in connection with a cybersecurity event notifies the Superintendent within 24 hours of the payment.',
    caveat: 'The clock waits until someone records the payment (`extortion-payment`); mark not applicable when no payment was made.',
    checked:
      'The regulation text (Cornell LII) was read for 500.17(a) through the search tool; the wording of (c) was not retrieved this time and follows secondary summaries.',
  },
  {
    id: 'us-nydfs-500-17c-explanation',
    jurisdiction: 'US: New York',
    law: '23 NYCRR 500.17(c)(2)',
    notify: ['authority'],
    recipient: 'the Superintendent of Financial Services (DFS portal)',
    when: [{ sectors: ['financial-services-ny'] }],
    clock: { kind: 'calendar-days', amount: 30, from: 'extortion-payment' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://www.law.cornell.edu/regulations/new-york/23-NYCRR-500.17'],
    summary:
      'Within 30 days of an extortion payment, a written description of why the payment was necessary, the alternatives considered and the diligence done to comply with applicable rules (sanctions among them).',
    caveat: 'The clock waits until someone records the payment (`extortion-payment`); mark not applicable when no payment was made.',
    checked: 'As us-nydfs-500-17c-payment: secondary summaries; the text of (c)(2) was not retrieved.',
  },
  {
    id: 'us-ca-1798-82',
    jurisdiction: 'US: California',
    law: 'Cal. Civ. Code 1798.82(a), (d) (as amended by SB 446, in force 1 Jan 2026)',
    notify: ['individuals'],
    recipient: 'affected California residents, with the title "Notice of Data Breach" and the prescribed headings',
    when: [{ countries: ['US-CA'], dataCategories: [...US_STATE_PI, 'date_of_birth'] }],
    clock: { kind: 'calendar-days', amount: 30, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=CIV&sectionNum=1798.82',
      'https://opencalaccess.org/leginfo/bill_info/20250SB44695CHP',
      'https://www.pillsburylaw.com/en/news-and-insights/california-data-breach-notification-requirements.html',
    ],
    summary:
      'Residents whose unencrypted personal information was, or is reasonably believed to have been, acquired by an unauthorised person are notified in the most expedient time possible and within 30 calendar days of discovery or notification of the breach (delay allowed for law enforcement or to determine the scope and restore the system). The notice is titled "Notice of Data Breach" under the headings "What Happened", "What Information Was Involved", "What We Are Doing", "What You Can Do" and "For More Information".',
    caveat: 'California residents get the prescribed title and headings when the directory gives their region (US-CA); otherwise confirm residence.',
    checked:
      "SB 446's chaptered bill record and law-firm summaries quoting the amended 1798.82(a)(2) and (f) read through the search tool; the headings are those of 1798.82(d)(1) as the project already knew them; the code section itself was not retrieved.",
  },
  {
    id: 'us-ca-1798-82-ag',
    jurisdiction: 'US: California',
    law: 'Cal. Civ. Code 1798.82(f)',
    notify: ['authority'],
    recipient: 'the California Attorney General (a sample copy of the notice, electronically)',
    // "More than 500 California residents": 501 or more.
    when: [{ countries: ['US-CA'], dataCategories: [...US_STATE_PI, 'date_of_birth'], minAffected: 501 }],
    clock: { kind: 'calendar-days', amount: 15, from: { filed: 'us-ca-1798-82' } },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://oag.ca.gov/privacy/databreach/reporting',
      'https://www.lcwlegal.com/news/sb-446-requires-disclosure-of-data-breaches-to-consumers-within-30-days',
    ],
    summary:
      'When one breach requires notices to more than 500 California residents, a sample copy of the notice (without personal information) goes to the Attorney General within 15 calendar days of notifying the residents.',
    caveat: "The clock starts when the residents' notices (us-ca-1798-82) are recorded as sent.",
    checked: 'Law-firm summaries of SB 446 read through the search tool (they agree on "more than 500" and 15 days); the AG\'s page is cited, not retrieved.',
  },
  {
    id: 'us-ny-899-aa',
    jurisdiction: 'US: New York',
    law: 'N.Y. Gen. Bus. Law 899-aa(2) (as amended December 2024)',
    notify: ['individuals'],
    recipient: 'affected New York residents',
    when: [{ countries: ['US-NY'], dataCategories: US_STATE_PI }],
    clock: { kind: 'calendar-days', amount: 30, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://www.nysenate.gov/legislation/laws/GBS/899-AA',
      'https://www.covingtonblogs.com/2025/01/07/new-york-adopts-amendment-to-the-state-data-breach-notification-law/',
    ],
    summary:
      'Residents whose private information was accessed or acquired without authorisation are notified in the most expedient time possible and within 30 days after the breach was discovered (delay only for law enforcement). Private information includes a user name or email address with its password.',
    checked: 'Law-firm summaries of the December 2024 amendment (S2659B) read through the search tool; the statute on nysenate.gov is cited, not retrieved.',
  },
  {
    id: 'us-ny-899-aa-authorities',
    jurisdiction: 'US: New York',
    law: 'N.Y. Gen. Bus. Law 899-aa(8)(a)',
    notify: ['authority', 'police'],
    recipient:
      'the Attorney General, the Department of State and the Division of State Police (and DFS for its covered entities); consumer reporting agencies when more than 5,000 residents',
    when: [{ countries: ['US-NY'], dataCategories: US_STATE_PI }],
    clock: { kind: 'calendar-days', amount: 30, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://www.nysenate.gov/legislation/laws/GBS/899-AA',
      'https://ag.ny.gov/resources/organizations/data-breach-reporting',
      'https://alstonprivacy.com/new-york-amends-data-breach-notification-law-with-immediate-implications',
    ],
    summary:
      'Whenever New York residents are notified, the Attorney General, the Department of State and the Division of State Police are told the timing, content and distribution of the notices and the approximate number of people affected, whatever their number; DFS too for entities it regulates. More than 5,000 residents: the consumer reporting agencies as well.',
    caveat: "The statute ties this to the residents' notices, not to its own deadline: the clock here is the residents' 30 days.",
    checked:
      'The 2019 amendment text (quoted on a privacy database) and law-firm summaries of the 2024 and 2025 amendments read through the search tool; the current statute was not retrieved.',
  },
  {
    id: 'us-tx-521-053',
    jurisdiction: 'US: Texas',
    law: 'Tex. Bus. & Com. Code 521.053(b)',
    notify: ['individuals'],
    recipient: 'affected individuals (Texas residents)',
    when: [{ countries: ['US-TX'], dataCategories: US_STATE_PI }],
    clock: { kind: 'calendar-days', amount: 60, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://statutes.capitol.texas.gov/Docs/BC/htm/BC.521.htm#521.053', 'https://complianceiq.site/breach-notification/texas'],
    summary:
      'Individuals whose sensitive personal information was, or is reasonably believed to have been, acquired are notified without unreasonable delay and not later than the 60th day after the breach was determined; more than 10,000 people: the nationwide consumer reporting agencies too.',
    checked: 'A secondary summary read through the search tool; the statute text was not retrieved.',
  },
  {
    id: 'us-tx-521-053-ag',
    jurisdiction: 'US: Texas',
    law: 'Tex. Bus. & Com. Code 521.053(i)',
    notify: ['authority'],
    recipient: "the Texas Attorney General (the OAG's electronic Data Breach Report form)",
    // "At least 250 residents of this state".
    when: [{ countries: ['US-TX'], dataCategories: US_STATE_PI, minAffected: 250 }],
    clock: { kind: 'calendar-days', amount: 30, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://www.texasattorneygeneral.gov/consumer-protection/data-breach-reporting',
      'https://statutes.capitol.texas.gov/Docs/BC/htm/BC.521.htm#521.053',
    ],
    summary:
      "A breach affecting at least 250 Texas residents is reported to the Attorney General as soon as practicable and no later than 30 days after it was determined, on the OAG's form, with the number of Texans notified.",
    checked: "The Attorney General's own page read through the search tool (250 or more Texans, 30 days, electronic form).",
  },
  {
    id: 'ca-pipeda-10-1',
    jurisdiction: 'Canada',
    law: 'PIPEDA s. 10.1; Breach of Security Safeguards Regulations (SOR/2018-64)',
    notify: ['authority', 'individuals'],
    recipient: 'the Privacy Commissioner of Canada and the affected individuals (and organisations that can reduce the harm)',
    when: [
      { countries: ['CA'], dataCategories: SIGNIFICANT_HARM },
      { countries: ['CA'], minSeverity: 'HIGH' },
    ],
    clock: { kind: 'no-fixed-deadline', from: 'detection' },
    reminders: [],
    sources: ['https://laws-lois.justice.gc.ca/eng/acts/P-8.6/section-10.1.html', 'http://www.gazette.gc.ca/rp-pr/p2/2018/2018-04-18/html/sor-dors64-eng.html'],
    summary:
      'When it is reasonable to believe a breach of security safeguards creates a real risk of significant harm to an individual (sensitivity of the information, probability of misuse), the organisation reports it to the Commissioner and notifies the individuals as soon as feasible after determining that the breach occurred.',
    caveat: '"Real risk of significant harm" is approximated by sensitive data or severity HIGH or CRITICAL; the assessment decides.',
    checked:
      'The Regulations as published in the Canada Gazette read through the search tool (headings; the contents lists were summarised by law-firm notes); s. 10.1 itself is cited, not retrieved.',
  },
  {
    id: 'ca-pipeda-10-3-record',
    jurisdiction: 'Canada',
    law: 'PIPEDA s. 10.3; Breach of Security Safeguards Regulations s. 6',
    notify: ['authority'],
    recipient: 'a record of the breach, kept 24 months and given to the Commissioner on request',
    when: [{ countries: ['CA'] }],
    clock: { kind: 'no-fixed-deadline', from: 'detection' },
    reminders: [],
    sources: [
      'http://www.gazette.gc.ca/rp-pr/p2/2018/2018-04-18/html/sor-dors64-eng.html',
      'https://laws-lois.justice.gc.ca/eng/regulations/SOR-2018-64/page-1.html',
    ],
    summary:
      'Every breach of security safeguards is recorded, whether or not it was reported, with enough to let the Commissioner verify compliance; the record is kept 24 months after the day the organisation determined the breach occurred.',
    caveat: 'Record "filed" when the record is kept (the incident\'s own export can serve as it); it is not sent anywhere unless the Commissioner asks.',
    checked:
      'The Canada Gazette publication and law-firm summaries read through the search tool; the 24 months of s. 6 is as summarised (the section text was not shown in the excerpt).',
  },
  {
    id: 'jp-appi-26-preliminary',
    jurisdiction: 'Japan',
    law: 'APPI Art. 26(1); Enforcement Rules Art. 7, Art. 8(1) (速報, preliminary report)',
    notify: ['authority'],
    recipient: 'the Personal Information Protection Commission (PPC, online form), or the minister it delegated to',
    when: [
      { countries: ['JP'], dataCategories: JP_SPECIAL_CARE },
      { countries: ['JP'], dataCategories: JP_PROPERTY_DAMAGE },
      { countries: ['JP'], minSeverity: 'HIGH' },
      // "More than 1,000 people".
      { countries: ['JP'], minAffected: 1001 },
    ],
    clock: { kind: 'calendar-days', amount: 3, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://iuris.jp/個人情報の保護に関する法律施行規則-第八条-個人情報保護委員会への報告/jpn/a/68339',
      'https://www.ppc.go.jp/personalinfo/legal/leakAction/',
      'https://www.businesslawyers.jp/practices/1433',
    ],
    summary:
      'A leak (or its likelihood) of special-care-required data, of data whose misuse may cause property damage, done for a wrongful purpose (e.g. unauthorised access), or of more than 1,000 people is reported "promptly" (速やかに) after learning of it, with what is known; the individuals are notified too.',
    caveat:
      'The Rules say "promptly"; the PPC guidelines read it as about 3 to 5 days, and this clock takes 3. A wrongful purpose is approximated by severity HIGH or CRITICAL.',
    checked:
      'The Enforcement Rules Art. 8 (Japanese text, as republished) and a law-firm summary of Art. 7 read through the search tool; the PPC page is cited, not retrieved.',
  },
  {
    id: 'jp-appi-26-final',
    jurisdiction: 'Japan',
    law: 'APPI Art. 26(1); Enforcement Rules Art. 8(2) (確報, final report)',
    notify: ['authority'],
    recipient: 'the Personal Information Protection Commission (PPC, online form), or the minister it delegated to',
    when: [
      { countries: ['JP'], dataCategories: JP_SPECIAL_CARE },
      { countries: ['JP'], dataCategories: JP_PROPERTY_DAMAGE },
      { countries: ['JP'], minSeverity: 'HIGH' },
      { countries: ['JP'], minAffected: 1001 },
    ],
    clock: { kind: 'calendar-days', amount: 30, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://iuris.jp/個人情報の保護に関する法律施行規則-第八条-個人情報保護委員会への報告/jpn/a/68339',
      'https://www.businesslawyers.jp/practices/1433',
    ],
    summary:
      'The complete report (overview, data items, number of people, cause, secondary damage, response to the individuals, publication, prevention) follows within 30 days of learning of the situation; within 60 days when it was done for a wrongful purpose (Art. 7(3)).',
    caveat: 'The clock takes 30 days; where the only ground is a wrongful purpose (unauthorised access), the Rules allow 60.',
    checked: 'The Japanese text of Enforcement Rules Art. 8(2) (三十日以内 / 六十日以内) read through the search tool.',
  },
  {
    id: 'in-certin-6h',
    jurisdiction: 'India',
    law: 'CERT-In Directions under s. 70B(6) of the IT Act, 28 April 2022, direction (ii)',
    notify: ['authority'],
    recipient: 'CERT-In (incident@cert-in.org.in or its reporting form)',
    when: [{ countries: ['IN'] }],
    clock: { kind: 'hours', amount: 6, from: 'detection' },
    reminders: SHORT_REMINDERS,
    sources: [
      'https://www.cert-in.org.in/PDF/CERT-In_Directions_70B_28.04.2022.pdf',
      'https://www.argus-p.com/papers-publications/thought-paper/cert-ins-six-hour-reporting-rule-for-cyber-security-incidents-statutory-interpretation-and-analysis/',
    ],
    summary:
      'Service providers, intermediaries, data centres and body corporates report the cyber incidents listed in the Directions (data breaches and leaks, unauthorised access, malicious code, among them) to CERT-In within 6 hours of noticing them or being told of them.',
    caveat: 'Applied when customers in India are affected; the Directions apply to the incident type, whoever is affected.',
    checked: 'Law-firm and practitioner summaries quoting the Directions read through the search tool; the CERT-In PDF is cited, not retrieved.',
  },
  {
    id: 'in-dpdp-rule7-individuals',
    jurisdiction: 'India',
    law: 'Digital Personal Data Protection Act 2023 s. 8(6); DPDP Rules 2025 Rule 7(1)',
    notify: ['individuals'],
    recipient: 'each affected Data Principal, through her account or registered contact',
    when: [{ countries: ['IN'] }],
    clock: { kind: 'no-fixed-deadline', from: 'detection' },
    reminders: [],
    sources: ['https://www.meity.gov.in/data-protection-framework', 'https://dpdpa.co.in/rule-7'],
    summary:
      'On becoming aware of any personal data breach, the Data Fiduciary tells each affected person without delay, concisely and plainly: what happened and when, the likely consequences, the measures taken, what she can do, and a contact.',
    caveat: 'Rule 7 comes into force 18 months after the Rules were published (November 2025); mark not applicable before then.',
    checked: 'The text of Rule 7 as reproduced by two DPDP reference sites read through the search tool; the Gazette notification was not retrieved.',
  },
  {
    id: 'in-dpdp-rule7-board',
    jurisdiction: 'India',
    law: 'DPDP Rules 2025 Rule 7(2)',
    notify: ['authority'],
    recipient: 'the Data Protection Board of India',
    when: [{ countries: ['IN'] }],
    clock: { kind: 'hours', amount: 72, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: ['https://www.meity.gov.in/data-protection-framework', 'https://dpdpa.co.in/rule-7'],
    summary:
      'The Board is told without delay (nature, extent, timing, location, likely impact), and within 72 hours of becoming aware (or longer if the Board allows on a written request) in detail: facts and reasons, mitigation, findings on who caused it, remedial measures, and the intimations given to the people affected.',
    caveat: 'Rule 7 comes into force 18 months after the Rules were published (November 2025); mark not applicable before then.',
    checked: 'As in-dpdp-rule7-individuals: the reproduced text of Rule 7(2)(b) says "within seventy-two hours of becoming aware".',
  },
  {
    id: 'br-lgpd-art48',
    jurisdiction: 'Brazil',
    law: 'LGPD (Lei 13.709/2018) Art. 48; ANPD Resolution CD/ANPD No. 15/2024 Art. 6, 9',
    notify: ['authority', 'individuals'],
    recipient: 'the ANPD (electronic form) and the affected data subjects',
    when: [{ countries: ['BR'], dataCategories: BR_RELEVANT_RISK }],
    clock: { kind: 'working-days', amount: 3, from: 'detection' },
    reminders: STANDARD_REMINDERS,
    sources: [
      'https://www.gov.br/anpd/pt-br',
      'https://lbmadvogados.com.br/novo-regulamento-da-anpd-regras-claras-para-a-comunicacao-de-incidentes-de-seguranca-de-dados',
      'https://trenchrossi.com/alertas-legais/regulamento-de-comunicacao-de-incidente-de-seguranca-e-publicado-pela-autoridade-nacional-de-protecao-de-dados-anpd',
    ],
    summary:
      "An incident that may cause relevant risk or damage (it may significantly affect people's interests and involves sensitive data, data of children, adolescents or the elderly, financial or authentication data, data under legal secrecy, or large scale) is communicated to the ANPD and the data subjects within 3 working days of learning that it affected personal data; more information may follow within 20 working days. Every incident is recorded and kept 5 years.",
    caveat:
      "Working days here are Monday to Friday; Brazilian holidays are not skipped, so the deadline may be earlier than the law's, never later. Small processing agents have double the time. Children's, elderly people's and secret data and \"large scale\" are not in the directory: judge them.",
    checked:
      "Several Brazilian law-firm summaries of Resolution 15/2024 read through the search tool (they agree on 3 working days from knowledge, 20 to complement, 5 years of records); neither the Diário Oficial text nor the ANPD's page was retrieved.",
  },
  {
    id: 'police-report-policy',
    jurisdiction: 'Company policy',
    law: "The company's own policy (setting sectors: police-report-policy), not a statute",
    notify: ['police'],
    recipient: "the police: the national cyber crime reporting service where the company is (e.g. the UK's Action Fraud, the FBI's IC3)",
    when: [{ sectors: ['police-report-policy'], minSeverity: 'HIGH' }],
    clock: { kind: 'no-fixed-deadline', from: 'detection' },
    reminders: [],
    sources: ['https://www.actionfraud.police.uk/reporting-fraud-and-cyber-crime', 'https://www.ic3.gov/'],
    summary:
      'A company that reports serious security incidents to the police by policy files a crime report, keeps its reference, and tells the regulators where their forms ask whether law enforcement was informed.',
    caveat:
      'No law in this table obliges it, except where a row names the police itself (us-ny-899-aa-authorities: the New York State Police; cn-cac-cii-1h: public security). "Serious" is approximated by severity HIGH or CRITICAL.',
    checked: 'A setting, not a legal duty: the reporting services are cited as examples, not retrieved.',
  },
];
