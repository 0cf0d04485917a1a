import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SendBulkEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyProviderFailure } from '../../functions/domain/provider-failure.js';
import { markHandedToHttp, providerClientOptions } from '../../functions/shared/provider-clients.js';

// Faults below the SDK on real sockets: where a provider call broke decides whether its recipients may be sent again.
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TCP server that resets each connection once it has received `bytes` bytes (0: as soon as it is accepted). */
async function resetting(bytes: number): Promise<number> {
  const server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    let received = 0;
    if (bytes === 0) return void socket.resetAndDestroy();
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (received >= bytes) socket.resetAndDestroy();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A client built exactly as the senders' (functions/shared/ses-client.ts, sns-client.ts), against `endpoint`. */
function sender(endpoint: string) {
  const client = new SESv2Client({
    ...providerClientOptions({ connectMs: 2_000, requestMs: 5_000 }),
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  markHandedToHttp(client);
  return client;
}

const bulk = new SendBulkEmailCommand({
  FromEmailAddress: 'notices@example.com',
  DefaultContent: { Template: { TemplateName: 't', TemplateData: '{}' } },
  BulkEmailEntries: [{ Destination: { ToAddresses: ['a@example.com'] } }],
});

async function failureOf(endpoint: string): Promise<unknown> {
  const client = sender(endpoint);
  try {
    await client.send(bulk);
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
  throw new Error('the call succeeded');
}

describe('provider calls broken below the SDK', () => {
  it('a reset during the TLS handshake (the request never written) is refused: its recipients may be sent again', async () => {
    // Prepare: HTTPS to a server that resets every connection it accepts, before any handshake reply.
    const port = await resetting(0);
    // Act
    const error = await failureOf(`https://127.0.0.1:${port}`);
    // Assess: the SDK names it like a lost answer (ECONNRESET); only the agent knows no request left.
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(classifyProviderFailure(error)).toBe('refused');
  });

  it('a reset after the request was written is ambiguous: its recipients turn UNCERTAIN, never sent blindly again', async () => {
    // Prepare: plain HTTP, reset once the request's headers and body have arrived.
    const port = await resetting(200);
    // Act
    const error = await failureOf(`http://127.0.0.1:${port}`);
    // Assess
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(classifyProviderFailure(error)).toBe('ambiguous');
  });
});
