import { namedError } from './sdk-errors.js';

/**
 * Step Functions as the steps see it: executions by name (a second start of a name is `alreadyStarted`,
 * with no ARN) and tasks waiting on tokens (a callback for a token nobody waits on fails with
 * TaskDoesNotExist). Structural: it offers start, succeed and fail, whichever port the steps type them by.
 */
export class FakeWorkflow {
  executions = new Map<string, Record<string, unknown>>();
  waiting = new Set<string>();
  callbacks: ({ taskToken: string; kind: 'succeed'; output: Record<string, unknown> } | { taskToken: string; kind: 'fail'; error: string; cause: string })[] =
    [];
  /** Errors thrown by the next callbacks, in order (e.g. a throttle or TaskTimedOut). */
  failures: Error[] = [];

  constructor(readonly stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:breach-notice-incident-response') {}

  async start(name: string, input: Record<string, unknown>): Promise<{ executionArn?: string; alreadyStarted: boolean }> {
    if (this.executions.has(name)) return { alreadyStarted: true };
    this.executions.set(name, structuredClone(input));
    return { executionArn: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, alreadyStarted: false };
  }
  /** A task state that waits for this token. */
  wait(taskToken: string) {
    this.waiting.add(taskToken);
  }
  async succeed(taskToken: string, output: Record<string, unknown>) {
    this.resume(taskToken);
    this.callbacks.push({ taskToken, kind: 'succeed', output: structuredClone(output) });
  }
  async fail(taskToken: string, error: string, cause: string) {
    this.resume(taskToken);
    this.callbacks.push({ taskToken, kind: 'fail', error, cause });
  }
  private resume(taskToken: string) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (!this.waiting.delete(taskToken)) throw namedError('TaskDoesNotExist', `Task ${taskToken} does not exist`);
  }
}
