import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { LambdaHandler } from './workflow-engine.js';
import { readBody } from './http-util.js';

export interface HttpRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  sourceIp?: string;
}

const ROUTE = /^\/approvals\/([^/]+)$/;

/** The payload-format-2.0 event API Gateway's HTTP API gives the approval function for `request`. */
export function toHttpApiEvent(request: HttpRequest) {
  const [rawPath = '/', rawQueryString = ''] = request.path.split('?');
  const match = ROUTE.exec(rawPath);
  const method = request.method.toUpperCase();
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const now = new Date();
  const routeKey = match ? `${method} /approvals/{linkId}` : '$default';
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: request.sourceIp ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    cookies: headers.cookie ? headers.cookie.split(';').map((c) => c.trim()).filter(Boolean) : undefined,
    pathParameters: match ? { linkId: decodeURIComponent(match[1]!) } : undefined,
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

/** Calls the approval handler as API Gateway would; unknown routes get API Gateway's own 404. */
export async function invokeHttpApi(handler: LambdaHandler, request: HttpRequest): Promise<APIGatewayProxyStructuredResultV2> {
  const event = toHttpApiEvent(request);
  if (!event.pathParameters) return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Not Found"}' };
  return (await handler(event, lambdaContext('breach-notice-approval-page'))) as APIGatewayProxyStructuredResultV2;
}

/** Writes a handler's result as API Gateway does: its headers, its cookies as Set-Cookie, no body for HEAD. */
export function writeHttpApiResult(res: ServerResponse, out: APIGatewayProxyStructuredResultV2, method: string): void {
  const headers: Record<string, string | string[]> = { ...(out.headers as Record<string, string>) };
  if (out.cookies?.length) headers['set-cookie'] = out.cookies;
  res.writeHead(out.statusCode ?? 200, headers).end(method === 'HEAD' ? undefined : out.body);
}

/** Node request -> the approval handler, as API Gateway's HTTP API would invoke it. */
export async function forwardToHttpApi(handler: LambdaHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
  const out = await invokeHttpApi(handler, { method: req.method ?? 'GET', path: req.url ?? '/', headers, body, sourceIp: req.socket.remoteAddress?.replace('::ffff:', '') });
  writeHttpApiResult(res, out, req.method ?? 'GET');
}

/** A small HTTP server in front of the approval handler, as API Gateway is in AWS. */
export function serveHttpApi(handler: LambdaHandler, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    forwardToHttpApi(handler, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
