import * as z from 'zod';
import type { Channel, NoticeRef } from './delivery.js';

/*
 * Delivery evidence: what the provider reported after accepting a message (SES event publishing through
 * the configuration set's EventBridge destination). A notice counts as sent when the provider accepted
 * it; these say whether the person was reached. Evidence is kept beside the ledger's outcomes and never
 * changes a claim: exactly-once sending stays the ledger's alone.
 */

/**
 * SES events as the configuration set publishes them to EventBridge (detail-types "Email Sent",
 * "Email Delivered", …: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ses.html; what each
 * means: https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EventDestination.html). A bounce is
 * split by its type: only a permanent one says the address will never work. EventBridge delivers them
 * best effort (same page): a missing event is no proof that nothing was sent.
 */
export const evidenceEvents = [
  'Send',
  'Delivery',
  'BouncePermanent',
  'BounceTransient',
  'Complaint',
  'Reject',
  'DeliveryDelay',
  'RenderingFailure',
  // SMS: SNS's delivery status FAILURE (domain/sms-delivery-status.ts); its SUCCESS is a Delivery.
  'Undelivered',
] as const;
export type EvidenceEvent = (typeof evidenceEvents)[number];

/**
 * The events a provider reports once for each message it took, soon after taking it: SES's Send (or its
 * Reject or RenderingFailure instead), SNS's one status record per SMS. Their count grows only while evidence
 * of messages already taken is still arriving; later ones (a delivery, a transient bounce, a complaint)
 * keep coming for hours after a notice's sends (steps/settle-by-evidence.ts reads them to tell a backlog).
 */
export const ACCEPTANCE_EVENTS: Readonly<Record<string, readonly EvidenceEvent[]>> = {
  email: ['Send', 'Reject', 'RenderingFailure'],
  sms: ['Delivery', 'Undelivered'],
};

/** The stored attribute holding the first time an event was seen (adapters/evidence-store.ts). */
export const seenAttribute = (event: EvidenceEvent) => `seen_${event}` as const;

/** The stored attribute counting the recipients an event was first seen for (adapters/evidence-store.ts). */
export const countAttribute = (event: EvidenceEvent) => `count_${event}` as const;

/** Every attribute the evidence store writes: the recording function's IAM grant names exactly these (infra/functions.ts). */
export const EVIDENCE_ATTRIBUTES = [
  ...evidenceEvents.map(seenAttribute),
  'type',
  'incidentId',
  'noticeId',
  'customerId',
  'channel',
  'messageId',
  'reason',
  'recordedAt',
];
export const EVIDENCE_COUNT_ATTRIBUTES = [...evidenceEvents.map(countAttribute), 'type', 'updatedAt'];
export const UNDELIVERABLE_ATTRIBUTES = ['type', 'incidentId', 'noticeId', 'channel', 'customerId', 'event', 'at', 'reason'];

/** Events after which the channel will never reach the recipient with this notice. */
export const NEVER_DELIVERED: readonly EvidenceEvent[] = ['BouncePermanent', 'Reject', 'RenderingFailure', 'Undelivered'];

/** Recipients of one notice on one channel for whom each event was seen (each counted once per recipient). */
export type EvidenceCounts = Record<EvidenceEvent, number>;

export const noEvidenceCounts = (): EvidenceCounts => Object.fromEntries(evidenceEvents.map((e) => [e, 0])) as EvidenceCounts;

/**
 * A notice's reputation figures: permanent bounces per message SES accepted, complaints per message
 * delivered. SES watches the account's rates (a review from about 5% bounces or 0.1% complaints); its
 * exact denominators are not documented where we looked, so these are the notice's own, kept under those
 * levels by a margin (README, differences from AWS). Undefined until anything was accepted or delivered.
 */
export function reputationOf(counts: EvidenceCounts): { bounceRate?: number; complaintRate?: number } {
  return {
    ...(counts.Send > 0 ? { bounceRate: counts.BouncePermanent / counts.Send } : {}),
    ...(counts.Delivery > 0 ? { complaintRate: counts.Complaint / counts.Delivery } : {}),
  };
}

/** Where one recipient of one notice stands on one channel, as a person reads it. */
export type EvidenceState = 'delivered' | 'bounced' | 'complained' | 'rejected' | 'failed-to-render' | 'undelivered' | 'delayed' | 'accepted' | 'no-evidence';

/** First time each event was seen for the recipient: the state is derived from them, so the order events arrive in does not matter. */
export type EvidenceSeen = Partial<Record<EvidenceEvent, string>>;

export interface Evidence extends NoticeRef {
  customerId: string;
  channel: Channel;
  seen: EvidenceSeen;
  /** The provider's message id of the first event: matches the ledger's providerMessageId when the call's answer arrived. */
  messageId?: string;
  /** The provider's words for a failure, when it gave any (an SMS's providerResponse). */
  reason?: string;
}

/** One recipient's events on one channel of one notice, each at the first time it was seen. */
export interface RecipientEvidence {
  ref: NoticeRef;
  customerId: string;
  channel: Channel;
  seen: EvidenceSeen;
  messageId?: string;
  reason?: string;
}

/**
 * The state a person cares about. A complaint means it arrived (and was unwelcome); a permanent bounce,
 * a rejection or a rendering failure means it never will; delivery wins over an earlier delay.
 */
export function evidenceState(seen: EvidenceSeen): EvidenceState {
  if (seen.Complaint) return 'complained';
  if (seen.Delivery) return 'delivered';
  if (seen.BouncePermanent) return 'bounced';
  if (seen.Reject) return 'rejected';
  if (seen.RenderingFailure) return 'failed-to-render';
  if (seen.Undelivered) return 'undelivered';
  if (seen.DeliveryDelay || seen.BounceTransient) return 'delayed';
  if (seen.Send) return 'accepted';
  return 'no-evidence';
}

/** The provider accepted the message: proof that a call whose answer was lost did go out for this recipient. */
export const providerAccepted = (seen: EvidenceSeen): boolean => evidenceState(seen) !== 'no-evidence';

/** Never reached on this channel, and never will be: the customer needs another channel. */
export const unreachableOn = (state: EvidenceState): boolean =>
  state === 'bounced' || state === 'rejected' || state === 'failed-to-render' || state === 'undelivered';

/**
 * Channels whose provider always reports evidence: SES through the configuration set. SMS has it only
 * once the account's SMS settings log every delivery to the stack's role (domain/sms-delivery-status.ts):
 * confirm-sent adds `SMS_EVIDENCE_CHANNEL` when they do.
 */
export const EVIDENCE_CHANNELS: readonly string[] = ['email'];
export const SMS_EVIDENCE_CHANNEL = 'sms';

/**
 * Message tags (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_MessageTag.html): values
 * may hold only ASCII letters, digits, `_` and `-`, so the customer id, which the directory chooses,
 * travels base64url-encoded; incident and notice ids are ours and already fit.
 */
export const EVIDENCE_TAGS = { incident: 'bn-incident', notice: 'bn-notice', customer: 'bn-customer', channel: 'bn-channel' } as const;

export function evidenceTags(ref: NoticeRef, customerId: string, channel: Channel): Record<string, string> {
  return {
    [EVIDENCE_TAGS.incident]: ref.incidentId,
    [EVIDENCE_TAGS.notice]: ref.noticeId,
    [EVIDENCE_TAGS.customer]: Buffer.from(customerId, 'utf8').toString('base64url'),
    [EVIDENCE_TAGS.channel]: channel,
  };
}

/** The recipient a tagged event is about, or undefined for a message the notices did not send (staff email, another sender). */
export function recipientOfTags(tags: Record<string, readonly string[] | undefined>): (NoticeRef & { customerId: string; channel: Channel }) | undefined {
  const one = (name: string) => tags[name]?.[0];
  const incidentId = one(EVIDENCE_TAGS.incident);
  const noticeId = one(EVIDENCE_TAGS.notice);
  const customer = one(EVIDENCE_TAGS.customer);
  const channel = one(EVIDENCE_TAGS.channel);
  if (!incidentId || !noticeId || !customer || !channel) return undefined;
  return { incidentId, noticeId, customerId: Buffer.from(customer, 'base64url').toString('utf8'), channel };
}

/**
 * The parts of an SES event this project reads (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 * documents the `detail` object: `eventType`, `mail.tags`, `bounce.bounceType`). Anything else in the
 * event, addresses included, is neither read nor kept.
 */
export const sesEventDetailSchema = z.object({
  eventType: z.enum(['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject', 'DeliveryDelay', 'Rendering Failure', 'Open', 'Click', 'Subscription']),
  mail: z.object({
    messageId: z.string().min(1),
    timestamp: z.string().optional(),
    tags: z.record(z.string(), z.array(z.string())).default({}),
  }),
  bounce: z.object({ bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']), timestamp: z.string().optional() }).optional(),
});
export type SesEventDetail = z.infer<typeof sesEventDetailSchema>;

/** The evidence an SES event gives, or undefined for events that say nothing about reaching the person (opens, clicks). */
export function evidenceOfSesEvent(detail: SesEventDetail): EvidenceEvent | undefined {
  switch (detail.eventType) {
    case 'Send':
    case 'Delivery':
    case 'Complaint':
    case 'Reject':
    case 'DeliveryDelay':
      return detail.eventType;
    case 'Rendering Failure':
      return 'RenderingFailure';
    case 'Bounce':
      // An undetermined bounce may still be retried by SES: not yet a final "never".
      return detail.bounce?.bounceType === 'Permanent' ? 'BouncePermanent' : 'BounceTransient';
    default:
      return undefined;
  }
}
