import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one HTTP request:
 * - `pass`: forwards it and returns the answer;
 * - `reset-before`: resets the client's connection after the request arrived, without forwarding it;
 * - `drop-response`: forwards it, lets the upstream answer, then resets the client's connection;
 * - `error-500`: forwards it, then answers 500 instead of the upstream's answer;
 * - `delay`: forwards it and holds the answer for `delayMs` (past the client's timeout).
 */
export type FaultAction = 'pass' | 'reset-before' | 'drop-response' | 'error-500' | 'delay';

/** An answer the proxy gives itself instead of forwarding the request: a provider's refusal as it comes over the wire. */
export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  body: string;
}

export interface FaultProxy {
  url: string;
  /** Requests the upstream received, by the action taken on them. */
  forwarded: Record<FaultAction, number>;
  /** Requests that never reached the upstream. */
  withheld: number;
  close(): Promise<void>;
}

const HEADER_END = '\r\n\r\n';

/**
 * A TCP proxy in front of an emulator that injects faults below the SDK, on the wire: the SDK sees a
 * real reset socket, a real 500 or a real timeout. Each connection carries one request (the proxy
 * asks the upstream to close after answering), so an action applies to exactly one request.
 */
export async function startFaultProxy(
  upstream: string,
  decide: (req: ProxiedRequest) => FaultAction | ProxyAnswer | Promise<FaultAction | ProxyAnswer>,
  delayMs = 3_000,
  /** Holds the upstream's answer to `req` until the promise it returns settles: the write is done, its caller does not know yet. */
  holdAnswer?: (req: ProxiedRequest) => Promise<void> | undefined,
): Promise<FaultProxy> {
  const target = new URL(upstream);
  const forwarded: Record<FaultAction, number> = { pass: 0, 'reset-before': 0, 'drop-response': 0, 'error-500': 0, delay: 0 };
  const state = { withheld: 0 };
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let handled = false;
    client.on('data', (chunk) => {
      if (handled) return;
      buffered = Buffer.concat([buffered, chunk]);
      const headerEnd = buffered.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const head = buffered.subarray(0, headerEnd).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      const total = headerEnd + HEADER_END.length + length;
      if (buffered.length < total) return;
      handled = true;
      const [method = '', path = ''] = head.split('\r\n')[0]!.split(' ');
      const body = buffered.subarray(headerEnd + HEADER_END.length, total);
      const request = { method, path, body: body.toString('utf8') };
      // An async decision holds the request itself: it reaches the upstream only once decided.
      void Promise.resolve(decide(request)).then((action) => (typeof action === 'object' ? answer(action) : handle(action, request, head, body)));
    });

    function answer({ status, headers, body }: ProxyAnswer) {
      if (client.destroyed) return;
      state.withheld += 1;
      const lines = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`);
      client.end(`HTTP/1.1 ${status} Refused\r\n${lines.join('')}\r\n${body}`);
    }

    function handle(action: FaultAction, request: ProxiedRequest, head: string, body: Buffer) {
      if (client.destroyed) return;
      if (action === 'reset-before') {
        state.withheld += 1;
        client.resetAndDestroy();
        return;
      }
      forwarded[action] += 1;
      // One request per upstream connection: its end marks the end of the answer.
      const rewritten = `${head.replace(/\r\nconnection:[^\r]*/i, '')}\r\nconnection: close${HEADER_END}`;
      const up = connect(Number(target.port), target.hostname, () => up.write(Buffer.concat([Buffer.from(rewritten, 'latin1'), body])));
      let answer = Buffer.alloc(0);
      up.on('data', (c) => (answer = Buffer.concat([answer, c])));
      up.on('error', () => client.destroy());
      up.on('end', async () => {
        await holdAnswer?.(request);
        if (client.destroyed) return;
        if (action === 'drop-response') return void client.resetAndDestroy();
        if (action === 'error-500') {
          const payload = JSON.stringify({ __type: 'InternalFailure', message: 'injected by the fault proxy' });
          return void client.end(
            `HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\nx-amzn-errortype: InternalFailure\r\ncontent-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n\r\n${payload}`,
          );
        }
        const send = () => !client.destroyed && client.end(answer);
        if (action === 'delay') setTimeout(send, delayMs).unref();
        else send();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    get withheld() {
      return state.withheld;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
