import type { ChannelContact } from '../domain/channels/contact.js';
import { chunkOfBatchKey, isFinal, localeOfBatchKey, type Channel, type FallbackRecipient, type NoticeRef } from '../domain/delivery.js';
import { NEVER_DELIVERED } from '../domain/delivery-evidence.js';
import type { CustomerDirectoryPort, DeliveryLedgerPort, EvidenceStorePort, FallbackPlanPort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface FallbackDeps {
  evidence: Pick<EvidenceStorePort, 'undeliverable' | 'counts'>;
  ledger: Pick<DeliveryLedgerPort, 'outcomesForCustomer' | 'noticeTotals'> & FallbackPlanPort;
  customers: Pick<CustomerDirectoryPort, 'getProfiles'>;
  /** Every channel, in the order a customer falls back along (domain/channels/contact.ts). */
  channels: Record<Channel, ChannelContact>;
  /** Channels whose provider reports evidence (email): their evidence is awaited before anyone falls back. */
  evidenceChannels: readonly string[];
  evidenceWindowSeconds: number;
  clock: Clock;
  /** Waits inside the function while the evidence comes in. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** Where a notice's fallback stands, carried in the workflow's plan between confirm steps: counts and a time, no customer. */
export interface FallbackState {
  /** Evidence rounds checked so far. */
  round: number;
  /** Waits for evidence in this round so far. */
  polls: number;
  /** When this round's wait began (the sends before it had just finished). */
  since?: string;
}

export const noFallbackYet = (): FallbackState => ({ round: 0, polls: 0 });

/**
 * Evidence rounds per notice: one, after the notice's own sends, then one round of fallback sends. A
 * bounce that arrives later (a late one, or of a fallback email) sends nothing more: it puts its
 * customer on the call list, read live, and the team calls them (docs/operating.md#customers-no-channel-reached).
 * One round keeps the history bounded: a wait and a round of sends add 30 events to a notice, which a
 * year of hourly updates can afford (tests/infra/limits.test.ts).
 */
export const MAX_FALLBACK_ROUNDS = 1;

/** How long the function itself waits for the evidence before leaving it to a Wait state: SES publishes most events within seconds. */
const IN_FUNCTION_WAIT_MS = 3000;
const POLL_MS = 500;

export type FallbackStep =
  /** Some evidence is still out and the window is not over: look again after `seconds`. */
  | { kind: 'wait'; seconds: number; state: FallbackState }
  /** Customers to reach on their next channel: their chunks go round the send loop again, where the ledger's claims send each once. */
  | { kind: 'send'; chunks: number[]; customers: number; planned: number; byChannel: Record<Channel, number>; state: FallbackState }
  /** Nothing (more) to fall back to, or the rounds are spent. */
  | { kind: 'done'; state: FallbackState };

/**
 * After a notice's sends: waits until every email has its final evidence (delivered, bounced for good,
 * rejected, failed to render) or the evidence window is over (a few seconds here, then one Wait state
 * for the rest of the window: the history stays bounded), then sends each customer a channel
 * never reached, and no other channel reached, the same notice on the next channel they have an
 * address for, in the channels' order, whether or not they chose it: a breach notice must reach the
 * person (GDPR Art. 34), and the address is theirs. Exactly once: the fallback is planned in the
 * customer's chunk plan at most once per channel (ledger planFallbacks) and sent through that plan's
 * claims like any call.
 */
export async function fallbackStep(ref: NoticeRef, state: FallbackState, deps: FallbackDeps): Promise<FallbackStep> {
  if (state.round >= MAX_FALLBACK_ROUNDS) return { kind: 'done', state };
  const since = state.since ?? deps.clock.now().toISOString();
  const windowEnds = Date.parse(since) + deps.evidenceWindowSeconds * 1000;
  // The Wait state, once: after it the window is over, whatever came in.
  if (state.polls === 0 && !(await evidenceIn(ref, deps, Math.min(windowEnds, Date.parse(since) + IN_FUNCTION_WAIT_MS)))) {
    const remaining = Math.ceil((windowEnds - deps.clock.now().getTime()) / 1000);
    if (remaining > 0) return { kind: 'wait', seconds: remaining, state: { round: state.round, polls: 1, since } };
  }
  const next: FallbackState = { round: state.round + 1, polls: 0 };
  const wanted = await fallbackCandidates(ref, deps);
  if (wanted.length === 0) return { kind: 'done', state: next };
  const batchSizes = Object.fromEntries(Object.entries(deps.channels).map(([name, c]) => [name, c.batchSize]));
  const byChunk = new Map<number, FallbackRecipient[]>();
  for (const w of wanted) byChunk.set(w.chunkIndex, [...(byChunk.get(w.chunkIndex) ?? []), w]);
  let planned = 0;
  for (const [chunkIndex, recipients] of byChunk) planned += (await deps.ledger.planFallbacks(ref, chunkIndex, recipients, batchSizes)).length;
  const byChannel: Record<Channel, number> = {};
  for (const w of wanted) byChannel[w.channel] = (byChannel[w.channel] ?? 0) + 1;
  // Those planned by an earlier attempt that died before sending are sent now too: their claims keep it to once.
  return { kind: 'send', chunks: [...byChunk.keys()].sort((a, b) => a - b), customers: wanted.length, planned, byChannel, state: next };
}

/** Whether the evidence is complete by `until` (the clock's time), looking every POLL_MS. */
async function evidenceIn(ref: NoticeRef, deps: FallbackDeps, until: number): Promise<boolean> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const looks = Math.max(0, Math.floor((until - deps.clock.now().getTime()) / POLL_MS));
  for (let look = 0; ; look += 1) {
    if (await evidenceComplete(ref, deps)) return true;
    if (look >= looks) return false;
    await sleep(POLL_MS);
  }
}

/** Every email the provider accepted has its last word: delivered, bounced for good, rejected or failed to render. */
async function evidenceComplete(ref: NoticeRef, deps: FallbackDeps): Promise<boolean> {
  const totals = await deps.ledger.noticeTotals(ref);
  for (const channel of deps.evidenceChannels) {
    const sent = totals[channel]?.sent ?? 0;
    if (sent === 0) continue;
    const counts = await deps.evidence.counts(ref, channel);
    if (counts.Delivery + NEVER_DELIVERED.reduce((n, event) => n + counts[event], 0) < sent) return false;
  }
  return true;
}

/**
 * The notice's undeliverable list (short: written as the evidence comes in), then each listed customer's
 * outcomes (one Query each) and profile: those with a channel that never reached them, none that did
 * (SENT) or may have (UNCERTAIN), and an address on a channel they were not tried on yet (or only
 * refused for now), which they are sent on.
 */
async function fallbackCandidates(ref: NoticeRef, deps: FallbackDeps): Promise<(FallbackRecipient & { chunkIndex: number })[]> {
  const never = new Map<string, Set<Channel>>();
  for (const entry of await deps.evidence.undeliverable(ref)) never.set(entry.customerId, (never.get(entry.customerId) ?? new Set()).add(entry.channel));
  if (never.size === 0) return [];
  const ids = [...never.keys()].sort();
  const profiles = await deps.customers.getProfiles(ids);
  const wanted: (FallbackRecipient & { chunkIndex: number })[] = [];
  for (const customerId of ids) {
    const failedOn = never.get(customerId)!;
    const outcomes = (await deps.ledger.outcomesForCustomer(customerId)).filter((o) => o.incidentId === ref.incidentId && o.noticeId === ref.noticeId);
    const first = outcomes.find((o) => failedOn.has(o.channel));
    const profile = profiles.get(customerId);
    if (!first || !profile) continue;
    if (outcomes.some((o) => !failedOn.has(o.channel) && (o.status === 'SENT' || o.status === 'UNCERTAIN'))) continue;
    const tried = new Set(outcomes.filter((o) => isFinal(o.status)).map((o) => o.channel));
    const channel = Object.keys(deps.channels).find((name) => !failedOn.has(name) && !tried.has(name) && deps.channels[name]!.contact(profile));
    if (channel) wanted.push({ customerId, channel, locale: localeOfBatchKey(first.batchKey), chunkIndex: chunkOfBatchKey(first.batchKey) });
  }
  return wanted;
}
