import { needsCallback, type ApprovalLink, type ApprovalRequest, type DraftBasis, type WordingBinding } from '../../../functions/domain/approval.js';
import type { ApprovalStorePort, PutRequestResult } from '../../../functions/domain/ports.js';
import type { Clock } from '../../../functions/shared/clock.js';
import { IncidentNotFoundError } from '../../../functions/shared/errors.js';
import { FakeClock } from './clock.js';
import type { FakeFacts } from './facts.js';
import type { FakeIncidents } from './incidents.js';
import type { FakeNotices } from './notices.js';
import { namedError } from './sdk-errors.js';
import type { FakeTeam } from './team.js';

type ApprovalRecord = ApprovalRequest & { taskToken: string; notified: string[]; callbackLeaseUntilMs?: number };
const CALLBACK_LEASE_MS = 60_000;

/** Where the incident stands now, as the incident's item records it. */
interface IncidentStanding {
  factsVersion: number;
  /** The last scope decision saved (applied or not). */
  scopeDecided: number;
  closed: boolean;
}

/** Where an incident stands, as the real stores keep it on the incident's item: newest facts, last scope decision, closed. */
export function standingOf(incidents: FakeIncidents, facts: FakeFacts, team?: FakeTeam) {
  return async (incidentId: string): Promise<IncidentStanding> => ({
    factsVersion: (await facts.latestFacts(incidentId))?.version ?? 0,
    scopeDecided: (await team?.listScopeDecisions(incidentId))?.at(-1)?.version ?? 0,
    closed: (await incidents.getIncident(incidentId)).status === 'CLOSED',
  });
}

/** Whether a draft made from `basis` is still what the incident stands on: the fake's `basisCheck` (adapters/standing.ts). */
function basisHolds(basis: DraftBasis, now: IncidentStanding): boolean {
  return now.factsVersion === basis.factsVersion && now.scopeDecided <= basis.scopeVersion && (basis.closing || !now.closed);
}

/**
 * The approval store's rules without DynamoDB: a request per task token (a retry finds its own),
 * decisions only while pending and unexpired, one decision writes its callback marker, carrying moves
 * a decision to the escalation's request, and a callback is claimed under a lease.
 */
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
      (r) =>
        r.incidentId === incidentId &&
        r.noticeId === noticeId &&
        r.status === 'PENDING' &&
        r.requestId !== exceptRequestId &&
        (r.waitEnteredAt === undefined || Date.parse(r.waitEnteredAt) <= Date.parse(enteredAt)),
    );
    for (const r of pending) r.status = 'SUPERSEDED';
    return pending.length;
  }
  async recordApproval(incidentId: string, requestId: string, approver: string, quorum: number, wording?: WordingBinding) {
    const now = this.clock.now();
    const r = this.records.get(this.key(incidentId, requestId));
    if (r?.status !== 'PENDING' || Date.parse(r.expiresAt) <= now.getTime() || r.approvedBy?.includes(approver))
      return { outcome: 'refused' as const, approvedBy: [] };
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
    if (r?.status !== 'PENDING' || Date.parse(r.expiresAt) <= now.getTime()) return 'refused' as const;
    if (await this.stale(incidentId, wording)) return 'stale' as const;
    this.decide(r, { status: 'REJECTED', decidedBy: approver, decidedAt: now.toISOString(), reason });
    return 'decided' as const;
  }
  async supersedeForEdit(incidentId: string, requestId: string, factsVersion: number) {
    const r = this.records.get(this.key(incidentId, requestId));
    if (r?.status !== 'PENDING' || Date.parse(r.expiresAt) <= this.clock.now().getTime()) return false;
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
    if (to?.status !== 'PENDING') return false;
    Object.assign(
      to,
      { status: from.status, decidedBy: from.decidedBy ?? '', decidedAt: from.decidedAt ?? '', carriedFrom: from.requestId },
      from.reason === undefined ? {} : { reason: from.reason },
    );
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
  async markCallbackReturned(incidentId: string, requestId: string) {
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
  async listUnreturnedDecisions(limit: number) {
    return [...this.markers]
      .sort()
      .slice(0, limit)
      .map((m) => {
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
