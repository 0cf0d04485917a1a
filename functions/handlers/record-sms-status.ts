import { configSchema } from '../../infra/functions.js';
import { earlyStatusRecording, SmsStatusLookups } from '../adapters/sms-status-lookups.js';
import { decodeLogsBatch, logsSubscriptionEventSchema, parseSmsStatus } from '../domain/sms-delivery-status.js';
import { systemClock } from '../shared/clock.js';
import { dynamo, dynamoOnce } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { countMetrics, countPerChannel, instrumentedHandler } from '../shared/handler.js';
import { recordSmsStatus, type RecordSmsStatusResult } from '../steps/record-sms-status.js';

const config = parseConfig(configSchema('record-sms-status'));
const deps = {
  lookups: new SmsStatusLookups(dynamo, config.CUSTOMERS_TABLE, config.DELIVERIES_TABLE),
  ...earlyStatusRecording(dynamo, dynamoOnce, config.DELIVERIES_TABLE, systemClock),
};

/** Records of one batch matched at once: a few DynamoDB round trips each (a subscription's batch can hold thousands). */
const CONCURRENCY = 25;

/**
 * The target of the subscription filters on SNS's SMS delivery status log groups (infra/constructs/sms-delivery-status.ts).
 * Counts only, never a number or a message id in the logs. A malformed batch fails the invocation:
 * Lambda's async retries, then the dead-letter queue, keep it, and its alarm pages the team.
 */
export const handler = instrumentedHandler(logsSubscriptionEventSchema, async (event) => {
  const batch = decodeLogsBatch(event.awslogs.data);
  if (batch.messageType === 'CONTROL_MESSAGE') return { records: 0 };
  const statuses = batch.logEvents.map((e) => parseSmsStatus(e.message));
  const results: RecordSmsStatusResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < statuses.length) {
      const status = statuses[next++];
      if (status) results.push(await recordSmsStatus(status, deps));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const count = (pick: (r: RecordSmsStatusResult) => boolean) => results.filter(pick).length;
  const counts = {
    SmsEvidenceDelivery: count((r) => r.recorded && r.event === 'Delivery'),
    SmsEvidenceUndelivered: count((r) => r.recorded && r.event === 'Undelivered'),
    SmsStatusNotCustomer: count((r) => !r.recorded && r.reason === 'not-a-customer'),
    SmsStatusEarly: count((r) => !r.recorded && r.reason === 'early'),
    SmsStatusUnreadable: statuses.filter((s) => !s).length,
  };
  // The catalogue's names (shared/metric-catalogue.ts): a failed SMS never arrives, as a permanent bounce never does.
  countPerChannel('sms', { noticesDelivered: counts.SmsEvidenceDelivery, noticesBounced: counts.SmsEvidenceUndelivered });
  countMetrics({
    smsStatusNotCustomer: counts.SmsStatusNotCustomer,
    smsStatusEarly: counts.SmsStatusEarly,
    smsStatusUnreadable: counts.SmsStatusUnreadable,
  });
  return { records: statuses.length, ...counts };
});
