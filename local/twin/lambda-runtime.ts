import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { SandboxData, SandboxReply } from './lambda-protocol.js';
import type { FunctionUsage } from './usage.js';
import type { LambdaHandler } from './workflow-engine.js';

/**
 * An invocation that failed, as Lambda reports it: `name` is the errorType, which Step Functions
 * reports as the task's error and matches Retry and Catch on.
 */
export class FunctionError extends Error {
  constructor(errorType: string, message: string) {
    super(message);
    this.name = errorType;
  }
}

export interface LambdaFunctionConfig {
  functionName: string;
  functionArn: string;
  /** The function's bundle and the sandbox script that runs it (local/twin/lambda-bundles.ts). */
  bundle: string;
  sandbox: string;
  /** Its whole process.env: the template's variables, its credentials and the twin's endpoints. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMB: number;
  /** ReservedConcurrentExecutions: environments at most at once. @default no limit */
  reservedConcurrency?: number;
  /** Each line the function writes to stdout, where Lambda's log would have it. @default the twin's own stdout */
  onLogLine?: (line: string) => void;
  /** Each invocation's outcome, as Lambda counts it in its Errors and Throttles metrics. @default none */
  onInvoked?: (outcome: 'succeeded' | 'failed' | 'throttled') => void;
  /** How Lambda handles the function's asynchronous invocations. @default Lambda's defaults, no destination */
  asyncInvoke?: AsyncInvokeConfig;
}

/** A function's EventInvokeConfig as the twin runs it (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html). */
export interface AsyncInvokeConfig {
  /** Retries after a function error, 0 to 2. @default 2 */
  retryAttempts?: number;
  /** How long an event may wait in Lambda's queue, retries included. @default 21600 */
  maxEventAgeSeconds?: number;
  /**
   * Lambda's waits between retries run this many times faster (the twin's time scale, as the evidence
   * window they race runs). The event's age is real time, like the functions' own timeouts. @default 1
   */
  timeScale?: number;
  /** Where the invocation record of a discarded event goes (the on-failure destination). @default nowhere: the event is lost */
  onFailure?: (record: InvocationRecord) => void;
}

/** What Lambda sends an on-failure destination (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). */
export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted' | 'EventAgeExceeded'; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext?: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload?: { errorType: string; errorMessage: string };
}

/** A minute before the first retry of a failed asynchronous event, two before the second (invocation-async-error-handling.html). */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

interface Pending {
  requestId: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One execution environment: a worker thread with the function's own module state and variables, one invocation at a time. */
class Sandbox {
  readonly ready: Promise<void>;
  alive = true;
  private readonly worker: Worker;
  private pending?: Pending;

  constructor(
    private readonly config: LambdaFunctionConfig,
    usage: FunctionUsage,
  ) {
    const initStarted = performance.now();
    const data: SandboxData = { bundle: config.bundle, functionName: config.functionName, functionArn: config.functionArn, memoryMB: config.memoryMB };
    this.worker = new Worker(config.sandbox, {
      env: config.environment,
      workerData: data,
      // Not the twin's own loader flags (tsx, vitest): the sandbox runs the bundle as Lambda's runtime does.
      execArgv: [],
      // MemorySize bounds the heap: past it the thread dies, as Lambda ends a function out of memory.
      resourceLimits: { maxOldGenerationSizeMb: config.memoryMB },
      // Its output goes on to the twin's, counted: what the function's log stream would hold. With
      // `onLogLine`, standard output is read line by line instead (the metrics in it), and that passes the rest on.
      stdout: true,
      stderr: true,
    });
    for (const [from, to] of [
      [this.worker.stdout, config.onLogLine ? undefined : process.stdout],
      [this.worker.stderr, process.stderr],
    ] as const) {
      from.on('data', (chunk: Buffer) => {
        usage.logBytes += chunk.length;
        to?.write(chunk);
      });
    }
    if (config.onLogLine) createInterface({ input: this.worker.stdout, crlfDelay: Infinity }).on('line', config.onLogLine);
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: SandboxReply) => {
        if (message.type === 'ready') {
          usage.coldStarts += 1;
          usage.initMs += performance.now() - initStarted;
          resolve();
        } else if (message.type === 'init-error') {
          void this.kill();
          reject(new FunctionError(message.errorType, message.errorMessage));
        }
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', (code) => reject(new FunctionError('Runtime.ExitError', `Runtime exited with error: exit status ${code}`)));
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (message: SandboxReply) => this.settle(message));
    this.worker.on('error', (error: Error & { code?: string }) => {
      // What Lambda writes to the function's log when its runtime dies.
      console.error(`${config.functionName}: the execution environment ended: ${error.stack ?? error.message}`);
      this.crash(error);
    });
    this.worker.on('exit', (code) => this.crash(Object.assign(new Error(`exit status ${code}`), { code: 'EXIT' })));
  }

  /** Runs one invocation (an asynchronous event's retries keep its request id); past the function's timeout the environment is destroyed, as Lambda does. */
  run(event: unknown, requestId: string = randomUUID()): Promise<unknown> {
    const { timeoutSeconds } = this.config;
    const deadline = Date.now() + timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        void this.kill();
        // What Lambda reports for a timeout, and Step Functions then as the task's error:
        // https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts
        reject(new FunctionError('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`));
      }, deadline - Date.now());
      this.pending = { requestId, resolve, reject, timer };
      this.worker.ref();
      this.worker.postMessage({ requestId, event: JSON.stringify(event ?? null), deadline });
    });
  }

  kill(): Promise<number> {
    this.alive = false;
    return this.worker.terminate();
  }

  private settle(message: SandboxReply): void {
    const pending = this.pending;
    if (!pending || (message.type !== 'result' && message.type !== 'error') || message.requestId !== pending.requestId) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    this.worker.unref();
    if (message.type === 'result') pending.resolve(JSON.parse(message.payload));
    else pending.reject(new FunctionError(message.errorType, message.errorMessage));
  }

  /** The thread died mid-invocation (out of memory, an uncaught exception): the invocation fails and the environment is gone. */
  private crash(error: Error & { code?: string }): void {
    this.alive = false;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    const signal = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'signal: killed' : error.code === 'EXIT' ? error.message : `${error.name}: ${error.message}`;
    pending.reject(new FunctionError('Runtime.ExitError', `RequestId: ${pending.requestId} Error: Runtime exited with error: ${signal}`));
  }
}

/**
 * A function on the twin as Lambda runs it: each concurrent invocation in its own environment (a
 * worker thread), environments reused while warm, a fresh one after a timeout or crash.
 */
export class LocalLambda {
  private readonly idle: Sandbox[] = [];
  private readonly sandboxes = new Set<Sandbox>();
  /** What this function has used since the twin started: invocations, their time, its cold starts and its log. */
  readonly usage: FunctionUsage;

  constructor(readonly config: LambdaFunctionConfig) {
    this.usage = { invocations: 0, billedMs: 0, coldStarts: 0, initMs: 0, memoryMB: config.memoryMB, logBytes: 0 };
  }

  /** One environment started ahead of the first invocation; rejects with the function's init error. */
  async warm(): Promise<void> {
    const sandbox = this.create();
    await sandbox.ready;
    this.idle.push(sandbox);
  }

  private inFlight = 0;
  private readonly queued: (() => void)[] = [];
  /** Events waiting for a retry: stopping the function ends their waits, and they are not run. */
  private readonly retryTimers = new Set<() => void>();
  private stopped = false;

  /** A synchronous invoke (Step Functions, the HTTP API): past the reserved concurrency Lambda throttles it. */
  readonly handler: LambdaHandler = (event) => this.invoke(event);

  /**
   * An asynchronous invoke (an EventBridge target, a log subscription), as Lambda's event queue runs it
   * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html): past the reserved
   * concurrency the event waits for an environment; a function error (its own, a timeout, a crash) is
   * retried after a minute and again after two, as many times as `retryAttempts` allows; an event older
   * than `maxEventAgeSeconds` is not run again. A discarded event's invocation record goes to `onFailure`.
   * Resolves with the result, or rejects with the last error once the event is discarded.
   */
  readonly asyncHandler: LambdaHandler = async (event) => {
    const { retryAttempts = 2, maxEventAgeSeconds = 21_600, timeScale = 1, onFailure } = this.config.asyncInvoke ?? {};
    const requestId = randomUUID();
    const queuedAt = Date.now();
    let lastError: FunctionError | undefined;
    const discard = (condition: InvocationRecord['requestContext']['condition'], attempts: number) =>
      onFailure?.({
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: { requestId, functionArn: `${this.config.functionArn}:$LATEST`, condition, approximateInvokeCount: attempts },
        requestPayload: event,
        ...(lastError && {
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType: lastError.name, errorMessage: lastError.message },
        }),
      });
    for (let attempt = 1; ; attempt += 1) {
      const limit = this.config.reservedConcurrency;
      while (!this.stopped && limit !== undefined && this.inFlight >= limit) await new Promise<void>((resolve) => this.queued.push(resolve));
      if (this.stopped) {
        this.passOnSlot();
        return undefined;
      }
      // Checked when an environment is free (AWS discards an expired event from its queue without one).
      if (Date.now() - queuedAt > maxEventAgeSeconds * 1000) {
        this.passOnSlot();
        discard('EventAgeExceeded', attempt - 1);
        throw lastError ?? new FunctionError('EventAgeExceeded', `RequestId: ${requestId} The event waited past its maximum age of ${maxEventAgeSeconds} s`);
      }
      try {
        return await this.run(event, requestId);
      } catch (error) {
        // The twin stopped under it: nothing to retry or keep.
        if (this.stopped) return undefined;
        lastError = error as FunctionError;
        if (attempt > retryAttempts) {
          discard('RetriesExhausted', attempt);
          throw error;
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          () => {
            this.retryTimers.delete(wake);
            resolve();
          },
          ASYNC_RETRY_DELAYS_MS[attempt - 1]! / timeScale,
        );
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.retryTimers.add(wake);
      });
    }
  };

  async invoke(event: unknown): Promise<unknown> {
    const limit = this.config.reservedConcurrency;
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html: a synchronous invoke past the limit fails with 429.
    if (limit !== undefined && this.inFlight >= limit) {
      this.config.onInvoked?.('throttled');
      throw new FunctionError('TooManyRequestsException', 'Rate Exceeded.');
    }
    return this.run(event);
  }

  private async run(event: unknown, requestId?: string): Promise<unknown> {
    this.inFlight += 1;
    try {
      return await this.runInSandbox(event, requestId);
    } finally {
      this.inFlight -= 1;
      this.passOnSlot();
    }
  }

  /** Wakes the next event waiting for an environment: each freed slot, and each waiter that leaves without running, passes it on. */
  private passOnSlot(): void {
    this.queued.shift()?.();
  }

  private async runInSandbox(event: unknown, requestId?: string): Promise<unknown> {
    let sandbox = this.idle.pop();
    // An idle environment whose thread died since (a stray timer's uncaught error) is not reused.
    while (sandbox && !sandbox.alive) {
      this.sandboxes.delete(sandbox);
      sandbox = this.idle.pop();
    }
    sandbox ??= this.create();
    try {
      await sandbox.ready;
      const started = performance.now();
      let outcome: 'succeeded' | 'failed' = 'failed';
      try {
        const result = await sandbox.run(event, requestId);
        outcome = 'succeeded';
        return result;
      } finally {
        this.config.onInvoked?.(outcome);
        // Lambda bills each invocation's duration rounded up to the millisecond (https://aws.amazon.com/lambda/pricing/).
        this.usage.invocations += 1;
        const ms = Math.ceil(performance.now() - started);
        this.usage.billedMs += ms;
        this.usage.longestMs = Math.max(this.usage.longestMs ?? 0, ms);
      }
    } finally {
      if (sandbox.alive) this.idle.push(sandbox);
      else this.sandboxes.delete(sandbox);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.retryTimers) wake();
    this.retryTimers.clear();
    for (const wake of this.queued.splice(0)) wake();
    const all = [...this.sandboxes];
    this.sandboxes.clear();
    this.idle.length = 0;
    await Promise.all(all.map((sandbox) => sandbox.kill()));
  }

  private create(): Sandbox {
    const sandbox = new Sandbox(this.config, this.usage);
    this.sandboxes.add(sandbox);
    return sandbox;
  }
}
