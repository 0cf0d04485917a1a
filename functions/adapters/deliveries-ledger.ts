import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  chunkKeyPrefix,
  isFinal,
  planBatches,
  type Acquired,
  type BatchTotals,
  type CallState,
  type Channel,
  type FallbackRecipient,
  type FrozenBatch,
  type NoticeRef,
  type NoticeTotals,
  type Outcome,
  type PlannedCall,
  type UncertainCall,
} from '../domain/delivery.js';
import type { DeliveryLedgerPort, FallbackPlanPort, SuppressionStorePort, UncertainSettlementPort } from '../domain/ports.js';
import { HASH_BYTES, SuppressionSnapshot, type SuppressionListName } from '../domain/suppression.js';
import type { Clock } from '../shared/clock.js';
import { randomId } from '../shared/crypto.js';
import { DependencyError } from '../shared/errors.js';
import { batchGet, batchPut, queryAll } from './dynamo-batch.js';
import { keys, SUPPRESSIONS_PREFIX } from './keys.js';

const claimKey = (ref: NoticeRef, channel: Channel, batchKey: string) => keys.claim(ref.incidentId, ref.noticeId, channel, batchKey);
const outcomeKey = (customerId: string, ref: NoticeRef, channel: Channel) => keys.outcome(customerId, ref.incidentId, ref.noticeId, channel);

interface ClaimItem extends Partial<BatchTotals> {
  status?: 'CLAIMED' | 'DONE' | 'RELEASED';
  token?: string;
  claimedAt?: string;
  /** Set by a takeover: when the first holder whose call is unknown claimed (kept through further takeovers). */
  heldSince?: string;
  attempts?: number;
}

const claimState = (item: ClaimItem | undefined): CallState['claim'] =>
  item && {
    status: item.status,
    attempts: Number(item.attempts ?? 0),
    claimedAt: item.claimedAt,
    ...(item.heldSince ? { heldSince: item.heldSince } : {}),
    // The batch's totals over every attempt, written when a holder finished it.
    ...(item.status === 'DONE'
      ? {
          totals: {
            sent: Number(item.sent ?? 0),
            failed: Number(item.failed ?? 0),
            retryable: Number(item.retryable ?? 0),
            uncertain: Number(item.uncertain ?? 0),
          },
        }
      : {}),
  };

/** A conditional update of one claim, written alone or with its call's outcomes. */
interface ClaimUpdate {
  Key: Record<string, unknown>;
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** A notice's suppression lists: a head naming the lists and their parts, written last, then the parts. */
const suppressionsPk = (ref: NoticeRef) => `${SUPPRESSIONS_PREFIX}${ref.incidentId}#${ref.noticeId}`;
const SUPPRESSIONS_HEAD = '#head';
/** Hashes per item: 320 KB of binary, under DynamoDB's 400 KB item limit. */
const HASHES_PER_PART = 40_000;

/** DynamoDB's limit of items in one TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;

/** Claim rounds lost to other writers before giving up as busy; each loss means someone else progressed. */
const MAX_CLAIM_ROUNDS = 3;

/**
 * The deliveries ledger: the truth for "sent exactly once".
 * - A claim per provider call (`BATCH#<incident>#<notice>`), taken by one conditional write just
 *   before the call. Its `attempts` counter is the version the write is conditioned on, so a claim
 *   succeeds only if nobody claimed since the caller read the recipients' outcomes.
 * - An outcome per (customer, incident, notice, channel) (`CUSTOMER#<id>`), written after the call,
 *   so "what did customer X receive?" is one Query on the customer's partition.
 */
export class DeliveriesLedger implements DeliveryLedgerPort, SuppressionStorePort, UncertainSettlementPort, FallbackPlanPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    /** How long a claim protects an in-flight call; at least the send function's timeout. */
    private readonly leaseSeconds: number,
  ) {}

  /**
   * Reads the claim and the recipients' outcomes (consistently), then claims the call unless every
   * recipient is settled or a live holder has it. Nothing but the provider call itself may come
   * between a successful claim and the call, so a claim never stays held without a send.
   */
  async acquire(ref: NoticeRef, channel: Channel, batchKey: string, recipients: string[], owner: string, seen?: CallState): Promise<Acquired> {
    const token = `${owner}:${randomId(9)}`;
    // A claim held when the chunk was read may have finished since: only a fresh read may call it busy or abandoned.
    let state = seen?.claim?.status === 'CLAIMED' ? undefined : seen;
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round += 1) {
      state ??= await this.readCall(ref, channel, batchKey, recipients);
      const { claim: current, known } = state;
      const now = this.clock.now();
      const abandoned = current?.status === 'CLAIMED';
      if (abandoned && Date.parse(current.claimedAt ?? '') > now.getTime() - this.leaseSeconds * 1000) return { kind: 'busy' };
      // A holder that died after recording outcomes still gets its claim finished (and counted) below.
      if (current?.status === 'DONE' && recipients.every((id) => isFinal(known.get(id)?.status))) return { kind: 'settled', known };
      // A holder that took a dead one's claim over sends only those the dead one was refused, if any: should it die
      // too, the unknown call is the first's, whose time is kept through every takeover (those few re-sent are dated early).
      const heldSince = abandoned ? (current.heldSince ?? current.claimedAt ?? now.toISOString()) : undefined;
      const ours = (attempt: number): Acquired =>
        heldSince ? { kind: 'abandoned', token, attempt, known, heldSince } : { kind: 'claimed', token, attempt, known };
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: claimKey(ref, channel, batchKey),
            UpdateExpression: `SET #status = :claimed, #token = :token, claimedAt = :now, recipients = :recipients, recovered = :recovered${heldSince ? ', heldSince = :heldSince' : ''} ADD attempts :one${heldSince ? '' : ' REMOVE heldSince'}`,
            ConditionExpression: current ? 'attempts = :seen' : 'attribute_not_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
            ExpressionAttributeValues: {
              ':claimed': 'CLAIMED',
              ':token': token,
              ':now': now.toISOString(),
              ':recipients': recipients,
              ':recovered': abandoned,
              ':one': 1,
              ...(heldSince ? { ':heldSince': heldSince } : {}),
              ...(current ? { ':seen': current.attempts } : {}),
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return ours(Number(out.Attributes?.attempts ?? 1));
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          // The write may have landed before the connection failed: undo it if it is ours, so it does
          // not sit held until the lease runs out and its recipients turn UNCERTAIN for nothing.
          await this.release(ref, channel, batchKey, token, 'claim write failed').catch(() => undefined);
          throw error;
        }
      }
      // An SDK retry of a write that had landed fails its own condition: recognise our token. The
      // outcomes read above still hold: our write's condition proved nobody claimed in between.
      const after = await this.readClaim(ref, channel, batchKey);
      if (after?.token === token) return ours(Number(after.attempts ?? 1));
      // Someone claimed since the read (or the chunk's read is stale): read again.
      state = undefined;
    }
    return { kind: 'busy' };
  }

  /**
   * The claims of a chunk's calls, then their recipients' outcomes (100 keys a request, a few in
   * flight), in that order: outcomes read after a claim are at least as new as it, which is what
   * `acquire`'s condition on the claim's `attempts` relies on.
   */
  async readCalls(ref: NoticeRef, calls: readonly FrozenBatch[]): Promise<Map<string, CallState>> {
    const claims = await batchGet<ClaimItem & { sk: string }>(
      this.doc,
      this.table,
      calls.map((c) => claimKey(ref, c.channel, c.batchKey)),
      true,
    );
    const claimBySk = new Map(claims.map((c) => [c.sk, c]));
    const outcomes = await batchGet<Outcome>(
      this.doc,
      this.table,
      calls.flatMap((c) => c.customerIds.map((id) => outcomeKey(id, ref, c.channel))),
      true,
    );
    const byRecipient = new Map(outcomes.map((o) => [`${o.channel}#${o.customerId}`, o]));
    return new Map(
      calls.map((c) => {
        const sk = claimKey(ref, c.channel, c.batchKey).sk;
        const known = new Map(
          c.customerIds.flatMap((id) => {
            const o = byRecipient.get(`${c.channel}#${id}`);
            return o ? [[id, o] as const] : [];
          }),
        );
        return [sk, { claim: claimState(claimBySk.get(sk)), known }];
      }),
    );
  }

  private async readCall(ref: NoticeRef, channel: Channel, batchKey: string, recipients: string[]): Promise<CallState> {
    const claim = claimState(await this.readClaim(ref, channel, batchKey));
    return { claim, known: await this.readOutcomes(ref, channel, recipients) };
  }

  /**
   * Marks the call finished with the batch's totals over all its recipients (not just this attempt's),
   * so a re-claimed batch overwrites rather than adds, and records this attempt's `outcomes` in the
   * same transaction: one write request per call instead of outcome batches plus a completion, and
   * never outcomes without their call finished. Only the holder may.
   */
  async complete(
    ref: NoticeRef,
    channel: Channel,
    batchKey: string,
    token: string,
    totals: BatchTotals,
    uncertainIds: string[],
    outcomes: Outcome[] = [],
  ): Promise<void> {
    await this.settle(outcomes, {
      Key: claimKey(ref, channel, batchKey),
      UpdateExpression:
        'SET #status = :done, completedAt = :now, sent = :sent, failed = :failed, retryable = :retryable, uncertain = :uncertain, uncertainIds = :ids',
      ConditionExpression: '#token = :token',
      ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
      ExpressionAttributeValues: {
        ':done': 'DONE',
        ':now': this.clock.now().toISOString(),
        ':token': token,
        ':retryable': totals.retryable,
        ':sent': totals.sent,
        ':failed': totals.failed,
        ':uncertain': totals.uncertain,
        ':ids': uncertainIds,
      },
    });
  }

  /**
   * Nothing reached the provider (it refused, or the call was never made): the claim may be taken
   * again. `outcomes` known so far (final ones, refusals) are recorded in the same transaction.
   */
  async release(ref: NoticeRef, channel: Channel, batchKey: string, token: string, reason: string, outcomes: Outcome[] = []): Promise<void> {
    await this.settle(outcomes, {
      Key: claimKey(ref, channel, batchKey),
      UpdateExpression: 'SET #status = :released, releasedAt = :now, releaseReason = :reason',
      // Conditioned on the token alone, so an SDK retry of a release that landed succeeds again.
      ConditionExpression: '#token = :token',
      ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
      ExpressionAttributeValues: { ':released': 'RELEASED', ':now': this.clock.now().toISOString(), ':reason': reason, ':token': token },
    });
  }

  /**
   * The claim's update and the outcomes as one TransactWriteItems (at most 100 items: a call of up to
   * 99 recipients, which every channel's batch is). Outcomes beyond that are written first, as the
   * ledger did before: a holder dying between the two leaves them known and its claim abandoned.
   */
  private async settle(outcomes: Outcome[], claimUpdate: ClaimUpdate): Promise<void> {
    const inTransaction = outcomes.slice(0, MAX_TRANSACTION_ITEMS - 1);
    if (outcomes.length > inTransaction.length) await this.recordOutcomes(outcomes.slice(inTransaction.length));
    const update = { TableName: this.table, ...claimUpdate };
    // A lost claim fails its condition (ConditionalCheckFailedException, or the transaction cancelled
    // for it) and nothing is written: the caller's invocation fails and is retried like any failed write.
    if (inTransaction.length === 0) return void (await this.doc.send(new UpdateCommand(update)));
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [{ Update: update }, ...inTransaction.map((o) => ({ Put: { TableName: this.table, Item: this.outcomeItem(o) } }))],
      }),
    );
  }

  private outcomeItem(o: Outcome): Record<string, unknown> {
    return { ...outcomeKey(o.customerId, o, o.channel), type: 'outcome', ...o };
  }

  async freezePlan(ref: NoticeRef, chunkIndex: number, plan: FrozenBatch[]): Promise<FrozenBatch[]> {
    const key = keys.chunkPlan(ref.incidentId, ref.noticeId, chunkIndex);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, type: 'chunk-plan', batches: plan, plannedAt: this.clock.now().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return plan;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Planned before (or an SDK retry of this very Put): the kept plan wins.
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return (out.Item?.batches as FrozenBatch[] | undefined) ?? plan;
  }

  /**
   * Adds fallback calls to a chunk's kept plan. A customer the plan already names on a channel is never
   * added on it again, and the write is conditioned on the plan as read (its batch count): a retry of the
   * confirm step, or two at once, plans each customer's send on a channel once, and its claim sends it
   * once. Returns the recipients added.
   */
  async planFallbacks(
    ref: NoticeRef,
    chunkIndex: number,
    wanted: readonly FallbackRecipient[],
    batchSizes: Record<Channel, number>,
  ): Promise<FallbackRecipient[]> {
    const key = keys.chunkPlan(ref.incidentId, ref.noticeId, chunkIndex);
    for (;;) {
      const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      const batches = (out.Item?.batches as FrozenBatch[] | undefined) ?? [];
      // No plan: nobody of this chunk was sent anything, so nobody needs another channel.
      if (!out.Item) return [];
      const planned = new Set(batches.flatMap((b) => b.customerIds.map((id) => `${b.channel}#${id}`)));
      const fresh = wanted.filter((w) => !planned.has(`${w.channel}#${w.customerId}`));
      if (fresh.length === 0) return [];
      const round = Number(out.Item.fallbackRounds ?? 0) + 1;
      const added = [...new Set(fresh.map((w) => w.channel))].sort().flatMap((channel) =>
        planBatches(
          fresh.filter((w) => w.channel === channel),
          batchSizes[channel] ?? 1,
          `${chunkKeyPrefix(chunkIndex)}#fb${round}`,
        ).map((b): FrozenBatch => ({ channel, batchKey: b.batchKey, locale: b.locale, customerIds: b.recipients.map((r) => r.customerId), fallback: true })),
      );
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: 'SET batches = list_append(batches, :added), fallbackRounds = :round',
            ConditionExpression: 'size(batches) = :count',
            ExpressionAttributeValues: { ':added': added, ':round': round, ':count': batches.length },
          }),
        );
        return fresh;
      } catch (error) {
        // Someone changed the plan since it was read: read it again.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  /** The parts first, then the head that names them: a reader never sees a head without its parts. */
  async saveSuppressions(ref: NoticeRef, snapshot: SuppressionSnapshot): Promise<void> {
    const pk = suppressionsPk(ref);
    const parts: Record<string, unknown>[] = [];
    const lists = snapshot.lists.map(({ name, hashes }) => {
      const step = HASHES_PER_PART * HASH_BYTES;
      let count = 0;
      for (let at = 0; at < hashes.length; at += step)
        parts.push({ pk, sk: `${name.channel}#${name.reason}#${count++}`, type: 'suppression-part', hashes: hashes.subarray(at, at + step) });
      return { ...name, parts: count, entries: hashes.length / HASH_BYTES };
    });
    await batchPut(this.doc, this.table, parts);
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk, sk: SUPPRESSIONS_HEAD, type: 'suppressions', lists, listedAt: this.clock.now().toISOString() } }),
    );
  }

  async loadSuppressions(ref: NoticeRef): Promise<SuppressionSnapshot | undefined> {
    const pk = suppressionsPk(ref);
    const head = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk: SUPPRESSIONS_HEAD }, ConsistentRead: true }));
    if (!head.Item) return undefined;
    const lists = head.Item.lists as (SuppressionListName & { parts: number })[];
    const keys = lists.flatMap((l) => Array.from({ length: l.parts }, (_, i) => ({ pk, sk: `${l.channel}#${l.reason}#${i}` })));
    const parts = new Map((await batchGet<{ sk: string; hashes: Uint8Array }>(this.doc, this.table, keys, true)).map((p) => [p.sk, p.hashes]));
    return new SuppressionSnapshot(
      lists.map((l) => {
        const mine = Array.from({ length: l.parts }, (_, i) => parts.get(`${l.channel}#${l.reason}#${i}`));
        if (mine.some((p) => !p)) throw new DependencyError(`Suppression list ${l.channel}/${l.reason} of ${ref.noticeId} is missing a part`);
        return { name: { channel: l.channel, reason: l.reason }, hashes: Buffer.concat(mine as Uint8Array[]) };
      }),
    );
  }

  /** Strongly consistent, so an earlier holder's recorded outcomes are always seen. */
  async readOutcomes(ref: NoticeRef, channel: Channel, customerIds: string[]): Promise<Map<string, Outcome>> {
    const items = await batchGet<Outcome>(
      this.doc,
      this.table,
      customerIds.map((id) => outcomeKey(id, ref, channel)),
      true,
    );
    return new Map(items.map((o) => [o.customerId, o]));
  }

  async recordOutcomes(outcomes: Outcome[]): Promise<void> {
    await batchPut(
      this.doc,
      this.table,
      outcomes.map((o) => this.outcomeItem(o)),
    );
  }

  /** Everything one customer was sent, or failed to be sent, in every incident: one Query. */
  async outcomesForCustomer(customerId: string): Promise<Outcome[]> {
    return queryAll<Outcome>(this.doc, {
      TableName: this.table,
      // The partition holds the customer's delivery evidence too (adapters/evidence-store.ts).
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :outcomes)',
      ExpressionAttributeValues: { ':pk': keys.customerOutcomes(customerId), ':outcomes': 'NOTICE#' },
    });
  }

  /** Totals per channel for one notice of one incident, summed over its provider calls. */
  async noticeTotals(ref: NoticeRef): Promise<NoticeTotals> {
    const result: NoticeTotals = {};
    for (const item of await this.claims(ref)) {
      const channel = String(item.sk).split('#')[0]!;
      const row = (result[channel] ??= { sent: 0, failed: 0, retryable: 0, uncertain: 0, calls: 0, unfinished: 0 });
      row.calls += 1;
      if (item.status !== 'DONE') row.unfinished += 1;
      for (const k of ['sent', 'failed', 'retryable', 'uncertain'] as const) row[k] += Number(item[k] ?? 0);
    }
    return result;
  }

  /** The recipients to reconcile with the provider's records: the provider may or may not have accepted them. */
  async uncertainRecipients(ref: NoticeRef): Promise<Record<string, string[]>> {
    const byChannel: Record<string, string[]> = {};
    for (const item of await this.claims(ref)) {
      const ids = (item.uncertainIds as string[] | undefined) ?? [];
      if (ids.length > 0) (byChannel[String(item.sk).split('#')[0]!] ??= []).push(...ids);
    }
    for (const ids of Object.values(byChannel)) ids.sort();
    return byChannel;
  }

  /** The finished calls of a notice that left recipients UNCERTAIN, as their claims hold them now. */
  async uncertainCalls(ref: NoticeRef): Promise<UncertainCall[]> {
    return (await this.claims(ref)).flatMap((item) => {
      const ids = (item.uncertainIds as string[] | undefined) ?? [];
      if (item.status !== 'DONE' || ids.length === 0) return [];
      const sk = String(item.sk);
      const cut = sk.indexOf('#');
      return [
        {
          channel: sk.slice(0, cut),
          batchKey: sk.slice(cut + 1),
          attempts: Number(item.attempts ?? 0),
          completedAt: String(item.completedAt ?? ''),
          evidenceRounds: Number(item.evidenceRounds ?? 0),
          totals: {
            sent: Number(item.sent ?? 0),
            failed: Number(item.failed ?? 0),
            retryable: Number(item.retryable ?? 0),
            uncertain: Number(item.uncertain ?? 0),
          },
          uncertainIds: ids,
          recipients: (item.recipients as string[] | undefined) ?? ids,
        },
      ];
    });
  }

  /**
   * Settles UNCERTAIN recipients of a finished call by the provider's evidence: their new outcomes (SENT,
   * or RETRYABLE to be sent again) and the claim's new totals in one transaction, conditioned on the claim
   * being as read (finished, neither claimed nor settled since). False when it changed: nothing is written.
   */
  async settleUncertain(ref: NoticeRef, call: UncertainCall, totals: BatchTotals, uncertainIds: string[], outcomes: Outcome[]): Promise<boolean> {
    try {
      await this.settle(outcomes, {
        Key: claimKey(ref, call.channel, call.batchKey),
        UpdateExpression: 'SET sent = :sent, failed = :failed, retryable = :retryable, uncertain = :uncertain, uncertainIds = :ids ADD evidenceRounds :one',
        // Claimed since (a sender at it) or settled since (a second confirm): leave it to whoever changed it.
        ConditionExpression: '#status = :done AND attempts = :attempts AND (attribute_not_exists(evidenceRounds) OR evidenceRounds = :rounds)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':done': 'DONE',
          ':attempts': call.attempts,
          ':rounds': call.evidenceRounds,
          ':sent': totals.sent,
          ':failed': totals.failed,
          ':retryable': totals.retryable,
          ':uncertain': totals.uncertain,
          ':ids': uncertainIds,
          ':one': 1,
        },
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'TransactionCanceledException') return false;
      throw error;
    }
  }

  /**
   * Chunk by chunk: the frozen plan, then its calls' claims, then their recipients' outcomes (100 keys
   * a BatchGet, a few in flight), the next chunk read while this one is consumed. All reads are
   * consistent: a settled claim read first guarantees the outcomes read after it are its own.
   */
  async *recipientOutcomes(ref: NoticeRef): AsyncIterable<PlannedCall> {
    const plans = this.chunkPlans(ref);
    const load = async () => {
      const next = await plans.next();
      return next.done ? undefined : this.plannedCalls(ref, next.value);
    };
    let pending = load();
    try {
      for (let calls = await pending; calls; calls = await pending) {
        pending = load();
        yield* calls;
      }
    } finally {
      // A consumer that stops early leaves the read-ahead unawaited: it must not fail unhandled.
      pending.catch(() => undefined);
    }
  }

  private async *chunkPlans(ref: NoticeRef): AsyncGenerator<{ sk: string; batches: FrozenBatch[] }> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.chunkPlan(ref.incidentId, ref.noticeId, 0).pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      yield* (out.Items ?? []) as { sk: string; batches: FrozenBatch[] }[];
      start = out.LastEvaluatedKey;
    } while (start);
  }

  private async plannedCalls(ref: NoticeRef, plan: { sk: string; batches: FrozenBatch[] }): Promise<PlannedCall[]> {
    const chunkIndex = Number(plan.sk.slice(plan.sk.indexOf('#') + 1));
    const states = await this.readCalls(ref, plan.batches);
    return plan.batches.map((b) => {
      const { claim, known } = states.get(claimKey(ref, b.channel, b.batchKey).sk)!;
      // Settled: finished with nothing to retry, so no later attempt can change its outcomes.
      const settled = claim?.totals && claim.totals.retryable === 0 ? claim.totals : undefined;
      return {
        chunkIndex,
        channel: b.channel,
        batchKey: b.batchKey,
        ...(settled ? { settled } : {}),
        recipients: b.customerIds.map((customerId) => {
          const outcome = known.get(customerId);
          return outcome ? { customerId, outcome } : { customerId };
        }),
      };
    });
  }

  private claims(ref: NoticeRef) {
    return queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.claims(ref.incidentId, ref.noticeId) },
      ConsistentRead: true,
    });
  }

  private async readClaim(ref: NoticeRef, channel: Channel, batchKey: string): Promise<ClaimItem | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: claimKey(ref, channel, batchKey), ConsistentRead: true }));
    return out.Item as ClaimItem | undefined;
  }
}
