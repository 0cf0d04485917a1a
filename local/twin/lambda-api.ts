import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lambdaContext } from './http-api.js';
import { readBody, signedFor } from './http-util.js';
import type { LambdaHandler } from './workflow-engine.js';

/** A function of the stack as Invoke runs it: a synchronous invocation, or an asynchronous event (retries, on-failure record). */
export interface InvokableFunction {
  name: string;
  sync: LambdaHandler;
  async: LambdaHandler;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/?]+)\/invocations(?:\?(.*))?$/;
/** A name, a partial ARN (`account:function:name`) or an ARN, with an optional qualifier (API_Invoke.html). */
const FUNCTION_NAME = /^(?:arn:aws[\w-]*:lambda:([\w-]+):(\d{12}):function:|(\d{12}):function:)?([\w-]+)(?::(\$LATEST|[\w-]+))?$/;

/**
 * A POST to Invoke's path signed for the `lambda` service: the signature's header also keeps a web page from
 * invoking a function through a visitor's browser (a header like it needs a CORS preflight the edge never grants).
 */
export const isLambdaInvoke = (req: IncomingMessage): boolean => req.method === 'POST' && INVOKE_PATH.test(req.url ?? '') && signedFor(req, 'lambda');

/**
 * Lambda's Invoke at the twin's edge, for an operator handing an event back to a function (a dead-letter
 * record's `requestPayload`): `POST /2015-03-31/functions/{FunctionName}/invocations` by name or ARN ($LATEST), with
 * `X-Amz-Invocation-Type` RequestResponse (the result, or the function's error under
 * `X-Amz-Function-Error: Unhandled`), Event (202, then run as Lambda runs an asynchronous event) or DryRun
 * (204), https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html.
 */
export function lambdaInvokeHandler(functionNamed: (name: string) => InvokableFunction | undefined, region: string, account: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const error = (status: number, type: string, message: string, extra: Record<string, string> = {}) =>
      void res
        .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
        .end(JSON.stringify({ Type: 'User', Message: message, ...extra }));
    const [, rawName = '', query = ''] = INVOKE_PATH.exec(req.url ?? '')!;
    let requested = '';
    try {
      requested = decodeURIComponent(rawName);
    } catch {
      requested = rawName;
    }
    const parsed = FUNCTION_NAME.exec(requested);
    const name = parsed?.[4] ?? requested;
    const qualifier = new URLSearchParams(query).get('Qualifier') ?? parsed?.[5];
    const arn = `arn:aws:lambda:${region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
    // This account and region's $LATEST only: the twin publishes no versions or aliases.
    const fn =
      parsed && (parsed[1] ?? region) === region && (parsed[2] ?? parsed[3] ?? account) === account && (!qualifier || qualifier === '$LATEST')
        ? functionNamed(name)
        : undefined;
    if (!fn) return error(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
    const text = await readBody(req);
    let event: unknown;
    try {
      event = text ? JSON.parse(text) : {};
    } catch {
      return error(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const context = lambdaContext(fn.name);
    if (type === 'DryRun') return void res.writeHead(204).end();
    if (type === 'Event') {
      // Accepted into Lambda's queue: its failures are retried and then kept as the function's config says.
      void fn.async(event, context).catch(() => undefined);
      return void res.writeHead(202, { 'x-amzn-requestid': randomUUID() }).end();
    }
    if (type !== 'RequestResponse') return error(400, 'InvalidParameterValueException', `Invalid invocation type: ${type}`);
    const headers = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': randomUUID() };
    try {
      const result = await fn.sync(event, context);
      res.writeHead(200, headers).end(JSON.stringify(result ?? null));
    } catch (failure) {
      const e = failure as Error;
      // Past its reserved concurrency Lambda refuses the call (429), which the CLI and SDKs retry; the function did not run.
      if (e.name === 'TooManyRequestsException')
        return error(429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
      res.writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' }).end(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
    }
  };
}
