import { NoticeReconciler, type SettledReconciliation } from '../domain/delivery.js';
import type { NoticeRef } from '../domain/delivery.js';
import type { DeliveryLedgerPort } from '../domain/ports.js';

/** Ids kept per channel of those to reconcile with the provider; the rest are counted (and one command away). */
const MAX_LISTED_IDS = 200;

/**
 * A notice's figures per channel from every planned recipient's outcome, with the UNCERTAIN ids to
 * check against the provider's records. Streams the ledger: an audience of any size never sits in memory.
 */
export async function reconcileNotice(ledger: Pick<DeliveryLedgerPort, 'recipientOutcomes'>, ref: NoticeRef): Promise<SettledReconciliation> {
  const reconciler = new NoticeReconciler();
  const uncertain: SettledReconciliation['uncertain'] = {};
  for await (const call of ledger.recipientOutcomes(ref)) {
    for (const r of reconciler.add(call)) {
      if (r.category !== 'uncertain') continue;
      const listed = (uncertain[r.channel] ??= { ids: [], count: 0 });
      if (listed.ids.length < MAX_LISTED_IDS) listed.ids.push(r.customerId);
      listed.count += 1;
    }
  }
  return { ...reconciler.result(), uncertain };
}
