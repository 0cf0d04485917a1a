/**
 * Error classes shared by every step. Their names are the contract with the state machine:
 * Retry and Catch match `error.name`, so renaming one is a breaking change to the definition.
 */
export class BreachNoticeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An alarm event that is not valid for its kind; stored and reported, never retried. */
export class MalformedAlarmError extends BreachNoticeError {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

/** An event from a source or detail-type the intake does not know. */
export class UnknownAlarmError extends BreachNoticeError {}

export class IncidentNotFoundError extends BreachNoticeError {}

export class NoticeNotFoundError extends BreachNoticeError {}

/** Raised in the workflow (via SendTaskFailure) when an approver rejects a notice. */
export class NoticeRejectedError extends BreachNoticeError {}

/** Some recipients got a transient failure (throttling, 5xx); the state machine retries the batch. */
export class DeliveryRetryableError extends BreachNoticeError {}

/** Another invocation holds a live claim on a provider call; retry after its lease. */
export class BatchInFlightError extends BreachNoticeError {}

/** Invalid environment or CDK context; the message names the key and the bad value. */
export class ConfigurationError extends BreachNoticeError {}

/** An approved notice lacks the wording for a customer's locale: a bug, not a transient failure. */
export class NoticeContentMissingError extends BreachNoticeError {}

/** A send was asked for a notice no approver has approved: never send it. */
export class NoticeNotApprovedError extends BreachNoticeError {}

/** An approved notice came too late to be sent before the time it promises customers: the state machine drafts it again. */
export class PromisePassedError extends BreachNoticeError {}

/**
 * An AWS dependency failed (a service error, a throttle, a timeout, a reset connection). Every Task
 * in the state machine retries this name with backoff; programming errors keep their own names.
 */
export class DependencyError extends BreachNoticeError {}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

export function isDependencyFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof BreachNoticeError) return false;
  const e = error as Error & { $metadata?: unknown; $fault?: unknown; code?: string };
  return e.$metadata !== undefined || e.$fault !== undefined || NETWORK_CODES.has(e.code ?? '') || e.name === 'TimeoutError';
}

/** Someone saved the incident's facts since the editor read them: reload and edit again. */
export class FactsVersionConflictError extends BreachNoticeError {}

/**
 * The facts were edited while the notice waited for approval: the state machine catches it by name,
 * redrafts from the new facts and asks again. Raised by the approval step itself, or sent as the
 * waiting task's failure by the edit.
 */
export class NoticeEditedError extends BreachNoticeError {}

/** SES refused entries for the account's 24-hour quota: the rest waits for the window to free up. */
export class DailyQuotaExceededError extends BreachNoticeError {}

/** SES sending is paused for the account or the configuration set: a person must act; the team is paged. */
export class SendingPausedError extends BreachNoticeError {}

/**
 * A provider refused a whole call for a reason waiting does not fix (a role without the action, an
 * unverified or sandboxed sender, a missing template, a suspended account, a refused KMS key): people
 * must act. Never retried inside the slice; the team is paged every round with the provider's reason.
 * The message is `<provider> refused: <error name>: <the provider's message>`, without addresses.
 */
export class ProviderRefusedError extends BreachNoticeError {}

/** The incident is closed: its scope and notices no longer change. */
export class IncidentClosedError extends BreachNoticeError {}

/**
 * The notice's emails bounce or draw complaints above the deployment's limits (domain/reputation.ts):
 * its sending pauses before SES reviews or pauses the whole account, the team is paged every round
 * and it goes on when the team says so. Never retried inside the slice. The message carries the
 * figures and the limits, no address.
 */
export class ReputationPausedError extends BreachNoticeError {}
