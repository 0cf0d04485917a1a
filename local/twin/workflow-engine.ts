import './polyfills.js';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { assertDefinitionRules } from '../../infra/definition/rules.js';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface EngineEvent {
  timestamp: number;
  type: string;
  stateName?: string;
  error?: string;
  cause?: string;
  /** State input and output as the engine saw them: what AWS keeps in the execution history. */
  input?: unknown;
  output?: unknown;
}

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  events: EngineEvent[];
  /** Resolves when the execution stops, whatever the outcome. */
  done: Promise<void>;
  abort(): void;
  /** Ends the execution with a terminal error no Catch sees (States.DataLimitExceeded). */
  fail(error: string, cause: string): void;
  /** The largest state input or output so far (UTF-8 bytes of its JSON), and whose it was. */
  largestPayload: { bytes: number; stateName: string };
  /** Per Task state that invokes a function (callbacks aside), its longest invocation so far (ms). */
  longestTaskMs: Record<string, number>;
  /** The first state exit whose output passed the quota: its event's index, and the cause it fails the execution with. */
  overQuotaExit?: { index: number; cause: string };
}

/**
 * Step Functions' quota for a state's input or output and a task's result: 256 KiB as a UTF-8 string
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). Past it the execution fails
 * with States.DataLimitExceeded, which States.ALL does not catch
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
export const PAYLOAD_LIMIT_BYTES = 262_144;

/** An SFN API error with the name the SDK raises (e.g. ExecutionAlreadyExists, TaskDoesNotExist). */
export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

interface Waiter {
  executionArn: string;
  stateName: string;
  open: boolean;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

export interface LocalWorkflowOptions {
  /** The definition after substitutions (the same file and values the stack deploys). */
  definition: string;
  stateMachineArn: string;
  /** Function ARN (as substituted into the definition) -> the handler module Lambda would run. */
  handlers: Map<string, LambdaHandler>;
  /** Milliseconds per Wait state name: how the twin scales waits down without touching the definition. */
  waitTimeOverrides?: Record<string, number>;
  /** Milliseconds per Task state name between retries. */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /**
   * How long a Task without a timeout of its own waits for its function (Step Functions waits for the
   * function's own timeout, which the twin's sandboxes enforce), and the time in-process handlers see
   * through `getRemainingTimeInMillis`.
   */
  lambdaTimeoutMs?: number;
}

const TOKEN_PLACEHOLDER = '__LOCAL_TASK_TOKEN__';
/** The engine's context object is static per execution: `$$.State.EnteredTime` is filled per task, as the token is. */
const ENTERED_TIME_PLACEHOLDER = '__LOCAL_STATE_ENTERED_TIME__';
// biome-ignore lint/suspicious/noControlCharactersInRegex: StartExecution refuses control characters in names, so the pattern names them.
const INVALID_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/**
 * Runs the state machine with aws-local-stepfunctions, calling the real handler modules in process.
 * Adds what the engine leaves out: execution records, names and idempotent starts as in AWS, and
 * task tokens per waitForTaskToken task that SendTaskSuccess/Failure resolve.
 */
export class LocalWorkflow {
  readonly executions = new Map<string, Execution>();
  readonly createdAt = new Date();
  /** Every SendTaskSuccess/SendTaskFailure call received, accepted or not: tests prove refusals make none. */
  taskCallbacks = 0;
  private readonly waiters = new Map<string, Waiter>();
  private readonly machine: StateMachine;
  private readonly definition: StateMachineDefinition;

  constructor(private readonly options: LocalWorkflowOptions) {
    this.definition = JSON.parse(options.definition) as StateMachineDefinition;
    // The engine takes `$$` in any path and more that CreateStateMachine refuses with InvalidDefinition: refuse it here too.
    assertDefinitionRules(this.definition);
    // ARN checks are off: local function ARNs are fine, but the engine would want real ones.
    // The deployed definition is validated as it is; the engine's copy may carry what the schema
    // refuses but the engine honours (a scaled-down timeout of a millisecond is 0.001 s, not an integer).
    new StateMachine(this.definition, { validationOptions: { checkArn: false, checkPaths: true } });
    const engineDefinition = withLambdaTaskTimeouts(
      withTaskTimeoutOverrides(this.definition, options.waitTimeOverrides ?? {}),
      (options.lambdaTimeoutMs ?? 900_000) / 1000,
    );
    this.machine = new StateMachine(engineDefinition, { validationOptions: { noValidate: true } });
  }

  get stateMachineArn(): string {
    return this.options.stateMachineArn;
  }

  get definitionText(): string {
    return this.options.definition;
  }

  start(name: string | undefined, input: string): Execution {
    const executionName = name ?? randomUUID();
    if (executionName.length < 1 || executionName.length > 80 || INVALID_NAME.test(executionName)) {
      throw new SfnApiError('InvalidName', `Invalid Name: '${executionName}'`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const executionArn = `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // As in AWS (Standard): the same name and input while running returns the same execution.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const startDate = new Date();
    const overrides = Object.fromEntries(
      taskStates(this.definition.States).map(([stateName, s]) => [
        stateName,
        (taskInput: unknown) => this.runTask(executionArn, stateName, s.Resource, taskInput),
      ]),
    );
    const run = this.machine.run(parsed as never, {
      overrides: {
        taskResourceLocalHandlers: overrides as never,
        waitTimeOverrides: this.options.waitTimeOverrides,
        retryIntervalOverrides: this.options.retryIntervalOverrides,
      },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: executionArn, Name: executionName, Input: parsed as never, StartTime: startDate.toISOString() },
        StateMachine: { Id: this.options.stateMachineArn, Name: this.options.stateMachineArn.split(':').at(-1) },
        Task: { Token: TOKEN_PLACEHOLDER },
        State: { EnteredTime: ENTERED_TIME_PLACEHOLDER },
      },
    });
    const execution: Execution = {
      executionArn,
      stateMachineArn: this.options.stateMachineArn,
      name: executionName,
      input,
      status: 'RUNNING',
      startDate,
      events: [],
      done: Promise.resolve(),
      abort: () => {
        execution.status = 'ABORTED';
        execution.stopDate = new Date();
        run.abort();
        this.closeWaiters(executionArn);
      },
      fail: (error, cause) => {
        if (execution.status !== 'RUNNING') return;
        execution.status = 'FAILED';
        execution.error = error;
        execution.cause = cause;
        execution.stopDate = new Date();
        run.abort();
        this.closeWaiters(executionArn);
      },
      largestPayload: { bytes: 0, stateName: '' },
      longestTaskMs: {},
    };
    this.executions.set(executionArn, execution);
    const collected = this.collectEvents(execution, run.eventLogs);
    const settled = run.result
      .then(
        (output) => {
          if (execution.status !== 'RUNNING') return;
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(output ?? null);
          execution.stopDate = new Date();
        },
        (error: Error & { cause?: unknown }) => {
          if (execution.status !== 'RUNNING') return;
          execution.status = error.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
          const inner = (error.cause ?? error) as { name?: string; message?: string; Error?: string; Cause?: string };
          execution.error = inner.name ?? error.name;
          execution.cause = inner.message ?? error.message;
          execution.stopDate = new Date();
        },
      )
      .finally(() => this.closeWaiters(executionArn));
    execution.done = Promise.all([settled, collected]).then(() => closeHistory(execution));
    return execution;
  }

  describe(executionArn: string): Execution {
    const execution = this.executions.get(executionArn);
    if (!execution) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    this.taskCallbacks += 1;
    const waiter = this.openWaiter(taskToken);
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid output: not valid JSON');
    }
    waiter.open = false;
    waiter.resolve(value);
  }

  sendTaskFailure(taskToken: string, error = '', cause = ''): void {
    this.taskCallbacks += 1;
    const waiter = this.openWaiter(taskToken);
    waiter.open = false;
    const failure = new Error(cause);
    failure.name = error;
    waiter.reject(failure);
  }

  sendTaskHeartbeat(taskToken: string): void {
    this.openWaiter(taskToken);
  }

  /** Stops every running execution; used on shutdown. */
  stopAll(): void {
    for (const e of this.executions.values()) if (e.status === 'RUNNING') e.abort();
  }

  private openWaiter(taskToken: string): Waiter {
    const waiter = this.waiters.get(taskToken);
    if (!waiter) throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
    if (!waiter.open) throw new SfnApiError('TaskTimedOut', 'Task Timed Out');
    return waiter;
  }

  private async runTask(executionArn: string, stateName: string, resource: string, taskInput: unknown): Promise<unknown> {
    // The engine starts this task's timeout right after calling here: the same instant AWS reports.
    const enteredTime = new Date().toISOString();
    // The engine may call here from inside run(), before start() has registered the execution; and the event
    // log may not have shown the state before this one exit yet (its output is checked there): let it catch up.
    await new Promise((resolve) => setImmediate(resolve));
    // A failed or stopped execution invokes nothing more (the engine would still retry, or start a Map's next item).
    if (this.executions.get(executionArn)?.status !== 'RUNNING') throw Object.assign(new Error('The execution has ended'), { name: 'States.Runtime' });
    this.holdToPayloadLimit(executionArn, stateName, 'input after Parameters', taskInput);
    const started = performance.now();
    const result = await this.callTask(executionArn, stateName, resource, taskInput, enteredTime);
    const longest = this.executions.get(executionArn)?.longestTaskMs;
    // A callback task waits for a person: only invocations are timed.
    if (longest && !resource.endsWith('.waitForTaskToken')) longest[stateName] = Math.max(longest[stateName] ?? 0, Math.ceil(performance.now() - started));
    this.holdToPayloadLimit(executionArn, stateName, 'result', result);
    return result;
  }

  /** A task's input or result over the quota ends the execution before the engine sees it, as in AWS. */
  private holdToPayloadLimit(executionArn: string, stateName: string, what: string, value: unknown): void {
    const execution = this.executions.get(executionArn);
    const cause = execution && measurePayload(execution, stateName, what, value);
    if (!cause) return;
    execution!.fail(DATA_LIMIT_EXCEEDED, cause);
    throw Object.assign(new Error(cause), { name: DATA_LIMIT_EXCEEDED });
  }

  private async callTask(executionArn: string, stateName: string, resource: string, taskInput: unknown, enteredTime: string): Promise<unknown> {
    const { FunctionName, Payload: rawPayload } = taskInput as { FunctionName?: string; Payload?: unknown };
    const Payload = replaceValue(rawPayload, ENTERED_TIME_PLACEHOLDER, enteredTime);
    const handler = FunctionName ? this.options.handlers.get(FunctionName) : undefined;
    // Never fall through to a real Lambda call: a missing handler is a wiring error.
    if (!handler) throw Object.assign(new Error(`No local handler for ${FunctionName} (state ${stateName})`), { name: 'Lambda.ResourceNotFoundException' });
    if (!resource.endsWith('.waitForTaskToken')) {
      const requestId = randomUUID();
      return lambdaConnectorResult(await this.invoke(handler, FunctionName!, Payload, requestId), requestId);
    }
    const token = randomBytes(48).toString('base64url');
    const result = new Promise<unknown>((resolve, reject) => {
      this.waiters.set(token, { executionArn, stateName, open: true, resolve, reject });
    });
    result.catch(() => undefined); // observed by the engine; avoid an unhandled rejection if it timed out first
    try {
      await this.invoke(handler, FunctionName!, replaceValue(Payload, TOKEN_PLACEHOLDER, token));
    } catch (error) {
      this.waiters.delete(token);
      throw error;
    }
    return result;
  }

  /** Invokes like Lambda: a thrown error reaches the engine under its own name, as errorType does in AWS. */
  private async invoke(handler: LambdaHandler, functionArn: string, payload: unknown, requestId = randomUUID()): Promise<unknown> {
    const timeoutMs = this.options.lambdaTimeoutMs ?? 900_000;
    const deadline = Date.now() + timeoutMs;
    const functionName = functionArn.split(':').at(-1)!;
    const context = {
      awsRequestId: requestId,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: functionArn,
      memoryLimitInMB: '1024',
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } as Context;
    try {
      return JSON.parse(JSON.stringify((await handler(structuredClone(payload), context)) ?? null));
    } catch (error) {
      const e = error as Error;
      // Lambda itself refused the invocation: Step Functions reports the service's error and message, not a function's error payload.
      if (e.name.startsWith('Lambda.')) throw e;
      const lambdaError = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
      lambdaError.name = e.name;
      throw lambdaError;
    }
  }

  private async collectEvents(execution: Execution, logs: AsyncGenerator<unknown>): Promise<void> {
    for await (const raw of logs) {
      const event = raw as {
        type: string;
        timestamp: number;
        state?: { name: string; input?: unknown; output?: unknown };
        /** A Map iteration's events name their Map here. */
        parentState?: { name: string };
        input?: unknown;
        output?: unknown;
        Error?: string;
        Cause?: unknown;
      };
      // An execution failed on its payload (holdToPayloadLimit) was aborted to stop the engine: its history ends at ExecutionFailed.
      if (execution.status === 'FAILED' && event.type === 'ExecutionAborted') continue;
      execution.events.push({
        timestamp: event.timestamp,
        type: event.type,
        stateName: event.state?.name ?? event.parentState?.name,
        input: event.state?.input ?? event.input,
        output: event.state?.output ?? event.output,
        error: event.Error,
        cause: event.Cause === undefined ? undefined : String(event.Cause),
      });
      // A state's output is checked as it exits (the engine has moved on by then: a twin's lag AWS does not have);
      // the first over the quota ends the history there (closeHistory), even when the engine had stopped.
      if (event.type === 'StateExited' && event.state) {
        const cause = measurePayload(execution, event.state.name, 'output', event.state.output);
        if (cause && !execution.overQuotaExit) {
          execution.overQuotaExit = { index: execution.events.length - 1, cause };
          execution.fail(DATA_LIMIT_EXCEEDED, cause);
        }
      }
      // A task that failed (timeout included) or finished takes its tokens with it.
      if (event.state && (event.type === 'StateFailed' || event.type === 'StateExited')) {
        for (const w of this.waiters.values()) if (w.executionArn === execution.executionArn && w.stateName === event.state.name) w.open = false;
      }
    }
  }

  private closeWaiters(executionArn: string): void {
    for (const w of this.waiters.values()) if (w.executionArn === executionArn) w.open = false;
  }
}

const DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';

/**
 * What the Lambda connector (`arn:aws:states:::lambda:invoke`) hands the state as its result: the function's
 * payload in Lambda's Invoke response with the SDK's HTTP metadata, about 1 KB more, which counts towards the
 * payload quota before a ResultSelector picks `$.Payload` (the metadata's shape: the Step Functions guide's
 * ResultSelector example, https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html).
 */
export function lambdaConnectorResult(payload: unknown, requestId: string, now = new Date()): Record<string, unknown> {
  const headers = {
    Connection: 'keep-alive',
    'Content-Length': String(Buffer.byteLength(JSON.stringify(payload ?? null) ?? 'null', 'utf8')),
    'Content-Type': 'application/json',
    Date: now.toUTCString(),
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
    'X-Amzn-Trace-Id': `root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${requestId.replace(/-/g, '').slice(0, 24)};sampled=0`,
  };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), HttpHeaders: headers, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/** Notes the payload's size as the execution's largest if it is; over the quota, returns the cause the execution fails with. */
function measurePayload(execution: Execution, stateName: string, what: string, value: unknown): string | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null) ?? 'null', 'utf8');
  if (bytes > execution.largestPayload.bytes) execution.largestPayload = { bytes, stateName };
  if (bytes <= PAYLOAD_LIMIT_BYTES) return undefined;
  return `The state/task '${stateName}' ${what} has a size (${bytes} bytes) exceeding the maximum number of bytes service limit (${PAYLOAD_LIMIT_BYTES}).`;
}

/**
 * Once the engine has stopped and its events are in: a state whose output passed the quota ends the
 * execution there with States.DataLimitExceeded, whatever the engine did after it (the output is seen
 * only as the state exits, so the last state's, or one followed by a Fail state, would otherwise pass).
 * What the engine ran after it stays done (a function may have been invoked); its history is dropped.
 */
function closeHistory(execution: Execution): void {
  const over = execution.overQuotaExit;
  // Unless a task's input or result had failed it on the quota first.
  if (over && (execution.error !== DATA_LIMIT_EXCEEDED || execution.cause === over.cause)) {
    execution.status = 'FAILED';
    execution.error = DATA_LIMIT_EXCEEDED;
    execution.cause = over.cause;
    execution.output = undefined;
    execution.events.splice(over.index + 1);
  }
  if (execution.error === DATA_LIMIT_EXCEEDED && execution.events.at(-1)?.type !== 'ExecutionFailed')
    execution.events.push({ timestamp: Date.now(), type: 'ExecutionFailed', error: execution.error, cause: execution.cause });
}

function replaceValue(value: unknown, placeholder: string, replacement: string): unknown {
  if (value === placeholder) return replacement;
  if (Array.isArray(value)) return value.map((v) => replaceValue(v, placeholder, replacement));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceValue(v, placeholder, replacement)]));
  return value;
}

type AnyState = { Type: string; Resource?: string; ItemProcessor?: { States: Record<string, AnyState> }; Iterator?: { States: Record<string, AnyState> } };

/** Every Task state, including those inside Map processors (state names are unique across the machine). */
function taskStates(states: Record<string, unknown>): [string, { Resource: string }][] {
  return Object.entries(states as Record<string, AnyState>).flatMap(([name, s]): [string, { Resource: string }][] => {
    if (s.Type === 'Task') return [[name, { Resource: s.Resource ?? '' }]];
    const inner = s.ItemProcessor ?? s.Iterator;
    return inner ? taskStates(inner.States) : [];
  });
}

/**
 * A TimeoutSecondsPath on the state's input reaches the engine through Parameters; and a wait that is
 * a waitForTaskToken Task (interruptible, e.g. "Wait until next update") is shortened
 * like a Wait state: its override (ms) becomes the task's timeout, whose Catch goes on as the timeout
 * would. Only the engine's copy changes; `definitionText` stays the deployed definition.
 */
function withTaskTimeoutOverrides(definition: StateMachineDefinition, overrides: Record<string, number>): StateMachineDefinition {
  const copy = structuredClone(definition) as unknown as { States: Record<string, Record<string, unknown>> };
  for (const state of Object.values(copy.States)) {
    // Step Functions reads TimeoutSecondsPath from the state's input; the engine reads it from the
    // Parameters' output. Carrying the value through Parameters gives the engine what AWS would read
    // (runTask passes only FunctionName and Payload on to the handler).
    const path = state.TimeoutSecondsPath;
    if (state.Type === 'Task' && typeof path === 'string' && state.Parameters) {
      state.Parameters = { ...(state.Parameters as Record<string, unknown>), 'timeoutSeconds.$': path };
      state.TimeoutSecondsPath = '$.timeoutSeconds';
    }
  }
  for (const [name, ms] of Object.entries(overrides)) {
    const state = copy.States[name];
    if (state?.Type !== 'Task') continue;
    delete state.TimeoutSecondsPath;
    // The engine ignores a zero timeout: a millisecond is the shortest it honours.
    state.TimeoutSeconds = Math.max(ms, 1) / 1000;
  }
  return copy as unknown as StateMachineDefinition;
}

/**
 * A Task without TimeoutSeconds(Path) waits in Step Functions until its Lambda returns (the
 * function's own timeout bounds it); the engine would fail it after 60 s with States.Timeout (at
 * 100,000 customers on a loaded machine Assess impact took longer and the twin failed the incident,
 * where AWS would not). In the engine's copy such Tasks, nested ones included, get the twin's Lambda
 * timeout instead. Tasks that set a timeout keep theirs.
 */
function withLambdaTaskTimeouts(definition: StateMachineDefinition, seconds: number): StateMachineDefinition {
  const visit = (states: Record<string, Record<string, unknown>>) => {
    for (const state of Object.values(states)) {
      if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = seconds;
      for (const inner of [state.ItemProcessor, state.Iterator] as ({ States: Record<string, Record<string, unknown>> } | undefined)[])
        if (inner) visit(inner.States);
      for (const branch of (state.Branches ?? []) as { States: Record<string, Record<string, unknown>> }[]) visit(branch.States);
    }
  };
  const copy = structuredClone(definition) as unknown as { States: Record<string, Record<string, unknown>> };
  visit(copy.States);
  return copy as unknown as StateMachineDefinition;
}
