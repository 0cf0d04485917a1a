import { evidenceOfSesEvent, recipientOfTags, type EvidenceEvent, type RecipientEvidence, type SesEventDetail } from '../domain/delivery-evidence.js';
import type { EvidenceStorePort } from '../domain/ports.js';

export interface RecordEvidenceDeps {
  evidence: Pick<EvidenceStorePort, 'recordRecipient' | 'addCounts'>;
  /** Recipients written at once: enough to hide DynamoDB's round trips, few enough for one function's sockets. */
  writesInFlight?: number;
}

/** One SES event as its queue delivered it: `id` names the message in the batch's answer. */
export interface EvidenceMessage {
  id: string;
  time: string;
  detail: SesEventDetail;
}

export interface RecordEvidenceResult {
  /** Messages not recorded: the queue delivers them again, and after its receive count, to the dead-letter queue. */
  failed: string[];
  /** Recipients an event was seen for the first time, per channel and event (what the notice's counts went up by). */
  firsts: { channel: string; event: EvidenceEvent; count: number }[];
  /** Not about a customer notice (staff email, another sender on the set) or not about reaching anyone (opens, clicks). */
  ignored: number;
  /** Why writes failed, each distinct `name: message` once (DynamoDB's words: no customer data). */
  errors: string[];
}

const WRITES_IN_FLIGHT = 16;

/**
 * A batch of SES events, recorded against the recipients their message tags name (the email channel tags
 * every entry: domain/channels/email.ts). The tags, not the call's answer, find the recipient, so a call
 * whose answer was lost still gets its evidence. A recipient's events in the batch (Send and Delivery,
 * usually) are one write; each notice's counts one more, after them: a failure in between leaves a count
 * short, never double. Recording is idempotent: EventBridge and the queue may deliver an event twice.
 */
export async function recordDeliveryEvidence(messages: readonly EvidenceMessage[], deps: RecordEvidenceDeps): Promise<RecordEvidenceResult> {
  const recipients = new Map<string, RecipientEvidence & { ids: string[] }>();
  let ignored = 0;
  for (const message of messages) {
    const event = evidenceOfSesEvent(message.detail);
    const recipient = event && recipientOfTags(message.detail.mail.tags);
    if (!event || !recipient) {
      ignored += 1;
      continue;
    }
    const { customerId, channel, ...ref } = recipient;
    const key = JSON.stringify([ref.incidentId, ref.noticeId, customerId, channel]);
    const entry = recipients.get(key) ?? { ref, customerId, channel, seen: {}, messageId: message.detail.mail.messageId, ids: [] };
    const earlier = entry.seen[event];
    if (!earlier || message.time < earlier) entry.seen[event] = message.time;
    entry.ids.push(message.id);
    recipients.set(key, entry);
  }

  const failed: string[] = [];
  const errors = new Set<string>();
  const fail = (ids: string[], error: unknown) => {
    failed.push(...ids);
    errors.add(`${(error as Error).name}: ${(error as Error).message}`);
  };
  const counts = new Map<string, { entry: RecipientEvidence; counts: Partial<Record<EvidenceEvent, number>>; ids: string[] }>();
  const queue = [...recipients.values()];
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const { ids, ...evidence } = entry;
      let first: EvidenceEvent[];
      try {
        first = await deps.evidence.recordRecipient(evidence);
      } catch (error) {
        fail(ids, error);
        continue;
      }
      const key = JSON.stringify([evidence.ref.incidentId, evidence.ref.noticeId, evidence.channel]);
      const notice = counts.get(key) ?? { entry: evidence, counts: {}, ids: [] };
      for (const event of first) notice.counts[event] = (notice.counts[event] ?? 0) + 1;
      notice.ids.push(...ids);
      counts.set(key, notice);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.writesInFlight ?? WRITES_IN_FLIGHT) }, worker));

  const firsts: RecordEvidenceResult['firsts'] = [];
  await Promise.all(
    [...counts.values()].map(async ({ entry, counts: added, ids }) => {
      try {
        await deps.evidence.addCounts(entry.ref, entry.channel, added);
      } catch (error) {
        // Received again, each recipient is found already seen: the count stays short, and the failure is reported.
        fail(ids, error);
        return;
      }
      for (const [event, count] of Object.entries(added) as [EvidenceEvent, number][]) firsts.push({ channel: entry.channel, event, count });
    }),
  );
  return { failed, firsts, ignored, errors: [...errors] };
}
