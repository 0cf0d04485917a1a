import {
  isFinal,
  type Acquired,
  type BatchTotals,
  type CallState,
  type FrozenBatch,
  type NoticeRef,
  type NoticeTotals,
  type Outcome,
  type PlannedCall,
} from '../../../functions/domain/delivery.js';
import type { DeliveryLedgerPort } from '../../../functions/domain/ports.js';
import { systemClock, type Clock } from '../../../functions/shared/clock.js';

interface Claim {
  status: 'CLAIMED' | 'DONE' | 'RELEASED';
  token: string;
  attempts: number;
  totals?: BatchTotals;
  uncertainIds?: string[];
  /** Its holder died and the lease ran out: the next acquire takes it over as abandoned. */
  dead?: boolean;
  claimedAt: string;
  /** Set by a takeover, as the DynamoDB ledger keeps it: the first dead holder's claim time. */
  heldSince?: string;
}

/** The ledger's protocol without DynamoDB: claim by version, outcomes per (customer, notice, channel). No leases: nothing dies here. */
export class FakeLedger implements Omit<DeliveryLedgerPort, 'outcomesForCustomer'> {
  /** `clock` dates claims, as the DynamoDB ledger's does: give it the test's, so a takeover's `heldSince` is on the test's time. */
  constructor(private readonly clock: Clock = systemClock) {}
  claims = new Map<string, Claim>();
  outcomes = new Map<string, Outcome>();
  private tokens = 0;
  private claimKey = (ref: NoticeRef, channel: string, batchKey: string) => `${ref.incidentId}/${ref.noticeId}/${channel}/${batchKey}`;
  private outcomeKey = (ref: NoticeRef, channel: string, customerId: string) => `${ref.incidentId}/${ref.noticeId}/${channel}/${customerId}`;

  async outcomesForCustomer(customerId: string): Promise<Outcome[]> {
    return [...this.outcomes.values()].filter((o) => o.customerId === customerId);
  }

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
          const state: CallState = {
            claim: claim && { status: claim.status, attempts: claim.attempts, ...(claim.totals ? { totals: claim.totals } : {}) },
            known: await this.readOutcomes(ref, c.channel, c.customerIds),
          };
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
    if (current?.status === 'DONE' && recipients.every((id) => isFinal(known.get(id)?.status))) return { kind: 'settled', known };
    const token = `t${++this.tokens}`;
    const attempts = (current?.attempts ?? 0) + 1;
    const heldSince = current?.dead ? (current.heldSince ?? current.claimedAt) : undefined;
    this.claims.set(key, { status: 'CLAIMED', token, attempts, claimedAt: this.clock.now().toISOString(), ...(heldSince ? { heldSince } : {}) });
    return heldSince ? { kind: 'abandoned', token, attempt: attempts, known, heldSince } : { kind: 'claimed', token, attempt: attempts, known };
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
    return new Map(
      customerIds.flatMap((id) => {
        const o = this.outcomes.get(this.outcomeKey(ref, channel, id));
        return o ? [[id, o] as const] : [];
      }),
    );
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
      if (key.startsWith(`${ref.incidentId}/${ref.noticeId}/`) && claim.uncertainIds?.length)
        (byChannel[key.split('/')[2]!] ??= []).push(...claim.uncertainIds);
    }
    for (const ids of Object.values(byChannel)) ids.sort();
    return byChannel;
  }
  async *recipientOutcomes(ref: NoticeRef): AsyncIterable<PlannedCall> {
    const prefix = `${ref.incidentId}/${ref.noticeId}/`;
    const chunks = [...this.plans.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => Number(k.slice(prefix.length)))
      .sort((a, b) => a - b);
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
