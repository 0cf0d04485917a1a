import { configSchema } from '../../infra/functions.js';
import { ObligationStore } from '../adapters/obligation-store.js';
import { IncidentStore } from '../adapters/incident-store.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { OpenIncidents } from '../adapters/open-incidents.js';
import { PromiseClocks } from '../adapters/promise-clocks.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { sfn } from '../shared/sfn-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { countMetrics } from '../shared/handler.js';
import { scheduledHandler } from '../shared/scheduled-handler.js';
import { logger } from '../shared/powertools.js';
import { measureOperations } from '../steps/operations-gauges.js';
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
  open: new OpenIncidents(sfn, config.STATE_MACHINE_ARN, dynamo, config.INCIDENTS_TABLE),
  clock: systemClock,
};

/**
 * Scheduled sweep of the clocks: regulators' deadlines (reminders before each, a MISSED page from it
 * on) and the update times customers were promised (a MISSED page when one comes due unkept), and the
 * operators' gauges (shared/metric-catalogue.ts): here because this runs every minute and reads the
 * clocks anyway. All run every time; a failure of one is thrown after the others ran and published
 * their metrics (the next run is the retry).
 */
export const handler = scheduledHandler(async () => {
  const [promises, regulators, gauges] = await Promise.allSettled([sweepPromises(deps), sweepRegulatorClocks(deps), measureOperations(deps)]);
  if (promises.status === 'fulfilled') countMetrics({ promisesMissed: promises.value.paged });
  if (regulators.status === 'fulfilled') {
    const { dueWithinDay, missed, nextDeadlineIn } = regulators.value;
    countMetrics({ regulatorDeadlinesDueWithinDay: dueWithinDay, regulatorDeadlinesMissed: missed, nextRegulatorDeadlineIn: nextDeadlineIn });
  }
  if (gauges.status === 'fulfilled') countMetrics(gauges.value);
  if (promises.status === 'rejected') throw promises.reason;
  if (regulators.status === 'rejected') throw regulators.reason;
  if (gauges.status === 'rejected') throw gauges.reason;
  const counts = { ...regulators.value, promisesDue: promises.value.due, promisesMissed: promises.value.paged, promisePagesFailed: promises.value.failed };
  if (counts.reminders + counts.escalations + counts.failed + counts.promisesMissed + counts.promisePagesFailed > 0) logger.info('Clocks swept', { ...counts });
  return counts;
});
