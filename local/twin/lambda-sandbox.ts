// A function's execution environment on the twin: a worker thread that loads one bundle, as Lambda's
// Node.js runtime loads it (its own module state, its own process.env), and runs one invocation at a
// time. Built into the bundles' folder by local/twin/lambda-bundles.ts; driven by local/twin/lambda-runtime.ts.
import './polyfills.js';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import type { SandboxData, SandboxReply, SandboxRequest } from './lambda-protocol.js';

const data = workerData as SandboxData;
const port = parentPort!;
const reply = (message: SandboxReply) => port.postMessage(message);

// The template's NODE_OPTIONS cannot reach a thread; the one option the stack sets is applied here.
if ((process.env.NODE_OPTIONS ?? '').includes('--enable-source-maps')) process.setSourceMapsEnabled(true);

type Handler = (event: unknown, context: Context) => Promise<unknown>;
let handler: Handler;
try {
  handler = ((await import(pathToFileURL(data.bundle).href)) as { handler: Handler }).handler;
  if (typeof handler !== 'function') throw Object.assign(new Error(`${data.bundle} exports no handler`), { name: 'Runtime.HandlerNotFound' });
  reply({ type: 'ready' });
} catch (error) {
  const e = error as Error;
  reply({ type: 'init-error', errorType: e.name ?? 'Error', errorMessage: e.message ?? String(error) });
}

port.on('message', (request: SandboxRequest) => {
  const context = {
    awsRequestId: request.requestId,
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: data.functionArn,
    memoryLimitInMB: String(data.memoryMB),
    logGroupName: `/aws/lambda/${data.functionName}`,
    logStreamName: 'twin',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } as Context;
  // The payload crosses as JSON both ways, as it does through Lambda's Invoke API.
  handler(JSON.parse(request.event), context).then(
    (result) => reply({ type: 'result', requestId: request.requestId, payload: JSON.stringify(result ?? null) }),
    (error: unknown) => {
      const e = error as Error;
      reply({ type: 'error', requestId: request.requestId, errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(error) });
    },
  );
});
