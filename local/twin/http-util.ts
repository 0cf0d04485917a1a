import type { IncomingMessage, ServerResponse } from 'node:http';

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
