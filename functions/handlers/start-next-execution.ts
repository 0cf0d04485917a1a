import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { ExecutionChain } from '../adapters/execution-chain.js';
import { StepFunctionsWorkflow } from '../adapters/workflow.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { sfn } from '../shared/sfn-client.js';
import { parseConfig } from '../shared/config.js';
import { stepHandler } from '../shared/handler.js';
import { continueExecution } from '../steps/start-next-execution.js';

const config = parseConfig(configSchema('start-next-execution'));
const deps = {
  executions: new ExecutionChain(dynamo, config.INCIDENTS_TABLE, systemClock),
  // The machine's ARN comes with each call ($$.StateMachine.Id): as a variable it would cycle with the definition's substitution of this function.
  workflowOf: (stateMachineArn: string) => new StepFunctionsWorkflow(sfn, stateMachineArn),
};

const schema = z.object({
  incidentId: incidentIdSchema,
  executionArn: z.string().startsWith('arn:'),
  stateMachineArn: z.string().startsWith('arn:'),
  settings: z.record(z.string(), z.unknown()),
});

export const handler = stepHandler(schema, (input) => continueExecution(input, deps));
