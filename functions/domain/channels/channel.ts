import type { CustomerProfile } from '../customer.js';
import type { OutcomeStatus } from '../delivery.js';
import type { Notice } from '../incident.js';
import type { Locale } from '../locales.js';

/** One customer as a channel sees them: ids, locale, the address on this channel and what their notice names. No other PII. */
export interface ChannelRecipient {
  customerId: string;
  locale: Locale;
  address: string;
  name: string;
  dataCategories: string[];
  /** IANA zone their times are written in (`resolveTimeZone`). */
  timeZone: string;
  /** Their date conventions (`readerDateLocale`: `en-US`, `en-GB`). */
  dateLocale?: string;
  /** Their ISO 3166-2 region when the directory gives it (`US-CA`): California's notice has its own title and headings. */
  region?: string;
}

export interface ChannelResult {
  status: OutcomeStatus;
  providerMessageId?: string;
  reason?: string;
}

/**
 * A way of reaching customers. The send step plans batches of at most `batchSize` recipients of one
 * locale, claims each in the ledger, then calls `prepare` (everything that can fail before the
 * provider is reached: a throw here frees the claim) and the call it returns, which answers one
 * result per recipient, in order, or throws for the whole batch (classified refused or ambiguous).
 */
export interface DeliveryChannel {
  readonly name: string;
  /** Recipients per claimed provider call: the ledger's unit of exactly-once. */
  readonly batchSize: number;
  /** Its recipients count against the email provider's send rate (SES MaxSendRate), which senders pace by. */
  readonly paced?: boolean;
  /** The customer's address on this channel, when they chose it and have one. */
  address(profile: CustomerProfile): string | undefined;
  /** Their address on this channel whether they chose it or not: a fallback reaches them there (steps/fallback.ts). Absent: never a fallback channel. */
  contact?(profile: CustomerProfile): string | undefined;
  prepare(notice: Notice, locale: Locale, recipients: ChannelRecipient[]): () => Promise<ChannelResult[]>;
}

/** Where customers no channel can reach are recorded (FAILED), so totals show them instead of hiding them. */
export const UNREACHABLE = 'unreachable';

/** The pseudo-channel of those customers: claimed and counted like any batch, with no provider behind it. */
export const unreachableChannel: DeliveryChannel = {
  name: UNREACHABLE,
  // 99 and the claim fit one transaction (the ledger's limit is 100 items).
  batchSize: 99,
  address: () => undefined,
  prepare: (_notice, _locale, recipients) => async () =>
    recipients.map(() => ({ status: 'FAILED', reason: 'no usable contact point in the customer directory' })),
};
