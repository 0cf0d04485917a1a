import type { OutcomeStatus } from '../delivery.js';
import { noticeTemplateData, recipientTemplateData, templateName } from '../email-templates.js';
import { exampleNotice, personaliseNotice, usesCaliforniaFormat } from '../notice.js';
import type { EmailSender } from '../ports.js';
import { NoticeContentMissingError } from '../../shared/errors.js';
import type { DeliveryChannel } from './channel.js';
import { evidenceTags } from '../delivery-evidence.js';
import { CHANNEL_CONTACTS, SES_MAX_BULK_ENTRIES } from './contact.js';

export { SES_MAX_BULK_ENTRIES };

/** Email through stored templates per notice kind and locale, one bulk call per batch. */
export function emailChannel(ports: { email: Pick<EmailSender, 'sendBulk'>; templatePrefix: string }): DeliveryChannel {
  return {
    name: 'email',
    batchSize: SES_MAX_BULK_ENTRIES,
    paced: true,
    address: (profile) => (profile.channels.includes('email') ? profile.email : undefined),
    contact: CHANNEL_CONTACTS.email.contact,
    prepare(notice, locale, recipients) {
      const content = notice.content[locale];
      if (!content) throw new NoticeContentMissingError(`Notice ${notice.noticeId} has no ${locale} wording`);
      const template = templateName(ports.templatePrefix, notice.kind, locale);
      const shared = noticeTemplateData(content);
      // AWS documents the default data only as a fallback for an entry whose own data is empty, never as
      // merged into it (https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-api.html,
      // https://docs.aws.amazon.com/ses/latest/APIReference/API_SendBulkTemplatedEmail.html): each entry
      // carries its customer's whole email, and the default, a stand-in customer's, is whole too.
      const fallback = { ...shared, ...recipientTemplateData(exampleNotice(content, locale)) };
      const entries = recipients.map((r) => ({
        to: r.address,
        replacementData: { ...shared, ...recipientTemplateData(personaliseNotice(content, locale, r), { california: usesCaliforniaFormat(r.region) }) },
        tags: evidenceTags(notice, r.customerId, 'email'),
      }));
      return async () => {
        const results = await ports.email.sendBulk(template, fallback, entries);
        return recipients.map((_, i) => {
          const result = results[i];
          const status = outcomeOfSesStatus(result?.status);
          return {
            status,
            providerMessageId: result?.messageId,
            reason: status === 'SENT' ? undefined : `${result?.status ?? 'NO_RESULT'}: ${result?.error ?? ''}`.trim(),
          };
        });
      };
    },
  };
}

/** SES v2 BulkEmailStatus values that mean the entry was refused, so nothing went out for it. */
const NOT_SENT = new Set([
  'MAIL_FROM_DOMAIN_NOT_VERIFIED',
  'CONFIGURATION_SET_NOT_FOUND',
  'TEMPLATE_NOT_FOUND',
  'ACCOUNT_SUSPENDED',
  'ACCOUNT_THROTTLED',
  'ACCOUNT_DAILY_QUOTA_EXCEEDED',
  'INVALID_SENDING_POOL_NAME',
  'ACCOUNT_SENDING_PAUSED',
  'CONFIGURATION_SET_SENDING_PAUSED',
  'TRANSIENT_FAILURE',
  'FAILED',
]);

/**
 * SES v2 BulkEmailStatus to a ledger outcome. Recipient-specific refusals are final; throttling,
 * transient and account-level refusals are retried, so a misconfiguration never silently drops a
 * notice. A missing or unknown status inside an accepted call may have gone out: UNCERTAIN, never re-sent.
 */
export function outcomeOfSesStatus(status: string | undefined): OutcomeStatus {
  if (status === 'SUCCESS') return 'SENT';
  if (status === 'MESSAGE_REJECTED' || status === 'INVALID_PARAMETER') return 'FAILED';
  return status !== undefined && NOT_SENT.has(status) ? 'RETRYABLE' : 'UNCERTAIN';
}
