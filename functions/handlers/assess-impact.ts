import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { CustomersRepository } from '../adapters/customers-repository.js';
import { incidentStores } from '../adapters/stores.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { countMetrics, stepHandler } from '../shared/handler.js';
import { logger } from '../shared/powertools.js';
import { assessImpact } from '../steps/assess-impact.js';

const config = parseConfig(configSchema('assess-impact'));
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  customers: new CustomersRepository(dynamo, config.CUSTOMERS_TABLE),
  audienceChunkSize: config.AUDIENCE_CHUNK_SIZE,
  locales: config.LOCALES,
};

export const handler = stepHandler(z.object({ incidentId: incidentIdSchema }), async ({ incidentId }) => {
  const result = await assessImpact(incidentId, deps);
  countMetrics({ affectedCustomers: result.affectedCustomers });
  logger.info('Impact assessed', { incidentId, ...result });
  return result;
});
