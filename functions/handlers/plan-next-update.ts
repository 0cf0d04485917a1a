import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { incidentStores } from '../adapters/stores.js';
import { incidentIdSchema } from '../domain/incident.js';
import { promiseSettings } from '../domain/promises.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { stepHandler } from '../shared/handler.js';
import { planNextUpdate } from '../steps/plan-next-update.js';

const config = parseConfig(configSchema('plan-next-update'));
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  clock: systemClock,
  settings: promiseSettings({
    cadenceSeconds: config.UPDATE_CADENCE_SECONDS,
    leadSeconds: config.UPDATE_LEAD_SECONDS,
    approvalSeconds: config.APPROVAL_TIMEOUT_SECONDS,
    escalationSeconds: config.ESCALATION_TIMEOUT_SECONDS,
  }),
};

export const handler = stepHandler(z.object({ incidentId: incidentIdSchema }), ({ incidentId }) => planNextUpdate(incidentId, deps));
