import { classifyProviderFailure, refusalReason } from '../provider-failure.js';
import { personaliseNotice } from '../notice.js';
import type { Messaging } from '../ports.js';
import { NoticeContentMissingError } from '../../shared/errors.js';
import type { ChannelResult, DeliveryChannel } from './channel.js';
import { CHANNEL_CONTACTS, SMS_BATCH } from './contact.js';

/** SMS through SNS, one Publish per number, each outcome kept per recipient. */
export function smsChannel(ports: { messaging: Messaging; smsConcurrency: number }): DeliveryChannel {
  return {
    name: 'sms',
    batchSize: SMS_BATCH,
    address: (profile) => (profile.channels.includes('sms') ? profile.phone : undefined),
    contact: CHANNEL_CONTACTS.sms.contact,
    prepare(notice, locale, recipients) {
      const content = notice.content[locale];
      if (!content) throw new NoticeContentMissingError(`Notice ${notice.noticeId} has no ${locale} wording`);
      const texts = recipients.map((r) => personaliseNotice(content, locale, r).sms);
      return async () => {
        const results: ChannelResult[] = new Array(recipients.length);
        let next = 0;
        // Once SNS refuses for the account (throttled, KMS throttling, ...), the rest of the batch is not
        // tried: each would be refused the same way. They stay RETRYABLE and go in the next attempt.
        let stoppedBy: string | undefined;
        const worker = async () => {
          while (next < recipients.length) {
            const i = next++;
            if (stoppedBy) {
              results[i] = { status: 'RETRYABLE', reason: `${stoppedBy}: not tried after SNS refused the batch` };
              continue;
            }
            try {
              results[i] = { status: 'SENT', providerMessageId: await ports.messaging.sendSms(recipients[i]!.address, texts[i]!) };
            } catch (error) {
              const name = (error as Error).name;
              // An answered refusal concerns this number or the account; no answer means SNS may have sent it.
              if (classifyProviderFailure(error) !== 'refused') results[i] = { status: 'UNCERTAIN', reason: `no answer from SNS: ${name}` };
              else if (isPermanentSmsError(name)) results[i] = { status: 'FAILED', reason: name };
              else {
                stoppedBy ??= name;
                // The provider's own words, without the number: a refusal that waiting will not fix is paged with them.
                results[i] = { status: 'RETRYABLE', reason: refusalReason(error) };
              }
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(ports.smsConcurrency, recipients.length) }, worker));
        return results;
      };
    },
  };
}

/**
 * Errors from SNS Publish that concern the number itself; everything else (ThrottledException,
 * KMSThrottlingException, InternalError answered 4xx, ...) is the account's and retried. Opted-out
 * numbers are skipped before Publish (the list is read when sending is planned): SNS does not
 * deliver to them, so a Publish would only cost money and count a message that never arrives.
 */
export function isPermanentSmsError(errorName: string): boolean {
  return ['InvalidParameterException', 'InvalidParameterValueException', 'EndpointDisabledException', 'OptedOutException'].includes(errorName);
}
