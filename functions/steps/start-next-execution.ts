import { executionArnFor, executionNameFor, parseExecutionName, type ExecutionChainPort, type ExecutionRef } from '../domain/executions.js';
import type { WorkflowStarter } from '../domain/ports.js';
import { BreachNoticeError } from '../shared/errors.js';

/** The execution handing over is not one of the incident's (its name is not `<incidentId>` or `<incidentId>--<n>`). */
export class ExecutionNameError extends BreachNoticeError {}

export interface ContinueInput {
  incidentId: string;
  /** The execution handing over ($$.Execution.Id). */
  executionArn: string;
  /** Its state machine ($$.StateMachine.Id): the incident goes on under the same definition. */
  stateMachineArn: string;
  /** The execution input's settings, passed on as they are. */
  settings: Record<string, unknown>;
}

export interface ContinueDeps {
  executions: Pick<ExecutionChainPort, 'recordContinuation'>;
  /** StartExecution on the given state machine. */
  workflowOf: (stateMachineArn: string) => WorkflowStarter;
}

/**
 * Starts the incident's next execution, which resumes at "Plan next update" (the definition reads
 * `continuation` first), and records it as the incident's current execution, linked from the one
 * handing over. Ids only go across, never customer data. Safe to retry: the next name is fixed by this
 * one's, and a start of a name already started (by an earlier attempt) is taken as done
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html: the same
 * name and input while it runs succeeds again; otherwise ExecutionAlreadyExists); the record is written once.
 */
export async function continueExecution(input: ContinueInput, deps: ContinueDeps): Promise<ExecutionRef> {
  const name = input.executionArn.split(':').at(-1) ?? '';
  const current = parseExecutionName(name);
  if (current?.incidentId !== input.incidentId) throw new ExecutionNameError(`Execution ${name} is not an execution of incident ${input.incidentId}`);
  const sequence = current.sequence + 1;
  const next = executionNameFor(input.incidentId, sequence);
  const started = await deps.workflowOf(input.stateMachineArn).start(next, {
    incidentId: input.incidentId,
    settings: input.settings,
    continuation: { from: input.executionArn, sequence },
  });
  const to: ExecutionRef = { name: next, executionArn: started.executionArn ?? executionArnFor(input.stateMachineArn, next), sequence };
  await deps.executions.recordContinuation(input.incidentId, { from: { name, executionArn: input.executionArn, sequence: current.sequence }, to });
  return to;
}
