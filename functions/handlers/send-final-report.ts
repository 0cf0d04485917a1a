import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { DeliveriesLedger } from '../adapters/deliveries-ledger.js';
import { SesEmailSender } from '../adapters/email-sender.js';
import { incidentStores } from '../adapters/stores.js';
import { QuestionStore } from '../adapters/question-store.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo, ses, sns } from '../shared/clients.js';
import { parseConfig } from '../shared/config.js';
import { idempotentStepHandler } from '../shared/handler.js';
import { sendFinalReport } from '../steps/send-final-report.js';

const config = parseConfig(configSchema('send-final-report'));
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  ledger: new DeliveriesLedger(dynamo, config.DELIVERIES_TABLE, systemClock, 1),
  email: new SesEmailSender(ses, config.SENDER_ADDRESS, config.SES_CONFIGURATION_SET),
  messaging: new SnsMessaging(sns),
  templatePrefix: config.TEMPLATE_PREFIX,
  reportLocale: config.REPORT_LOCALE,
  reportRecipients: config.REPORT_RECIPIENTS,
  topicArn: config.RESPONSE_TEAM_TOPIC_ARN,
  drillTargets: config.DRILL_TARGETS,
  questions: new QuestionStore(dynamo, config.INCIDENTS_TABLE, systemClock),
};

export const handler = idempotentStepHandler(z.object({ incidentId: incidentIdSchema }), config.IDEMPOTENCY_TABLE, ({ incidentId }) =>
  sendFinalReport(incidentId, deps),
);
