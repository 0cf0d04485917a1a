import { needsCallback, type ApprovalLink, type ApprovalRequest, type DraftBasis, type WordingBinding } from '../../functions/domain/approval.js';
import type { CustomerProfile, CustomerResource } from '../../functions/domain/customer.js';
import type { FactsByLocale, FactsVersion } from '../../functions/domain/facts.js';
import { isFinal, type Acquired, type BatchTotals, type CallState, type FrozenBatch, type NoticeRef, type NoticeTotals, type Outcome, type PlannedCall, type SettledReconciliation } from '../../functions/domain/delivery.js';
import type { AudienceMember, ImpactSummary, Incident, Notice, NoticeStatus, ProgressNote, SeverityLevel, TimelineEntry } from '../../functions/domain/incident.js';
import type {
  ApprovalStorePort,
  BulkEntry,
  BulkEntryResult,
  CustomerDirectoryPort,
  DeliveryLedgerPort,
  EmailSender,
  FactsStorePort,
  IncidentStorePort,
  Messaging,
  NoticeStorePort,
  PutRequestResult,
  SendQuota,
  TeamStorePort,
  TeamWait,
  TeamWaitKind,
} from '../../functions/domain/ports.js';
import type { ScopeDecision, ScopeRequest } from '../../functions/domain/scope.js';
import type { Clock } from '../../functions/shared/clock.js';
import { FactsVersionConflictError, IncidentNotFoundError, NoticeNotFoundError } from '../../functions/shared/errors.js';

/** In-memory stand-ins for the stores, for step unit tests. Same contracts as the DynamoDB adapters, no I/O. */
export class FakeClock implements Clock {
  constructor(public current = Date.parse('2026-11-20T08:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
}

/** The incident store: incident, finding lookup (open or freed), raw events, rejected alarms, audience, timeline, notes. Conditional writes as in DynamoDB. */
export class FakeIncidents implements IncidentStorePort {
  incidents = new Map<string, Incident>();
  audience = new Map<string, AudienceMember[][]>();
  timeline: (TimelineEntry & { incidentId: string })[] = [];
  /** findingKey -> the incident holding it, open until closed. */
  findings = new Map<string, { incidentId: string; open: boolean }>();
  /** incidentId -> eventId -> raw event. */
  rawEvents = new Map<string, Map<string, string>>();
  rejected = new Map<string, { reason: string; rawEvent: string }>();
  notes: (ProgressNote & { incidentId: string })[] = [];

  constructor(readonly clock: Clock = new FakeClock()) {}

  async openIncident(incident: Incident, eventId: string, rawEvent: string): Promise<{ created: true } | { created: false; incidentId: string }> {
    const finding = this.findings.get(incident.findingKey);
    if (finding?.open) return { created: false, incidentId: finding.incidentId };
    this.findings.set(incident.findingKey, { incidentId: incident.incidentId, open: true });
    this.incidents.set(incident.incidentId, structuredClone(incident));
    this.rawEvents.set(incident.incidentId, new Map([[eventId, rawEvent]]));
    await this.appendTimeline(incident.incidentId, { action: 'incident-opened', actor: 'intake', detail: { eventId, source: incident.source } });
    return { created: true };
  }
  async recordRepeat(incidentId: string, eventId: string, rawEvent: string) {
    const events = this.rawEvents.get(incidentId) ?? new Map<string, string>();
    this.rawEvents.set(incidentId, events);
    if (events.has(eventId)) return; // the same event redelivered: already recorded
    events.set(eventId, rawEvent);
    await this.appendTimeline(incidentId, { action: 'finding-repeated', actor: 'intake', detail: { eventId } });
  }
  async keepRejectedAlarm(eventId: string, reason: string, rawEvent: string) {
    if (this.rejected.has(eventId)) return false;
    this.rejected.set(eventId, { reason, rawEvent });
    return true;
  }
  async getRejectedAlarm(eventId: string) {
    return this.rejected.get(eventId);
  }
  async getIncident(incidentId: string) {
    const incident = this.incidents.get(incidentId);
    if (!incident) throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
    return structuredClone(incident);
  }
  async countRawEvents(incidentId: string) {
    return this.rawEvents.get(incidentId)?.size ?? 0;
  }
  async saveAssessment(
    incidentId: string,
    assessment: { scope: 'KNOWN' | 'UNKNOWN' | 'NONE'; severity: SeverityLevel; impact: ImpactSummary; chunks: AudienceMember[][]; scopeVersion?: number },
  ) {
    const incident = this.existing(incidentId);
    this.audience.set(incidentId, structuredClone(assessment.chunks));
    Object.assign(incident, {
      scope: assessment.scope,
      severity: assessment.severity,
      impact: structuredClone(assessment.impact),
      audienceChunks: assessment.chunks.length,
      scopeVersion: assessment.scopeVersion ?? 0,
    });
  }
  async getAudienceChunk(incidentId: string, index: number) {
    const chunk = this.audience.get(incidentId)?.[index];
    if (!chunk) throw new IncidentNotFoundError(`Incident ${incidentId} has no audience chunk ${index}`);
    return structuredClone(chunk);
  }
  async appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }) {
    this.timeline.push({ incidentId, ...entry, at: entry.at ?? this.clock.now().toISOString() });
  }
  async listTimeline(incidentId: string) {
    return this.timeline.filter((e) => e.incidentId === incidentId).map(({ incidentId: _i, ...e }) => e);
  }
  async addProgressNote(incidentId: string, author: string, text: string) {
    this.existing(incidentId);
    const at = this.clock.now().toISOString();
    this.notes.push({ incidentId, at, author, text });
    await this.appendTimeline(incidentId, { at, action: 'progress-note-added', actor: author });
  }
  async listProgressNotes(incidentId: string, since?: string) {
    return this.notes.filter((n) => n.incidentId === incidentId && (!since || n.at > since)).map(({ at, author, text }) => ({ at, author, text }));
  }
  async closeIncident(incidentId: string, closedBy: string) {
    const incident = this.existing(incidentId);
    const at = this.clock.now().toISOString();
    Object.assign(incident, { status: 'CLOSED', closedAt: at });
    const finding = this.findings.get(incident.findingKey);
    if (finding) finding.open = false;
    await this.appendTimeline(incidentId, { at, action: 'incident-closed', actor: closedBy });
  }
  async setNextUpdate(incidentId: string, nextUpdateAt: string) {
    this.existing(incidentId).nextUpdateAt = nextUpdateAt;
  }
  /** An incident to seed or change in place; missing is an error, as the store's `attribute_exists(pk)` conditions make it. */
  existing(incidentId: string): Incident {
    const incident = this.incidents.get(incidentId);
    if (!incident) throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
    return incident;
  }
}

export class FakeNotices implements Pick<NoticeStorePort, 'getNotice' | 'setNoticeStatus' | 'createNotice' | 'listNotices' | 'saveReconciliation'> {
  notices = new Map<string, Notice>();
  private key = (incidentId: string, noticeId: string) => `${incidentId}/${noticeId}`;

  async createNotice(notice: Notice) {
    this.notices.set(this.key(notice.incidentId, notice.noticeId), structuredClone(notice));
  }
  async getNotice(incidentId: string, noticeId: string) {
    const notice = this.notices.get(this.key(incidentId, noticeId));
    if (!notice) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    return structuredClone(notice);
  }
  async listNotices(incidentId: string) {
    return [...this.notices.values()].filter((n) => n.incidentId === incidentId);
  }
  async saveReconciliation(incidentId: string, noticeId: string, reconciliation: SettledReconciliation) {
    const notice = this.notices.get(this.key(incidentId, noticeId));
    if (!notice) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    notice.reconciliation = structuredClone(reconciliation);
  }
  async setNoticeStatus(incidentId: string, noticeId: string, status: NoticeStatus, approvedHash?: string) {
    const notice = this.notices.get(this.key(incidentId, noticeId));
    if (!notice) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    notice.status = status;
    if (approvedHash !== undefined) notice.approvedHash = approvedHash;
  }
}

/** The facts store: one version per save, the next version only if nobody saved it first. */
export class FakeFacts implements FactsStorePort {
  /** incidentId -> versions, oldest first. */
  versions = new Map<string, FactsVersion[]>();

  constructor(readonly clock: Clock = new FakeClock()) {}

  async saveFacts(incidentId: string, author: string, locales: FactsByLocale, expectedVersion: number) {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) throw new RangeError(`expectedVersion must be an integer >= 0, got ${expectedVersion}`);
    const list = this.versions.get(incidentId) ?? [];
    const version = expectedVersion + 1;
    if (list.some((v) => v.version === version)) throw new FactsVersionConflictError(`Version ${version} of the facts of ${incidentId} was saved by someone else: reload and edit again`);
    const saved: FactsVersion = { incidentId, version, author, at: this.clock.now().toISOString(), locales: structuredClone(locales) };
    this.versions.set(incidentId, [...list, saved].sort((a, b) => a.version - b.version));
    return structuredClone(saved);
  }
  async latestFacts(incidentId: string) {
    const latest = this.versions.get(incidentId)?.at(-1);
    return latest && structuredClone(latest);
  }
  async getFacts(incidentId: string, version: number) {
    const found = this.versions.get(incidentId)?.find((v) => v.version === version);
    return found && structuredClone(found);
  }
  async listFacts(incidentId: string) {
    return structuredClone(this.versions.get(incidentId) ?? []);
  }
}

export class FakeCustomers implements CustomerDirectoryPort {
  /** resource identifier -> customers holding data on it. */
  readonly resources = new Map<string, { customerId: string; dataCategories: string[] }[]>();
  constructor(readonly profiles = new Map<string, CustomerProfile>()) {}
  async putCustomers(entries: { profile: CustomerProfile; resources: CustomerResource[] }[]) {
    for (const { profile, resources } of entries) {
      this.profiles.set(profile.customerId, structuredClone(profile));
      for (const r of resources) this.resources.set(r.resource, [...(this.resources.get(r.resource) ?? []), { customerId: profile.customerId, dataCategories: [...r.dataCategories] }]);
    }
  }
  async findByResource(identifier: string) {
    return structuredClone(this.resources.get(identifier) ?? []);
  }
  async getProfiles(ids: string[]) {
    return new Map(ids.flatMap((id) => (this.profiles.has(id) ? [[id, structuredClone(this.profiles.get(id)!)] as const] : [])));
  }
  async everyone() {
    return this.holdingsOf([...this.profiles.keys()]);
  }
  async holdingsOf(ids: string[]) {
    const out = new Map<string, Set<string>>();
    for (const id of ids) if (this.profiles.has(id)) out.set(id, new Set());
    for (const hits of this.resources.values()) for (const hit of hits) if (out.has(hit.customerId)) for (const c of hit.dataCategories) out.get(hit.customerId)!.add(c);
    return out;
  }
}

/** Scope decisions and team waits in memory. */
export class FakeTeam implements TeamStorePort {
  readonly decisions: ScopeDecision[] = [];
  readonly waits = new Map<string, TeamWait>();
  readonly redrafts = new Set<string>();
  private readonly incidentOf = new Map<number, string>();
  constructor(private readonly now = () => new Date('2026-11-20T09:00:00.000Z')) {}
  async saveScopeDecision(incidentId: string, decidedBy: string, request: ScopeRequest) {
    const version = this.decisions.filter((d) => this.incidentOf.get(d.version) === incidentId).length + 1;
    const decision: ScopeDecision = { ...structuredClone(request), version, decidedBy, decidedAt: this.now().toISOString() };
    this.decisions.push(decision);
    this.incidentOf.set(version, incidentId);
    return structuredClone(decision);
  }
  async listScopeDecisions(incidentId: string) {
    return structuredClone(this.decisions.filter((d) => this.incidentOf.get(d.version) === incidentId));
  }
  async putWait(incidentId: string, wait: Omit<TeamWait, 'since' | 'reminders'>) {
    this.waits.set(`${incidentId}#${wait.kind}`, { ...wait, since: this.now().toISOString(), reminders: 0 });
  }
  async getWait(incidentId: string, kind: TeamWaitKind) {
    return structuredClone(this.waits.get(`${incidentId}#${kind}`));
  }
  async endWait(incidentId: string, kind: TeamWaitKind, taskToken: string) {
    if (this.waits.get(`${incidentId}#${kind}`)?.taskToken === taskToken) this.waits.delete(`${incidentId}#${kind}`);
  }
  async countReminder(incidentId: string, kind: TeamWaitKind) {
    const wait = this.waits.get(`${incidentId}#${kind}`);
    if (!wait) return 0;
    wait.reminders += 1;
    return wait.reminders;
  }
  async requestRedraft(incidentId: string, noticeId: string, version: number) {
    this.redrafts.add(`${incidentId}#${noticeId}#${version}`);
  }
  async redraftRequested(incidentId: string, noticeId: string, version: number) {
    return this.redrafts.has(`${incidentId}#${noticeId}#${version}`);
  }
}

interface Claim {
  status: 'CLAIMED' | 'DONE' | 'RELEASED';
  token: string;
  attempts: number;
  totals?: BatchTotals;
  uncertainIds?: string[];
  /** Its holder died and the lease ran out: the next acquire takes it over as abandoned. */
  dead?: boolean;
}

/** The ledger's protocol without DynamoDB: claim by version, outcomes per (customer, notice, channel). No leases: nothing dies here. */
export class FakeLedger implements Omit<DeliveryLedgerPort, 'outcomesForCustomer'> {
  claims = new Map<string, Claim>();
  outcomes = new Map<string, Outcome>();
  private tokens = 0;
  private claimKey = (ref: NoticeRef, channel: string, batchKey: string) => `${ref.incidentId}/${ref.noticeId}/${channel}/${batchKey}`;
  private outcomeKey = (ref: NoticeRef, channel: string, customerId: string) => `${ref.incidentId}/${ref.noticeId}/${channel}/${customerId}`;

  plans = new Map<string, FrozenBatch[]>();
  async freezePlan(ref: NoticeRef, chunkIndex: number, plan: FrozenBatch[]) {
    const key = `${ref.incidentId}/${ref.noticeId}/${chunkIndex}`;
    if (!this.plans.has(key)) this.plans.set(key, structuredClone(plan));
    return structuredClone(this.plans.get(key)!);
  }
  /** The ledger's state as it stands; `acquire` below reads its own anyway, as the real one does when the snapshot is stale. */
  async readCalls(ref: NoticeRef, calls: readonly FrozenBatch[]): Promise<Map<string, CallState>> {
    return new Map(
      await Promise.all(
        calls.map(async (c) => {
          const claim = this.claims.get(this.claimKey(ref, c.channel, c.batchKey));
          const state: CallState = { claim: claim && { status: claim.status, attempts: claim.attempts, ...(claim.totals ? { totals: claim.totals } : {}) }, known: await this.readOutcomes(ref, c.channel, c.customerIds) };
          return [`${c.channel}#${c.batchKey}`, state] as const;
        }),
      ),
    );
  }
  async acquire(ref: NoticeRef, channel: string, batchKey: string, recipients: string[]): Promise<Acquired> {
    const key = this.claimKey(ref, channel, batchKey);
    const current = this.claims.get(key);
    if (current?.status === 'CLAIMED' && !current.dead) return { kind: 'busy' };
    const known = await this.readOutcomes(ref, channel, recipients);
    if (current?.status === 'DONE' && recipients.every((id) => isFinal(known.get(id)?.status))) return { kind: 'settled' };
    const token = `t${++this.tokens}`;
    const attempts = (current?.attempts ?? 0) + 1;
    this.claims.set(key, { status: 'CLAIMED', token, attempts });
    return { kind: current?.dead ? 'abandoned' : 'claimed', token, attempt: attempts, known };
  }
  /** As the DynamoDB ledger: the outcomes and the completion land together, only for the holder. */
  async complete(ref: NoticeRef, channel: string, batchKey: string, token: string, totals: BatchTotals, uncertainIds: string[], outcomes: Outcome[] = []) {
    const claim = this.claims.get(this.claimKey(ref, channel, batchKey));
    if (claim?.token !== token) throw new Error('not the holder');
    await this.recordOutcomes(outcomes);
    Object.assign(claim, { status: 'DONE', totals, uncertainIds });
  }
  async release(ref: NoticeRef, channel: string, batchKey: string, token: string, _reason = '', outcomes: Outcome[] = []) {
    const claim = this.claims.get(this.claimKey(ref, channel, batchKey));
    if (claim?.token !== token) throw new Error('not the holder');
    await this.recordOutcomes(outcomes);
    claim.status = 'RELEASED';
  }
  async readOutcomes(ref: NoticeRef, channel: string, customerIds: string[]) {
    return new Map(customerIds.flatMap((id) => {
      const o = this.outcomes.get(this.outcomeKey(ref, channel, id));
      return o ? [[id, o] as const] : [];
    }));
  }
  async recordOutcomes(outcomes: Outcome[]) {
    for (const o of outcomes) this.outcomes.set(this.outcomeKey(o, o.channel, o.customerId), structuredClone(o));
  }
  async noticeTotals(ref: NoticeRef): Promise<NoticeTotals> {
    const result: NoticeTotals = {};
    for (const [key, claim] of this.claims) {
      if (!key.startsWith(`${ref.incidentId}/${ref.noticeId}/`)) continue;
      const channel = key.split('/')[2]!;
      const row = (result[channel] ??= { sent: 0, failed: 0, retryable: 0, uncertain: 0, calls: 0, unfinished: 0 });
      row.calls += 1;
      if (claim.status !== 'DONE') row.unfinished += 1;
      for (const k of ['sent', 'failed', 'retryable', 'uncertain'] as const) row[k] += claim.totals?.[k] ?? 0;
    }
    return result;
  }
  async uncertainRecipients(ref: NoticeRef) {
    const byChannel: Record<string, string[]> = {};
    for (const [key, claim] of this.claims) {
      if (key.startsWith(`${ref.incidentId}/${ref.noticeId}/`) && claim.uncertainIds?.length) (byChannel[key.split('/')[2]!] ??= []).push(...claim.uncertainIds);
    }
    for (const ids of Object.values(byChannel)) ids.sort();
    return byChannel;
  }
  async *recipientOutcomes(ref: NoticeRef): AsyncIterable<PlannedCall> {
    const prefix = `${ref.incidentId}/${ref.noticeId}/`;
    const chunks = [...this.plans.keys()].filter((k) => k.startsWith(prefix)).map((k) => Number(k.slice(prefix.length))).sort((a, b) => a - b);
    for (const chunkIndex of chunks) {
      for (const b of this.plans.get(`${prefix}${chunkIndex}`)!) {
        const claim = this.claims.get(this.claimKey(ref, b.channel, b.batchKey));
        const settled = claim?.status === 'DONE' && !claim.totals?.retryable ? claim.totals : undefined;
        yield {
          chunkIndex,
          channel: b.channel,
          batchKey: b.batchKey,
          ...(settled ? { settled } : {}),
          recipients: b.customerIds.map((customerId) => {
            const outcome = this.outcomes.get(this.outcomeKey(ref, b.channel, customerId));
            return outcome ? { customerId, outcome: structuredClone(outcome) } : { customerId };
          }),
        };
      }
    }
  }
  /** Every claim still held dies, as if its holder's process ended and the lease ran out. */
  expireHeldClaims() {
    for (const claim of this.claims.values()) if (claim.status === 'CLAIMED') claim.dead = true;
  }
  statusOf(ref: NoticeRef, channel: string, customerId: string) {
    return this.outcomes.get(this.outcomeKey(ref, channel, customerId))?.status;
  }
}

/** An error as an AWS SDK client throws it: matched by name, as the steps do. */
export function namedError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

type ApprovalRecord = ApprovalRequest & { taskToken: string; notified: string[]; callbackLeaseUntilMs?: number };
const CALLBACK_LEASE_MS = 60_000;

/**
 * The approval store's rules without DynamoDB: a request per task token (a retry finds its own),
 * decisions only while pending and unexpired, one decision writes its callback marker, carrying moves
 * a decision to the escalation's request, and a callback is claimed under a lease.
 */
/** Where an incident stands, as the real stores keep it on the incident's item: newest facts, last scope decision, closed. */
export function standingOf(incidents: FakeIncidents, facts: FakeFacts, team?: FakeTeam) {
  return async (incidentId: string): Promise<IncidentStanding> => ({
    factsVersion: (await facts.latestFacts(incidentId))?.version ?? 0,
    scopeDecided: (await team?.listScopeDecisions(incidentId))?.at(-1)?.version ?? 0,
    closed: (await incidents.getIncident(incidentId)).status === 'CLOSED',
  });
}

/** Where the incident stands now, as the incident's item records it. */
interface IncidentStanding {
  factsVersion: number;
  /** The last scope decision saved (applied or not). */
  scopeDecided: number;
  closed: boolean;
}

/** Whether a draft made from `basis` is still what the incident stands on: the fake's `basisCheck` (adapters/standing.ts). */
function basisHolds(basis: DraftBasis, now: IncidentStanding): boolean {
  return now.factsVersion === basis.factsVersion && now.scopeDecided <= basis.scopeVersion && (basis.closing || !now.closed);
}

export class FakeApprovals implements ApprovalStorePort {
  records = new Map<string, ApprovalRecord>();
  links = new Map<string, ApprovalLink>();
  /** `incidentId/requestId` of decisions whose callback has not reached the workflow. */
  markers = new Set<string>();
  private key = (incidentId: string, requestId: string) => `${incidentId}/${requestId}`;

  /**
   * `notices`: where a decision's wording binding is checked, as the real store checks the notice item;
   * `standing`: where the incident stands (see `standingOf`), as the real store checks the incident's item.
   */
  constructor(
    readonly clock: Clock = new FakeClock(),
    readonly notices?: FakeNotices,
    readonly standing?: (incidentId: string) => Promise<IncidentStanding>,
  ) {}

  async putApprovalRequest(request: ApprovalRequest, taskToken: string): Promise<PutRequestResult> {
    const existing = this.records.get(this.key(request.incidentId, request.requestId));
    if (existing) return { outcome: 'exists', notified: [...existing.notified], status: existing.status };
    if (request.basis && this.standing && !basisHolds(request.basis, await this.standing(request.incidentId))) return { outcome: 'stale' };
    this.records.set(this.key(request.incidentId, request.requestId), { ...structuredClone(request), taskToken, notified: [] });
    return { outcome: 'created', notified: [], status: request.status };
  }
  async getApprovalRequest(incidentId: string, requestId: string) {
    const record = this.records.get(this.key(incidentId, requestId));
    return record && this.view(record);
  }
  async getTaskToken(incidentId: string, requestId: string) {
    return this.record(incidentId, requestId).taskToken;
  }
  async listApprovalRequests(incidentId: string) {
    return [...this.records.values()].filter((r) => r.incidentId === incidentId).map((r) => this.view(r));
  }
  async markApproverNotified(incidentId: string, requestId: string, approver: string) {
    this.record(incidentId, requestId).notified.push(approver);
  }
  async supersedePendingRequests(incidentId: string, noticeId: string, exceptRequestId: string, enteredAt: string) {
    const pending = [...this.records.values()].filter(
      (r) => r.incidentId === incidentId && r.noticeId === noticeId && r.status === 'PENDING' && r.requestId !== exceptRequestId && (r.waitEnteredAt === undefined || Date.parse(r.waitEnteredAt) <= Date.parse(enteredAt)),
    );
    for (const r of pending) r.status = 'SUPERSEDED';
    return pending.length;
  }
  async recordApproval(incidentId: string, requestId: string, approver: string, quorum: number, wording?: WordingBinding) {
    const now = this.clock.now();
    const r = this.records.get(this.key(incidentId, requestId));
    if (!r || r.status !== 'PENDING' || Date.parse(r.expiresAt) <= now.getTime() || r.approvedBy?.includes(approver)) return { outcome: 'refused' as const, approvedBy: [] };
    r.approvedBy = [...(r.approvedBy ?? []), approver].sort();
    const approvedBy = [...r.approvedBy];
    if (approvedBy.length < quorum) return { outcome: 'counted' as const, approvedBy };
    if (await this.stale(incidentId, wording)) {
      r.approvedBy = r.approvedBy.filter((a) => a !== approver);
      return { outcome: 'stale' as const, approvedBy: [...r.approvedBy] };
    }
    this.decide(r, { status: 'APPROVED', decidedBy: approvedBy.join(', '), decidedAt: now.toISOString() });
    return { outcome: 'approved' as const, approvedBy };
  }
  async recordRejection(incidentId: string, requestId: string, approver: string, reason: string, wording?: WordingBinding) {
    const now = this.clock.now();
    const r = this.records.get(this.key(incidentId, requestId));
    if (!r || r.status !== 'PENDING' || Date.parse(r.expiresAt) <= now.getTime()) return 'refused' as const;
    if (await this.stale(incidentId, wording)) return 'stale' as const;
    this.decide(r, { status: 'REJECTED', decidedBy: approver, decidedAt: now.toISOString(), reason });
    return 'decided' as const;
  }
  async supersedeForEdit(incidentId: string, requestId: string, factsVersion: number) {
    const r = this.records.get(this.key(incidentId, requestId));
    if (!r || r.status !== 'PENDING' || Date.parse(r.expiresAt) <= this.clock.now().getTime()) return false;
    Object.assign(r, { status: 'EDITED', decidedAt: this.clock.now().toISOString(), editedToFactsVersion: factsVersion });
    this.markers.add(this.key(incidentId, requestId));
    return true;
  }
  private async stale(incidentId: string, wording: WordingBinding | undefined) {
    if (!wording) return false;
    if (wording.basis && this.standing && !basisHolds(wording.basis, await this.standing(incidentId))) return true;
    if (!this.notices) return false;
    const notice = await this.notices.getNotice(incidentId, wording.noticeId).catch(() => undefined);
    return notice?.contentHash !== wording.contentHash;
  }
  async carryDecision(incidentId: string, from: ApprovalRequest, toRequestId: string) {
    const to = this.records.get(this.key(incidentId, toRequestId));
    if (!to || to.status !== 'PENDING') return false;
    Object.assign(to, { status: from.status, decidedBy: from.decidedBy ?? '', decidedAt: from.decidedAt ?? '', carriedFrom: from.requestId }, from.reason === undefined ? {} : { reason: from.reason });
    this.markers.add(this.key(incidentId, toRequestId));
    const earlier = this.record(incidentId, from.requestId);
    earlier.carriedTo = toRequestId;
    delete earlier.callbackLeaseUntilMs;
    this.markers.delete(this.key(incidentId, from.requestId));
    return true;
  }
  async claimCallback(incidentId: string, requestId: string) {
    const now = this.clock.now().getTime();
    const r = this.records.get(this.key(incidentId, requestId));
    const live = !!r && needsCallback(r.status) && !r.callbackDeliveredAt && !r.callbackLostAt && !r.carriedTo;
    if (!live) return { state: 'settled' as const };
    if (r.callbackLeaseUntilMs !== undefined && r.callbackLeaseUntilMs >= now) return { state: 'busy' as const };
    r.callbackLeaseUntilMs = now + CALLBACK_LEASE_MS;
    return { state: 'claimed' as const, request: this.view(r), taskToken: r.taskToken };
  }
  async markCallbackDelivered(incidentId: string, requestId: string) {
    const r = this.record(incidentId, requestId);
    r.callbackDeliveredAt = this.clock.now().toISOString();
    delete r.callbackLeaseUntilMs;
    await this.deleteCallbackMarker(incidentId, requestId);
  }
  async markCallbackLost(incidentId: string, requestId: string, errorName: string) {
    const r = this.record(incidentId, requestId);
    Object.assign(r, { callbackLostAt: this.clock.now().toISOString(), callbackError: errorName });
    delete r.callbackLeaseUntilMs;
    await this.deleteCallbackMarker(incidentId, requestId);
  }
  async releaseCallback(incidentId: string, requestId: string) {
    delete this.record(incidentId, requestId).callbackLeaseUntilMs;
  }
  async deleteCallbackMarker(incidentId: string, requestId: string) {
    this.markers.delete(this.key(incidentId, requestId));
  }
  async listUndeliveredDecisions(limit: number) {
    return [...this.markers].sort().slice(0, limit).map((m) => {
      const [incidentId, requestId] = m.split('/') as [string, string];
      return { incidentId, requestId };
    });
  }
  async putApprovalLink(link: ApprovalLink) {
    if (this.links.has(link.linkHash)) throw namedError('ConditionalCheckFailedException');
    this.links.set(link.linkHash, { attempts: 0, ...structuredClone(link) });
  }
  async countCodeAttempt(linkHash: string, max: number) {
    const link = this.links.get(linkHash);
    if (!link || link.locked) return { counted: false as const };
    const attempts = (link.attempts ?? 0) + 1;
    link.attempts = attempts;
    if (attempts >= max) link.locked = true;
    return { counted: true as const, attempts, lockedNow: attempts >= max };
  }
  async getApprovalLink(linkHash: string) {
    const link = this.links.get(linkHash);
    return link && structuredClone(link);
  }

  /** The lease a sender holds on a decided request's callback, for assertions. */
  leaseOf(incidentId: string, requestId: string) {
    return this.records.get(this.key(incidentId, requestId))?.callbackLeaseUntilMs;
  }
  private record(incidentId: string, requestId: string) {
    const r = this.records.get(this.key(incidentId, requestId));
    if (!r) throw new IncidentNotFoundError(`Approval request ${requestId} of ${incidentId} does not exist`);
    return r;
  }
  /** A decision writes its marker with it, and the decider holds the callback lease. */
  private decide(r: ApprovalRecord, decision: Pick<ApprovalRequest, 'status' | 'decidedBy' | 'decidedAt' | 'reason'>) {
    Object.assign(r, decision, { callbackLeaseUntilMs: this.clock.now().getTime() + CALLBACK_LEASE_MS });
    this.markers.add(this.key(r.incidentId, r.requestId));
  }
  private view({ taskToken: _t, notified: _n, callbackLeaseUntilMs: _l, ...request }: ApprovalRecord): ApprovalRequest {
    return structuredClone({ ...request, approvedBy: [...(request.approvedBy ?? [])].sort() });
  }
}

/** Records every email; `failNext` makes the next calls of a kind throw (after which they work again). */
export class FakeEmail implements EmailSender {
  sent: { to: string[]; subject: string; html: string; text: string }[] = [];
  templated: { to: string[]; templateName: string; data: Record<string, unknown> }[] = [];
  bulk: { templateName: string; defaultData: Record<string, unknown>; entries: BulkEntry[] }[] = [];
  /** Errors thrown by the next `send` calls, in order; `undefined` lets that call through. */
  failures: (Error | undefined)[] = [];
  private ids = 0;

  async sendBulk(templateName: string, defaultData: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]> {
    this.bulk.push(structuredClone({ templateName, defaultData, entries }));
    return entries.map(() => ({ status: 'SUCCESS', messageId: `bulk-${++this.ids}` }));
  }
  async sendTemplated(to: string[], templateName: string, data: Record<string, unknown>) {
    this.templated.push(structuredClone({ to, templateName, data }));
    return `templated-${++this.ids}`;
  }
  /** What `sendQuota` answers; tests set it. */
  quota: SendQuota = { maxSendRate: 200, max24HourSend: 50_000, sentLast24Hours: 0, sendingEnabled: true };
  async sendQuota() {
    return { ...this.quota };
  }
  async send(to: string[], subject: string, html: string, text: string) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push({ to: [...to], subject, html, text });
    return `email-${++this.ids}`;
  }
  /** Everyone a plain email went to, in order. */
  recipients() {
    return this.sent.flatMap((m) => m.to);
  }
}

/** Records SMS and topic messages. */
export class FakeMessaging implements Messaging {
  sms: { phoneNumber: string; message: string }[] = [];
  published: { topicArn: string; subject: string; message: string; attributes?: Record<string, string> }[] = [];
  private ids = 0;

  async sendSms(phoneNumber: string, message: string) {
    this.sms.push({ phoneNumber, message });
    return `sms-${++this.ids}`;
  }
  async publish(topicArn: string, subject: string, message: string, attributes?: Record<string, string>) {
    this.published.push({ topicArn, subject, message, ...(attributes ? { attributes } : {}) });
    return `msg-${++this.ids}`;
  }
}

/**
 * Step Functions as the steps see it: executions by name (a second start of a name is `alreadyStarted`,
 * with no ARN) and tasks waiting on tokens (a callback for a token nobody waits on fails with
 * TaskDoesNotExist). Structural: it offers start, succeed and fail, whichever port the steps type them by.
 */
export class FakeWorkflow {
  executions = new Map<string, Record<string, unknown>>();
  waiting = new Set<string>();
  callbacks: ({ taskToken: string; kind: 'succeed'; output: Record<string, unknown> } | { taskToken: string; kind: 'fail'; error: string; cause: string })[] = [];
  /** Errors thrown by the next callbacks, in order (e.g. a throttle or TaskTimedOut). */
  failures: Error[] = [];

  constructor(readonly stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:breach-notice-incident-response') {}

  async start(name: string, input: Record<string, unknown>): Promise<{ executionArn?: string; alreadyStarted: boolean }> {
    if (this.executions.has(name)) return { alreadyStarted: true };
    this.executions.set(name, structuredClone(input));
    return { executionArn: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, alreadyStarted: false };
  }
  /** A task state that waits for this token. */
  wait(taskToken: string) {
    this.waiting.add(taskToken);
  }
  async succeed(taskToken: string, output: Record<string, unknown>) {
    this.resume(taskToken);
    this.callbacks.push({ taskToken, kind: 'succeed', output: structuredClone(output) });
  }
  async fail(taskToken: string, error: string, cause: string) {
    this.resume(taskToken);
    this.callbacks.push({ taskToken, kind: 'fail', error, cause });
  }
  private resume(taskToken: string) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (!this.waiting.delete(taskToken)) throw namedError('TaskDoesNotExist', `Task ${taskToken} does not exist`);
  }
}
