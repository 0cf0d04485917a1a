import { configSchema } from '../../infra/functions.js';
import { EventBridgeSchema } from '../shared/event-schemas.js';
import { incidentStores } from '../adapters/stores.js';
import { QuestionStore } from '../adapters/question-store.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { StepFunctionsCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../shared/clock.js';
import { dynamo, sfn, sns } from '../shared/clients.js';
import { parseConfig } from '../shared/config.js';
import { stepHandler } from '../shared/handler.js';
import { pageRepublisher } from '../shared/page-publishing.js';
import { logger } from '../shared/powertools.js';
import { redeliverDecisions } from '../steps/deliver-decision.js';

const config = parseConfig(configSchema('redeliver-decisions'));
const messaging = new SnsMessaging(sns);
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  // SendTaskSuccess/Failure take the token alone; the state machine ARN is not needed here.
  workflow: new StepFunctionsCallbacks(sfn),
  // FAQ decisions publish the answer and re-render the page at once, or refuse it; no Step Functions call.
  faq: { questions: new QuestionStore(dynamo, config.INCIDENTS_TABLE, systemClock), republish: pageRepublisher() },
  alertTeam: async (event: string, subject: string, message: string) => {
    await messaging.publish(config.RESPONSE_TEAM_TOPIC_ARN, subject, message, { event });
  },
};

/** Scheduled sweep: re-sends the callback of every decided approval request Step Functions has not accepted yet. */
export const handler = stepHandler(EventBridgeSchema, async () => {
  const counts = await redeliverDecisions(deps);
  if (counts.delivered + counts.lost + counts.failed > 0) logger.info('Undelivered decisions swept', counts);
  return counts;
});
