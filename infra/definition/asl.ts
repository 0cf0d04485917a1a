import { substitutionKey, type WorkflowStep } from '../workflow-definition.js';

/*
 * Typed Amazon States Language (JSONPath) for the states this workflow uses. Property order in
 * these literals is the order written to the file, so the generated diff stays reviewable.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  ResultPath: string;
  Next: string;
}

export type TaskState = {
  Type: 'Task';
  Resource: string;
  Comment?: string;
  Parameters: { FunctionName: string; Payload: Record<string, Json> };
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  ResultSelector?: Record<string, string>;
  ResultPath?: string | null;
  Retry: Retrier[];
  Catch: Catcher[];
} & ({ Next: string } | { End: true });

export interface ChoiceState {
  Type: 'Choice';
  Comment?: string;
  Choices: ({ Variable: string; Next: string } & (
    | { StringEquals: string }
    | { BooleanEquals: boolean }
    | { IsPresent: boolean }
    | { NumericGreaterThanEqualsPath: string }
  ))[];
  Default: string;
}

/**
 * A Map over items in the state's input. DISTRIBUTED in AWS: each item runs as a child execution, so
 * a large audience never fills the parent's history; the local engine runs the same processor inline.
 */
export interface MapState {
  Type: 'Map';
  Comment?: string;
  ItemsPath: string;
  ItemSelector: Record<string, Json>;
  MaxConcurrencyPath?: string;
  MaxConcurrency?: number;
  ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED'; ExecutionType: 'STANDARD' }; StartAt: string; States: States };
  ResultPath: string | null;
  Retry: Retrier[];
  Catch: Catcher[];
  Next: string;
}

export type State =
  | TaskState
  | ChoiceState
  | MapState
  | { Type: 'Pass'; Comment?: string; Result: Json; ResultPath: string; Next: string }
  | ({ Type: 'Pass'; Comment?: string; Parameters: Record<string, Json>; ResultPath?: string } & ({ Next: string } | { End: true }))
  | { Type: 'Wait'; TimestampPath: string; Next: string }
  | { Type: 'Wait'; SecondsPath: string; Next: string }
  | { Type: 'Succeed'; Comment?: string }
  | { Type: 'Fail'; Error: string; Cause: string };

export type States = Record<string, State>;

export interface StateMachine {
  Comment: string;
  StartAt: string;
  States: States;
}

/** Every Lambda task ends in this state when its retries are spent, with the error at `$.error`. */
export const WORKFLOW_FAILED = 'Page response team: workflow failed';

/**
 * The one retry policy of every Lambda task: the Lambda service's transient errors, then our own
 * `DependencyError` (an AWS dependency failed) and sandbox timeouts, with more patience.
 */
export const STANDARD_RETRY: readonly Retrier[] = [
  {
    ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'Lambda.Unknown'],
    IntervalSeconds: 2,
    MaxAttempts: 4,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
  { ErrorEquals: ['DependencyError', 'Sandbox.Timedout'], IntervalSeconds: 5, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' },
];

export interface LambdaTaskOptions {
  /** The function it invokes, a `workflowStep` of infra/functions.ts; written as its `${...FunctionArn}` placeholder. */
  fn: WorkflowStep;
  comment?: string;
  /** Invoke with `.waitForTaskToken`: the result is what SendTaskSuccess returned, not a Lambda response. */
  waitForTaskToken?: boolean;
  payload: Record<string, Json>;
  timeoutSecondsPath?: string;
  /** Fields of the result to keep (ResultSelector); omitted, the whole result goes to resultPath. */
  result?: string[];
  resultPath: string | null;
  /** Step-specific retriers, tried before the standard ones (retrier order is what the twin's interval overrides index). */
  retry?: Retrier[];
  /** Step-specific catchers, tried before the catch-all. */
  catch?: Catcher[];
  /** Where everything else goes; the workflow-failed state itself must not catch into itself. `fail`: nowhere, the error fails the (child) execution. */
  catchAll?: Omit<Catcher, 'ErrorEquals'> | 'fail';
  /** The next state; `end`: the last state of a Map's item processor. */
  next: string | { end: true };
}

export function lambdaTask(o: LambdaTaskOptions): TaskState {
  const from = o.waitForTaskToken ? '$' : '$.Payload';
  return {
    Type: 'Task',
    Resource: o.waitForTaskToken ? 'arn:aws:states:::lambda:invoke.waitForTaskToken' : 'arn:aws:states:::lambda:invoke',
    Comment: o.comment,
    Parameters: { FunctionName: `\${${substitutionKey(o.fn)}}`, Payload: o.payload },
    TimeoutSecondsPath: o.timeoutSecondsPath,
    ResultSelector: o.result && Object.fromEntries(o.result.map((field) => [`${field}.$`, `${from}.${field}`])),
    // '$' (the result replaces the input) is ResultPath's default: left out, as aws-local-stepfunctions 3.0.0 would write it to a key named '$'.
    ...(o.resultPath === '$' ? {} : { ResultPath: o.resultPath }),
    Retry: [...(o.retry ?? []), ...STANDARD_RETRY],
    Catch: [
      ...(o.catch ?? []),
      ...(o.catchAll === 'fail' ? [] : [{ ErrorEquals: ['States.ALL'], ...(o.catchAll ?? { ResultPath: '$.error', Next: WORKFLOW_FAILED }) }]),
    ],
    ...(typeof o.next === 'string' ? { Next: o.next } : { End: true as const }),
  };
}

/** The file as committed: 2-space JSON with a trailing newline, so the same builder writes the same bytes. */
export function toJson(machine: StateMachine): string {
  return `${JSON.stringify(machine, null, 2)}\n`;
}
