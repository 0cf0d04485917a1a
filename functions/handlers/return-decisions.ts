import { configSchema } from '../../infra/functions.js';
import { incidentStores } from '../adapters/stores.js';
import { QuestionStore } from '../adapters/question-store.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { StepFunctionsCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { sfn } from '../shared/sfn-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { scheduledHandler } from '../shared/scheduled-handler.js';
import { incidentPageRepublisher } from '../shared/incident-page-publishing.js';
import { logger } from '../shared/powertools.js';
import { returnPendingDecisions } from '../steps/return-decision.js';

const config = parseConfig(configSchema('return-decisions'));
const messaging = new SnsMessaging(sns);
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  // SendTaskSuccess/Failure take the token alone; the state machine ARN is not needed here.
  workflow: new StepFunctionsCallbacks(sfn),
  // FAQ decisions publish the answer and re-render the page at once, or refuse it; no Step Functions call.
  faq: { questions: new QuestionStore(dynamo, config.INCIDENTS_TABLE, systemClock), republish: incidentPageRepublisher() },
  alertTeam: async (event: string, subject: string, message: string) => {
    await messaging.publish(config.RESPONSE_TEAM_TOPIC_ARN, subject, message, { event });
  },
};

/** Scheduled sweep: returns every decided approval request to its waiting task, when Step Functions has not accepted its callback yet. */
export const handler = scheduledHandler(async () => {
  const counts = await returnPendingDecisions(deps);
  if (counts.returned + counts.lost + counts.failed > 0) logger.info('Decisions returned by the sweep', counts);
  return counts;
});
