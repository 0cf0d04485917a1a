import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel, NoticeRef } from '../domain/delivery.js';
import {
  countAttribute,
  evidenceEvents,
  NEVER_DELIVERED,
  noEvidenceCounts,
  seenAttribute,
  type Evidence,
  type EvidenceCounts,
  type EvidenceEvent,
  type EvidenceSeen,
  type RecipientEvidence,
} from '../domain/delivery-evidence.js';
import type { EvidenceStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';
import { batchGet, queryAll } from './dynamo-batch.js';
import { keys } from './keys.js';

interface EvidenceItem extends NoticeRef {
  customerId: string;
  channel: Channel;
  messageId?: string;
  reason?: string;
  [seen: `seen_${string}`]: string | undefined;
}

/**
 * Delivery evidence in the deliveries table, one item per (customer, incident, notice, channel) beside
 * the ledger's outcome. Each event type keeps the first time it was seen (`if_not_exists`), so an event
 * EventBridge delivers twice, or out of order, changes nothing: the state is derived on reading.
 */
export class EvidenceStore implements EvidenceStorePort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    /** For the counts' ADD: a client that does not retry (shared/dynamo-client.ts `dynamoOnce`), so a lost answer never adds twice. */
    private readonly countsDoc: DynamoDBDocumentClient = doc,
  ) {}

  /**
   * Records one event; the first time it is seen for this recipient, the notice's count for it goes up
   * too (a second write, after the first: a crash in between leaves the count one short, never double).
   * Returns whether it was the first. `reason`: the provider's words for a failure (an SMS's), kept with the first.
   */
  async record(ref: NoticeRef, customerId: string, channel: Channel, event: EvidenceEvent, at: string, messageId?: string, reason?: string): Promise<boolean> {
    const first = await this.recordRecipient({
      ref,
      customerId,
      channel,
      seen: { [event]: at },
      ...(messageId ? { messageId } : {}),
      ...(reason ? { reason } : {}),
    });
    if (first.length > 0) await this.addCounts(ref, channel, { [event]: 1 });
    return first.length > 0;
  }

  /**
   * Records the events of one recipient in one write, each keeping the first time it was seen; a "never
   * delivered" event also lists the recipient as undeliverable. Returns the events seen here for
   * the first time, for the caller to count (`addCounts`).
   */
  async recordRecipient(entry: RecipientEvidence): Promise<EvidenceEvent[]> {
    const { ref, customerId, channel, seen, messageId, reason } = entry;
    const events = (Object.keys(seen) as EvidenceEvent[]).filter((event) => seen[event] !== undefined);
    if (events.length === 0) return [];
    // Before the seen times, and whenever a "never" event is here, first or not: if this write fails, nothing
    // is recorded and the redelivery finds the event first again. The earliest such event names why (the condition).
    const never = events.filter((event) => NEVER_DELIVERED.includes(event)).sort((a, b) => seen[a]!.localeCompare(seen[b]!))[0];
    if (never) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...keys.undeliverable(ref.incidentId, ref.noticeId, channel, customerId),
              type: 'undeliverable',
              incidentId: ref.incidentId,
              noticeId: ref.noticeId,
              channel,
              customerId,
              event: never,
              at: seen[never],
              ...(reason ? { reason } : {}),
            },
            ConditionExpression: 'attribute_not_exists(pk) OR #at > :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': seen[never] },
          }),
        );
      } catch (error) {
        // An earlier "never" is already listed: it stands.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    const names = Object.fromEntries(events.map((event, i) => [`#seen${i}`, seenAttribute(event)]));
    const values = Object.fromEntries(events.map((event, i) => [`:at${i}`, seen[event]!]));
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.evidence(customerId, ref.incidentId, ref.noticeId, channel),
        UpdateExpression:
          `SET ${events.map((_, i) => `#seen${i} = if_not_exists(#seen${i}, :at${i})`).join(', ')}, #type = :type, incidentId = :incident, noticeId = :notice, ` +
          `customerId = :customer, channel = :channel, messageId = if_not_exists(messageId, :messageId), recordedAt = :now${reason ? ', #reason = if_not_exists(#reason, :reason)' : ''}`,
        ExpressionAttributeNames: { ...names, '#type': 'type', ...(reason ? { '#reason': 'reason' } : {}) },
        ExpressionAttributeValues: {
          ...values,
          ':type': 'evidence',
          ':incident': ref.incidentId,
          ':notice': ref.noticeId,
          ':customer': customerId,
          ':channel': channel,
          ':messageId': messageId ?? null,
          ':now': this.clock.now().toISOString(),
          ...(reason ? { ':reason': reason } : {}),
        },
        // The old value of each attribute set: present means seen before.
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const first = events.filter((event) => out.Attributes?.[seenAttribute(event)] === undefined);
    return first;
  }

  /** Adds to a notice's counts on one channel, in one write however many events and recipients. */
  async addCounts(ref: NoticeRef, channel: Channel, counts: Partial<Record<EvidenceEvent, number>>): Promise<void> {
    const events = (Object.keys(counts) as EvidenceEvent[]).filter((event) => (counts[event] ?? 0) > 0);
    if (events.length === 0) return;
    await this.countsDoc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.evidenceCounts(ref.incidentId, ref.noticeId, channel),
        UpdateExpression: `ADD ${events.map((_, i) => `#count${i} :n${i}`).join(', ')} SET #type = :type, updatedAt = :now`,
        ExpressionAttributeNames: { ...Object.fromEntries(events.map((event, i) => [`#count${i}`, countAttribute(event)])), '#type': 'type' },
        ExpressionAttributeValues: {
          ...Object.fromEntries(events.map((event, i) => [`:n${i}`, counts[event]!])),
          ':type': 'evidence-counts',
          ':now': this.clock.now().toISOString(),
        },
      }),
    );
  }

  /** The recipients of a notice some channel will never reach, with the channel and the event that said so. */
  async undeliverable(ref: NoticeRef): Promise<{ customerId: string; channel: Channel; event: EvidenceEvent }[]> {
    return queryAll<{ customerId: string; channel: Channel; event: EvidenceEvent }>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.undeliverable(ref.incidentId, ref.noticeId, '', '').pk },
      ConsistentRead: true,
    });
  }

  /** The notice's counts on one channel: one read, cheap enough for every send invocation. */
  async counts(ref: NoticeRef, channel: Channel): Promise<EvidenceCounts> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.evidenceCounts(ref.incidentId, ref.noticeId, channel), ConsistentRead: true }),
    );
    const counts = noEvidenceCounts();
    for (const event of evidenceEvents) counts[event] = Number(out.Item?.[countAttribute(event)] ?? 0);
    return counts;
  }

  /** The evidence of these recipients on one channel (100 keys a request), by customer id; none: absent. */
  async read(ref: NoticeRef, channel: Channel, customerIds: readonly string[]): Promise<Map<string, Evidence>> {
    const items = await batchGet<EvidenceItem>(
      this.doc,
      this.table,
      customerIds.map((id) => keys.evidence(id, ref.incidentId, ref.noticeId, channel)),
      true,
    );
    return new Map(items.map((item) => [item.customerId, toEvidence(item)]));
  }
}

function toEvidence(item: EvidenceItem): Evidence {
  const seen: EvidenceSeen = {};
  for (const event of evidenceEvents) {
    const at = item[seenAttribute(event)];
    if (at) seen[event] = at;
  }
  return {
    incidentId: item.incidentId,
    noticeId: item.noticeId,
    customerId: item.customerId,
    channel: item.channel,
    seen,
    ...(item.messageId ? { messageId: item.messageId } : {}),
    ...(item.reason ? { reason: item.reason } : {}),
  };
}
