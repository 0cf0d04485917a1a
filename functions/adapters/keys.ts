import { randomId, sha256Hex } from '../shared/crypto.js';

/**
 * Every DynamoDB key the project writes, in one place. The incidents table holds one item collection
 * per incident (`INC#<id>`) plus lookup items by finding, link hash and pending callback; the
 * deliveries table holds claims per notice and outcomes per customer; the customers table a profile
 * and resource items per customer. IAM's leading-key grants (infra/constructs/item-grants.ts) rely on
 * these prefixes.
 */
export const INCIDENT_PREFIX = 'INC#';
export const LINK_PREFIX = 'LINK#';
export const CALLBACK_PREFIX = 'CALLBACK#';
export const FINDING_PREFIX = 'FINDING#';
export const CALLBACK_MARKERS = `${CALLBACK_PREFIX}PENDING`;
/** Rate-limit counters of the public question form, one per (scope, key, window), expiring by TTL. */
export const RATE_PREFIX = 'RATE#';
/**
 * Customers' questions, a partition per incident apart from the incident's own (`INC#`), so the
 * internet-facing form's grant reaches the questions and nothing of the incident; the asker's address
 * is an item of its own there, with a shorter TTL than the question.
 */
export const QUESTION_PREFIX = 'QUESTION#';
/** That a served question form was used: one question per form token, expiring by TTL. */
export const FORM_TOKEN_PREFIX = 'FORMTOKEN#';
/** Regulators' clocks with a deadline still to meet, one marker each, for the scheduled sweep (regulator-clocks). */
export const CLOCK_PREFIX = 'CLOCK#';
/** An asker's address-confirmation link, by the hash of its id (the id is only in the email). */
export const CONFIRM_PREFIX = 'CONFIRM#';
export const RUNNING_CLOCKS = `${CLOCK_PREFIX}RUNNING`;
/** A notice's delivery-evidence counts per channel, in the deliveries table (adapters/evidence-store.ts). */
export const EVIDENCE_COUNTS_PREFIX = 'EVIDENCE#';
/** Recipients a channel can never reach for a notice (a permanent bounce, a rejection), in the deliveries table. */
export const UNDELIVERABLE_PREFIX = 'UNDELIVERABLE#';
/** A customer's outcomes and delivery evidence, in the deliveries table. */
export const CUSTOMER_PREFIX = 'CUSTOMER#';
/** SMS statuses kept because they came before their outcome, one partition per customer, in the deliveries table. */
export const EARLY_SMS_STATUS_PREFIX = 'SMSSTATUS#';
/** Promises made to customers that no notice has kept yet, by due time, for the same sweep: a page when one comes due. */
export const PROMISE_CLOCKS = `${CLOCK_PREFIX}PROMISES`;
/** A notice's suppression lists, in the deliveries table (adapters/deliveries-ledger.ts). */
export const SUPPRESSIONS_PREFIX = 'SUPPRESSIONS#';

const incidentPk = (incidentId: string) => `${INCIDENT_PREFIX}${incidentId}`;
const pad = (n: number) => String(n).padStart(6, '0');

/** Sort-key prefixes of regulators' obligations and of their report versions (neither begins with the other). */
export const obligationItems = { obligation: 'OBLIG#', report: 'OBLIGRPT#' } as const;

/** Sort-key prefixes inside an incident's collection, for queries by kind. */
export const incidentItems = {
  rawEvent: 'RAW#',
  audience: 'AUD#',
  assessment: 'ASMT#',
  timeline: 'TL#',
  notice: 'NOTICE#',
  note: 'NOTE#',
  approval: 'APPROVAL#',
  facts: 'FACTS#',
  scope: 'SCOPE#',
  scopeIds: 'SCOPEIDS#',
  wait: 'WAIT#',
  redraft: 'REDRAFT#',
  faq: 'FAQ#',
} as const;

export const keys = {
  incident: (incidentId: string) => ({ pk: incidentPk(incidentId), sk: 'META' }),
  finding: (findingKey: string) => ({ pk: `${FINDING_PREFIX}${sha256Hex(findingKey)}`, sk: 'FINDING' }),
  rejectedAlarm: (eventId: string) => ({ pk: `REJECTED#${eventId}`, sk: 'REJECTED' }),
  rawEvent: (incidentId: string, eventId: string) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.rawEvent}${eventId}` }),
  audienceChunk: (incidentId: string, index: number) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.audience}${pad(index)}` }),
  /** A directory segment's summary for the assessment of `scopeVersion` (working items, expiring by TTL). */
  assessmentSegment: (incidentId: string, scopeVersion: number, segment: number) => ({
    pk: incidentPk(incidentId),
    sk: `${incidentItems.assessment}${pad(scopeVersion)}#${pad(segment)}#SUMMARY`,
  }),
  /** One part of a segment's members in a locale. */
  assessmentPart: (incidentId: string, scopeVersion: number, segment: number, locale: string, part: number) => ({
    pk: incidentPk(incidentId),
    sk: `${incidentItems.assessment}${pad(scopeVersion)}#${pad(segment)}#PART#${locale}#${pad(part)}`,
  }),
  /** Time-ordered; the random tail keeps two entries in the same millisecond apart. */
  timeline: (incidentId: string, at: string) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.timeline}${at}#${randomId(6)}` }),
  notice: (incidentId: string, noticeId: string) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.notice}${noticeId}` }),
  note: (incidentId: string, at: string) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.note}${at}#${randomId(4)}` }),
  approval: (incidentId: string, requestId: string) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.approval}${requestId}` }),
  /** Zero-padded, so versions sort in order. */
  facts: (incidentId: string, version: number) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.facts}${pad(version)}` }),
  /** A scope decision; its id list (basis ids) in `scopeIds` items, written before it. */
  scope: (incidentId: string, version: number) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.scope}${pad(version)}` }),
  /** `attempt`: random per save, so two saves racing for one version never mix their parts. */
  scopeIds: (incidentId: string, version: number, attempt: string, part: number) => ({
    pk: incidentPk(incidentId),
    sk: `${incidentItems.scopeIds}${pad(version)}#${attempt}#${pad(part)}`,
  }),
  /** The task token of the workflow waiting on the team (scope, redraft, next update): one per kind. */
  teamWait: (incidentId: string, kind: string) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.wait}${kind}` }),
  /** The team asked for a rejected notice to be drafted again as it stands. */
  redraft: (incidentId: string, noticeId: string, version: number) => ({
    pk: incidentPk(incidentId),
    sk: `${incidentItems.redraft}${noticeId}#${pad(version)}`,
  }),
  link: (linkHash: string) => ({ pk: `${LINK_PREFIX}${linkHash}`, sk: 'LINK' }),
  callbackMarker: (incidentId: string, requestId: string) => ({ pk: CALLBACK_MARKERS, sk: `${incidentId}#${requestId}` }),
  /** A regulator's obligation of the incident (domain/obligations) and its report versions, zero-padded. */
  obligation: (incidentId: string, obligationId: string) => ({ pk: incidentPk(incidentId), sk: `${obligationItems.obligation}${obligationId}` }),
  obligationReport: (incidentId: string, obligationId: string, version: number) => ({
    pk: incidentPk(incidentId),
    sk: `${obligationItems.report}${obligationId}#${pad(version)}`,
  }),
  runningClock: (incidentId: string, obligationId: string) => ({ pk: RUNNING_CLOCKS, sk: `${incidentId}#${obligationId}` }),
  /** Sorted by due time (ISO 8601 sorts as time), so the sweep reads only those due. */
  promiseClock: (promisedBy: string, incidentId: string, noticeId: string) => ({ pk: PROMISE_CLOCKS, sk: `${promisedBy}#${incidentId}#${noticeId}` }),
  /** A customer's question on the incident page's form (PII: its text stays here, its address in `questionAddress`). */
  question: (incidentId: string, questionId: string) => ({ pk: `${QUESTION_PREFIX}${incidentId}`, sk: `Q#${questionId}` }),
  questionAddress: (incidentId: string, questionId: string) => ({ pk: `${QUESTION_PREFIX}${incidentId}`, sk: `ADDR#${questionId}` }),
  formToken: (nonce: string) => ({ pk: `${FORM_TOKEN_PREFIX}${nonce}`, sk: 'USED' }),
  /** An answer published on the incident page: the team's wording only, written when the approvers publish it. */
  faqEntry: (incidentId: string, questionId: string) => ({ pk: incidentPk(incidentId), sk: `${incidentItems.faq}${questionId}` }),
  addressLink: (linkHash: string) => ({ pk: `${CONFIRM_PREFIX}${linkHash}`, sk: 'CONFIRM' }),
  rateCounter: (scope: string, key: string, windowStart: number) => ({ pk: `${RATE_PREFIX}${scope}#${key}`, sk: `W#${windowStart}` }),
  /** That a sent notice's page was announced to the public channels in a locale: once. */
  incidentPageAnnouncement: (incidentId: string, noticeId: string, locale: string) => ({ pk: incidentPk(incidentId), sk: `ANNOUNCED#${noticeId}#${locale}` }),

  /** A notice is only unique within its incident: ledger keys name both. */
  claims: (incidentId: string, noticeId: string) => `BATCH#${incidentId}#${noticeId}`,
  claim: (incidentId: string, noticeId: string, channel: string, batchKey: string) => ({ pk: `BATCH#${incidentId}#${noticeId}`, sk: `${channel}#${batchKey}` }),
  chunkPlan: (incidentId: string, noticeId: string, chunkIndex: number) => ({ pk: `PLAN#${incidentId}#${noticeId}`, sk: `CHUNK#${pad(chunkIndex)}` }),
  customerOutcomes: (customerId: string) => `${CUSTOMER_PREFIX}${customerId}`,
  outcome: (customerId: string, incidentId: string, noticeId: string, channel: string) => ({
    pk: `${CUSTOMER_PREFIX}${customerId}`,
    sk: `NOTICE#${incidentId}#${noticeId}#${channel}`,
  }),
  /**
   * An SMS status that came before its outcome, kept until it is recorded (steps/record-sms-status.ts). A partition
   * of its own, not the customer's outcomes': the recorder's grant to write it reaches no outcome or evidence item.
   */
  earlySmsStatus: (customerId: string, messageId: string) => ({ pk: `${EARLY_SMS_STATUS_PREFIX}${customerId}`, sk: messageId }),
  /** Recipients per evidence event of one notice on one channel: read per send invocation and by the reports. */
  evidenceCounts: (incidentId: string, noticeId: string, channel: string) => ({ pk: `${EVIDENCE_COUNTS_PREFIX}${incidentId}#${noticeId}`, sk: channel }),
  /** One recipient a channel will never reach for one notice: the list a notice's unreachable customers are read from. */
  undeliverable: (incidentId: string, noticeId: string, channel: string, customerId: string) => ({
    pk: `${UNDELIVERABLE_PREFIX}${incidentId}#${noticeId}`,
    sk: `${channel}#${customerId}`,
  }),
  /** The provider's delivery evidence for one outcome, beside it in the customer's partition (adapters/evidence-store.ts). */
  evidence: (customerId: string, incidentId: string, noticeId: string, channel: string) => ({
    pk: `${CUSTOMER_PREFIX}${customerId}`,
    sk: `EVIDENCE#${incidentId}#${noticeId}#${channel}`,
  }),

  profile: (customerId: string) => ({ customerId, sk: 'PROFILE' }),
  customerResource: (customerId: string, matchKey: string) => ({ customerId, sk: `RES#${matchKey}` }),
} as const;

/** The partition key value of an incident's collection, for queries. */
export const incidentPartition = incidentPk;
/** The partition key value of an incident's questions and their askers' addresses. */
export const questionPartition = (incidentId: string) => `${QUESTION_PREFIX}${incidentId}`;
