import { cpSync, existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystemNow, holdBundles, lambdaBundles, pruneStaleBuilds } from '../../local/twin/lambda-bundles.js';
import { LocalLambda, type InvocationRecord, type LambdaFunctionConfig } from '../../local/twin/lambda-runtime.js';
import { LocalWorkflow } from '../../local/twin/workflow-engine.js';

// The twin's Lambda runtime (local/twin/lambda-runtime.ts) on small handler modules: each function in its
// own execution environments, with its own variables, module state, timeout and memory, as Lambda runs it.
const dir = mkdtempSync(join(tmpdir(), 'breach-notice-sandbox-test-'));
const handlerFile = (name: string, source: string) => {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  return file;
};
const STATEFUL = handlerFile(
  'stateful',
  `let count = 0;
   const id = Math.random();
   export const handler = async (event, context) => {
     count += 1;
     if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
     return { count, id, mine: process.env.MINE ?? null, twins: process.env.TWIN_ONLY ?? null, remainingMs: context.getRemainingTimeInMillis() };
   };`,
);
const HUNGRY = handlerFile(
  'hungry',
  `export const handler = async (event) => {
     const kept = [];
     for (let mb = 0; mb < event.megabytes; mb += 8) kept.push(new Array(1024 * 1024).fill(mb + 0.5));
     return { kept: kept.length };
   };`,
);
// Fails its first `failTimes` invocations (module state: the retries reuse the warm environment), noting when each began.
const FLAKY = handlerFile(
  'flaky',
  `const began = [];
   const ids = [];
   export const handler = async (event, context) => {
     began.push(Date.now());
     ids.push(context.awsRequestId);
     if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
     if (began.length <= event.failTimes) throw Object.assign(new Error('attempt ' + began.length + ' failed'), { name: 'FlakyError' });
     return { began, ids };
   };`,
);
const BROKEN = handlerFile('broken', `throw Object.assign(new Error('Invalid configuration: TABLE is missing'), { name: 'ConfigurationError' });`);

let sandbox: string;
const lambdas: LocalLambda[] = [];
const lambda = (config: Partial<LambdaFunctionConfig> & Pick<LambdaFunctionConfig, 'bundle'>) => {
  const l = new LocalLambda({
    functionName: 'test',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
    sandbox,
    environment: {},
    timeoutSeconds: 10,
    memoryMB: 256,
    ...config,
  });
  lambdas.push(l);
  return l;
};

beforeAll(async () => {
  sandbox = (await lambdaBundles([])).sandbox;
});
afterAll(async () => {
  await Promise.all(lambdas.map((l) => l.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('functions in sandboxes of their own', () => {
  it('past its reserved concurrency a synchronous invoke is throttled (429) and an asynchronous one waits its turn', async () => {
    // Prepare: one environment at most.
    const fn = lambda({ bundle: STATEFUL, reservedConcurrency: 1 });
    // Act: two synchronous invokes at once, then three asynchronous ones.
    const sync = await Promise.allSettled([fn.invoke({ sleepMs: 300 }), fn.invoke({ sleepMs: 300 })]);
    const queued = (await Promise.all([1, 2, 3].map(() => fn.asyncHandler({ sleepMs: 100 }, {} as never)))) as { count: number; id: number }[];
    // Assess: the second synchronous invoke was refused by name; the queued ones all ran, one after another in the one environment.
    expect(sync.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(((sync[1] as PromiseRejectedResult).reason as Error).name).toBe('TooManyRequestsException');
    expect(new Set(queued.map((r) => r.id)).size).toBe(1);
    expect(queued.map((r) => r.count).sort()).toEqual([2, 3, 4]);
  });

  it("each function has its own variables and module state, kept while its environment is warm; the twin's own environment is untouched", async () => {
    // Prepare: a variable of the twin's own process, which no function has.
    process.env.TWIN_ONLY = 'twin';
    const a = lambda({ bundle: STATEFUL, environment: { MINE: 'a' } });
    const b = lambda({ bundle: STATEFUL, environment: { MINE: 'b' } });
    // Act
    const first = (await a.invoke({})) as { count: number; id: number; mine: string; twins: string | null };
    const second = (await a.invoke({})) as { count: number; id: number };
    const other = (await b.invoke({})) as { count: number; id: number; mine: string };
    delete process.env.TWIN_ONLY;
    // Assess
    expect([first.count, second.count, second.id]).toEqual([1, 2, first.id]);
    expect([first.mine, other.mine, other.count]).toEqual(['a', 'b', 1]);
    expect(other.id).not.toBe(first.id);
    expect(first.twins).toBeNull();
    expect(process.env.MINE).toBeUndefined();
  });

  it('invocations at once run in environments of their own, as Lambda scales a function out', async () => {
    const l = lambda({ bundle: STATEFUL });
    const results = (await Promise.all([1, 2, 3].map(() => l.invoke({ sleepMs: 300 })))) as { id: number; count: number }[];
    expect(new Set(results.map((r) => r.id)).size).toBe(3);
    expect(results.map((r) => r.count)).toEqual([1, 1, 1]);
  });

  it("past its timeout an invocation fails as Lambda's does (Sandbox.Timedout) and the next one starts in a fresh environment", async () => {
    // Prepare
    const l = lambda({ bundle: STATEFUL, timeoutSeconds: 1 });
    const warm = (await l.invoke({})) as { id: number; remainingMs: number };
    expect(warm.remainingMs).toBeGreaterThan(500);
    expect(warm.remainingMs).toBeLessThanOrEqual(1000);
    // Act
    const timedOut = await l.invoke({ sleepMs: 3000 }).then(
      () => undefined,
      (error: Error) => error,
    );
    const after = (await l.invoke({})) as { id: number; count: number };
    // Assess
    expect(timedOut?.name).toBe('Sandbox.Timedout');
    expect(timedOut?.message).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    expect(after.id).not.toBe(warm.id);
    expect(after.count).toBe(1);
  });

  it('past its memory the environment dies (Runtime.ExitError), while the same work fits in a larger function', async () => {
    const small = lambda({ bundle: HUNGRY, memoryMB: 128 });
    const large = lambda({ bundle: HUNGRY, memoryMB: 1024 });
    const died = await small.invoke({ megabytes: 400 }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(died?.name).toBe('Runtime.ExitError');
    expect(died?.message).toMatch(/Runtime exited with error: signal: killed$/);
    await expect(large.invoke({ megabytes: 400 })).resolves.toEqual({ kept: 50 });
  });

  // Lambda's asynchronous error handling (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html),
  // its waits 600 times faster here: a minute is 100 ms.
  const SCALE = 600;
  const failing = (
    config: Partial<LambdaFunctionConfig>,
    asyncInvoke: Omit<NonNullable<LambdaFunctionConfig['asyncInvoke']>, 'onFailure' | 'timeScale'> = {},
  ) => {
    const records: InvocationRecord[] = [];
    const fn = lambda({ bundle: FLAKY, ...config, asyncInvoke: { ...asyncInvoke, timeScale: SCALE, onFailure: (r) => records.push(r) } });
    return { fn, records };
  };
  const settled = (p: Promise<unknown>) =>
    p.then(
      (value) => ({ value, error: undefined }),
      (error: Error) => ({ value: undefined, error }),
    );

  it('an asynchronous event the function fails is run again a minute later and two minutes after that (scaled), under one request id, and succeeds', async () => {
    // Prepare: 60 times faster, so a scaled minute (1 s) stands clear of timer jitter.
    const records: InvocationRecord[] = [];
    const fn = lambda({ bundle: FLAKY, asyncInvoke: { timeScale: 60, onFailure: (r) => records.push(r) } });
    // Act
    const { began, ids } = (await fn.asyncHandler({ failTimes: 2 }, {} as never)) as { began: number[]; ids: string[] };
    // Assess: three attempts, a minute then two minutes apart (scaled), each with the event's request id, as Lambda retries; nothing discarded.
    expect(began).toHaveLength(3);
    expect(began[1]! - began[0]!).toBeGreaterThanOrEqual(1_000);
    expect(began[1]! - began[0]!).toBeLessThan(2_000);
    expect(began[2]! - began[1]!).toBeGreaterThanOrEqual(2_000);
    expect(new Set(ids).size).toBe(1);
    expect(records).toEqual([]);
  });

  it('once its retries are spent the event is discarded and its invocation record goes to the on-failure destination; with none allowed, after one attempt', async () => {
    // Prepare
    const twice = failing({}, { retryAttempts: 2 });
    const never = failing({}, { retryAttempts: 0 });
    // Act
    const spent = await settled(twice.fn.asyncHandler({ failTimes: 9 }, {} as never));
    const once = await settled(never.fn.asyncHandler({ failTimes: 9 }, {} as never));
    // Assess: the record Lambda documents (invocation-async-retain-records.html), with the event and the last error.
    expect(spent.error?.name).toBe('FlakyError');
    expect(twice.records).toEqual([
      {
        version: '1.0',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        requestContext: {
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test:$LATEST',
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: { failTimes: 9 },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'FlakyError', errorMessage: 'attempt 3 failed' },
      },
    ]);
    expect(once.error?.message).toBe('attempt 1 failed');
    expect(never.records.map((r) => [r.requestContext.condition, r.requestContext.approximateInvokeCount, r.responsePayload?.errorMessage])).toEqual([
      ['RetriesExhausted', 1, 'attempt 1 failed'],
    ]);
  });

  it('a timeout is a function error: the event is retried, and the record names Sandbox.Timedout', async () => {
    const { fn, records } = failing({ timeoutSeconds: 1 }, { retryAttempts: 1 });
    const { error } = await settled(fn.asyncHandler({ failTimes: 0, sleepMs: 1500 }, {} as never));
    expect(error?.name).toBe('Sandbox.Timedout');
    expect(records.map((r) => [r.requestContext.approximateInvokeCount, r.responsePayload?.errorType])).toEqual([[2, 'Sandbox.Timedout']]);
  });

  it('events that wait for an environment past their maximum age are discarded unrun (EventAgeExceeded), each passing the free environment on', async () => {
    // Prepare: one environment, busy for longer than the others may wait.
    const { fn, records } = failing({ reservedConcurrency: 1 }, { maxEventAgeSeconds: 1 });
    // Act
    const [first, second, third] = await Promise.all([
      settled(fn.asyncHandler({ failTimes: 0, sleepMs: 1500 }, {} as never)),
      settled(fn.asyncHandler({ failTimes: 0 }, {} as never)),
      settled(fn.asyncHandler({ failTimes: 0 }, {} as never)),
    ]);
    // Assess: the first ran; the others never did (the third was woken by the second leaving), and each record says why, with no response.
    expect((first.value as { began: number[] }).began).toHaveLength(1);
    expect([second.error, third.error]).toEqual([expect.any(Error), expect.any(Error)]);
    const expired = expect.objectContaining({
      requestContext: expect.objectContaining({ condition: 'EventAgeExceeded', approximateInvokeCount: 0 }),
      requestPayload: { failTimes: 0 },
    });
    expect(records).toEqual([expired, expired]);
    for (const record of records) expect(record).not.toHaveProperty('responsePayload');
    expect(((await fn.invoke({ failTimes: 0 })) as { began: number[] }).began).toHaveLength(2);
  });

  it('stopping the function ends the waits of events due for a retry: they are not run again', async () => {
    // Prepare: real time, so the retry would come a minute later.
    const fn = lambda({ bundle: FLAKY, asyncInvoke: { onFailure: () => expect.unreachable('nothing is discarded') } });
    const pending = fn.asyncHandler({ failTimes: 9 }, {} as never);
    while (fn.usage.invocations === 0) await new Promise((r) => setTimeout(r, 20));
    // Act
    await fn.stop();
    // Assess: the event's wait ended at once, unrun.
    await expect(pending).resolves.toBeUndefined();
    expect(fn.usage.invocations).toBe(1);
  }, 10_000);

  it('stopping the function under a running asynchronous event ends it, and the events waiting for its environment, quietly: no retry, no record, no error', async () => {
    const fn = lambda({ bundle: FLAKY, reservedConcurrency: 1, asyncInvoke: { onFailure: () => expect.unreachable('nothing is discarded') } });
    await fn.warm();
    const pending = [1, 2, 3].map(() => fn.asyncHandler({ failTimes: 0, sleepMs: 5000 }, {} as never));
    await new Promise((r) => setTimeout(r, 300));
    await fn.stop();
    await expect(Promise.all(pending)).resolves.toEqual([undefined, undefined, undefined]);
  }, 10_000);

  it('a module that fails at load fails the start with its own error, as a Lambda init error does', async () => {
    const error = await lambda({ bundle: BROKEN })
      .warm()
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.name).toBe('ConfigurationError');
    expect(error?.message).toBe('Invalid configuration: TABLE is missing');
  });

  it("Step Functions sees a timeout by Lambda's name: its retrier for Sandbox.Timedout runs, then the catch gets the error and cause", async () => {
    // Prepare: a one-task machine whose function sleeps past its 1 s timeout.
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:sleeper';
    const sleeper = lambda({ bundle: STATEFUL, timeoutSeconds: 1 });
    const workflow = new LocalWorkflow({
      definition: JSON.stringify({
        StartAt: 'Call the function',
        States: {
          'Call the function': {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: arn, Payload: { sleepMs: 3000 } },
            Retry: [{ ErrorEquals: ['Sandbox.Timedout'], IntervalSeconds: 1, MaxAttempts: 1 }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Timed out' }],
            End: true,
          },
          'Timed out': { Type: 'Pass', End: true },
        },
      }),
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:sleeper',
      handlers: new Map([[arn, sleeper.handler]]),
      retryIntervalOverrides: { 'Call the function': 10 },
    });
    // Act
    const execution = workflow.start('timeout', '{}');
    await execution.done;
    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.events.filter((e) => e.type === 'StateRetried')).toHaveLength(1);
    const { error } = JSON.parse(execution.output!) as { error: { Error: string; Cause: string } };
    expect(error.Error).toBe('Sandbox.Timedout');
    expect(JSON.parse(error.Cause)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds$/) });
  });

  it('a build a running twin holds is never pruned, however old: a function may still scale out from it', async () => {
    // Prepare: a copy of the sandbox build, last touched an hour ago.
    const built = await lambdaBundles([]);
    const copy = `${built.dir}-held-by-test`;
    cpSync(built.dir, copy, { recursive: true });
    const anHourAgo = (fileSystemNow() - 3_600_000) / 1000;
    utimesSync(copy, anHourAgo, anHourAgo);
    // Act
    const release = holdBundles({ ...built, dir: copy });
    pruneStaleBuilds();
    const heldSurvived = existsSync(copy);
    release();
    utimesSync(copy, anHourAgo, anHourAgo);
    pruneStaleBuilds();
    // Assess
    expect(heldSurvived).toBe(true);
    expect(existsSync(copy)).toBe(false);
  });
});
