import { createHash } from 'node:crypto';
import type { Notice } from '../incident.js';
import type { ChannelRecipient, DeliveryChannel } from './channel.js';

/** Why a drill's SMS was not sent: no sink number was configured. */
export const DRILL_SMS_NOT_SENT = 'drill: SMS not sent (no drillSmsSink)';

/** The customer id when it is safe in an address's local part, else a short hash of it. */
export function drillSafeId(customerId: string): string {
  return /^[A-Za-z0-9._-]{1,40}$/.test(customerId) ? customerId : createHash('sha256').update(customerId).digest('hex').slice(0, 16);
}

/** The SES mailbox simulator's always-delivered address, one per customer so the sink still tells them apart. */
export function drillEmailAddress(customerId: string): string {
  return `success+${drillSafeId(customerId)}@simulator.amazonses.com`;
}

/**
 * A channel that, for a drill notice, never reaches a customer: email goes to the SES mailbox
 * simulator, SMS to `smsSink` or nowhere (each recorded FAILED with the reason). Other notices pass
 * through untouched. The batches, claims and results are the wrapped channel's, so the ledger and
 * the reconciliation count a drill like any notice.
 */
export function drillChannel(inner: DeliveryChannel, smsSink: string | undefined): DeliveryChannel {
  return {
    name: inner.name,
    batchSize: inner.batchSize,
    paced: inner.paced,
    address: (profile) => inner.address(profile),
    ...(inner.contact ? { contact: inner.contact } : {}),
    prepare(notice: Notice, locale, recipients: ChannelRecipient[]) {
      if (!notice.drill) return inner.prepare(notice, locale, recipients);
      if (inner.name === 'email')
        return inner.prepare(
          notice,
          locale,
          recipients.map((r) => ({ ...r, address: drillEmailAddress(r.customerId) })),
        );
      if (inner.name === 'sms') {
        if (smsSink)
          return inner.prepare(
            notice,
            locale,
            recipients.map((r) => ({ ...r, address: smsSink })),
          );
        return async () => recipients.map(() => ({ status: 'FAILED' as const, reason: DRILL_SMS_NOT_SENT }));
      }
      // A channel the drill does not know how to redirect is not sent to at all.
      return async () => recipients.map(() => ({ status: 'FAILED' as const, reason: `drill: ${inner.name} not sent` }));
    },
  };
}
