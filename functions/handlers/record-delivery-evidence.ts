import { configSchema } from '../../infra/functions.js';
import { EvidenceStore } from '../adapters/evidence-store.js';
import { sesEventDetailSchema } from '../domain/delivery-evidence.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { EventBridgeSchema } from '../shared/event-schemas.js';
import { countMetrics, instrumentedHandler } from '../shared/handler.js';
import { recordDeliveryEvidence } from '../steps/record-delivery-evidence.js';

const config = parseConfig(configSchema('record-delivery-evidence'));
const deps = { evidence: new EvidenceStore(dynamo, config.DELIVERIES_TABLE, systemClock) };

/** An SES event from the configuration set (EventBridge); only its type, message id, bounce type and tags are read, never logged addresses. */
const SesEventSchema = EventBridgeSchema.extend({ detail: sesEventDetailSchema });

/**
 * The target of the delivery-evidence rule (infra/constructs/delivery-evidence.ts). A malformed event
 * fails the invocation: Lambda's async retries, then the dead-letter queue, keep it, and its alarm pages the team.
 */
export const handler = instrumentedHandler(SesEventSchema, async (event) => {
  const result = await recordDeliveryEvidence(event.time, event.detail, deps);
  countMetrics(result.recorded ? { [`Evidence${result.event}`]: 1 } : { EvidenceIgnored: 1 });
  return result;
});
