import { configSchema } from '../../infra/functions.js';
import { EvidenceStore } from '../adapters/evidence-store.js';
import { sesEventDetailSchema, type EvidenceEvent } from '../domain/delivery-evidence.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { EventBridgeSchema } from '../shared/event-schemas.js';
import { countMetrics, countPerChannel, instrumentedHandler } from '../shared/handler.js';
import type { ChannelMetricKey } from '../shared/metric-catalogue.js';
import { recordDeliveryEvidence } from '../steps/record-delivery-evidence.js';

const config = parseConfig(configSchema('record-delivery-evidence'));
const deps = { evidence: new EvidenceStore(dynamo, config.DELIVERIES_TABLE, systemClock) };

/** The events operators watch by name; the rest are counted as other evidence. */
const EVIDENCE_METRICS: Partial<Record<EvidenceEvent, ChannelMetricKey>> = {
  Delivery: 'noticesDelivered',
  BouncePermanent: 'noticesBounced',
  Complaint: 'noticesComplained',
};

/** An SES event from the configuration set (EventBridge); only its type, message id, bounce type and tags are read, never logged addresses. */
const SesEventSchema = EventBridgeSchema.extend({ detail: sesEventDetailSchema });

/**
 * The target of the delivery-evidence rule (infra/constructs/delivery-evidence.ts). A malformed event
 * fails the invocation: Lambda's async retries, then the dead-letter queue, keep it, and its alarm pages the team.
 */
export const handler = instrumentedHandler(SesEventSchema, async (event) => {
  const result = await recordDeliveryEvidence(event.time, event.detail, deps);
  if (result.recorded) countPerChannel(result.channel, { [EVIDENCE_METRICS[result.event] ?? 'otherEvidence']: 1 });
  else countMetrics({ evidenceIgnored: 1 });
  return result;
});
