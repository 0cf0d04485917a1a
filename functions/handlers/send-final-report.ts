import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { DeliveriesLedger } from '../adapters/deliveries-ledger.js';
import { EvidenceStore } from '../adapters/evidence-store.js';
import { SesEmailSender } from '../adapters/email-sender.js';
import { ApprovalRequests } from '../adapters/approval-requests.js';
import { IncidentStore } from '../adapters/incident-store.js';
import { NoticeStore } from '../adapters/notice-store.js';
import { ObligationStore } from '../adapters/obligation-store.js';
import { TeamStore } from '../adapters/team-store.js';
import { QuestionStore } from '../adapters/question-store.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { ses } from '../shared/ses-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { idempotentStepHandler } from '../shared/handler.js';
import { sendFinalReport } from '../steps/send-final-report.js';

const config = parseConfig(configSchema('send-final-report'));
const ledger = new DeliveriesLedger(dynamo, config.DELIVERIES_TABLE, systemClock, 1);
const evidence = new EvidenceStore(dynamo, config.DELIVERIES_TABLE, systemClock);
const deps = {
  // The stores the report reads, not incidentStores' all: approval links, callbacks and facts would only weigh on the bundle (tests/infra/bundle-size.test.ts).
  incidents: new IncidentStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  notices: new NoticeStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  approvals: new ApprovalRequests(dynamo, config.INCIDENTS_TABLE, systemClock),
  obligations: new ObligationStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  team: new TeamStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  ledger,
  evidence,
  unreachable: { evidence, ledger },
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
