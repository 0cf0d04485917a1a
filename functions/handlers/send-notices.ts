import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { CustomersRepository } from '../adapters/customers-repository.js';
import { DeliveriesLedger } from '../adapters/deliveries-ledger.js';
import { EvidenceStore } from '../adapters/evidence-store.js';
import { formatSender, SesEmailSender } from '../adapters/email-sender.js';
import { IncidentStore } from '../adapters/incident-store.js';
import { NoticeStore } from '../adapters/notice-store.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { earlyStatusRecording } from '../adapters/sms-status-lookups.js';
import { deliveryChannels } from '../domain/channels/registry.js';
import type { BatchTotals } from '../domain/delivery.js';
import { pacer } from '../domain/pacing.js';
import { limitsFromPercent } from '../domain/reputation.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo, dynamoOnce } from '../shared/dynamo-client.js';
import { ses } from '../shared/ses-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { countEarlyRecorded, countPerChannel, stepHandler } from '../shared/handler.js';
import { logger } from '../shared/powertools.js';
import { recordEarlyAnswered } from '../steps/record-sms-status.js';
import { CALLS_IN_FLIGHT, sendNotices } from '../steps/send-notices.js';

const config = parseConfig(configSchema('send-notices'));
// The two stores it reads, not incidentStores' all: the others would only weigh on the bundle (tests/infra/bundle-size.test.ts).
const incidents = new IncidentStore(dynamo, config.INCIDENTS_TABLE, systemClock);
const notices = new NoticeStore(dynamo, config.INCIDENTS_TABLE, systemClock);
const customers = new CustomersRepository(dynamo, config.CUSTOMERS_TABLE);
const ledger = new DeliveriesLedger(dynamo, config.DELIVERIES_TABLE, systemClock, config.CLAIM_LEASE_SECONDS);
const reputation = {
  evidence: new EvidenceStore(dynamo, config.DELIVERIES_TABLE, systemClock),
  limits: limitsFromPercent(config.BOUNCE_RATE_LIMIT_PERCENT, config.COMPLAINT_RATE_LIMIT_PERCENT, config.REPUTATION_MINIMUM_MESSAGES),
};
// SMS statuses that came before their outcomes (steps/record-sms-status.ts).
const earlyStatuses = earlyStatusRecording(dynamo, dynamoOnce, config.DELIVERIES_TABLE, systemClock);
const channels = deliveryChannels({
  email: new SesEmailSender(
    ses,
    formatSender(config.SENDER_NAME, config.SENDER_ADDRESS),
    config.SES_CONFIGURATION_SET,
    config.REPLY_TO_ADDRESS ? [config.REPLY_TO_ADDRESS] : [],
  ),
  messaging: new SnsMessaging(sns, config.SMS_SENDER_ID),
  templatePrefix: config.TEMPLATE_PREFIX,
  smsConcurrency: config.SMS_CONCURRENCY,
  drillSmsSink: config.DRILL_SMS_SINK,
});

const schema = z.object({
  incidentId: incidentIdSchema,
  noticeId: z.string().min(1).max(64),
  fromChunk: z.number().int().min(0),
  toChunk: z.number().int().min(0).optional(),
  /** This sender's share of the account's send rate (steps/prepare-sending.ts). */
  ratePerSecond: z.number().min(0).optional(),
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const handler = stepHandler(schema, async (input, context) => {
  const { ratePerSecond, ...slice } = input;
  const byChannel = new Map<string, BatchTotals>();
  const countOutcomes = (channel: string, t: BatchTotals) => {
    const seen = byChannel.get(channel) ?? { sent: 0, failed: 0, retryable: 0, uncertain: 0 };
    byChannel.set(channel, { sent: seen.sent + t.sent, failed: seen.failed + t.failed, retryable: 0, uncertain: seen.uncertain + t.uncertain });
  };
  // Counted also when the iteration stops on a refusal: what it sent before it is in the ledger.
  const counted = () => {
    for (const [channel, t] of byChannel) countPerChannel(channel, { noticesSent: t.sent, noticesFailed: t.failed, noticesUncertain: t.uncertain });
  };
  const result = await sendNotices(slice, {
    incidents,
    notices,
    customers,
    ledger,
    channels,
    clock: systemClock,
    owner: context.awsRequestId,
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
    locales: config.LOCALES,
    maxChunksPerInvocation: config.MAX_CHUNKS_PER_INVOCATION,
    reserveMs: config.RESERVE_MS,
    callsInFlight: CALLS_IN_FLIGHT,
    pacer: pacer(ratePerSecond, () => Date.now(), sleep),
    suppressions: ledger,
    reputation,
    countOutcomes,
    afterOutcomes: async (ref, outcomes) => countEarlyRecorded(await recordEarlyAnswered(ref, outcomes, earlyStatuses)),
  }).finally(counted);
  logger.info('Send iteration finished', { ...input, ...result });
  return result;
});
