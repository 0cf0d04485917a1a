import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { CustomersRepository } from '../adapters/customers-repository.js';
import { incidentStores } from '../adapters/stores.js';
import { MAX_SEGMENTS } from '../domain/assessment.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { countMetrics, stepHandler } from '../shared/handler.js';
import { logger } from '../shared/powertools.js';
import { assessSegment, planAssessment, saveAssessment, writeAudienceChunks } from '../steps/assess-impact.js';

const config = parseConfig(configSchema('assess-impact'));
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  customers: new CustomersRepository(dynamo, config.CUSTOMERS_TABLE),
  audienceChunkSize: config.AUDIENCE_CHUNK_SIZE,
  locales: config.LOCALES,
};

const segment = z
  .number()
  .int()
  .min(0)
  .max(MAX_SEGMENTS - 1);
const version = z.number().int().min(0);
/** What each segment returned (the workflow passes the Map's results on): counts per locale, never ids. */
const segments = z
  .array(z.object({ segment, counts: z.record(z.string().min(1).max(16), z.number().int().min(0)), chunkSize: z.number().int().min(1).max(2000) }))
  .min(1)
  .max(MAX_SEGMENTS);

/** The phases of one assessment (statemachines: plan, a Map over segments, a Map writing chunks, save). */
const input = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('plan'), incidentId: incidentIdSchema }),
  z.object({
    phase: z.literal('segment'),
    incidentId: incidentIdSchema,
    segment,
    totalSegments: z.number().int().min(1).max(MAX_SEGMENTS),
    scopeVersion: version,
  }),
  z.object({ phase: z.literal('chunks'), incidentId: incidentIdSchema, segment, scopeVersion: version, segments }),
  z.object({ phase: z.literal('save'), incidentId: incidentIdSchema, scopeVersion: version, segments }),
]);

export const handler = stepHandler(input, async (request) => {
  switch (request.phase) {
    case 'plan': {
      const plan = await planAssessment(request.incidentId, deps);
      logger.info('Assessment planned', { incidentId: request.incidentId, segments: plan.segments.length, scopeVersion: plan.scopeVersion });
      return plan;
    }
    case 'segment':
      return assessSegment(request, deps);
    case 'chunks':
      return writeAudienceChunks(request, deps);
    case 'save': {
      const result = await saveAssessment(request, deps);
      countMetrics({ affectedCustomers: result.affectedCustomers });
      logger.info('Impact assessed', { incidentId: request.incidentId, ...result });
      return result;
    }
  }
});
