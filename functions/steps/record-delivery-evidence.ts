import { evidenceOfSesEvent, recipientOfTags, type EvidenceEvent, type SesEventDetail } from '../domain/delivery-evidence.js';
import type { EvidenceStorePort } from '../domain/ports.js';

export interface RecordEvidenceDeps {
  evidence: Pick<EvidenceStorePort, 'record'>;
}

export type RecordEvidenceResult =
  | { recorded: true; event: EvidenceEvent; channel: string }
  /** Not about a customer notice (staff email, another sender on the set) or not about reaching anyone (opens, clicks). */
  | { recorded: false; reason: 'untagged' | 'not-evidence' };

/**
 * One SES event, recorded against the recipient its message tags name (the email channel tags every
 * entry: domain/channels/email.ts). The tags, not the call's answer, find the recipient, so a call whose
 * answer was lost still gets its evidence. Recording is idempotent: EventBridge may deliver an event twice.
 */
export async function recordDeliveryEvidence(time: string, detail: SesEventDetail, deps: RecordEvidenceDeps): Promise<RecordEvidenceResult> {
  const event = evidenceOfSesEvent(detail);
  if (!event) return { recorded: false, reason: 'not-evidence' };
  const recipient = recipientOfTags(detail.mail.tags);
  if (!recipient) return { recorded: false, reason: 'untagged' };
  await deps.evidence.record(recipient, recipient.customerId, recipient.channel, event, time, detail.mail.messageId);
  return { recorded: true, event, channel: recipient.channel };
}
