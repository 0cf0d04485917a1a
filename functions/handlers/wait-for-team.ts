import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { incidentStores } from '../adapters/stores.js';
import { StepFunctionsCallbacks } from '../adapters/workflow.js';
import { incidentIdSchema } from '../domain/incident.js';
import { teamWaitKinds } from '../domain/ports.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { sfn } from '../shared/sfn-client.js';
import { parseConfig } from '../shared/config.js';
import { stepHandler } from '../shared/handler.js';
import { awaitTeam } from '../steps/team-wait.js';

const config = parseConfig(configSchema('wait-for-team'));
const deps = { ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock), workflow: new StepFunctionsCallbacks(sfn) };

const schema = z.object({
  incidentId: incidentIdSchema,
  kind: z.enum(teamWaitKinds),
  taskToken: z.string().min(1).max(8192),
  noticeId: z
    .string()
    .regex(/^[a-z-]+-\d+$/)
    .optional(),
});

/** The workflow waits on the team (waitForTaskToken): keeps the token, or resumes at once when the answer is already there. */
export const handler = stepHandler(schema, (input) => awaitTeam(input, deps));
