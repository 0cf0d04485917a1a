import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Small HTTP helpers shared by the twin's endpoints. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function json(res: ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** An SES v2 REST answer: JSON with its length and, for an error, the name the SDK reads from `x-amzn-ErrorType`. */
export function sesAnswer(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    })
    .end(text);
}

/** What a client on this machine sends as Host; anything else is a rebound DNS name, not the operator. */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;

export function isLoopbackHost(host: string | undefined): boolean {
  return LOOPBACK_HOST.test(host ?? '');
}

/**
 * Keeps an idle client connection open for a minute instead of Node's 5 s. A server closing a kept-alive
 * connection just as a client reuses it resets the request the client wrote (`read ECONNRESET`), which a
 * one-attempt client (a provider call, the evidence counts' ADD) cannot tell from a lost answer; with
 * Node's 5 s it happened several times per 10,000-customer run between the functions and the twin.
 * AWS's endpoints keep idle connections far longer than 5 s. Returns the server.
 */
export function keepIdleConnections<S extends Server>(server: S): S {
  server.keepAliveTimeout = 65_000;
  // Node measures the headers' timeout from the connection's reuse too: above the idle time, or it would cut first.
  server.headersTimeout = 66_000;
  return server;
}

/** A request signed (SigV4, Authorization header) for `service`: the credential scope names it. */
export function signedFor(req: IncomingMessage, service: string): boolean {
  return new RegExp(`Credential=[^/]+/\\d{8}/[^/]+/${service}/aws4_request`).test(String(req.headers.authorization ?? ''));
}
