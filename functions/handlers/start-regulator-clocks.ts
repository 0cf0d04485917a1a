import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { ObligationStore } from '../adapters/obligation-store.js';
import { FactsStore } from '../adapters/facts-store.js';
import { IncidentStore } from '../adapters/incident-store.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { stepHandler } from '../shared/handler.js';
import { startRegulatorClocks } from '../steps/start-regulator-clocks.js';

const config = parseConfig(configSchema('start-regulator-clocks'));
// The stores it uses, not incidentStores' all (tests/infra/bundle-size.test.ts).
const deps = {
  incidents: new IncidentStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  facts: new FactsStore(dynamo, config.INCIDENTS_TABLE, systemClock),
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
