import type { SQSBatchResponse } from 'aws-lambda';
import { configSchema } from '../../infra/functions.js';
import { EvidenceStore } from '../adapters/evidence-store.js';
import { sesEventDetailSchema, type EvidenceEvent } from '../domain/delivery-evidence.js';
import { systemClock } from '../shared/clock.js';
import { dynamo, dynamoOnce } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { EventBridgeSchema, SqsSchema } from '../shared/event-schemas.js';
import { countMetrics, countPerChannel, instrumentedHandler } from '../shared/handler.js';
import type { ChannelMetricKey } from '../shared/metric-catalogue.js';
import { logger } from '../shared/powertools.js';
import { recordDeliveryEvidence, type EvidenceMessage } from '../steps/record-delivery-evidence.js';

const config = parseConfig(configSchema('record-delivery-evidence'));
const deps = { evidence: new EvidenceStore(dynamo, config.DELIVERIES_TABLE, systemClock, dynamoOnce) };

/** The events operators watch by name; the rest are counted as other evidence. */
const EVIDENCE_METRICS: Partial<Record<EvidenceEvent, ChannelMetricKey>> = {
  Delivery: 'noticesDelivered',
  BouncePermanent: 'noticesBounced',
  Complaint: 'noticesComplained',
};

/** An SES event from the configuration set, as EventBridge wrote it into the queue; only its type, message id, bounce type and tags are read, never logged addresses. */
const SesEventSchema = EventBridgeSchema.extend({ detail: sesEventDetailSchema });

/**
 * The delivery-evidence queue's batches (infra/constructs/delivery-evidence.ts). Each record is read on
 * its own: one that is not an SES event is answered as failed with those that could not be written, so
 * the queue delivers them again and, after its receive count, keeps them in the dead-letter queue, whose
 * alarm pages the team (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
 */
export const handler = instrumentedHandler(SqsSchema, async (event): Promise<SQSBatchResponse> => {
  const messages: EvidenceMessage[] = [];
  const unreadable: string[] = [];
  for (const record of event.Records) {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const parsed = SesEventSchema.safeParse(body);
    if (parsed.success) messages.push({ id: record.messageId, time: parsed.data.time, detail: parsed.data.detail });
    else unreadable.push(record.messageId);
  }
  if (unreadable.length > 0) logger.error('Records are not SES events of the configuration set', { messageIds: unreadable });
  const result = await recordDeliveryEvidence(messages, deps);
  if (result.failed.length > 0) logger.error('Evidence not recorded; the queue delivers it again', { messageIds: result.failed, errors: result.errors });
  const byChannel = new Map<string, Partial<Record<ChannelMetricKey, number>>>();
  for (const { channel, event: kind, count } of result.firsts) {
    const metric = EVIDENCE_METRICS[kind] ?? 'otherEvidence';
    const values = byChannel.get(channel) ?? {};
    values[metric] = (values[metric] ?? 0) + count;
    byChannel.set(channel, values);
  }
  for (const [channel, values] of byChannel) countPerChannel(channel, values);
  countMetrics({ evidenceIgnored: result.ignored || undefined, evidenceNotRecorded: unreadable.length + result.failed.length || undefined });
  return { batchItemFailures: [...unreadable, ...result.failed].map((itemIdentifier) => ({ itemIdentifier })) };
});
