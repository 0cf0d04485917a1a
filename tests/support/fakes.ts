import type { CustomerProfile } from '../../functions/domain/customer.js';
import { isFinal, type Acquired, type BatchTotals, type NoticeRef, type NoticeTotals, type Outcome } from '../../functions/domain/delivery.js';
import type { AudienceMember, Incident, Notice, NoticeStatus, TimelineEntry } from '../../functions/domain/incident.js';
import type { CustomerDirectoryPort, DeliveryLedgerPort, IncidentStorePort, NoticeStorePort } from '../../functions/domain/ports.js';
import type { Clock } from '../../functions/shared/clock.js';
import { IncidentNotFoundError, NoticeNotFoundError } from '../../functions/shared/errors.js';

/** In-memory stand-ins for the stores, for step unit tests. Same contracts as the DynamoDB adapters, no I/O. */
export class FakeClock implements Clock {
  constructor(public current = Date.parse('2026-11-20T08:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
}

export class FakeIncidents implements Pick<IncidentStorePort, 'getIncident' | 'getAudienceChunk' | 'appendTimeline' | 'listTimeline'> {
  incidents = new Map<string, Incident>();
  audience = new Map<string, AudienceMember[][]>();
  timeline: (TimelineEntry & { incidentId: string })[] = [];

  async getIncident(incidentId: string) {
    const incident = this.incidents.get(incidentId);
    if (!incident) throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
    return structuredClone(incident);
  }
  async getAudienceChunk(incidentId: string, index: number) {
    const chunk = this.audience.get(incidentId)?.[index];
    if (!chunk) throw new IncidentNotFoundError(`Incident ${incidentId} has no audience chunk ${index}`);
    return structuredClone(chunk);
  }
  async appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }) {
    this.timeline.push({ incidentId, at: entry.at ?? new Date().toISOString(), ...entry });
  }
  async listTimeline(incidentId: string) {
    return this.timeline.filter((e) => e.incidentId === incidentId);
  }
}

export class FakeNotices implements Pick<NoticeStorePort, 'getNotice' | 'setNoticeStatus' | 'createNotice' | 'listNotices'> {
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
  async setNoticeStatus(incidentId: string, noticeId: string, status: NoticeStatus) {
    const notice = this.notices.get(this.key(incidentId, noticeId));
    if (!notice) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    notice.status = status;
  }
}

export class FakeCustomers implements Pick<CustomerDirectoryPort, 'getProfiles'> {
  constructor(readonly profiles = new Map<string, CustomerProfile>()) {}
  async getProfiles(ids: string[]) {
    return new Map(ids.flatMap((id) => (this.profiles.has(id) ? [[id, structuredClone(this.profiles.get(id)!)] as const] : [])));
  }
}

interface Claim {
  status: 'CLAIMED' | 'DONE' | 'RELEASED';
  token: string;
  attempts: number;
  totals?: BatchTotals;
  uncertainIds?: string[];
}

/** The ledger's protocol without DynamoDB: claim by version, outcomes per (customer, notice, channel). No leases: nothing dies here. */
export class FakeLedger implements Omit<DeliveryLedgerPort, 'outcomesForCustomer'> {
  claims = new Map<string, Claim>();
  outcomes = new Map<string, Outcome>();
  private tokens = 0;
  private claimKey = (ref: NoticeRef, channel: string, batchKey: string) => `${ref.incidentId}/${ref.noticeId}/${channel}/${batchKey}`;
  private outcomeKey = (ref: NoticeRef, channel: string, customerId: string) => `${ref.incidentId}/${ref.noticeId}/${channel}/${customerId}`;

  async acquire(ref: NoticeRef, channel: string, batchKey: string, recipients: string[]): Promise<Acquired> {
    const key = this.claimKey(ref, channel, batchKey);
    const current = this.claims.get(key);
    if (current?.status === 'CLAIMED') return { kind: 'busy' };
    const known = await this.readOutcomes(ref, channel, recipients);
    if (current?.status === 'DONE' && recipients.every((id) => isFinal(known.get(id)?.status))) return { kind: 'settled' };
    const token = `t${++this.tokens}`;
    const attempts = (current?.attempts ?? 0) + 1;
    this.claims.set(key, { status: 'CLAIMED', token, attempts });
    return { kind: 'claimed', token, attempt: attempts, known };
  }
  async complete(ref: NoticeRef, channel: string, batchKey: string, token: string, totals: BatchTotals, uncertainIds: string[]) {
    const claim = this.claims.get(this.claimKey(ref, channel, batchKey));
    if (claim?.token !== token) throw new Error('not the holder');
    Object.assign(claim, { status: 'DONE', totals, uncertainIds });
  }
  async release(ref: NoticeRef, channel: string, batchKey: string, token: string) {
    const claim = this.claims.get(this.claimKey(ref, channel, batchKey));
    if (claim?.token !== token) throw new Error('not the holder');
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
    return [...this.claims].filter(([key, c]) => key.startsWith(`${ref.incidentId}/${ref.noticeId}/`) && (c.uncertainIds?.length ?? 0) > 0)
      .map(([key, c]) => ({ channel: key.split('/')[2]!, batchKey: key.split('/').slice(3).join('/'), customerIds: c.uncertainIds! }));
  }
  statusOf(ref: NoticeRef, channel: string, customerId: string) {
    return this.outcomes.get(this.outcomeKey(ref, channel, customerId))?.status;
  }
}
