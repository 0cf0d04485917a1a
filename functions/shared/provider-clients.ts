import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import { BEFORE_REQUEST_SENT, HANDED_TO_HTTP } from '../domain/provider-failure.js';
import { parseConfig } from './config.js';
import { CLIENT_VARIABLES, pick } from './environment.js';

/**
 * Opens a connection per call and marks an error raised before its TLS handshake completed: the
 * request's first byte is written only after it, so such a call reached nobody and may be made again
 * (with a connection per call, every call now has a handshake that a reset can hit).
 */
export class HandshakeAwareAgent extends HttpsAgent {
  constructor() {
    super({ keepAlive: false });
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback) as TLSSocket | null | undefined;
    if (!socket) return socket;
    let secured = false;
    socket.once('secureConnect', () => (secured = true));
    // Added before the request's own listener, so the mark is on the error before the SDK sees it.
    socket.once('error', (error: Error) => {
      if (!secured) Object.assign(error, { [BEFORE_REQUEST_SENT]: true });
    });
    return socket;
  }
}

/**
 * Senders make exactly one attempt per call. An SDK retry after a lost response would deliver the
 * same batch twice while the ledger records one send; the ledger decides what may be sent again.
 * The request timeout throws (the SDK only warns by default), so a hung call ends as UNCERTAIN.
 * Each call opens its own connection: on a pooled one the server closed while it sat idle (its idle
 * timeout, a Lambda frozen between invocations) the request is written and then reset, which only
 * an SDK retry would hide, so its recipients would turn UNCERTAIN for nothing (the measurement is in
 * docs/decisions/0002-one-connection-per-provider-call.md).
 */
export function providerClientOptions(timeouts: { connectMs: number; requestMs: number }) {
  return {
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: timeouts.connectMs,
      requestTimeout: timeouts.requestMs,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: false },
      httpsAgent: new HandshakeAwareAgent(),
    },
  };
}

/** The provider clients' options from the function's PROVIDER_*_TIMEOUT_MS variables, read once per client module at load. */
export function providerOptionsFromEnvironment() {
  const config = parseConfig(pick(...CLIENT_VARIABLES));
  return providerClientOptions({ connectMs: config.PROVIDER_CONNECT_TIMEOUT_MS, requestMs: config.PROVIDER_REQUEST_TIMEOUT_MS });
}

/**
 * Innermost around the HTTP handler: whatever fails in there may have reached the provider; whatever
 * fails before it (credentials, signing, serialization) did not (domain/provider-failure.ts).
 */
export function markHandedToHttp(client: SESv2Client | SNSClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error && typeof error === 'object') Object.assign(error, { [HANDED_TO_HTTP]: true });
        throw error;
      }
    },
    { step: 'deserialize', name: 'markHandedToHttp', priority: 'low' },
  );
}
