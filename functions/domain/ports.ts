import type { ApprovalLink, ApprovalRequest, WordingBinding } from './approval.js';
import type { CustomerProfile, CustomerResource } from './customer.js';
import type { FactsByLocale, FactsVersion } from './facts.js';
import type { SettledReconciliation } from './delivery.js';
import type { Acquired, BatchTotals, Channel, FrozenBatch, NoticeRef, NoticeTotals, Outcome, PlannedCall } from './delivery.js';
import type { AudienceMember, ImpactSummary, Incident, Notice, NoticeStatus, ProgressNote, SeverityLevel, TimelineEntry } from './incident.js';

/**
 * What the steps need from the outside world, owned by the domain. Adapters implement these; each
 * step declares the few methods it uses (`Pick<...>`), so it is tested with small in-memory fakes.
 */
export interface IncidentStorePort {
  /** Opens an incident unless its finding already has an open one. */
  openIncident(incident: Incident, eventId: string, rawEvent: string): Promise<{ created: true } | { created: false; incidentId: string }>;
  recordRepeat(incidentId: string, eventId: string, rawEvent: string): Promise<void>;
  /** False when this event id was already kept. */
  keepRejectedAlarm(eventId: string, reason: string, rawEvent: string): Promise<boolean>;
  getRejectedAlarm(eventId: string): Promise<{ reason: string; rawEvent: string } | undefined>;
  getIncident(incidentId: string): Promise<Incident>;
  countRawEvents(incidentId: string): Promise<number>;
  saveAssessment(incidentId: string, assessment: { scope: 'KNOWN' | 'UNKNOWN'; severity: SeverityLevel; impact: ImpactSummary; chunks: AudienceMember[][] }): Promise<void>;
  getAudienceChunk(incidentId: string, index: number): Promise<AudienceMember[]>;
  appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }): Promise<void>;
  listTimeline(incidentId: string): Promise<TimelineEntry[]>;
  addProgressNote(incidentId: string, author: string, text: string): Promise<void>;
  listProgressNotes(incidentId: string, since?: string): Promise<ProgressNote[]>;
  closeIncident(incidentId: string, closedBy: string): Promise<void>;
  setNextUpdate(incidentId: string, nextUpdateAt: string): Promise<void>;
}

export interface NoticeStorePort {
  createNotice(notice: Notice): Promise<void>;
  getNotice(incidentId: string, noticeId: string): Promise<Notice>;
  listNotices(incidentId: string): Promise<Notice[]>;
  /** Keeps a sent notice's reconciled figures on it, so the final report need not read every recipient again. */
  saveReconciliation(incidentId: string, noticeId: string, reconciliation: SettledReconciliation): Promise<void>;
  /** `approvedHash`: with APPROVED, the wording hash the approval was bound to. */
  setNoticeStatus(incidentId: string, noticeId: string, status: NoticeStatus, approvedHash?: string): Promise<void>;
}

/** The response team's facts about an incident, one item per saved version (see domain/facts.ts). */
export interface FactsStorePort {
  /**
   * Saves version `expectedVersion + 1`. Throws FactsVersionConflictError when someone saved that
   * version first: two editors never overwrite each other silently.
   */
  saveFacts(incidentId: string, author: string, locales: FactsByLocale, expectedVersion: number): Promise<FactsVersion>;
  /** The newest version, or undefined when the team has written nothing yet. */
  latestFacts(incidentId: string): Promise<FactsVersion | undefined>;
  getFacts(incidentId: string, version: number): Promise<FactsVersion | undefined>;
  /** Every version, oldest first. */
  listFacts(incidentId: string): Promise<FactsVersion[]>;
}

export interface ApprovalStorePort {
  putApprovalRequest(request: ApprovalRequest, taskToken: string): Promise<{ created: boolean; notified: string[] }>;
  getApprovalRequest(incidentId: string, requestId: string): Promise<ApprovalRequest | undefined>;
  /** Read only after a decision has won its conditional write. */
  getTaskToken(incidentId: string, requestId: string): Promise<string>;
  listApprovalRequests(incidentId: string): Promise<ApprovalRequest[]>;
  markApproverNotified(incidentId: string, requestId: string, approver: string): Promise<void>;
  supersedePendingRequests(incidentId: string, noticeId: string, exceptRequestId: string): Promise<number>;
  /** 'stale': the notice's wording is no longer the one `wording` names (a redraft), so nothing was decided. */
  recordApproval(
    incidentId: string,
    requestId: string,
    approver: string,
    quorum: number,
    wording?: WordingBinding,
  ): Promise<{ outcome: 'approved' | 'counted' | 'refused' | 'stale'; approvedBy: string[] }>;
  recordRejection(incidentId: string, requestId: string, approver: string, reason: string, wording?: WordingBinding): Promise<'decided' | 'refused' | 'stale'>;
  /** The facts were edited: a pending request stops deciding and its task is to be told. False when it was no longer pending. */
  supersedeForEdit(incidentId: string, requestId: string, factsVersion: number): Promise<boolean>;
  carryDecision(incidentId: string, from: ApprovalRequest, toRequestId: string): Promise<boolean>;
  claimCallback(incidentId: string, requestId: string): Promise<{ state: 'claimed'; request: ApprovalRequest; taskToken: string } | { state: 'settled' | 'busy' }>;
  markCallbackDelivered(incidentId: string, requestId: string): Promise<void>;
  markCallbackLost(incidentId: string, requestId: string, errorName: string): Promise<void>;
  releaseCallback(incidentId: string, requestId: string): Promise<void>;
  deleteCallbackMarker(incidentId: string, requestId: string): Promise<void>;
  listUndeliveredDecisions(limit: number): Promise<{ incidentId: string; requestId: string }[]>;
  putApprovalLink(link: ApprovalLink): Promise<void>;
  countCodeAttempt(linkHash: string, max: number): Promise<{ counted: false } | { counted: true; attempts: number; lockedNow: boolean }>;
  getApprovalLink(linkHash: string): Promise<ApprovalLink | undefined>;
}

export interface CustomerDirectoryPort {
  putCustomers(entries: { profile: CustomerProfile; resources: CustomerResource[] }[]): Promise<void>;
  /** Every (customer, data categories) holding data on the resource an identifier names. */
  findByResource(identifier: string): Promise<{ customerId: string; dataCategories: string[] }[]>;
  getProfiles(customerIds: string[]): Promise<Map<string, CustomerProfile>>;
}

/** The deliveries ledger: the truth for "sent exactly once" (see adapters/deliveries-ledger.ts). */
export interface DeliveryLedgerPort {
  /**
   * Keeps the first plan of a chunk's provider calls and returns the kept one: every later attempt
   * uses the same batches, whatever changed in the directory, so a claim always names the same people.
   */
  freezePlan(ref: NoticeRef, chunkIndex: number, plan: FrozenBatch[]): Promise<FrozenBatch[]>;
  acquire(ref: NoticeRef, channel: Channel, batchKey: string, recipients: string[], owner: string): Promise<Acquired>;
  complete(ref: NoticeRef, channel: Channel, batchKey: string, token: string, totals: BatchTotals, uncertainIds: string[]): Promise<void>;
  release(ref: NoticeRef, channel: Channel, batchKey: string, token: string, reason: string): Promise<void>;
  readOutcomes(ref: NoticeRef, channel: Channel, customerIds: string[]): Promise<Map<string, Outcome>>;
  recordOutcomes(outcomes: Outcome[]): Promise<void>;
  outcomesForCustomer(customerId: string): Promise<Outcome[]>;
  noticeTotals(ref: NoticeRef): Promise<NoticeTotals>;
  /** Customer ids per channel whose delivery is UNCERTAIN, sorted. */
  uncertainRecipients(ref: NoticeRef): Promise<Record<string, string[]>>;
  /**
   * Every recipient the notice's frozen plans name, per provider call in plan order, with the outcome
   * recorded so far (none yet included): streamed, so an audience of any size never sits in memory.
   */
  recipientOutcomes(ref: NoticeRef): AsyncIterable<PlannedCall>;
}

export interface BulkEntry {
  to: string;
  replacementData: Record<string, unknown>;
}

export interface BulkEntryResult {
  status: string | undefined;
  messageId?: string;
  error?: string;
}

/** The account's sending limits as SES reports them (GetAccount). */
export interface SendQuota {
  /** Recipients per second. */
  maxSendRate: number;
  /** Recipients per rolling 24 hours; negative: unlimited. */
  max24HourSend: number;
  sentLast24Hours: number;
  sendingEnabled: boolean;
}

export interface EmailSender {
  /** One bulk call (at most 50 entries); results are in entry order. */
  sendBulk(templateName: string, defaultData: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]>;
  /** A templated email to staff (approvers, response team); returns the message id. */
  sendTemplated(to: string[], templateName: string, data: Record<string, unknown>): Promise<string>;
  /** A plain email to staff; returns the message id. */
  send(to: string[], subject: string, html: string, text: string): Promise<string>;
  sendQuota(): Promise<SendQuota>;
}

export interface Messaging {
  /** One SMS to one number; returns the provider's message id. */
  sendSms(phoneNumber: string, message: string): Promise<string>;
  /** A message to a topic (response team, downstream public channels). */
  publish(topicArn: string, subject: string, message: string, attributes?: Record<string, string>): Promise<string>;
}

export interface WorkflowStarter {
  /** Starts the incident's execution; the incident id is the name, so a repeat finds the same one. */
  start(name: string, input: Record<string, unknown>): Promise<{ executionArn?: string; alreadyStarted: boolean }>;
}

/** Resumes a waiting task by its token: needs no state machine, only the token. */
export interface TaskCallbacks {
  succeed(taskToken: string, output: Record<string, unknown>): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

/** Where the public incident pages are written (S3 behind CloudFront in AWS; a served folder on the twin). */
export interface PageStorePort {
  /** Replaces the object at `key`: writing the same page twice leaves it as it was. */
  put(key: string, body: string, contentType: string): Promise<void>;
}
