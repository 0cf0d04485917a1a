import { describe, expect, it } from 'vitest';
import { LocalWorkflow, type LambdaHandler } from '../../local/twin/workflow-engine.js';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:slow';
const definition = (timeoutSeconds?: number) =>
  JSON.stringify({
    StartAt: 'Slow step',
    States: {
      'Slow step': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: FN, 'Payload.$': '$' },
        ...(timeoutSeconds === undefined ? {} : { TimeoutSeconds: timeoutSeconds }),
        End: true,
      },
    },
  });
const slow: LambdaHandler = () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 1_500));

async function runWith(timeoutSeconds: number | undefined, lambdaTimeoutMs: number) {
  const engine = new LocalWorkflow({
    definition: definition(timeoutSeconds),
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:t',
    handlers: new Map([[FN, slow]]),
    lambdaTimeoutMs,
  });
  const execution = engine.start(undefined, '{}');
  await execution.done;
  return execution;
}

// In Step Functions a Lambda Task without TimeoutSeconds runs as long as its function may; the engine
// alone would stop it after 60 s (it failed Assess impact at 100,000 customers on a loaded machine).
describe("the twin's engine: Lambda Tasks without a timeout", () => {
  it("are bounded by the Lambda timeout, not the engine's own 60 s", async () => {
    // Prepare / Act: a 1.5 s step, functions given 1 s
    const execution = await runWith(undefined, 1_000);
    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.Timeout');
  });

  it('finish when the function has time', async () => {
    // Prepare / Act
    const execution = await runWith(undefined, 5_000);
    // Assess
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('keep a TimeoutSeconds the definition sets', async () => {
    // Prepare / Act: 1 s in the definition, functions given 5 s
    const execution = await runWith(1, 5_000);
    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.Timeout');
  });
});

// StopExecution ends an execution: Step Functions starts no retry of its Tasks afterwards
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html). The engine alone
// would still run a pending Retry, and the function with it.
describe("the twin's engine: a stopped execution", () => {
  it('invokes nothing more, not even a Retry that was waiting', async () => {
    // Prepare: a step that fails and would be retried 5 times, 200 ms apart.
    let invocations = 0;
    const failing: LambdaHandler = async () => {
      invocations += 1;
      throw Object.assign(new Error('down'), { name: 'DependencyError' });
    };
    const engine = new LocalWorkflow({
      definition: JSON.stringify({
        StartAt: 'Flaky step',
        States: {
          'Flaky step': {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: FN, 'Payload.$': '$' },
            Retry: [{ ErrorEquals: ['DependencyError'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 1 }],
            End: true,
          },
        },
      }),
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:t',
      handlers: new Map([[FN, failing]]),
      retryIntervalOverrides: { 'Flaky step': 200 },
    });
    const execution = engine.start(undefined, '{}');
    while (invocations === 0) await new Promise((r) => setTimeout(r, 10));
    // Act
    execution.abort();
    await new Promise((r) => setTimeout(r, 1_000));
    // Assess
    expect(execution.status).toBe('ABORTED');
    expect(invocations).toBe(1);
  });
});
