import type { OutcomeStatus } from '../delivery.js';
import { templateName } from '../email-templates.js';
import { customerReplacementData } from '../notice.js';
import type { EmailSender } from '../ports.js';
import { NoticeContentMissingError } from '../../shared/errors.js';
import type { DeliveryChannel } from './channel.js';

/** SES v2 SendBulkEmail takes at most 50 destinations per call. */
export const SES_MAX_BULK_ENTRIES = 50;

/** Email through stored templates per notice kind and locale, one bulk call per batch. */
export function emailChannel(ports: { email: EmailSender; templatePrefix: string }): DeliveryChannel {
  return {
    name: 'email',
    batchSize: SES_MAX_BULK_ENTRIES,
    address: (profile) => (profile.channels.includes('email') ? profile.email : undefined),
    prepare(notice, locale, recipients) {
      const content = notice.content[locale];
      if (!content) throw new NoticeContentMissingError(`Notice ${notice.noticeId} has no ${locale} wording`);
      const template = templateName(ports.templatePrefix, notice.kind, locale);
      const defaults = { ...content, incidentId: notice.incidentId };
      const entries = recipients.map((r) => ({ to: r.address, replacementData: customerReplacementData(r.name, r.dataCategories, locale) }));
      return async () => {
        const results = await ports.email.sendBulk(template, defaults, entries);
        return recipients.map((_, i) => {
          const result = results[i];
          const status = outcomeOfSesStatus(result?.status);
          return { status, providerMessageId: result?.messageId, reason: status === 'SENT' ? undefined : `${result?.status ?? 'NO_RESULT'}: ${result?.error ?? ''}`.trim() };
        });
      };
    },
  };
}

/**
 * SES v2 BulkEmailStatus to a ledger outcome. Recipient-specific refusals are final; throttling,
 * transient and account-level states are retried, so a misconfiguration never silently drops a notice.
 */
export function outcomeOfSesStatus(status: string | undefined): OutcomeStatus {
  switch (status) {
    case 'SUCCESS':
      return 'SENT';
    case 'MESSAGE_REJECTED':
    case 'INVALID_PARAMETER':
      return 'FAILED';
    default:
      return 'RETRYABLE';
  }
}
