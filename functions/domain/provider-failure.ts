/**
 * What a failed provider call (SES, SNS) tells us about delivery:
 * - `refused`: the provider answered 4xx, or the connection was never made, so it accepted nothing
 *   and the call may be made again;
 * - `ambiguous`: the request was written and no trustworthy answer came back (5xx, reset, timeout):
 *   the provider may have accepted it, so its recipients are UNCERTAIN and never re-sent blindly.
 */
export type ProviderFailure = 'refused' | 'ambiguous';

/**
 * Set by the provider clients (shared/clients.ts) on every error that came out of the HTTP handler:
 * an error without it was raised before the request was handed over (credentials, signing,
 * serialization) and sent nothing.
 */
export const HANDED_TO_HTTP = '$handedToHttp';

/**
 * Set by the provider clients' HTTPS agent (shared/provider-clients.ts) on an error raised before the
 * connection's TLS handshake completed: the request itself was never written.
 */
export const BEFORE_REQUEST_SENT = '$beforeRequestSent';

/** Errors raised before a single byte of the request left this machine. */
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function classifyProviderFailure(error: unknown): ProviderFailure {
  const e = error as { $metadata?: { httpStatusCode?: number }; code?: string; name?: string; message?: string; [HANDED_TO_HTTP]?: boolean; [BEFORE_REQUEST_SENT]?: boolean };
  const status = e?.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return 'refused';
  // 5xx, or a 2xx/3xx whose body could not be read: the provider got the request.
  if (typeof status === 'number' && status > 0) return 'ambiguous';
  if (e?.[HANDED_TO_HTTP] !== true) return 'refused';
  if (NOT_CONNECTED_CODES.has(e?.code ?? '')) return 'refused';
  if (e?.[BEFORE_REQUEST_SENT] === true) return 'refused';
  // The SDK's connection timeout fires before the socket connects (smithy names it TimeoutError with this wording).
  if (e?.name === 'TimeoutError' && /did not establish a connection/.test(e.message ?? '')) return 'refused';
  return 'ambiguous';
}
