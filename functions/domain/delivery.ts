/** A channel's name (see domain/channels/registry.ts); the ledger keeps outcomes per channel. */
export type Channel = string;
export type OutcomeStatus = 'SENT' | 'FAILED' | 'RETRYABLE' | 'UNCERTAIN';

/** A notice is only unique within its incident: every ledger key names both. */
export interface NoticeRef {
  incidentId: string;
  noticeId: string;
}

export interface Outcome extends NoticeRef {
  customerId: string;
  channel: Channel;
  status: OutcomeStatus;
  batchKey: string;
  /** The claim attempt that wrote it: tells a dead holder's own answers from older ones. */
  attempt?: number;
  providerMessageId?: string;
  reason?: string;
  at: string;
}

export type Acquired =
  /** This caller holds the call; `known` are the recipients' outcomes read just before the claim. */
  | { kind: 'claimed'; token: string; attempt: number; known: Map<string, Outcome> }
  /** A previous holder died holding the claim: whatever it sent is unknown. */
  | { kind: 'abandoned'; token: string; attempt: number; known: Map<string, Outcome> }
  /** Every recipient already has a final outcome: nothing to claim, nothing to send. */
  | { kind: 'settled' }
  /** A live holder is still inside its lease. */
  | { kind: 'busy' };

export interface BatchTotals {
  sent: number;
  failed: number;
  retryable: number;
  uncertain: number;
}

export type NoticeTotals = Record<string, BatchTotals & { calls: number; unfinished: number }>;

/** A final outcome is never re-sent; RETRYABLE (the provider refused it) is. */
export const isFinal = (status: OutcomeStatus | undefined): boolean => status !== undefined && status !== 'RETRYABLE';

export interface Recipient {
  customerId: string;
  locale: string;
}

export interface PlannedBatch<R extends Recipient> {
  /** Deterministic within a chunk: the same chunk always yields the same keys, so a retry finds its claims. */
  batchKey: string;
  locale: string;
  recipients: R[];
}

/** Groups by locale (one template per locale), orders by id, and cuts into batches of `max`. */
export function planBatches<R extends Recipient>(recipients: R[], max: number, keyPrefix: string): PlannedBatch<R>[] {
  const byLocale = new Map<string, R[]>();
  for (const r of recipients) {
    const list = byLocale.get(r.locale) ?? [];
    list.push(r);
    byLocale.set(r.locale, list);
  }
  const batches: PlannedBatch<R>[] = [];
  for (const locale of [...byLocale.keys()].sort()) {
    const list = byLocale.get(locale)!.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
    for (let i = 0; i * max < list.length; i += 1) {
      batches.push({ batchKey: `${keyPrefix}#${locale}#${i}`, locale, recipients: list.slice(i * max, (i + 1) * max) });
    }
  }
  return batches;
}

/** One provider call as first planned for a chunk: which channel, which recipients, in which locale. */
export interface FrozenBatch {
  channel: Channel;
  batchKey: string;
  locale: string;
  customerIds: string[];
}
