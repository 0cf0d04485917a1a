import { incidentIdSchema } from './incident.js';

/*
 * An incident's executions. A Standard execution holds at most 25,000 history events and runs at most
 * a year (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html), so a long
 * incident goes on in new executions of the same state machine: the first is named by the incident id
 * (intake), each continuation `<incidentId>--<n>` from n = 2. Names stay within StartExecution's 80
 * characters and allowed characters (letters, digits, '-';
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 */

const SEPARATOR = '--';
const CONTINUED_NAME = /^(.+)--([1-9]\d{0,8})$/;

/** Where an incident's workflow runs now; absent on the incident until its first continuation. */
export interface ExecutionRef {
  name: string;
  executionArn: string;
  /** 1 for the execution intake started, then 2, 3, ... */
  sequence: number;
}

/** One execution handed the incident over to the next. */
export interface Continuation {
  from: ExecutionRef;
  to: ExecutionRef;
}

/** The incident's executions as the incidents table records them (adapters/execution-chain.ts). */
export interface ExecutionChainPort {
  /**
   * Makes `to` the incident's current execution and notes the hand-over on its timeline, in one
   * write. False when it was already recorded (a retry): nothing is written twice.
   */
  recordContinuation(incidentId: string, continuation: Continuation): Promise<boolean>;
  /** The execution recorded last; undefined while the first one (named by the incident id) runs. */
  currentExecution(incidentId: string): Promise<ExecutionRef | undefined>;
}

export function executionNameFor(incidentId: string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`An execution sequence is 1, 2, 3 ..., not ${sequence}`);
  return sequence === 1 ? incidentId : `${incidentId}${SEPARATOR}${sequence}`;
}

/** The incident and the place in its chain that an execution's name says; undefined for a name not made here. */
export function parseExecutionName(name: string): { incidentId: string; sequence: number } | undefined {
  const continued = CONTINUED_NAME.exec(name);
  const incidentId = continued ? continued[1]! : name;
  if (!incidentIdSchema.safeParse(incidentId).success) return undefined;
  return { incidentId, sequence: continued ? Number(continued[2]) : 1 };
}

/** An execution's ARN: the state machine's, with `execution` and the name. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
