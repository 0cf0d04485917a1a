import type { ApprovalLink, ApprovalRequest, ApprovalStatus, WordingBinding } from './approval.js';
import type { ObligationRecord, RegulatorReportVersion } from './obligations/record.js';
import type { CustomerProfile, CustomerResource } from './customer.js';
import type { DirectoryEntry, PartSlice, SegmentSummary } from './assessment.js';
import type { FactsByLocale, FactsVersion } from './facts.js';
import type { SettledReconciliation } from './delivery.js';
import type { SuppressionSnapshot } from './suppression.js';
import type { Evidence, EvidenceCounts, EvidenceEvent, RecipientEvidence } from './delivery-evidence.js';
import type { EarlySmsStatus } from './sms-delivery-status.js';
import type { ScopeDecision, ScopeRequest } from './scope.js';
import type { SendingResumed } from './reputation.js';
import type {
  Acquired,
  BatchTotals,
  CallState,
  Channel,
  FallbackRecipient,
  FrozenBatch,
  NoticeRef,
  NoticeTotals,
  Outcome,
  PlannedCall,
  UncertainCall,
} from './delivery.js';
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
  /** `scopeVersion`: the last scope decision the assessment applied (0: the alarm's own scope). */
  saveAssessment(
    incidentId: string,
    assessment: { scope: 'KNOWN' | 'UNKNOWN' | 'NONE'; severity: SeverityLevel; impact: ImpactSummary; chunks: AudienceMember[][]; scopeVersion?: number },
  ): Promise<void>;
  getAudienceChunk(incidentId: string, index: number): Promise<AudienceMember[]>;
  /** A directory segment's result for one assessment (`scopeVersion`): its summary and its members per locale, cut in parts. */
  saveAssessmentSegment(
    incidentId: string,
    scopeVersion: number,
    segment: number,
    summary: SegmentSummary,
    parts: Record<string, AudienceMember[][]>,
  ): Promise<void>;
  getAssessmentSegments(incidentId: string, scopeVersion: number, segments: number[]): Promise<Map<number, SegmentSummary>>;
  /** Parts by `segment/locale/part`, read consistently (other invocations wrote them just before). */
  getAssessmentParts(
    incidentId: string,
    scopeVersion: number,
    parts: readonly Pick<PartSlice, 'segment' | 'locale' | 'part'>[],
  ): Promise<Map<string, AudienceMember[]>>;
  writeAudienceChunks(incidentId: string, chunks: { index: number; members: AudienceMember[] }[]): Promise<void>;
  /** Points the incident at its assessment, once every chunk it counts is written. */
  commitAssessment(
    incidentId: string,
    assessment: { scope: 'KNOWN' | 'UNKNOWN' | 'NONE'; severity: SeverityLevel; impact: ImpactSummary; audienceChunks: number; scopeVersion: number },
  ): Promise<void>;
  appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }): Promise<void>;
  listTimeline(incidentId: string): Promise<TimelineEntry[]>;
  addProgressNote(incidentId: string, author: string, text: string): Promise<void>;
  listProgressNotes(incidentId: string, since?: string): Promise<ProgressNote[]>;
  closeIncident(incidentId: string, closedBy: string): Promise<void>;
  setNextUpdate(incidentId: string, nextUpdateAt: string): Promise<void>;
}

export type ResumeSendingOutcome =
  | { outcome: 'resumed'; resumed: SendingResumed }
  | { outcome: 'already'; resumed: SendingResumed }
  | { outcome: 'not-sending'; status: NoticeStatus };

export interface NoticeStorePort {
  createNotice(notice: Notice): Promise<void>;
  getNotice(incidentId: string, noticeId: string): Promise<Notice>;
  listNotices(incidentId: string): Promise<Notice[]>;
  /** Keeps a sent notice's reconciled figures on it, so the final report need not read every recipient again. */
  saveReconciliation(incidentId: string, noticeId: string, reconciliation: SettledReconciliation): Promise<void>;
  /**
   * Records, once, that an approved notice goes on sending despite its rates (the reputation guard lets
   * it through): 'already' when someone did first (theirs is kept), 'not-sending' when it is not APPROVED.
   */
  resumeSending(incidentId: string, noticeId: string, resumed: SendingResumed): Promise<ResumeSendingOutcome>;
  /** `approvedHash`: with APPROVED, the wording hash the approval was bound to. */
  setNoticeStatus(incidentId: string, noticeId: string, status: NoticeStatus, approvedHash?: string): Promise<void>;
}

/** A promise a sent notice made customers ("the next update by"), while no notice has kept it. */
export interface OpenPromise {
  incidentId: string;
  noticeId: string;
  promisedBy: string;
}

/** The open promises, for the scheduled sweep that pages the team when one comes due unkept. */
export interface PromiseClockPort {
  open(promise: OpenPromise): Promise<void>;
  /** Kept (or sent late): nothing to page any more. */
  close(promise: OpenPromise): Promise<void>;
  /** Those due by `now`, earliest first. */
  due(now: Date): Promise<OpenPromise[]>;
  /** Taken for paging, once among concurrent sweeps (a conditional delete); false when another sweep or the next notice took it first. */
  claim(promise: OpenPromise): Promise<boolean>;
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

/** 'exists': an earlier attempt of the same task stored it (`status` says whether it still waits); 'stale': its basis no longer holds, nothing stored. */
export type PutRequestResult = { outcome: 'created' | 'exists'; notified: string[]; status: ApprovalStatus } | { outcome: 'stale' };

/** Approval requests (each with its waiting task's token) and the decisions on them. */
export interface ApprovalRequestsPort {
  putApprovalRequest(request: ApprovalRequest, taskToken: string): Promise<PutRequestResult>;
  getApprovalRequest(incidentId: string, requestId: string): Promise<ApprovalRequest | undefined>;
  /** Read only after a decision has won its conditional write. */
  getTaskToken(incidentId: string, requestId: string): Promise<string>;
  listApprovalRequests(incidentId: string): Promise<ApprovalRequest[]>;
  markApproverNotified(incidentId: string, requestId: string, approver: string): Promise<void>;
  /** Pending requests of the notice whose wait began no later than `enteredAt` stop deciding (a later wait's request is never taken back by an earlier one). */
  supersedePendingRequests(incidentId: string, noticeId: string, exceptRequestId: string, enteredAt: string): Promise<number>;
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
}

/** The outbox of decisions whose callback (SendTaskSuccess/Failure) has not reached the workflow yet. */
export interface ApprovalCallbacksPort {
  claimCallback(
    incidentId: string,
    requestId: string,
  ): Promise<{ state: 'claimed'; request: ApprovalRequest; taskToken: string } | { state: 'settled' | 'busy' }>;
  markCallbackReturned(incidentId: string, requestId: string): Promise<void>;
  markCallbackLost(incidentId: string, requestId: string, errorName: string): Promise<void>;
  releaseCallback(incidentId: string, requestId: string): Promise<void>;
  deleteCallbackMarker(incidentId: string, requestId: string): Promise<void>;
  listUnreturnedDecisions(limit: number): Promise<{ incidentId: string; requestId: string }[]>;
}

/** Approval links by the hash of their id, and the code attempts counted on each. */
export interface ApprovalLinksPort {
  putApprovalLink(link: ApprovalLink): Promise<void>;
  countCodeAttempt(linkHash: string, max: number): Promise<{ counted: false } | { counted: true; attempts: number; lockedNow: boolean }>;
  getApprovalLink(linkHash: string): Promise<ApprovalLink | undefined>;
}

export interface ApprovalStorePort extends ApprovalRequestsPort, ApprovalCallbacksPort, ApprovalLinksPort {}

/** What the workflow waits for from the team: a scope decision, a redraft after a rejection, the next update (or a close). */
export const teamWaitKinds = ['scope', 'redraft', 'next-update'] as const;
export type TeamWaitKind = (typeof teamWaitKinds)[number];

export interface TeamWait {
  kind: TeamWaitKind;
  taskToken: string;
  since: string;
  reminders: number;
  /** With redraft: the rejected notice. */
  noticeId?: string;
}

export interface TeamStorePort {
  /** Kept in order; two decisions at once both kept, one after the other. */
  saveScopeDecision(incidentId: string, decidedBy: string, request: ScopeRequest): Promise<ScopeDecision>;
  listScopeDecisions(incidentId: string): Promise<ScopeDecision[]>;
  /** Replaces the wait of that kind (a new task token after each reminder). */
  putWait(incidentId: string, wait: Omit<TeamWait, 'since' | 'reminders'>): Promise<void>;
  getWait(incidentId: string, kind: TeamWaitKind): Promise<TeamWait | undefined>;
  endWait(incidentId: string, kind: TeamWaitKind, taskToken: string): Promise<void>;
  /** The reminder's number (1 for the first); 0 when nothing waits. */
  countReminder(incidentId: string, kind: TeamWaitKind): Promise<number>;
  /** For that version of the notice only: its next rejection waits for the team again. */
  requestRedraft(incidentId: string, noticeId: string, version: number, by: string): Promise<void>;
  redraftRequested(incidentId: string, noticeId: string, version: number): Promise<boolean>;
}

export interface CustomerDirectoryPort {
  putCustomers(entries: { profile: CustomerProfile; resources: CustomerResource[] }[]): Promise<void>;
  getProfiles(customerIds: string[]): Promise<Map<string, CustomerProfile>>;
  /** One parallel-scan segment of the directory: each customer in it with what assessment reads. */
  scanSegment(segment: number, totalSegments: number): Promise<Map<string, DirectoryEntry>>;
  /** The directory's item count as the table describes it (refreshed by DynamoDB about every six hours). */
  approximateItemCount(): Promise<number>;
}

/** What the providers reported after accepting a message, per recipient (adapters/evidence-store.ts). */
export interface EvidenceStorePort {
  /** True the first time this event is seen for this recipient. */
  record(ref: NoticeRef, customerId: string, channel: Channel, event: EvidenceEvent, at: string, messageId?: string, reason?: string): Promise<boolean>;
  /** One recipient's events in one write; returns those seen for the first time, which the caller counts with `addCounts`. */
  recordRecipient(entry: RecipientEvidence): Promise<EvidenceEvent[]>;
  addCounts(ref: NoticeRef, channel: Channel, counts: Partial<Record<EvidenceEvent, number>>): Promise<void>;
  read(ref: NoticeRef, channel: Channel, customerIds: readonly string[]): Promise<Map<string, Evidence>>;
  counts(ref: NoticeRef, channel: Channel): Promise<EvidenceCounts>;
  undeliverable(ref: NoticeRef): Promise<{ customerId: string; channel: Channel; event: EvidenceEvent }[]>;
}

/** SMS statuses that came before their outcome, waiting for it (adapters/sms-status-lookups.ts `EarlySmsStatuses`). */
export interface EarlySmsStatusPort {
  /** Under each customer of `keptFor`. */
  keep(status: EarlySmsStatus): Promise<void>;
  /** The kept statuses of these messages, by customer (strongly consistent). */
  ofMessages(messages: readonly { customerId: string; messageId: string }[]): Promise<{ customerId: string; status: EarlySmsStatus }[]>;
  /** Every status kept for the customer (strongly consistent). */
  ofCustomer(customerId: string): Promise<EarlySmsStatus[]>;
  /** Every copy, once recorded. */
  forget(status: Pick<EarlySmsStatus, 'messageId' | 'keptFor'>): Promise<void>;
}

/** UNCERTAIN recipients settled by the provider's evidence once their calls are finished (adapters/deliveries-ledger.ts). */
export interface UncertainSettlementPort {
  uncertainCalls(ref: NoticeRef): Promise<UncertainCall[]>;
  settleUncertain(ref: NoticeRef, call: UncertainCall, totals: BatchTotals, uncertainIds: string[], outcomes: Outcome[]): Promise<boolean>;
}

/** Fallback calls added to a chunk's kept plan, each customer at most once per channel (adapters/deliveries-ledger.ts). */
export interface FallbackPlanPort {
  planFallbacks(ref: NoticeRef, chunkIndex: number, wanted: readonly FallbackRecipient[], batchSizes: Record<Channel, number>): Promise<FallbackRecipient[]>;
}

/** The deliveries ledger: the truth for "sent exactly once" (see adapters/deliveries-ledger.ts). */
export interface DeliveryLedgerPort {
  /**
   * Keeps the first plan of a chunk's provider calls and returns the kept one: every later attempt
   * uses the same batches, whatever changed in the directory, so a claim always names the same people.
   */
  freezePlan(ref: NoticeRef, chunkIndex: number, plan: FrozenBatch[]): Promise<FrozenBatch[]>;
  /** Every listed call's claim and recipients' outcomes, read consistently in a few batched requests, keyed `<channel>#<batchKey>`. */
  readCalls(ref: NoticeRef, calls: readonly FrozenBatch[]): Promise<Map<string, CallState>>;
  /** Claims the call; `seen` (from `readCalls`) saves the reads its first round would make. */
  acquire(ref: NoticeRef, channel: Channel, batchKey: string, recipients: string[], owner: string, seen?: CallState): Promise<Acquired>;
  /** Finishes the holder's call and records its `outcomes` in the same write. */
  complete(ref: NoticeRef, channel: Channel, batchKey: string, token: string, totals: BatchTotals, uncertainIds: string[], outcomes?: Outcome[]): Promise<void>;
  /** Frees the holder's claim (nothing went out) and records `outcomes` known so far in the same write. */
  release(ref: NoticeRef, channel: Channel, batchKey: string, token: string, reason: string, outcomes?: Outcome[]): Promise<void>;
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

/** Addresses the SES account refuses (its suppression list), read a list call at a time when sending is planned. */
export interface SuppressedAddressSource {
  /** `reason`: BOUNCE or COMPLAINT. */
  suppressedAddresses(): AsyncIterable<{ address: string; reason: string }>;
}

/** Numbers opted out of SMS at SNS, read a list call at a time when sending is planned. */
export interface OptedOutNumberSource {
  optedOutNumbers(): AsyncIterable<string>;
}

/** A notice's suppression lists as planned (domain/suppression.ts), kept beside its ledger. */
export interface SuppressionStorePort {
  saveSuppressions(ref: NoticeRef, snapshot: SuppressionSnapshot): Promise<void>;
  /** Undefined when none were saved (a notice planned before suppression lists were read). */
  loadSuppressions(ref: NoticeRef): Promise<SuppressionSnapshot | undefined>;
}

export interface BulkEntry {
  to: string;
  replacementData: Record<string, unknown>;
  /** Message tags SES puts on this entry's events, so an event finds its recipient even when the call's answer was lost. */
  tags?: Record<string, string>;
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
export interface IncidentPageStorePort {
  /** Replaces the object at `key`: writing the same page twice leaves it as it was. */
  put(key: string, body: string, contentType: string): Promise<void>;
}

/** Regulators' obligations of an incident and their clocks (adapters/obligation-store.ts, domain/obligations). */
export interface ObligationStorePort {
  listObligations(incidentId: string): Promise<ObligationRecord[]>;
  getObligation(incidentId: string, obligationId: string): Promise<ObligationRecord | undefined>;
  /** Adds it with its first report draft, unless the incident has it already (false): an obligation is never reset. */
  addObligation(record: ObligationRecord, report: { text: string; author: string }): Promise<boolean>;
  /** Starts a WAITING clock (false when it was not waiting); on the timeline as `actor`. */
  startClock(incidentId: string, obligationId: string, startedAt: string, deadline: string | undefined, actor: string): Promise<boolean>;
  /** Records that reminder `point` is being sent; false when it was already, or the clock no longer runs. */
  claimReminder(incidentId: string, obligationId: string, point: string): Promise<boolean>;
  releaseReminder(incidentId: string, obligationId: string, point: string): Promise<void>;
  /** Counts escalation number `seen + 1`; false when another run counted it, or the clock no longer runs. */
  claimEscalation(incidentId: string, obligationId: string, seen: number): Promise<boolean>;
  /** Gives back escalation `seen + 1` when its page could not be sent, so the next run pages again. */
  releaseEscalation(incidentId: string, obligationId: string, seen: number): Promise<void>;
  recordFiled(incidentId: string, obligationId: string, filed: { at: string; ref: string; by: string }): Promise<void>;
  markNotApplicable(incidentId: string, obligationId: string, by: string, reason: string): Promise<void>;
  /** Saves version `expectedVersion + 1`; ReportVersionConflictError when someone saved it first. */
  saveReport(incidentId: string, obligationId: string, text: string, author: string, expectedVersion: number): Promise<RegulatorReportVersion>;
  getReport(incidentId: string, obligationId: string, version?: number): Promise<RegulatorReportVersion | undefined>;
  /** Records who approved which version; refused when a newer version exists. */
  approveReport(incidentId: string, obligationId: string, version: number, by: string): Promise<void>;
  /** Every clock with a deadline not yet filed or set aside, across incidents. */
  listRunningClocks(): Promise<{ incidentId: string; obligationId: string }[]>;
  dropClockMarker(incidentId: string, obligationId: string): Promise<void>;
}
