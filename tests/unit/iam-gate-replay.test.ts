import { request } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startIamGate } from '../../local/twin/iam/gate.js';

/**
 * The IAM gate's one replay (local/twin/iam/gate.ts): a kept-alive connection to the upstream that is reset
 * as the gate reuses it is sent again once on a fresh connection, as Node advises
 * (https://nodejs.org/api/http.html#requestreusedsocket); any other reset reaches the caller as a reset.
 * The upstream here is a raw TCP server that answers HTTP itself, so it can reset a connection at a
 * chosen request: what DynamoDB Local does when it closes an idle connection just as the gate reuses it.
 */
type Plan = (connection: number, requestOnConnection: number) => 'answer' | 'reset';

let upstream: Server | undefined;
let gate: { url: string; close(): Promise<void> } | undefined;
afterEach(async () => {
  await gate?.close();
  await new Promise((r) => (upstream ? upstream.close(r) : r(undefined)));
  gate = upstream = undefined;
});

/** Starts the upstream and a DynamoDB gate in front of it; returns what the upstream received, as (connection, request) pairs. */
async function start(plan: Plan): Promise<[number, number][]> {
  const received: [number, number][] = [];
  let connections = 0;
  upstream = createServer((socket: Socket) => {
    const connection = ++connections;
    let requests = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      buffered = buffered.slice(end + 4 + length);
      received.push([connection, ++requests]);
      if (plan(connection, requests) === 'reset') return void socket.resetAndDestroy();
      const body = JSON.stringify({ connection, request: requests });
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
  gate = await startIamGate({
    service: 'dynamodb',
    upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    names: {} as never,
    principals: new Map(),
    adminAccessKeyId: 'twin',
    resourcePolicies: new Map(),
    refusals: [],
  });
  return received;
}

/** One DynamoDB call through the gate, signed with the twin's own key (never checked); its answer, or the error its connection ended with. */
function call(): Promise<{ status: number; body: unknown } | Error> {
  return new Promise((resolve) => {
    const req = request(
      gate!.url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization: 'AWS4-HMAC-SHA256 Credential=twin/x',
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', resolve);
    req.end('{}');
  });
}

describe("the IAM gate's replay", () => {
  it('sends a call reset on a reused connection once more, on a fresh one: the caller gets its answer', async () => {
    const received = await start((connection, n) => (connection === 1 && n === 2 ? 'reset' : 'answer'));
    expect(await call()).toEqual({ status: 200, body: { connection: 1, request: 1 } });
    expect(await call()).toEqual({ status: 200, body: { connection: 2, request: 1 } });
    expect(received).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
  });

  it('does not send again a call reset on a fresh connection: the caller sees the reset', async () => {
    const received = await start(() => 'reset');
    const outcome = await call();
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(received).toEqual([[1, 1]]);
  });

  it('sends a call again once only: a second reset reaches the caller', async () => {
    const received = await start((connection, n) => (connection === 1 && n === 1 ? 'answer' : 'reset'));
    await call();
    const outcome = await call();
    expect(outcome).toBeInstanceOf(Error);
    expect(received).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
  });
});
