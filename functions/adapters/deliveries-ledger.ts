import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel, OutcomeStatus } from '../domain/delivery.js';
import type { Clock } from '../shared/clock.js';
import { batchGet, batchPut, queryAll } from './dynamo-batch.js';

export interface Outcome {
  customerId: string;
  noticeId: string;
  incidentId: string;
  channel: Channel;
  status: OutcomeStatus;
  batchKey: string;
  providerMessageId?: string;
  reason?: string;
  at: string;
}

export type ClaimResult =
  | { kind: 'claimed'; attempt: number }
  /** A previous holder died after claiming: whatever it sent is unknown. */
  | { kind: 'abandoned'; attempt: number }
  /** A live holder is still inside its lease. */
  | { kind: 'busy' };

export interface BatchTotals {
  sent: number;
  failed: number;
  retryable: number;
  uncertain: number;
}

const claimKey = (noticeId: string, channel: Channel, batchKey: string) => ({ pk: `BATCH#${noticeId}`, sk: `${channel}#${batchKey}` });
const outcomeKey = (customerId: string, noticeId: string, channel: Channel) => ({ pk: `CUSTOMER#${customerId}`, sk: `NOTICE#${noticeId}#${channel}` });

/**
 * The deliveries ledger: the truth for "sent exactly once".
 * - A claim per provider call (`BATCH#<notice>`), taken by one conditional write before the call.
 * - An outcome per (customer, notice, channel) (`CUSTOMER#<id>`), written in batches after the call,
 *   so "what did customer X receive?" is one Query on the customer's partition.
 */
export class DeliveriesLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    /** How long a claim protects an in-flight call; at least the send function's timeout. */
    private readonly leaseSeconds: number,
  ) {}

  /**
   * Takes the claim for one provider call. Succeeds on a new key, or on a key whose previous call
   * finished (DONE) or never reached the provider (RELEASED): the caller then filters out recipients
   * already recorded. A CLAIMED key past its lease is taken over as `abandoned`.
   */
  async claim(noticeId: string, channel: Channel, batchKey: string, owner: string, recipients: string[]): Promise<ClaimResult> {
    const now = this.clock.now();
    const values = {
      ':claimed': 'CLAIMED',
      ':owner': owner,
      ':now': now.toISOString(),
      ':one': 1,
      ':recipients': recipients,
      ':done': 'DONE',
      ':released': 'RELEASED',
    };
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: claimKey(noticeId, channel, batchKey),
          UpdateExpression: 'SET #status = :claimed, #owner = :owner, claimedAt = :now, recipients = :recipients ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(pk) OR #status IN (:done, :released)',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { kind: 'claimed', attempt: Number(out.Attributes?.attempts ?? 1) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const leaseExpired = new Date(now.getTime() - this.leaseSeconds * 1000).toISOString();
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: claimKey(noticeId, channel, batchKey),
          UpdateExpression: 'SET #owner = :owner, claimedAt = :now, recovered = :true ADD attempts :one',
          ConditionExpression: '#status = :claimed AND claimedAt < :expired',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':now': now.toISOString(), ':one': 1, ':true': true, ':claimed': 'CLAIMED', ':expired': leaseExpired },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { kind: 'abandoned', attempt: Number(out.Attributes?.attempts ?? 1) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { kind: 'busy' };
      throw error;
    }
  }

  /** Marks the call finished and adds its totals (summed by the final report). Only the owner may. */
  async complete(noticeId: string, channel: Channel, batchKey: string, owner: string, totals: BatchTotals): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: claimKey(noticeId, channel, batchKey),
        // Counts add up over attempts (a re-claimed batch re-sends only what is not yet sent); `retryable` is the latest.
        UpdateExpression: 'SET #status = :done, completedAt = :now, retryable = :retryable ADD sent :sent, failed :failed, uncertain :uncertain',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':done': 'DONE',
          ':now': this.clock.now().toISOString(),
          ':owner': owner,
          ':retryable': totals.retryable,
          ':sent': totals.sent,
          ':failed': totals.failed,
          ':uncertain': totals.uncertain,
        },
      }),
    );
  }

  /** The provider answered with an error, so nothing was accepted: the claim may be taken again. */
  async release(noticeId: string, channel: Channel, batchKey: string, owner: string, reason: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: claimKey(noticeId, channel, batchKey),
        UpdateExpression: 'SET #status = :released, releasedAt = :now, releaseReason = :reason',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
        ExpressionAttributeValues: { ':released': 'RELEASED', ':now': this.clock.now().toISOString(), ':reason': reason, ':owner': owner },
      }),
    );
  }

  /** Strongly consistent: read after taking a claim, so a concurrent or earlier send is always seen. */
  async readOutcomes(noticeId: string, channel: Channel, customerIds: string[]): Promise<Map<string, Outcome>> {
    const items = await batchGet<Outcome>(this.doc, this.table, customerIds.map((id) => outcomeKey(id, noticeId, channel)), true);
    return new Map(items.map((o) => [o.customerId, o]));
  }

  async recordOutcomes(outcomes: Outcome[]): Promise<void> {
    await batchPut(
      this.doc,
      this.table,
      outcomes.map((o) => ({ ...outcomeKey(o.customerId, o.noticeId, o.channel), type: 'outcome', ...o })),
    );
  }

  /** Everything one customer was sent, or failed to be sent: one Query. */
  async outcomesForCustomer(customerId: string): Promise<Outcome[]> {
    return queryAll<Outcome>(this.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` } });
  }

  /** Totals per channel for one notice, summed over its completed provider calls. */
  async noticeTotals(noticeId: string): Promise<Record<Channel, BatchTotals & { calls: number; unfinished: number }>> {
    const result: Record<string, BatchTotals & { calls: number; unfinished: number }> = {};
    const claims = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `BATCH#${noticeId}` },
      ConsistentRead: true,
    });
    for (const item of claims) {
      const channel = String(item.sk).split('#')[0]!;
      const row = (result[channel] ??= { sent: 0, failed: 0, retryable: 0, uncertain: 0, calls: 0, unfinished: 0 });
      row.calls += 1;
      if (item.status !== 'DONE') row.unfinished += 1;
      for (const k of ['sent', 'failed', 'retryable', 'uncertain'] as const) row[k] += Number(item[k] ?? 0);
    }
    return result as Record<Channel, BatchTotals & { calls: number; unfinished: number }>;
  }
}
