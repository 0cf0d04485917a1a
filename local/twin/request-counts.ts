import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

export interface RequestCounts {
  /** Service -> operation -> calls made. */
  calls: Record<string, Record<string, number>>;
  /** `service:operation` -> the most calls that were in flight at once. */
  maxInFlight: Record<string, number>;
  /** `service:operation` -> milliseconds its calls took, summed (start to close): where a sequential send waits. */
  totalMs: Record<string, number>;
}

// SES v2 is REST: its operations are named by method and path.
const SES_OPERATIONS: Record<string, string> = {
  'POST /v2/email/outbound-bulk-emails': 'SendBulkEmail',
  'POST /v2/email/outbound-emails': 'SendEmail',
  'GET /v2/email/account': 'GetAccount',
};

/**
 * Counts the calls this process makes to the emulators, by service and operation, from Node's own HTTP
 * instrumentation: the handlers' SDK clients, the seeding and the edge's forwarding (so a client's
 * calls through the edge too) are counted without any change to them. What a benchmark reads.
 */
export function countRequests(emulators: { dynamodb: string; ses: string }): { counts: RequestCounts; stop(): void } {
  const services = new Map(Object.entries(emulators).map(([service, url]) => [new URL(url).host, service]));
  const counts: RequestCounts = { calls: {}, maxInFlight: {}, totalMs: {} };
  const inFlight = new Map<string, number>();
  const onStart = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const service = services.get(String(request.getHeader('host')));
    if (!service) return;
    const target = request.getHeader('x-amz-target');
    const operation =
      typeof target === 'string'
        ? target.slice(target.indexOf('.') + 1)
        : (SES_OPERATIONS[`${request.method} ${request.path.split('?')[0]}`] ?? `${request.method} ${request.path.split('?')[0]}`);
    const perService = (counts.calls[service] ??= {});
    perService[operation] = (perService[operation] ?? 0) + 1;
    const key = `${service}:${operation}`;
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    counts.maxInFlight[key] = Math.max(counts.maxInFlight[key] ?? 0, inFlight.get(key)!);
    const started = performance.now();
    request.once('close', () => {
      inFlight.set(key, inFlight.get(key)! - 1);
      counts.totalMs[key] = (counts.totalMs[key] ?? 0) + (performance.now() - started);
    });
  };
  subscribe('http.client.request.start', onStart);
  return { counts, stop: () => unsubscribe('http.client.request.start', onStart) };
}
