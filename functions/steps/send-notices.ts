import { UNREACHABLE, unreachableChannel, type ChannelRecipient, type DeliveryChannel } from '../domain/channels/channel.js';
import {
  chunkKeyPrefix,
  isFinal,
  planBatches,
  type BatchTotals,
  type CallState,
  type FrozenBatch,
  type NoticeRef,
  type OutcomeStatus,
  type Outcome,
  type PlannedBatch,
  type Recipient,
} from '../domain/delivery.js';
import type { Notice } from '../domain/incident.js';
import { resolveLocale, type Locale } from '../domain/locales.js';
import type {
  CustomerDirectoryPort,
  DeliveryLedgerPort,
  EvidenceStorePort,
  IncidentStorePort,
  NoticeStorePort,
  SuppressionStorePort,
} from '../domain/ports.js';
import { describeBreaches, judgeReputation, REPUTATION_CHANNEL, type ReputationLimits } from '../domain/reputation.js';
import { SuppressionSnapshot, suppressedReason } from '../domain/suppression.js';
import { resolveTimeZone } from '../domain/time-zones.js';
import { readerDateLocale } from '../domain/local-time.js';
import { classifyProviderFailure, providerOf, refusalKind, refusalReason } from '../domain/provider-failure.js';
import type { Clock } from '../shared/clock.js';
import type { Pacer } from '../domain/pacing.js';
import {
  BatchInFlightError,
  ConfigurationError,
  DailyQuotaExceededError,
  DeliveryRetryableError,
  NoticeNotApprovedError,
  ProviderRefusedError,
  ReputationPausedError,
  SendingPausedError,
} from '../shared/errors.js';

export interface SendDeps {
  incidents: Pick<IncidentStorePort, 'getAudienceChunk' | 'getIncident'>;
  notices: Pick<NoticeStorePort, 'getNotice'>;
  customers: Pick<CustomerDirectoryPort, 'getProfiles'>;
  ledger: Pick<DeliveryLedgerPort, 'freezePlan' | 'readCalls' | 'acquire' | 'complete' | 'release'>;
  /** Every channel a customer may have chosen (see domain/channels/registry.ts). */
  channels: readonly DeliveryChannel[];
  clock: Clock;
  /** Unique per invocation (the Lambda request id): the owner of the claims it takes. */
  owner: string;
  remainingTimeMs: () => number;
  locales: readonly Locale[];
  /** Chunks per invocation at most; no new provider call starts once less than `reserveMs` remains. */
  maxChunksPerInvocation: number;
  reserveMs: number;
  /**
   * Provider calls of a chunk in flight at once: each call's claim, send and outcome write overlap
   * the others' round trips. @default 1
   */
  callsInFlight?: number;
  /** Waits before each call of a paced channel (email) so this sender keeps to its share of the rate. @default no pacing */
  pacer?: Pacer;
  /** The notice's suppression lists as planned (steps/prepare-sending.ts). @default none: every address is tried */
  suppressions?: Pick<SuppressionStorePort, 'loadSuppressions'>;
  /** The reputation guard: the notice's email evidence counts and the limits its rates must stay under. @default no guard */
  reputation?: { evidence: Pick<EvidenceStorePort, 'counts'>; limits: ReputationLimits };
  /** Told each provider call's outcomes on its channel, as they are recorded (the per-channel metrics). @default none */
  countOutcomes?: (channel: string, totals: BatchTotals) => void;
  /**
   * A look at each call's outcomes once they are written: the SMS statuses that came before them are recorded
   * then (steps/record-sms-status.ts `recordEarlyAnswered`). Given the call's outcomes of every attempt, and
   * made again whenever the call is met settled: a look that fails fails the iteration after the call is done,
   * and its retry (or the slice's next round) meets the call settled and looks again. @default none
   */
  afterOutcomes?: (ref: NoticeRef, outcomes: readonly Outcome[]) => Promise<void>;
}

export interface SendInput {
  incidentId: string;
  noticeId: string;
  fromChunk: number;
  /** One past the last chunk of this sender's slice. @default the audience's end */
  toChunk?: number;
}

export interface SendResult {
  done: boolean;
  nextChunk: number;
  sent: number;
  failed: number;
  uncertain: number;
}

/**
 * Provider calls one sender keeps in flight: enough to hide the ledger's round trips behind each
 * other's (measured in `npm run bench`), few enough that one sender's calls stay a small burst.
 */
export const CALLS_IN_FLIGHT = 4;

const zero = (): BatchTotals => ({ sent: 0, failed: 0, retryable: 0, uncertain: 0 });
const add = (a: BatchTotals, b: BatchTotals) => {
  a.sent += b.sent;
  a.failed += b.failed;
  a.retryable += b.retryable;
  a.uncertain += b.uncertain;
};

/** A recipient refused for now, by the provider's status or error name: its channel and the provider's reason. */
interface Refusal {
  channel: string;
  reason: string;
}

/** SES per-entry statuses that need people or time rather than a quick retry. */
const PAUSED = ['ACCOUNT_SENDING_PAUSED', 'CONFIGURATION_SET_SENDING_PAUSED'];
const DAILY_QUOTA = 'ACCOUNT_DAILY_QUOTA_EXCEEDED';

/**
 * Sends an approved notice to one slice of the incident's audience, a bounded number of chunks per
 * invocation, and returns the cursor for the state machine's loop (slices run in parallel in a Map).
 *
 * Exactly once: each chunk's calls are planned once and the plan kept; per call (a channel's batch)
 * the recipients' outcomes are read, then the call is claimed by one conditional write that fails
 * if anyone claimed since; outcomes are written after the call, with the claim's completion, in one
 * transaction conditioned on still holding the claim. A retry re-sends only recipients
 * without a final outcome. A call whose answer is lost (5xx, reset, timeout) or whose holder died
 * leaves its recipients UNCERTAIN: counted, listed and reported for reconciliation, never re-sent.
 * A refusal (4xx) or an error before the call frees the claim.
 */
export async function sendNotices(input: SendInput, deps: SendDeps): Promise<SendResult> {
  const notice = await deps.notices.getNotice(input.incidentId, input.noticeId);
  if (notice.status !== 'APPROVED' && notice.status !== 'SENT') {
    throw new NoticeNotApprovedError(`Notice ${input.noticeId} of ${input.incidentId} is ${notice.status}, not approved`);
  }
  // The approval is of one exact wording: anything else was never approved.
  if (notice.approvedHash !== notice.contentHash) {
    throw new NoticeNotApprovedError(
      `Notice ${input.noticeId} of ${input.incidentId} has wording ${notice.contentHash}, but ${notice.approvedHash ?? 'no wording'} was approved`,
    );
  }
  const incident = await deps.incidents.getIncident(input.incidentId);
  const totalChunks = Math.min(incident.audienceChunks ?? 0, input.toChunk ?? Infinity);
  const totals = zero();
  let chunkIndex = input.fromChunk;
  // Checked before every provider call, not every chunk: a chunk of slow calls must not outlive the
  // invocation and leave its claims to be taken over as UNCERTAIN. The first call always starts.
  const budget = { calls: 0, mayCall: () => budget.calls === 0 || deps.remainingTimeMs() >= deps.reserveMs };
  // Read once per invocation: a few BatchGets however many chunks it sends.
  const suppressions = chunkIndex < totalChunks ? ((await deps.suppressions?.loadSuppressions(input)) ?? SuppressionSnapshot.empty) : SuppressionSnapshot.empty;
  for (let processed = 0; chunkIndex < totalChunks && processed < deps.maxChunksPerInvocation; processed += 1) {
    await guardReputation(notice, deps);
    const { totals: chunkTotals, finished, refusals } = await sendChunk(notice, chunkIndex, deps, budget, suppressions);
    add(totals, chunkTotals);
    if (chunkTotals.retryable > 0) {
      // Stop here: the state machine retries from this same cursor, at once for throttling, later
      // (and with the team told) for a refusal people must fix, a paused account or a spent daily quota.
      const names = [...refusals.keys()];
      const permanent = [...refusals].find(([name]) => refusalKind(name) === 'permanent');
      if (permanent) throw new ProviderRefusedError(`${providerOf(permanent[1].channel)} refused: ${permanent[1].reason}`);
      const summary = `${chunkTotals.retryable} recipients of ${input.noticeId} chunk ${chunkIndex} were refused for now (${names.join(', ')}); ${chunkTotals.sent} sent in this chunk`;
      if (names.some((r) => PAUSED.includes(r))) throw new SendingPausedError(summary);
      if (refusals.has(DAILY_QUOTA)) throw new DailyQuotaExceededError(summary);
      throw new DeliveryRetryableError(summary);
    }
    // Out of time inside the chunk: the next invocation starts it again; its settled calls are skipped.
    if (!finished) break;
    chunkIndex += 1;
  }
  // Marking the notice sent is the confirm step's, once every slice is done.
  const done = chunkIndex >= totalChunks;
  return { done, nextChunk: chunkIndex, sent: totals.sent, failed: totals.failed, uncertain: totals.uncertain };
}

/**
 * Before each chunk's provider calls, the first included (one GetItem, against a chunk's dozen or more
 * ledger writes): a notice whose emails bounce or draw complaints above the limits stops here, unless
 * the team told it to go on. Per chunk, not per invocation: one invocation sends up to
 * MAX_CHUNKS_PER_INVOCATION chunks, a whole notice to a few thousand customers, so a check at its start
 * alone would come too late for most notices. A chunk already sending finishes; its calls are kept.
 */
async function guardReputation(notice: Notice, deps: SendDeps): Promise<void> {
  if (!deps.reputation || notice.sendingResumed) return;
  const counts = await deps.reputation.evidence.counts(notice, REPUTATION_CHANNEL);
  const verdict = judgeReputation(counts, deps.reputation.limits);
  if (verdict.breaches.length > 0) {
    throw new ReputationPausedError(`Sending ${notice.noticeId} of ${notice.incidentId} paused: ${describeBreaches(counts, verdict, deps.reputation.limits)}`);
  }
}

async function sendChunk(
  notice: Notice,
  chunkIndex: number,
  deps: SendDeps,
  budget: { calls: number; mayCall: () => boolean },
  suppressions: SuppressionSnapshot,
): Promise<{ totals: BatchTotals; finished: boolean; refusals: Map<string, Refusal> }> {
  const members = await deps.incidents.getAudienceChunk(notice.incidentId, chunkIndex);
  const profiles = await deps.customers.getProfiles(members.map((m) => m.customerId));
  const prefix = chunkKeyPrefix(chunkIndex);
  const everyChannel = [...deps.channels, unreachableChannel];
  const targets = new Map<DeliveryChannel, Recipient[]>(everyChannel.map((c) => [c, []]));
  for (const member of members) {
    const profile = profiles.get(member.customerId);
    const locale = resolveLocale(profile?.locale, deps.locales);
    const reaching = profile ? deps.channels.filter((c) => c.address(profile)) : [];
    for (const channel of reaching.length > 0 ? reaching : [unreachableChannel]) targets.get(channel)!.push({ customerId: member.customerId, locale });
  }
  const proposed: FrozenBatch[] = [...targets].flatMap(([channel, recipients]) =>
    planBatches(recipients, channel.batchSize, prefix).map((b) => ({
      channel: channel.name,
      batchKey: b.batchKey,
      locale: b.locale,
      customerIds: b.recipients.map((r) => r.customerId),
    })),
  );
  // The first plan is kept: a directory change between attempts must not move anyone to another claim.
  const plan = await deps.ledger.freezePlan(notice, chunkIndex, proposed);
  // Every call's claim and recipients' outcomes in a few batched reads, instead of two reads per call.
  const states = await deps.ledger.readCalls(notice, plan);
  const channels = new Map(everyChannel.map((c) => [c.name, c]));
  const categories = new Map(members.map((m) => [m.customerId, m.dataCategories]));
  const totals = zero();
  const refusals = new Map<string, Refusal>();
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let finished = true;
  // Settled when the chunk was read (finished, every recipient final): nothing can change them, skipped unpaced.
  const settled = new Set(
    plan.flatMap((batch) => {
      const state = states.get(`${batch.channel}#${batch.batchKey}`);
      return state?.claim?.status === 'DONE' && batch.customerIds.every((id) => isFinal(state.known.get(id)?.status)) ? [state] : [];
    }),
  );
  // A look an earlier visit did not finish (it failed after the call was done) is made again: one for the chunk.
  if (settled.size > 0 && deps.afterOutcomes)
    await deps.afterOutcomes(
      { incidentId: notice.incidentId, noticeId: notice.noticeId },
      [...settled].flatMap((s) => [...s.known.values()]),
    );
  for (const batch of plan) {
    if (failure) break;
    const state = states.get(`${batch.channel}#${batch.batchKey}`);
    if (state && settled.has(state)) continue;
    const channel = channels.get(batch.channel);
    if (!channel) {
      failure = {
        error: new ConfigurationError(`Chunk ${chunkIndex} of ${notice.noticeId} was planned for channel ${batch.channel}, which is no longer configured`),
      };
      break;
    }
    // Paced before the time check and the claim: a wait never eats into a call's time or holds a claim.
    const paced = channel.paced ? batch.customerIds.length : 0;
    if (paced > 0) await deps.pacer?.take(paced);
    // A call in flight failed during the wait: nothing more is sent in this chunk.
    if (failure) break;
    if (!budget.mayCall()) {
      if (paced > 0) deps.pacer?.giveBack(paced);
      finished = false;
      break;
    }
    budget.calls += 1;
    const recipients = batch.customerIds.map((customerId): ChannelRecipient => {
      const profile = profiles.get(customerId);
      // The pseudo-channel needs no address; a real one that lost it since planning records FAILED. A
      // fallback goes to the customer's address on the channel, chosen or not (steps/fallback.ts).
      const address = channel === unreachableChannel ? UNREACHABLE : profile && (batch.fallback ? channel.contact?.(profile) : channel.address(profile));
      return {
        customerId,
        locale: batch.locale as Locale,
        name: profile?.name ?? '',
        dataCategories: categories.get(customerId) ?? [],
        timeZone: profile ? resolveTimeZone(profile) : 'UTC',
        ...(profile ? { dateLocale: readerDateLocale(profile) } : {}),
        ...(profile?.region ? { region: profile.region } : {}),
        address: address ?? '',
      };
    });
    const call = runBatch(notice, channel, { batchKey: batch.batchKey, locale: batch.locale, recipients }, deps, suppressions, state).then(
      (result) => {
        add(totals, result.totals);
        deps.countOutcomes?.(channel.name, result.totals);
        for (const reason of result.refusals) {
          const name = reason.split(':')[0]!.trim();
          if (!refusals.has(name)) refusals.set(name, { channel: channel.name, reason });
        }
        // A settled or partly settled call sent fewer than it was paced for (a resumed slice): not a loss of rate.
        if (paced > 0) deps.pacer?.giveBack(paced - result.sentTo);
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call));
    if (inFlight.size >= Math.max(1, deps.callsInFlight ?? 1)) await Promise.race(inFlight);
  }
  // Calls already made are finished and recorded before anything is reported, a failure included.
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return { totals, finished, refusals };
}

async function runBatch(
  notice: Notice,
  channel: DeliveryChannel,
  batch: PlannedBatch<ChannelRecipient>,
  deps: SendDeps,
  suppressions: SuppressionSnapshot,
  seen: CallState | undefined,
): Promise<{ totals: BatchTotals; refusals: string[]; sentTo: number }> {
  const ref = { incidentId: notice.incidentId, noticeId: notice.noticeId };
  const ids = batch.recipients.map((r) => r.customerId);
  const claim = await deps.ledger.acquire(ref, channel.name, batch.batchKey, ids, deps.owner, seen);
  if (claim.kind === 'busy') throw new BatchInFlightError(`Batch ${channel.name}/${batch.batchKey} of ${notice.noticeId} is held by a live invocation`);
  if (claim.kind === 'settled') {
    // Settled since the chunk was read: its look too (nothing is recorded twice).
    await deps.afterOutcomes?.(ref, [...claim.known.values()]);
    return { totals: zero(), refusals: [], sentTo: 0 };
  }
  const pending = batch.recipients.filter((r) => !isFinal(claim.known.get(r.customerId)?.status));
  const at = deps.clock.now().toISOString();
  const outcome = (r: ChannelRecipient, fields: Pick<Outcome, 'status'> & Partial<Outcome>): Outcome => ({
    customerId: r.customerId,
    ...ref,
    channel: channel.name,
    batchKey: batch.batchKey,
    attempt: claim.attempt,
    at,
    ...fields,
  });

  // A dead holder may have reached the provider for anyone it had not answered for: never guess,
  // never re-send those. Its own RETRYABLE answers are trustworthy (nothing went out): send them now.
  const refusedByDeadHolder = (r: ChannelRecipient) => {
    const known = claim.known.get(r.customerId);
    return known?.status === 'RETRYABLE' && known.attempt === claim.attempt - 1;
  };
  const sendable = claim.kind === 'abandoned' ? pending.filter(refusedByDeadHolder) : pending;
  const unknown = claim.kind === 'abandoned' ? pending.filter((r) => !refusedByDeadHolder(r)) : [];
  // The provider would refuse or silently drop these (SES accepts a suppressed address with a 200): never sent, never counted as sent.
  const refusedFor = new Map(
    sendable.flatMap((r) => {
      const reason = r.address === '' ? undefined : suppressions.reasonFor(channel.name, r.address);
      return reason ? [[r.customerId, reason] as const] : [];
    }),
  );
  const toSend = sendable.filter((r) => r.address !== '' && !refusedFor.has(r.customerId));
  const outcomes = [
    // Dated by the dead holder's claim, when its call went out: a lost SMS's kept status is matched by it (record-sms-status.ts).
    ...unknown.map((r) =>
      outcome(r, {
        status: 'UNCERTAIN',
        reason: 'claim abandoned mid-call; reconcile with provider records',
        ...(claim.kind === 'abandoned' ? { at: claim.heldSince } : {}),
      }),
    ),
    ...sendable.filter((r) => r.address === '').map((r) => outcome(r, { status: 'FAILED', reason: `no ${channel.name} address in the directory any more` })),
    ...sendable
      .filter((r) => refusedFor.has(r.customerId))
      .map((r) => outcome(r, { status: 'FAILED', reason: suppressedReason(channel.name, refusedFor.get(r.customerId)!) })),
  ];
  /** Nothing of this call went out: free the claim so a retry may take it, keeping what is known (one write). */
  const giveBack = (reason: string) => deps.ledger.release(ref, channel.name, batch.batchKey, claim.token, reason, outcomes);
  if (toSend.length > 0) {
    let call: () => Promise<{ status: OutcomeStatus; providerMessageId?: string; reason?: string }[]>;
    try {
      call = channel.prepare(notice, batch.locale as Locale, toSend);
    } catch (error) {
      await giveBack((error as Error).name);
      throw error;
    }
    try {
      const results = await call();
      outcomes.push(...toSend.map((r, i) => outcome(r, results[i] ?? { status: 'UNCERTAIN', reason: 'the channel returned no result' })));
    } catch (error) {
      if (classifyProviderFailure(error) === 'refused') {
        const name = (error as Error).name;
        await giveBack(name);
        const kind = refusalKind(name);
        if (kind === 'permanent') throw new ProviderRefusedError(`${providerOf(channel.name)} refused: ${refusalReason(error)}`, { cause: error });
        const refused = `${channel.name} provider refused batch ${batch.batchKey} of ${notice.noticeId}: ${name}`;
        if (kind === 'paused') throw new SendingPausedError(refused, { cause: error });
        throw new DeliveryRetryableError(refused, { cause: error });
      }
      // The request left and no trustworthy answer came back: delivered or not, nobody knows.
      const reason = `no answer from the provider: ${(error as Error).name}`;
      outcomes.push(...toSend.map((r) => outcome(r, { status: 'UNCERTAIN', reason })));
    }
  }
  const attempt = tally(outcomes.map((o) => o.status));
  // The batch's outcomes over every attempt, earlier ones plus this attempt's: the claim carries their totals.
  const latest = new Map(claim.known);
  for (const o of outcomes) latest.set(o.customerId, o);
  const batchStatuses = ids.flatMap((id) => (latest.has(id) ? [latest.get(id)!.status] : []));
  const uncertainIds = ids.filter((id) => latest.get(id)?.status === 'UNCERTAIN');
  // The outcomes and the claim's completion in one write: about two write requests per provider call.
  await deps.ledger.complete(ref, channel.name, batch.batchKey, claim.token, tally(batchStatuses), uncertainIds, outcomes);
  // Over every attempt's outcomes: the look after an earlier one may have failed.
  await deps.afterOutcomes?.(ref, [...latest.values()]);
  // The provider's reason for each refusal (its status or error name before the colon decides how long to wait).
  const refusals = outcomes.filter((o) => o.status === 'RETRYABLE').map((o) => o.reason ?? '');
  return { totals: attempt, refusals, sentTo: toSend.length };
}

function tally(statuses: OutcomeStatus[]): BatchTotals {
  const totals = zero();
  for (const status of statuses) {
    if (status === 'SENT') totals.sent += 1;
    else if (status === 'FAILED') totals.failed += 1;
    else if (status === 'RETRYABLE') totals.retryable += 1;
    else totals.uncertain += 1;
  }
  return totals;
}
