import type { NoticeRef, Outcome } from '../domain/delivery.js';
import type { EarlySmsStatusPort, EvidenceStorePort } from '../domain/ports.js';
import { matchEarlyStatus, matchSmsOutcome, type SmsOutcome, type SmsStatus } from '../domain/sms-delivery-status.js';

export interface RecordSmsStatusDeps {
  lookups: { customersWithPhone(phone: string): Promise<string[]>; smsOutcomes(customerId: string, consistent?: boolean): Promise<SmsOutcome[]> };
  early: Pick<EarlySmsStatusPort, 'keep'>;
  evidence: Pick<EvidenceStorePort, 'record'>;
}

export type RecordSmsStatusResult =
  | { recorded: true; event: SmsStatus['event']; first: boolean }
  /**
   * `not-a-customer`: no customer gave this number (a staff member's approval code, another sender in the account).
   * `early`: none of their SMS outcomes is this message yet; kept for the send step to record when it writes it.
   */
  | { recorded: false; reason: 'not-a-customer' | 'early' };

/**
 * One SMS delivery status record, recorded as delivery evidence against the customer and notice it is
 * about (the customer by number, the notice by message id, or by the UNCERTAIN call that was under way).
 * A record often comes before the send step wrote the outcome it belongs to (SNS answered, the batch's
 * other calls still running, or the client still waiting on a lost answer). Waiting for it held one of the
 * function's few executions per record: at 100,000 customers on the twin the records fell minutes behind
 * the SMS (~9 a second against ~65 sent). So an early record is kept with the customer and the function
 * returns; the send step records it when it writes the outcome (`recordEarlyStatuses`). Keep, then look
 * again (strongly consistent), against the send step's write, then look: whichever comes second sees the
 * other, and recording twice is idempotent.
 */
export async function recordSmsStatus(status: SmsStatus, deps: RecordSmsStatusDeps): Promise<RecordSmsStatusResult> {
  const customers = await deps.lookups.customersWithPhone(status.destination);
  if (customers.length === 0) return { recorded: false, reason: 'not-a-customer' };
  const look = async (consistent: boolean): Promise<RecordSmsStatusResult | undefined> => {
    for (const customerId of customers) {
      const ref = matchSmsOutcome(status, await deps.lookups.smsOutcomes(customerId, consistent));
      if (!ref) continue;
      const first = await deps.evidence.record(ref, customerId, 'sms', status.event, status.sentAt, status.messageId, status.reason);
      // Found by the look after keeping it: marked, so the send step does not record it again. Not deleted: this
      // function's role names the attributes it may write, and a DeleteItem names none (infra/functions.ts).
      if (consistent) await deps.early.keep(customerId, kept, true);
      return { recorded: true, event: status.event, first };
    }
    return undefined;
  };
  const { destination: _number, ...kept } = status;
  const found = await look(false);
  if (found) return found;
  await Promise.all(customers.map((customerId) => deps.early.keep(customerId, kept)));
  return (await look(true)) ?? { recorded: false, reason: 'early' };
}

/** What recording the early statuses of a call's outcomes found, for the per-channel metrics. */
export interface EarlyStatusesRecorded {
  Delivery: number;
  Undelivered: number;
}

/**
 * Records the SMS statuses kept because they came before these outcomes (`recordSmsStatus`), once the
 * outcomes are written: a status by its message id (one consistent BatchGet for the call), a call that lost
 * its answer by the customer's kept statuses nearest in time. Each recorded status is then forgotten.
 * Called by the send step after each SMS call's outcomes are written, and by the settling of UNCERTAIN
 * calls before silence may decide (if the send step's look failed, a kept status still counts).
 */
export async function recordEarlyStatuses(
  ref: NoticeRef,
  outcomes: readonly Pick<Outcome, 'customerId' | 'channel' | 'status' | 'providerMessageId' | 'at'>[],
  deps: { early: EarlySmsStatusPort; evidence: Pick<EvidenceStorePort, 'record'> },
): Promise<EarlyStatusesRecorded> {
  const sms = outcomes.filter((o) => o.channel === 'sms');
  const answered = sms.flatMap((o) => (o.status === 'SENT' && o.providerMessageId ? [{ customerId: o.customerId, messageId: o.providerMessageId }] : []));
  const lost = sms.filter((o) => o.status === 'UNCERTAIN' && !o.providerMessageId);
  const found = [
    ...(await deps.early.ofMessages(answered)),
    ...(
      await Promise.all(
        lost.map(async (o) => {
          const status = matchEarlyStatus(o, await deps.early.ofCustomer(o.customerId));
          return status ? [{ customerId: o.customerId, status }] : [];
        }),
      )
    ).flat(),
  ];
  const recorded: EarlyStatusesRecorded = { Delivery: 0, Undelivered: 0 };
  for (const { customerId, status } of found) {
    if (await deps.evidence.record(ref, customerId, 'sms', status.event, status.sentAt, status.messageId, status.reason)) recorded[status.event] += 1;
    await deps.early.forget(customerId, status.messageId);
  }
  return recorded;
}
