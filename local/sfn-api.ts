import type { IncomingMessage, ServerResponse } from 'node:http';
import { SfnApiError, type Execution, type LocalWorkflow } from './workflow-engine.js';
import { json, readBody } from './sns-recorder.js';

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

/** One Step Functions API call (awsJson1_0, `X-Amz-Target: AWSStepFunctions.<Op>`) against the local engine. */
export function sfnOperation(workflow: LocalWorkflow, operation: string, body: Record<string, unknown>): unknown {
  const requireMachine = () => {
    if (body.stateMachineArn !== workflow.stateMachineArn) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`);
  };
  switch (operation) {
    case 'StartExecution': {
      requireMachine();
      const e = workflow.start(body.name as string | undefined, (body.input as string | undefined) ?? '{}');
      return { executionArn: e.executionArn, startDate: epoch(e.startDate) };
    }
    case 'DescribeExecution':
      return describe(workflow.describe(String(body.executionArn)));
    case 'ListExecutions': {
      requireMachine();
      const filter = body.statusFilter as string | undefined;
      const executions = [...workflow.executions.values()]
        .filter((e) => !filter || e.status === filter)
        .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
        .map((e) => ({ executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: epoch(e.startDate), stopDate: epoch(e.stopDate) }));
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
