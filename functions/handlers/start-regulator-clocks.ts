import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { ObligationStore } from '../adapters/obligation-store.js';
import { incidentStores } from '../adapters/stores.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { stepHandler } from '../shared/handler.js';
import { startRegulatorClocks } from '../steps/start-regulator-clocks.js';

const config = parseConfig(configSchema('start-regulator-clocks'));
const stores = incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock);
const deps = {
  incidents: stores.incidents,
  facts: stores.facts,
  obligations: new ObligationStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  sectors: config.SECTORS,
  reminders: config.REGULATOR_CLOCK_REMINDERS,
  clockScale: config.REGULATOR_CLOCK_SCALE,
  reportLocale: config.REPORT_LOCALE,
  clock: systemClock,
};

// Idempotent by its writes (an obligation is added once, a started clock never restarts): a retry is safe.
export const handler = stepHandler(z.object({ incidentId: incidentIdSchema }), async ({ incidentId }) => {
  const { obligations } = await startRegulatorClocks(incidentId, deps);
  return { obligations };
});
