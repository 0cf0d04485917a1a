import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lambdaConnectorResult, LocalWorkflow, PAYLOAD_LIMIT_BYTES, type LambdaHandler } from '../../local/twin/workflow-engine.js';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:big';
const AFTER_FN = 'arn:aws:lambda:us-east-1:000000000000:function:after';
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:t';

// A Task whose Catch on States.ALL leads to a Pass state that would succeed the execution if it caught.
const caught = (then: Record<string, unknown> = { Type: 'Succeed' }) =>
  JSON.stringify({
    StartAt: 'Make payload',
    States: {
      'Make payload': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: FN, 'Payload.$': '$' },
        ResultSelector: { 'body.$': '$.Payload' },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        Next: 'Next step',
      },
      'Next step': then,
      Caught: { Type: 'Pass', Result: { caught: true }, End: true },
    },
  });

async function runWith(definition: string, handler: LambdaHandler, input: unknown = {}) {
  const engine = new LocalWorkflow({ definition, stateMachineArn: ARN, handlers: new Map([[FN, handler]]) });
  const execution = engine.start(undefined, JSON.stringify(input));
  await execution.done;
  return execution;
}

// Step Functions fails the execution when a task's result or a state's input or output passes 256 KiB, and
// no States.ALL catcher sees it; the engine the twin runs has no such limit of its own.
describe("the twin's engine: Step Functions' payload quota", () => {
  it('fails the execution on a task result over 256 KiB, past a States.ALL catch', async () => {
    // Prepare: a function returning 256 KiB and one byte of JSON (the quoted string adds 2)
    const big: LambdaHandler = async () => 'x'.repeat(PAYLOAD_LIMIT_BYTES - 1);
    // Act
    const execution = await runWith(caught(), big);
    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(execution.cause).toContain("'Make payload'");
    expect(execution.events.at(-1)?.type).toBe('ExecutionFailed');
    expect(execution.events.some((e) => e.stateName === 'Caught')).toBe(false);
  });

  it('fails the execution on an input over 256 KiB after Parameters, before the function runs', async () => {
    // Prepare
    let calls = 0;
    const counted: LambdaHandler = async () => {
      calls += 1;
      return {};
    };
    // Act: the execution input itself is the task's Payload
    const execution = await runWith(caught(), counted, { text: 'y'.repeat(PAYLOAD_LIMIT_BYTES) });
    // Assess
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(calls).toBe(0);
  });

  it("fails the execution on a Pass state's output over 256 KiB", async () => {
    // Prepare: the task returns 140 KiB; the Pass state doubles it into its output
    const half: LambdaHandler = async () => 'z'.repeat(140 * 1024);
    const doubled = { Type: 'Pass', Parameters: { 'a.$': '$.body', 'b.$': '$.body' }, Next: 'Done' };
    const definition = JSON.parse(caught(doubled)) as { States: Record<string, unknown> };
    definition.States.Done = { Type: 'Succeed' };
    // Act
    const execution = await runWith(JSON.stringify(definition), half);
    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(execution.cause).toContain("'Next step' output");
  });

  it('runs a payload at the quota and records the largest', async () => {
    // Prepare: the Lambda connector's result (payload, status, version and the SDK's HTTP metadata) exactly 262,144 bytes of JSON
    const size = (length: number) => JSON.stringify(lambdaConnectorResult('x'.repeat(length), randomUUID())).length;
    let length = PAYLOAD_LIMIT_BYTES - size(0);
    while (size(length) > PAYLOAD_LIMIT_BYTES) length -= 1;
    expect(size(length)).toBe(PAYLOAD_LIMIT_BYTES);
    expect(size(0)).toBeGreaterThan(800);
    const atLimit: LambdaHandler = async () => 'x'.repeat(length);
    // Act
    const execution = await runWith(caught(), atLimit);
    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.largestPayload.bytes).toBe(PAYLOAD_LIMIT_BYTES);
    expect(execution.largestPayload.stateName).toBe('Make payload');
  });
});

// Found by a review: outputs are seen only as a state exits, after the engine may have gone on.
describe("the twin's engine: a state output over the quota, whatever follows it", () => {
  const doubled = { Type: 'Pass', Parameters: { 'a.$': '$.body', 'b.$': '$.body' } };
  const half: LambdaHandler = async () => 'z'.repeat(140 * 1024);
  const withNext = (next: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) => {
    const definition = JSON.parse(caught({ ...doubled, ...(next ? { Next: 'After' } : { End: true }) })) as { States: Record<string, unknown> };
    if (next) definition.States.After = next;
    Object.assign(definition.States, extra);
    return JSON.stringify(definition);
  };

  it('fails the execution when the last state is the one over it', async () => {
    // Act
    const execution = await runWith(withNext(undefined), half);
    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(execution.output).toBeUndefined();
    expect(execution.events.map((e) => e.type)).not.toContain('ExecutionSucceeded');
    expect(execution.events.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('fails it with the quota, not the Fail state that came next', async () => {
    // Act
    const execution = await runWith(withNext({ Type: 'Fail', Error: 'Boom', Cause: 'next state' }), half);
    // Assess
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(execution.events.filter((e) => e.type === 'ExecutionFailed').map((e) => e.error)).toEqual(['States.DataLimitExceeded']);
  });

  it('invokes no function after it, in a next Task or in a retry', async () => {
    // Prepare: a Task after the state over the quota; and a Task retried on every error whose result is over it
    let after = 0;
    let retried = 0;
    const handlers = new Map<string, LambdaHandler>([
      [FN, half],
      [
        AFTER_FN,
        async () => {
          after += 1;
          return {};
        },
      ],
    ]);
    const next = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: AFTER_FN, Payload: {} }, End: true };
    const engine = new LocalWorkflow({ definition: withNext(next), stateMachineArn: ARN, handlers });
    const big: LambdaHandler = async () => {
      retried += 1;
      return 'x'.repeat(PAYLOAD_LIMIT_BYTES);
    };
    const retrying = JSON.parse(caught()) as { States: Record<string, Record<string, unknown>> };
    retrying.States['Make payload']!.Retry = [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 3, IntervalSeconds: 1 }];
    delete retrying.States['Make payload']!.Catch;
    delete retrying.States.Caught;
    // Act
    const first = engine.start(undefined, '{}');
    await first.done;
    const second = await runWith(JSON.stringify(retrying), big);
    await new Promise((r) => setTimeout(r, 1_500));
    // Assess
    expect(first.error).toBe('States.DataLimitExceeded');
    expect(after).toBe(0);
    expect(second.error).toBe('States.DataLimitExceeded');
    expect(retried).toBe(1);
  });
});
