import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { incidentStores } from '../adapters/stores.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { idempotentStepHandler } from '../shared/handler.js';
import { pageEvents, pageResponseTeam } from '../steps/page-response-team.js';

const config = parseConfig(
  // AWS_REGION is the Lambda runtime's own.
  configSchema('page-response-team').extend({ AWS_REGION: z.string().min(1) }),
);
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  messaging: new SnsMessaging(sns),
  topicArn: config.RESPONSE_TEAM_TOPIC_ARN,
  consoleUrl: (executionArn: string) => config.EXECUTION_CONSOLE_URL.replaceAll('{region}', config.AWS_REGION).replaceAll('{executionArn}', executionArn),
};

const schema = z.object({
  incidentId: incidentIdSchema,
  event: z.enum(pageEvents),
  executionArn: z.string().min(1),
  reason: z.string().max(2000).optional(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  enteredAt: z.iso.datetime().optional(),
  reminderSeconds: z.number().int().min(1).max(86_400).optional(),
});

// Idempotent on the whole payload: a retried invocation must not page the team twice.
export const handler = idempotentStepHandler(schema, config.IDEMPOTENCY_TABLE, (input) => pageResponseTeam(input, deps));
