import { configSchema } from '../../infra/functions.js';
import { ObligationStore } from '../adapters/obligation-store.js';
import { IncidentStore } from '../adapters/incident-store.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { PromiseClocks } from '../adapters/promise-clocks.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { scheduledHandler } from '../shared/scheduled-handler.js';
import { logger } from '../shared/powertools.js';
import { sweepPromises } from '../steps/promise-clocks.js';
import { sweepRegulatorClocks } from '../steps/regulator-clocks.js';

const config = parseConfig(configSchema('regulator-clocks'));
const messaging = new SnsMessaging(sns);
const deps = {
  obligations: new ObligationStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  incidents: new IncidentStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  promises: new PromiseClocks(dynamo, config.INCIDENTS_TABLE),
  alertTeam: async (event: string, subject: string, message: string) => {
    await messaging.publish(config.RESPONSE_TEAM_TOPIC_ARN, subject, message, { event });
  },
  clock: systemClock,
};

/**
 * Scheduled sweep of the clocks: regulators' deadlines (reminders before each, a MISSED page from it
 * on) and the update times customers were promised (a MISSED page when one comes due unkept). Both
 * run every time; a failure of one is thrown after the other ran (the next run is the retry).
 */
export const handler = scheduledHandler(async () => {
  const [promises, regulators] = await Promise.allSettled([sweepPromises(deps), sweepRegulatorClocks(deps)]);
  if (promises.status === 'rejected') throw promises.reason;
  if (regulators.status === 'rejected') throw regulators.reason;
  const counts = { ...regulators.value, promisesDue: promises.value.due, promisesMissed: promises.value.paged, promisePagesFailed: promises.value.failed };
  if (counts.reminders + counts.escalations + counts.failed + counts.promisesMissed + counts.promisePagesFailed > 0) logger.info('Clocks swept', { ...counts });
  return counts;
});
