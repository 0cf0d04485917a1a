import type { IncomingMessage, ServerResponse } from 'node:http';
import { SfnApiError, type Execution, type LocalWorkflow } from './workflow-engine.js';
import { json, readBody } from './http-util.js';

const epoch = (d?: Date) => (d ? d.getTime() / 1000 : undefined);

function describe(e: Execution) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epoch(e.startDate),
    stopDate: epoch(e.stopDate),
    input: e.input,
    output: e.output,
    error: e.error,
    cause: e.cause,
  };
}

const HISTORY_TYPES: Record<string, (stateType: string) => string> = {
  ExecutionStarted: () => 'ExecutionStarted',
  ExecutionSucceeded: () => 'ExecutionSucceeded',
  ExecutionFailed: () => 'ExecutionFailed',
  ExecutionAborted: () => 'ExecutionAborted',
  ExecutionTimeout: () => 'ExecutionTimedOut',
  StateEntered: (t) => `${t}StateEntered`,
  StateExited: (t) => `${t}StateExited`,
  StateFailed: (t) => (t === 'Task' ? 'TaskFailed' : `${t}StateFailed`),
  StateRetried: () => 'TaskStateRetried',
  StateCaught: () => 'TaskStateCaught',
};

/**
 * The engine's event log in GetExecutionHistory's shape. Like a state machine logging without
 * execution data, inputs and outputs are left out: ids and names only.
 */
function history(workflow: LocalWorkflow, e: Execution, reverse: boolean) {
  const states = (JSON.parse(workflow.definitionText) as { States: Record<string, { Type: string }> }).States;
  const events = e.events.map((ev, i) => {
    const type = HISTORY_TYPES[ev.type]?.(ev.stateName ? (states[ev.stateName]?.Type ?? 'Task') : 'Task') ?? ev.type;
    const event: Record<string, unknown> = { id: i + 1, previousEventId: i, timestamp: ev.timestamp / 1000, type };
    if (ev.stateName && type.endsWith('Entered')) event.stateEnteredEventDetails = { name: ev.stateName };
    if (ev.stateName && type.endsWith('Exited')) event.stateExitedEventDetails = { name: ev.stateName };
    if (ev.error !== undefined)
      event[type === 'ExecutionFailed' ? 'executionFailedEventDetails' : 'taskFailedEventDetails'] = { error: ev.error, cause: ev.cause };
    return event;
  });
  return { events: reverse ? events.reverse() : events };
}

/** One Step Functions API call (awsJson1_0, `X-Amz-Target: AWSStepFunctions.<Op>`) against the local engine. */
export function sfnOperation(workflow: LocalWorkflow, operation: string, body: Record<string, unknown>): unknown {
  const requireMachine = () => {
    if (body.stateMachineArn !== workflow.stateMachineArn)
      throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`);
  };
  switch (operation) {
    case 'StartExecution': {
      requireMachine();
      const e = workflow.start(body.name as string | undefined, (body.input as string | undefined) ?? '{}');
      return { executionArn: e.executionArn, startDate: epoch(e.startDate) };
    }
    case 'ListStateMachines': {
      const arn = workflow.stateMachineArn;
      return { stateMachines: [{ stateMachineArn: arn, name: arn.split(':').at(-1), type: 'STANDARD', creationDate: epoch(workflow.createdAt) }] };
    }
    case 'DescribeStateMachine': {
      requireMachine();
      const arn = workflow.stateMachineArn;
      return {
        stateMachineArn: arn,
        name: arn.split(':').at(-1),
        status: 'ACTIVE',
        definition: workflow.definitionText,
        roleArn: arn.replace(/:states:/, ':iam:').replace(/stateMachine:.*/, 'role/local-twin'),
        type: 'STANDARD',
        creationDate: epoch(workflow.createdAt),
        loggingConfiguration: { level: 'ALL', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    }
    case 'GetExecutionHistory':
      return history(workflow, workflow.describe(String(body.executionArn)), body.reverseOrder === true);
    case 'DescribeExecution':
      return describe(workflow.describe(String(body.executionArn)));
    case 'ListExecutions': {
      requireMachine();
      const filter = body.statusFilter as string | undefined;
      const executions = [...workflow.executions.values()]
        .filter((e) => !filter || e.status === filter)
        .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
        .map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: epoch(e.startDate),
          stopDate: epoch(e.stopDate),
        }));
      return { executions };
    }
    case 'StopExecution': {
      const e = workflow.describe(String(body.executionArn));
      if (e.status === 'RUNNING') {
        e.abort();
        e.error = body.error as string | undefined;
        e.cause = body.cause as string | undefined;
      }
      return { stopDate: epoch(e.stopDate ?? new Date()) };
    }
    case 'SendTaskSuccess':
      workflow.sendTaskSuccess(String(body.taskToken), String(body.output ?? ''));
      return {};
    case 'SendTaskFailure':
      workflow.sendTaskFailure(String(body.taskToken), body.error as string | undefined, body.cause as string | undefined);
      return {};
    case 'SendTaskHeartbeat':
      workflow.sendTaskHeartbeat(String(body.taskToken));
      return {};
    default:
      throw new SfnApiError('UnknownOperationException', `Operation ${operation} is not supported by the local twin`);
  }
}

/** Node request handler for the Step Functions endpoint. */
export function sfnRequestHandler(workflow: LocalWorkflow) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
    try {
      const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      json(res, sfnOperation(workflow, operation, body));
    } catch (error) {
      const e = error instanceof SfnApiError ? error : new SfnApiError('InternalFailure', String(error));
      res
        .writeHead(e.type === 'InternalFailure' ? 500 : 400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': e.type })
        .end(JSON.stringify({ __type: e.type, message: e.message }));
    }
  };
}
