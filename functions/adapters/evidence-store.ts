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
  ) {}

  /**
   * Records one event; the first time it is seen for this recipient, the notice's count for it goes up
   * too (a second write, after the first: a crash in between leaves the count one short, never double).
   * Returns whether it was the first. `reason`: the provider's words for a failure (an SMS's), kept with the first.
   */
  async record(ref: NoticeRef, customerId: string, channel: Channel, event: EvidenceEvent, at: string, messageId?: string, reason?: string): Promise<boolean> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.evidence(customerId, ref.incidentId, ref.noticeId, channel),
        UpdateExpression:
          'SET #seen = if_not_exists(#seen, :at), #type = :type, incidentId = :incident, noticeId = :notice, customerId = :customer, channel = :channel, ' +
          `messageId = if_not_exists(messageId, :messageId), recordedAt = :now${reason ? ', #reason = if_not_exists(#reason, :reason)' : ''}`,
        ExpressionAttributeNames: { '#seen': seenAttribute(event), '#type': 'type', ...(reason ? { '#reason': 'reason' } : {}) },
        ExpressionAttributeValues: {
          ':at': at,
          ':type': 'evidence',
          ':incident': ref.incidentId,
          ':notice': ref.noticeId,
          ':customer': customerId,
          ':channel': channel,
          ':messageId': messageId ?? null,
          ':now': this.clock.now().toISOString(),
          ...(reason ? { ':reason': reason } : {}),
        },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    if (out.Attributes?.[seenAttribute(event)] !== undefined) return false;
    if (NEVER_DELIVERED.includes(event)) {
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
            event,
            at,
            ...(reason ? { reason } : {}),
          },
        }),
      );
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.evidenceCounts(ref.incidentId, ref.noticeId, channel),
        UpdateExpression: 'ADD #count :one SET #type = :type, updatedAt = :now',
        ExpressionAttributeNames: { '#count': countAttribute(event), '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'evidence-counts', ':now': this.clock.now().toISOString() },
      }),
    );
    return true;
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
