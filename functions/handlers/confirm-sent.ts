import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { CustomersRepository } from '../adapters/customers-repository.js';
import { DeliveriesLedger } from '../adapters/deliveries-ledger.js';
import { EvidenceStore } from '../adapters/evidence-store.js';
import { CHANNEL_CONTACTS } from '../domain/channels/contact.js';
import { EVIDENCE_CHANNELS, SMS_EVIDENCE_CHANNEL } from '../domain/delivery-evidence.js';
import type { NoticeRef } from '../domain/delivery.js';
import { limitsFromPercent } from '../domain/reputation.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { PromiseClocks } from '../adapters/promise-clocks.js';
import { earlyStatusRecording, SmsStatusLookups } from '../adapters/sms-status-lookups.js';
import { incidentStores } from '../adapters/stores.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo, dynamoOnce } from '../shared/dynamo-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { countEarlyRecorded, stepHandler } from '../shared/handler.js';
import { confirmSending } from '../steps/confirm-sent.js';
import { recordEarlyLost } from '../steps/record-sms-status.js';

const config = parseConfig(configSchema('confirm-sent'));
const messaging = new SnsMessaging(sns);
const { incidents, notices } = incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock);
// Reads totals and settles finished calls only: the lease is never used.
const ledger = new DeliveriesLedger(dynamo, config.DELIVERIES_TABLE, systemClock, 1);
const evidence = new EvidenceStore(dynamo, config.DELIVERIES_TABLE, systemClock);
// SMS statuses kept because they came before their outcome (steps/record-sms-status.ts); the ledger's outcomes are read, not the directory.
const lookups = new SmsStatusLookups(dynamo, config.CUSTOMERS_TABLE, config.DELIVERIES_TABLE);
const earlyStatuses = { ...earlyStatusRecording(dynamo, dynamoOnce, config.DELIVERIES_TABLE, systemClock), smsOutcomes: lookups.smsOutcomes.bind(lookups) };
const deps = {
  incidents,
  notices,
  promises: new PromiseClocks(dynamo, config.INCIDENTS_TABLE),
  clock: systemClock,
  ledger,
  evidence: {
    ledger,
    evidence,
    clock: systemClock,
    evidenceChannels: EVIDENCE_CHANNELS,
    settingsEvidenceChannels: async () => ((await messaging.smsStatusLogged()) ? [SMS_EVIDENCE_CHANNEL] : []),
    evidenceWindowSeconds: config.EVIDENCE_WINDOW_SECONDS,
    recordEarly: async (ref: NoticeRef, lost: Parameters<typeof recordEarlyLost>[1]) => countEarlyRecorded(await recordEarlyLost(ref, lost, earlyStatuses)),
  },
  fallback: {
    evidence,
    ledger,
    customers: new CustomersRepository(dynamo, config.CUSTOMERS_TABLE),
    channels: CHANNEL_CONTACTS,
    evidenceChannels: EVIDENCE_CHANNELS,
    evidenceWindowSeconds: config.EVIDENCE_WINDOW_SECONDS,
    clock: systemClock,
  },
  reputation: {
    evidence,
    limits: limitsFromPercent(config.BOUNCE_RATE_LIMIT_PERCENT, config.COMPLAINT_RATE_LIMIT_PERCENT, config.REPUTATION_MINIMUM_MESSAGES),
  },
  alertTeam: async (event: string, subject: string, message: string) => {
    await messaging.publish(config.RESPONSE_TEAM_TOPIC_ARN, subject, message, { event });
  },
};

const slice = z.object({ from: z.number().int().min(0), to: z.number().int().min(0) });
const schema = z.object({
  incidentId: incidentIdSchema,
  noticeId: z.string().min(1).max(64),
  results: z
    .array(
      z.object({
        done: z.boolean(),
        from: z.number().int().min(0).optional(),
        to: z.number().int().min(0).optional(),
        error: z.string().max(256).optional(),
        cause: z.string().max(32_768).optional(),
      }),
    )
    .max(10_000),
  plan: z.object({
    slices: z.array(slice).max(10_000),
    concurrency: z.number().int().min(1),
    ratePerSecond: z.number().min(0),
    round: z.number().int().min(0),
    fallback: z.object({ round: z.number().int().min(0), polls: z.number().int().min(0), since: z.iso.datetime().optional() }).optional(),
    // While lost answers wait for late evidence: the counts at the last look, and the looks so far (steps/settle-by-evidence.ts).
    lateEvidence: z.object({ seen: z.record(z.string().max(32), z.number().int().min(0)), looks: z.number().int().min(0) }).optional(),
  }),
});

export const handler = stepHandler(schema, (input) => confirmSending(input, deps));
