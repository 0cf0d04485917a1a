import type { Channel, NoticeRef } from '../domain/delivery.js';
import type { EvidenceEvent } from '../domain/delivery-evidence.js';
import type { DeliveryLedgerPort, EvidenceStorePort } from '../domain/ports.js';

export interface UnreachableDeps {
  evidence: Pick<EvidenceStorePort, 'undeliverable'>;
  ledger: Pick<DeliveryLedgerPort, 'outcomesForCustomer'>;
}

/** A customer the notice reached on no channel: who the team calls or writes to, with why each channel failed. */
export interface UnreachableCustomer {
  customerId: string;
  /** Per channel tried: the provider's final event, or the ledger's status when the provider never took it. */
  channels: { channel: Channel; why: EvidenceEvent | string }[];
}

/**
 * The customers of a notice that no channel reached: some channel will never reach them (a permanent
 * bounce, a rejection: the notice's undeliverable list, written as the evidence comes in) and no other
 * channel has them SENT. Reads the short undeliverable list, then each of those customers' outcomes
 * (one Query each), never the whole audience.
 */
export async function unreachableCustomers(ref: NoticeRef, deps: UnreachableDeps): Promise<UnreachableCustomer[]> {
  const byCustomer = new Map<string, Map<Channel, EvidenceEvent>>();
  for (const entry of await deps.evidence.undeliverable(ref)) {
    const channels = byCustomer.get(entry.customerId) ?? new Map<Channel, EvidenceEvent>();
    channels.set(entry.channel, entry.event);
    byCustomer.set(entry.customerId, channels);
  }
  const unreachable: UnreachableCustomer[] = [];
  for (const [customerId, never] of [...byCustomer].sort(([a], [b]) => a.localeCompare(b))) {
    const outcomes = (await deps.ledger.outcomesForCustomer(customerId)).filter((o) => o.incidentId === ref.incidentId && o.noticeId === ref.noticeId);
    if (outcomes.some((o) => o.status === 'SENT' && !never.has(o.channel))) continue;
    const channels = [
      ...[...never].map(([channel, why]) => ({ channel, why })),
      ...outcomes.filter((o) => !never.has(o.channel)).map((o) => ({ channel: o.channel, why: o.status })),
    ];
    unreachable.push({ customerId, channels: channels.sort((a, b) => a.channel.localeCompare(b.channel)) });
  }
  return unreachable;
}
