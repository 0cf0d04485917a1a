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
  /**
   * A previous holder died holding the claim: whatever it sent is unknown. `heldSince`: when it claimed,
   * which is when its provider call went out (nothing comes between a claim and its call); a holder that
   * had itself taken the claim over and died passes on the first one's.
   */
  | { kind: 'abandoned'; token: string; attempt: number; known: Map<string, Outcome>; heldSince: string }
  /** Every recipient already has a final outcome: nothing to claim, nothing to send; `known` are those outcomes. */
  | { kind: 'settled'; known: Map<string, Outcome> }
  /** A live holder is still inside its lease. */
  | { kind: 'busy' };

/**
 * A call's claim and its recipients' outcomes as read for a whole chunk at once (claims first, then
 * outcomes): `acquire` starts from it instead of two reads of its own per call, and its conditional
 * claim still proves nobody claimed since.
 */
export interface CallState {
  /** The claim as read, absent when the call was never claimed. */
  /** `heldSince`: a taken-over claim's, when the first holder whose call is unknown claimed it. */
  claim?: { status?: 'CLAIMED' | 'DONE' | 'RELEASED'; attempts: number; claimedAt?: string; heldSince?: string; totals?: BatchTotals };
  known: Map<string, Outcome>;
}

export interface BatchTotals {
  sent: number;
  failed: number;
  retryable: number;
  uncertain: number;
}

export type NoticeTotals = Record<string, BatchTotals & { calls: number; unfinished: number }>;

/** A final outcome is never re-sent; RETRYABLE (the provider refused it) is. */
export const isFinal = (status: OutcomeStatus | undefined): boolean => status !== undefined && status !== 'RETRYABLE';

/** A finished provider call with recipients left UNCERTAIN: what settling them by evidence starts from (adapters/deliveries-ledger.ts). */
export interface UncertainCall {
  channel: Channel;
  batchKey: string;
  /** The claim's attempts when read: settling is conditioned on it, so a call claimed since is left alone. */
  attempts: number;
  completedAt: string;
  /** Times its recipients were settled by evidence before. */
  evidenceRounds: number;
  totals: BatchTotals;
  uncertainIds: string[];
  /** Every recipient of the call (its claim's): the ones the provider answered for witness whether its evidence has come in yet. */
  recipients: string[];
}

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

/** The batch keys' prefix for an audience chunk (`c000042`): a call's chunk is read back from its key. */
export const chunkKeyPrefix = (chunkIndex: number) => `c${String(chunkIndex).padStart(6, '0')}`;

export function chunkOfBatchKey(batchKey: string): number {
  const match = /^c(\d+)#/.exec(batchKey);
  if (!match) throw new RangeError(`Batch key ${batchKey} names no audience chunk`);
  return Number(match[1]);
}

/** The locale a planned call was sent in: its key's last but one part (`c000042#en-GB#0`, a fallback's `c000042#fb1#en-GB#0`). */
export function localeOfBatchKey(batchKey: string): string {
  const parts = batchKey.split('#');
  const locale = parts.at(-2);
  if (parts.length < 3 || !locale) throw new RangeError(`Batch key ${batchKey} names no locale`);
  return locale;
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
  /** Added after the first plan for customers another channel never reached: sent to their address whether they chose this channel or not (steps/fallback.ts). */
  fallback?: boolean;
}

/** A customer to reach on `channel` because another never did, in their chunk's locale. */
export interface FallbackRecipient extends Recipient {
  channel: Channel;
}

/**
 * Where one intended recipient of a notice stands on one channel; every recipient is in exactly one,
 * so intended = sent + suppressed + failed + uncertain + unfinished.
 * - suppressed: refused for the address or number itself (a suppression list, an opted-out number);
 * - unfinished: not final yet (RETRYABLE, or planned with no outcome so far).
 */
export const deliveryCategories = ['sent', 'suppressed', 'failed', 'uncertain', 'unfinished'] as const;
export type DeliveryCategory = (typeof deliveryCategories)[number];

/**
 * Reasons the channels record for a refused address: SES names its suppression lists in the entry's
 * error ("Address blacklisted." for the global one), SNS answers OptedOutException.
 */
const SUPPRESSED_REASON = /suppress|blacklist|opted.?out/i;

/** The category of a recorded outcome (none yet: unfinished); undefined for a status the ledger never writes, so it is reported, not guessed. */
export function categoryOf(outcome: Pick<Outcome, 'status' | 'reason'> | undefined): DeliveryCategory | undefined {
  switch (outcome?.status) {
    case undefined:
    case 'RETRYABLE':
      return 'unfinished';
    case 'SENT':
      return 'sent';
    case 'UNCERTAIN':
      return 'uncertain';
    case 'FAILED':
      return SUPPRESSED_REASON.test(outcome.reason ?? '') ? 'suppressed' : 'failed';
    default:
      return undefined;
  }
}

/** One provider call as planned, with its recipients' outcomes as the ledger holds them now: one step of a notice's reconciliation. */
export interface PlannedCall {
  chunkIndex: number;
  channel: Channel;
  batchKey: string;
  /** The call's own totals once it is settled (finished with nothing to retry), when its outcomes can no longer change. */
  settled?: BatchTotals;
  recipients: { customerId: string; outcome?: Outcome }[];
}

export interface ReconciledRecipient {
  customerId: string;
  channel: Channel;
  category: DeliveryCategory | undefined;
  outcome?: Outcome;
}

export type ChannelFigures = Record<'intended' | DeliveryCategory, number>;

export interface NoticeReconciliation {
  /** Per channel, in the order the plans name them. */
  channels: Record<Channel, ChannelFigures>;
  /** Audience chunks whose provider calls are planned: recipients of later chunks are not intended yet. */
  plannedChunks: number;
  /** Every way the figures disagree with themselves or with the calls' totals (the first few, then how many more). Empty when they reconcile. */
  problems: string[];
}

/** A notice's reconciliation as kept on the notice once it is sent, with the ids to check with the provider. */
export interface SettledReconciliation extends NoticeReconciliation {
  /** Per channel: the first UNCERTAIN customer ids and how many there are in all. */
  uncertain: Record<Channel, { ids: string[]; count: number }>;
}

/** Problems spelled out; the rest are counted. */
const MAX_PROBLEMS = 20;

const STATUS_TOTAL: Partial<Record<string, keyof BatchTotals>> = { SENT: 'sent', FAILED: 'failed', RETRYABLE: 'retryable', UNCERTAIN: 'uncertain' };
const figuresText = (f: object) =>
  Object.entries(f)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');

/**
 * Folds a notice's planned calls, a batch at a time, into its figures per channel, and checks them: the
 * identity per channel, and each settled call's totals against its recipients' outcomes (two records
 * the send step writes separately). `add` returns the batch's recipients classified, for the CSV.
 */
export class NoticeReconciler {
  private readonly channels: Record<Channel, ChannelFigures> = {};
  private readonly chunks = new Set<number>();
  private readonly problems: string[] = [];
  private problemCount = 0;

  add(call: PlannedCall): ReconciledRecipient[] {
    this.chunks.add(call.chunkIndex);
    const figures = (this.channels[call.channel] ??= { intended: 0, sent: 0, suppressed: 0, failed: 0, uncertain: 0, unfinished: 0 });
    const rows = call.recipients.map(({ customerId, outcome }): ReconciledRecipient => {
      const category = categoryOf(outcome);
      figures.intended += 1;
      if (category) figures[category] += 1;
      else this.problem(`${call.channel} ${customerId}: status ${JSON.stringify(outcome?.status)} is no delivery category`);
      return { customerId, channel: call.channel, category, ...(outcome ? { outcome } : {}) };
    });
    if (call.settled) {
      const found = { sent: 0, failed: 0, retryable: 0, uncertain: 0, none: 0 };
      for (const { outcome } of call.recipients) found[outcome ? (STATUS_TOTAL[outcome.status] ?? 'none') : 'none'] += 1;
      const claimed = { ...call.settled, none: 0 };
      if ((Object.keys(found) as (keyof typeof found)[]).some((k) => found[k] !== claimed[k])) {
        this.problem(
          `${call.channel} ${call.batchKey}: the call's totals (${figuresText(call.settled)}) disagree with its recipients' outcomes (${figuresText(found)})`,
        );
      }
    }
    return rows;
  }

  result(): NoticeReconciliation {
    for (const [channel, f] of Object.entries(this.channels)) {
      const sum = deliveryCategories.reduce((total, c) => total + f[c], 0);
      if (sum !== f.intended) this.problem(`${channel}: intended ${f.intended} but sent + suppressed + failed + uncertain + unfinished = ${sum}`);
    }
    const more = this.problemCount - this.problems.length;
    return {
      channels: structuredClone(this.channels),
      plannedChunks: this.chunks.size,
      problems: more > 0 ? [...this.problems, `and ${more} more`] : [...this.problems],
    };
  }

  private problem(text: string): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text);
  }
}

/** A notice's figures from its planned calls, without keeping any recipient. */
export async function reconcile(calls: AsyncIterable<PlannedCall>): Promise<NoticeReconciliation> {
  const reconciler = new NoticeReconciler();
  for await (const call of calls) reconciler.add(call);
  return reconciler.result();
}

export const CSV_COLUMNS = ['customer_id', 'channel', 'category', 'status', 'reason', 'provider_message_id', 'attempt', 'at'] as const;

/** Addresses and numbers a provider may echo in an error (SES names the address, SNS the number): the CSV carries ids only. */
const CONTACT_POINT = /[^\s@,;:<>()"']+@[^\s@,;:<>()"']+|\+\d[\d ().-]{5,}\d/g;

/** RFC 4180: quoted when it holds a quote, comma or line break, quotes doubled. */
function csvCell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  // A spreadsheet runs a cell that starts like a formula: provider text must stay text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One recipient as a CSV record (CRLF-terminated); a status no category knows is `unclassified` (and a reported problem). */
export function csvLine(r: ReconciledRecipient): string {
  const o = r.outcome;
  const cells = [
    r.customerId,
    r.channel,
    r.category ?? 'unclassified',
    o?.status,
    o?.reason?.replace(CONTACT_POINT, '[redacted]'),
    o?.providerMessageId,
    o?.attempt,
    o?.at,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A notice's CSV, header first, one piece per planned call, while `reconciler` sums the figures (read them once it ends). */
export async function* reconciliationCsv(calls: AsyncIterable<PlannedCall>, reconciler: NoticeReconciler): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for await (const call of calls) yield reconciler.add(call).map(csvLine).join('');
}
