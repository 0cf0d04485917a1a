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
  const e = error as {
    $metadata?: { httpStatusCode?: number };
    code?: string;
    name?: string;
    message?: string;
    [HANDED_TO_HTTP]?: boolean;
    [BEFORE_REQUEST_SENT]?: boolean;
  };
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

/**
 * What a refusal (a call answered 4xx: nothing accepted) says about waiting:
 * - `transient`: throttling or a limit that frees up with time: retried with backoff;
 * - `paused`: sending paused for the account or the configuration set: a person re-enables it;
 * - `permanent`: waiting never fixes it: people must act, and are told why.
 */
export type RefusalKind = 'transient' | 'paused' | 'permanent';

/**
 * Refusals AWS documents as needing a change, by the SDK's error name (the SNS SDK names the wire code
 * `AuthorizationError` AuthorizationErrorException, `KMSAccessDenied` KMSAccessDeniedException, ...).
 * Throttling (TooManyRequestsException, ThrottlingException, ThrottledException, KMSThrottlingException)
 * and LimitExceededException are not here: they pass with time. An unknown name is retried as before.
 */
const PERMANENT_REFUSALS = new Set([
  // SES v2 SendBulkEmail (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendBulkEmail.html#API_SendBulkEmail_Errors):
  // sending permanently restricted, invalid input, an unverified MAIL FROM domain, a message refused (an
  // unverified identity, or any recipient while the account is in the sandbox), no such template or configuration set.
  'AccountSuspendedException',
  'BadRequestException',
  'MailFromDomainNotVerifiedException',
  'MessageRejected',
  'NotFoundException',
  // Common to SES v2 actions (https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html): the role lacks the action.
  'AccessDeniedException',
  // SNS Publish (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors): denied by IAM, not signed
  // over HTTPS with SigV4, the topic's KMS key refused, disabled, in the wrong state, missing or not subscribed to,
  // a disabled platform application (NotFoundException, no such topic, is above).
  'AuthorizationErrorException',
  'InvalidSecurityException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'PlatformApplicationDisabledException',
  // SES v2 BulkEmailStatus values for one entry of an accepted SendBulkEmail call
  // (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_BulkEmailEntryResult.html): the same
  // misconfigurations as the exceptions above, answered per entry; retrying at once never fixes them.
  'ACCOUNT_SUSPENDED',
  'CONFIGURATION_SET_NOT_FOUND',
  'INVALID_SENDING_POOL_NAME',
  'MAIL_FROM_DOMAIN_NOT_VERIFIED',
  'TEMPLATE_NOT_FOUND',
]);

/** The SES v2 SendBulkEmail error for an account or configuration set whose sending is paused (same page as above). */
const PAUSED_REFUSALS = new Set(['SendingPausedException']);

export function refusalKind(errorName: string): RefusalKind {
  if (PERMANENT_REFUSALS.has(errorName)) return 'permanent';
  if (PAUSED_REFUSALS.has(errorName)) return 'paused';
  return 'transient';
}

/** The provider behind each channel, as the team knows it. */
const PROVIDERS: Record<string, string> = { email: 'SES', sms: 'SNS' };

export const providerOf = (channel: string): string => PROVIDERS[channel] ?? `The ${channel} provider`;

/** Characters of a provider's message kept in a reason: it travels in the state machine's payloads and in pages. */
export const REFUSAL_MESSAGE_MAX = 300;

/** An address as messages print it (an identity ARN's `identity/` prefix is kept), and an E.164 number. */
const EMAIL_ADDRESS = /[^\s@<>"'(),;:/[\]]+@[^\s@<>"'(),;:/[\]]+/g;
const PHONE_NUMBER = /\+\d[\d\s().-]{5,}\d/g;

/** `text` without the email addresses and phone numbers in it. */
export function withoutContactPoints(text: string): string {
  return text.replace(EMAIL_ADDRESS, '<address>').replace(PHONE_NUMBER, '<phone number>');
}

/**
 * `<error name>: <the provider's message>`, short, and without the contact points a provider's message
 * can name: SES's MessageRejected lists the identities that failed verification, recipients too in the
 * sandbox (https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html); IAM's refusal
 * names the resource, the sender identity for SES and the phone number for an SMS Publish.
 */
export function refusalReason(error: unknown): string {
  const e = error as { name?: string; message?: string } | undefined;
  const name = e?.name || 'Error';
  const message = withoutContactPoints(e?.message ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  if (message === '') return name;
  return `${name}: ${message.length > REFUSAL_MESSAGE_MAX ? `${message.slice(0, REFUSAL_MESSAGE_MAX - 1)}…` : message}`;
}
