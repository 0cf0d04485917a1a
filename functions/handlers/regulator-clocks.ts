import { configSchema } from '../../infra/functions.js';
import { ObligationStore } from '../adapters/obligation-store.js';
import { IncidentStore } from '../adapters/incident-store.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { systemClock } from '../shared/clock.js';
import { dynamo, sns } from '../shared/clients.js';
import { parseConfig } from '../shared/config.js';
import { scheduledHandler } from '../shared/scheduled-handler.js';
import { logger } from '../shared/powertools.js';
import { sweepRegulatorClocks } from '../steps/regulator-clocks.js';

const config = parseConfig(configSchema('regulator-clocks'));
const messaging = new SnsMessaging(sns);
const deps = {
  obligations: new ObligationStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  incidents: new IncidentStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  alertTeam: async (event: string, subject: string, message: string) => {
    await messaging.publish(config.RESPONSE_TEAM_TOPIC_ARN, subject, message, { event });
  },
  clock: systemClock,
};

/** Scheduled sweep of regulators' clocks: reminders before each deadline, a MISSED page from it on. */
export const handler = scheduledHandler(async () => {
  const counts = await sweepRegulatorClocks(deps);
  if (counts.reminders + counts.escalations + counts.failed > 0) logger.info('Regulator clocks swept', { ...counts });
  return counts;
});
