import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { DeliveriesLedger } from '../adapters/deliveries-ledger.js';
import { SesEmailSender } from '../adapters/email-sender.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { incidentStores } from '../adapters/stores.js';
import { incidentIdSchema } from '../domain/incident.js';
import { sendQuotaGauges } from '../domain/operations.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { ses } from '../shared/ses-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { countMetrics, stepHandler } from '../shared/handler.js';
import { planSending, PER_SENDER_RATE } from '../steps/prepare-sending.js';

const config = parseConfig(configSchema('prepare-sending'));
const messaging = new SnsMessaging(sns);
const { incidents, notices } = incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock);
const sender = new SesEmailSender(ses, 'unused@invalid.example');
const deps = {
  incidents,
  notices,
  // Only GetAccount and the suppression list: this function sends nothing. The quota it reads is the
  // operators' too (shared/metric-catalogue.ts): read here, where sending is about to start, at no extra call.
  email: {
    sendQuota: async () => {
      const quota = await sender.sendQuota();
      countMetrics(sendQuotaGauges(quota));
      return quota;
    },
  },
  suppressions: {
    email: new SesEmailSender(ses, 'unused@invalid.example'),
    sms: messaging,
    // The lease is unused: this function only keeps the notice's suppression lists.
    store: new DeliveriesLedger(dynamo, config.DELIVERIES_TABLE, systemClock, 0),
  },
  alertTeam: async (event: string, subject: string, message: string) => {
    await messaging.publish(config.RESPONSE_TEAM_TOPIC_ARN, subject, message, { event });
  },
  clock: systemClock,
  // A slice is what one invocation normally finishes (see MAX_CHUNKS_PER_INVOCATION).
  chunksPerSlice: config.MAX_CHUNKS_PER_INVOCATION,
  maxConcurrency: config.MAX_PARALLEL_SENDERS,
  perSenderRate: PER_SENDER_RATE,
};

export const handler = stepHandler(z.object({ incidentId: incidentIdSchema, noticeId: z.string().min(1).max(64) }), (input) => planSending(input, deps));
