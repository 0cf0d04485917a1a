import type { IncomingMessage, ServerResponse } from 'node:http';
import { SfnApiError, type Execution, type LocalWorkflow } from './workflow-engine.js';
import { json, readBody } from './http-util.js';

const epoch = (d?: Date) => (d ? d.getTime() / 1000 : undefined);

/** An execution as ListExecutions lists it. */
function listed(e: Execution) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epoch(e.startDate),
    stopDate: epoch(e.stopDate),
  };
}

function describe(e: Execution) {
  return {
    ...listed(e),
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
function history(workflow: LocalWorkflow, e: Execution, body: Record<string, unknown>) {
  const reverse = body.reverseOrder === true;
  const states = (JSON.parse(workflow.definitionText) as { States: Record<string, { Type: string }> }).States;
  const events = e.events.map((ev, i) => {
    const type = HISTORY_TYPES[ev.type]?.(ev.stateName ? (states[ev.stateName]?.Type ?? 'Task') : 'Task') ?? ev.type;
    const event: { id: number } & Record<string, unknown> = { id: i + 1, previousEventId: i, timestamp: ev.timestamp / 1000, type };
    if (ev.stateName && type.endsWith('Entered')) event.stateEnteredEventDetails = { name: ev.stateName };
    if (ev.stateName && type.endsWith('Exited')) event.stateExitedEventDetails = { name: ev.stateName };
    if (ev.error !== undefined)
      event[type === 'ExecutionFailed' ? 'executionFailedEventDetails' : 'taskFailedEventDetails'] = { error: ev.error, cause: ev.cause };
    return event;
  });
  const { page, nextToken } = paged(
    reverse ? events.reverse() : events,
    body,
    `${e.executionArn}|${reverse}`,
    (event) => event.id,
    (event, last) => (reverse ? event.id < last : event.id > last),
  );
  return { events: page, ...(nextToken && { nextToken }) };
}

/** Step Functions' page size for GetExecutionHistory and ListExecutions: 100 unless asked (0 is the default too), 1,000 at most. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/**
 * One page of a listing in its order, as Step Functions pages it (API_GetExecutionHistory.html,
 * API_ListExecutions.html): `nextToken` resumes after the page's last item, even when items were added
 * to the listing meanwhile; a token from another listing, or not one at all, is InvalidToken.
 */
function paged<T, C>(
  items: T[],
  body: Record<string, unknown>,
  scope: string,
  cursorOf: (item: T) => C,
  isAfter: (item: T, cursor: C) => boolean,
): { page: T[]; nextToken?: string } {
  const asked = body.maxResults ?? 0;
  if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 0 || asked > MAX_PAGE) {
    const bound = typeof asked === 'number' && asked < 0 ? 'greater than or equal to 0' : `less than or equal to ${MAX_PAGE}`;
    throw new SfnApiError(
      'ValidationException',
      `1 validation error detected: Value '${String(asked)}' at 'maxResults' failed to satisfy constraint: Member must have value ${bound}`,
    );
  }
  const size = asked === 0 ? DEFAULT_PAGE : asked;
  let start = 0;
  if (body.nextToken !== undefined) {
    let token: { scope?: unknown; after?: C } | undefined;
    try {
      token = JSON.parse(Buffer.from(String(body.nextToken), 'base64url').toString('utf8')) as typeof token;
    } catch {
      token = undefined;
    }
    if (!token || token.scope !== scope || token.after === undefined) throw new SfnApiError('InvalidToken', `Invalid Token: '${String(body.nextToken)}'`);
    const after = token.after;
    start = items.findIndex((item) => isAfter(item, after));
    if (start === -1) start = items.length;
  }
  const page = items.slice(start, start + size);
  const last = page.at(-1);
  if (start + size >= items.length || last === undefined) return { page };
  return { page, nextToken: Buffer.from(JSON.stringify({ scope, after: cursorOf(last) })).toString('base64url') };
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
      return history(workflow, workflow.describe(String(body.executionArn)), body);
    case 'DescribeExecution':
      return describe(workflow.describe(String(body.executionArn)));
    case 'ListExecutions': {
      requireMachine();
      const filter = body.statusFilter as string | undefined;
      // Newest first, as Step Functions lists them; a page resumes after the last one's start (an execution started meanwhile comes first, not twice).
      const order = (e: Execution): [number, string] => [e.startDate.getTime(), e.executionArn];
      const later = ([at, arn]: [number, string], [lastAt, lastArn]: [number, string]) => at < lastAt || (at === lastAt && arn > lastArn);
      const all = [...workflow.executions.values()]
        .filter((e) => !filter || e.status === filter)
        .sort((a, b) => b.startDate.getTime() - a.startDate.getTime() || (a.executionArn < b.executionArn ? -1 : a.executionArn > b.executionArn ? 1 : 0));
      const { page, nextToken } = paged(all, body, `${workflow.stateMachineArn}|${filter ?? ''}`, order, (e, last) => later(order(e), last));
      return { executions: page.map(listed), ...(nextToken && { nextToken }) };
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
