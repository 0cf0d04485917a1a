import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionDescriptor, type FunctionName } from '../../infra/functions.js';
import type { LambdaHandler } from './workflow-engine.js';
import { isLoopbackHost, readBody } from './http-util.js';

export interface HttpRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  sourceIp?: string;
}

/** A route of the stack's HTTP API (infra/constructs/approval-api.ts), as the twin serves it. */
export interface HttpApiRoute {
  /** As API Gateway writes it, `{name}` for a path parameter. */
  path: string;
  methods: readonly string[];
  /** The function behind it, by its handler module. */
  handler: FunctionName;
  /** The deployed function's name, for the Lambda context. */
  functionName: string;
  authorization: 'NONE' | 'AWS_IAM';
}

/** The routes the stack deploys: each function's, as its descriptor lists them (infra/functions.ts). */
export const HTTP_API_ROUTES: readonly HttpApiRoute[] = (Object.entries(FUNCTIONS) as [FunctionName, FunctionDescriptor][]).flatMap(([handler, { http }]) =>
  Object.entries(http?.routes ?? {}).map(([path, methods]) => ({
    path,
    methods,
    handler,
    functionName: `breach-notice-${handler}`,
    authorization: http!.authorization,
  })),
);

/** The function whose routes start with the first segment of `rawPath` (`/operator/` -> operator-api): where the edge sends the request. */
export function httpApiHandlerFor(rawPath: string): FunctionName | undefined {
  return HTTP_API_ROUTES.find((route) => rawPath.startsWith(route.path.slice(0, route.path.indexOf('/', 1) + 1)))?.handler;
}

const LOCAL_ACCOUNT_ID = '000000000000';

/** The route API Gateway would pick for `method` and `rawPath`, with its path parameters; none is API Gateway's 404. */
export function matchRoute(method: string, rawPath: string): { route: HttpApiRoute; routeKey: string; pathParameters: Record<string, string> } | undefined {
  for (const route of HTTP_API_ROUTES) {
    if (!route.methods.includes(method)) continue;
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const pattern = new RegExp(`^${route.path.replace(/\{\w+\}/g, '([^/]+)')}$`);
    const match = pattern.exec(rawPath);
    if (!match) continue;
    const pathParameters = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    return { route, routeKey: `${method} ${route.path}`, pathParameters };
  }
  return undefined;
}

/** What API Gateway's IAM authorizer puts in `requestContext.authorizer.iam` (payload format 2.0). */
export interface IamIdentity {
  accessKey: string;
  accountId: string;
  callerId: string;
  principalOrgId: null;
  userArn: string;
  userId: string;
  cognitoIdentity: null;
}

const SIGV4_EXECUTE_API =
  /^AWS4-HMAC-SHA256 Credential=([A-Za-z0-9+=,.@_-]{1,64})\/\d{8}\/[a-z0-9-]+\/execute-api\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;
const LOOPBACK_IP = /^(127(\.\d{1,3}){3}|::1)$/;

/**
 * The twin's stand-in for the IAM authorizer. It has no IAM to verify a signature against, so it takes
 * a request signed in form for execute-api (any SigV4 client: `curl --aws-sigv4`, the SDK's signer),
 * from loopback to a loopback Host (no DNS-rebinding page), and its access key id names the operator:
 * `arn:aws:iam::000000000000:user/<access key id>`. Anything else gets API Gateway's 403.
 */
export function localIamIdentity(request: Pick<HttpRequest, 'headers' | 'sourceIp'>): IamIdentity | undefined {
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (!LOOPBACK_IP.test(request.sourceIp ?? '127.0.0.1') || !isLoopbackHost(headers.host ?? '127.0.0.1')) return undefined;
  const accessKey = SIGV4_EXECUTE_API.exec(headers.authorization ?? '')?.[1];
  if (!accessKey) return undefined;
  return {
    accessKey,
    accountId: LOCAL_ACCOUNT_ID,
    callerId: accessKey,
    principalOrgId: null,
    userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${accessKey}`,
    userId: accessKey,
    cognitoIdentity: null,
  };
}

/** The payload-format-2.0 event API Gateway's HTTP API gives a route's function for `request`. */
export function toHttpApiEvent(request: HttpRequest, iam?: IamIdentity) {
  const [rawPath = '/', rawQueryString = ''] = request.path.split('?');
  const method = request.method.toUpperCase();
  const matched = matchRoute(method, rawPath);
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const now = new Date();
  const routeKey = matched?.routeKey ?? '$default';
  // Repeated parameters arrive joined by commas, as API Gateway joins them.
  const query = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(rawQueryString)) query.set(key, [...(query.get(key) ?? []), value]);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    queryStringParameters: query.size ? Object.fromEntries([...query].map(([k, v]) => [k, v.join(',')])) : undefined,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      authorizer: iam ? { iam } : undefined,
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: request.sourceIp ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    cookies: headers.cookie
      ? headers.cookie
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean)
      : undefined,
    pathParameters: matched?.pathParameters,
    body: request.body === undefined ? undefined : Buffer.from(request.body).toString('base64'),
    isBase64Encoded: request.body !== undefined,
  };
}

export function lambdaContext(functionName: string): Context {
  return {
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const gatewayAnswer = (statusCode: number, message: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
});

/**
 * Calls `handler`, the function behind the request's route, as API Gateway would: no route is API
 * Gateway's own 404, an IAM route without a (local) identity its 403, and the function never runs.
 */
export async function invokeHttpApi(handler: LambdaHandler, request: HttpRequest): Promise<APIGatewayProxyStructuredResultV2> {
  const matched = matchRoute(request.method.toUpperCase(), request.path.split('?')[0] ?? '/');
  if (!matched) return gatewayAnswer(404, 'Not Found');
  const iam = matched.route.authorization === 'AWS_IAM' ? localIamIdentity(request) : undefined;
  if (matched.route.authorization === 'AWS_IAM' && !iam) return gatewayAnswer(403, 'Forbidden');
  return (await handler(toHttpApiEvent(request, iam), lambdaContext(matched.route.functionName))) as APIGatewayProxyStructuredResultV2;
}

/** Writes a handler's result as API Gateway does: its headers, its cookies as Set-Cookie, no body for HEAD. */
export function writeHttpApiResult(res: ServerResponse, out: APIGatewayProxyStructuredResultV2, method: string): void {
  const headers: Record<string, string | string[]> = { ...(out.headers as Record<string, string>) };
  if (out.cookies?.length) headers['set-cookie'] = out.cookies;
  res.writeHead(out.statusCode ?? 200, headers).end(method === 'HEAD' ? undefined : out.body);
}

/** Node request -> `handler` (the function behind its route), as API Gateway's HTTP API would invoke it. */
export async function forwardToHttpApi(handler: LambdaHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
  const out = await invokeHttpApi(handler, {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers,
    body,
    sourceIp: req.socket.remoteAddress?.replace('::ffff:', ''),
  });
  writeHttpApiResult(res, out, req.method ?? 'GET');
}
