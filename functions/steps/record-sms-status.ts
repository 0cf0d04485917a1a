import type { NoticeRef, Outcome } from '../domain/delivery.js';
import type { EarlySmsStatusPort, EvidenceStorePort } from '../domain/ports.js';
import { matchEarlyStatus, matchSmsOutcome, type EarlySmsStatus, type SmsOutcome, type SmsStatus } from '../domain/sms-delivery-status.js';

/** The customer's SMS outcomes; `consistent` for the look after keeping a status. */
type SmsOutcomes = (customerId: string, consistent?: boolean) => Promise<SmsOutcome[]>;

export interface RecordSmsStatusDeps {
  lookups: { customersWithPhone(phone: string): Promise<string[]>; smsOutcomes: SmsOutcomes };
  early: Pick<EarlySmsStatusPort, 'keep' | 'forget'>;
  evidence: Pick<EvidenceStorePort, 'record'>;
}

export type RecordSmsStatusResult =
  | { recorded: true; event: SmsStatus['event']; first: boolean }
  /**
   * `not-a-customer`: no customer gave this number (a staff member's approval code, another sender in the account).
   * `early`: none of their SMS outcomes is this message yet; kept for the send step (or the settling of a lost call) to record.
   */
  | { recorded: false; reason: 'not-a-customer' | 'early' };

/** What recording kept statuses found, for the per-channel metrics. */
export interface EarlyStatusesRecorded {
  Delivery: number;
  Undelivered: number;
}

/**
 * One SMS delivery status record, recorded as delivery evidence against the customer and notice it is
 * about (the customer by number, the notice by message id, or by the UNCERTAIN call that was under way).
 * A record often comes before the send step wrote the outcome it belongs to (SNS answered, the batch's
 * other calls still running, or the client still waiting on a lost answer). Waiting for it held one of the
 * function's few executions per record: at 100,000 customers on the twin the records fell minutes behind
 * the SMS (~9 a second against ~65 sent). So an early record is kept and the function returns; the send
 * step records it when it writes the outcome (`recordEarlyAnswered`), the settling of a lost call when it
 * looks (`recordEarlyLost`). The recorder keeps, then looks again (strongly consistent); the send step
 * writes, then looks: whichever comes second sees the other. Recording is idempotent.
 */
export async function recordSmsStatus(status: SmsStatus, deps: RecordSmsStatusDeps): Promise<RecordSmsStatusResult> {
  const customers = await deps.lookups.customersWithPhone(status.destination);
  if (customers.length === 0) return { recorded: false, reason: 'not-a-customer' };
  const { destination: _number, ...fate } = status;
  const kept: EarlySmsStatus = { ...fate, keptFor: customers };
  const look = async (consistent: boolean): Promise<RecordSmsStatusResult | undefined> => {
    for (const customerId of customers) {
      const ref = matchSmsOutcome(status, await deps.lookups.smsOutcomes(customerId, consistent));
      if (!ref) continue;
      const first = await deps.evidence.record(ref, customerId, 'sms', status.event, status.sentAt, status.messageId, status.reason);
      if (consistent) await deps.early.forget(kept);
      return { recorded: true, event: status.event, first };
    }
    return undefined;
  };
  const found = await look(false);
  if (found) return found;
  await deps.early.keep(kept);
  return (await look(true)) ?? { recorded: false, reason: 'early' };
}

type AnsweredOutcome = Pick<Outcome, 'customerId' | 'channel' | 'status' | 'providerMessageId'>;

const answeredSms = (outcomes: readonly AnsweredOutcome[]) =>
  outcomes.flatMap((o) =>
    o.channel === 'sms' && o.status === 'SENT' && o.providerMessageId ? [{ customerId: o.customerId, messageId: o.providerMessageId }] : [],
  );

/**
 * Records the kept statuses of a call's answered SMS (by message id: one consistent BatchGet), once its
 * outcomes are written; each recorded status is forgotten, every copy. The send step's look, after
 * `complete`, over the call's outcomes of every attempt, and again whenever it meets the call settled.
 * Lost answers wait for the settling (`recordEarlyLost`): by then any answered outcome that names a kept
 * status is written, so a status is not taken for the wrong notice.
 */
export async function recordEarlyAnswered(
  ref: NoticeRef,
  outcomes: readonly AnsweredOutcome[],
  deps: { early: EarlySmsStatusPort; evidence: Pick<EvidenceStorePort, 'record'> },
): Promise<EarlyStatusesRecorded> {
  return recordAll(ref, await deps.early.ofMessages(answeredSms(outcomes)), deps);
}

/**
 * Records, for recipients of a finished SMS call whose answer was lost, the kept status nearest in time to
 * the lost outcome's batch start (`at` as given when it is not found) within a call's span, among those no
 * answered outcome names (the outcomes of every customer a status was kept for, read consistently). The
 * settling of UNCERTAIN calls does it before silence may decide.
 */
export async function recordEarlyLost(
  ref: NoticeRef,
  lost: readonly Pick<Outcome, 'customerId' | 'channel' | 'status' | 'at'>[],
  deps: { early: EarlySmsStatusPort; evidence: Pick<EvidenceStorePort, 'record'>; smsOutcomes: SmsOutcomes },
): Promise<EarlyStatusesRecorded> {
  const found: { customerId: string; status: EarlySmsStatus }[] = [];
  for (const o of lost.filter((l) => l.channel === 'sms' && l.status === 'UNCERTAIN')) {
    const kept = await deps.early.ofCustomer(o.customerId);
    if (kept.length === 0) continue;
    const owners = [...new Set([o.customerId, ...kept.flatMap((k) => k.keptFor)])];
    const outcomesOf = new Map(await Promise.all(owners.map(async (c) => [c, await deps.smsOutcomes(c, true)] as const)));
    const named = new Set([...outcomesOf.values()].flat().flatMap((x) => (x.providerMessageId ? [x.providerMessageId] : [])));
    // The lost outcome as written carries its batch's start (a taken-over claim's: the dead holder's claim): a call
    // finished again later (its other recipients retried after a pause) has a later completion than the SMS it lost.
    const own = outcomesOf
      .get(o.customerId)!
      .find((x) => x.incidentId === ref.incidentId && x.noticeId === ref.noticeId && x.status === 'UNCERTAIN' && !x.providerMessageId);
    const status = matchEarlyStatus(own ?? o, kept, named);
    if (status) found.push({ customerId: o.customerId, status });
  }
  return recordAll(ref, found, deps);
}

async function recordAll(
  ref: NoticeRef,
  found: readonly { customerId: string; status: EarlySmsStatus }[],
  deps: { early: Pick<EarlySmsStatusPort, 'forget'>; evidence: Pick<EvidenceStorePort, 'record'> },
): Promise<EarlyStatusesRecorded> {
  const recorded: EarlyStatusesRecorded = { Delivery: 0, Undelivered: 0 };
  for (const { customerId, status } of found) {
    // Recorded before forgotten: a crash in between leaves a status recorded again later, never lost.
    if (await deps.evidence.record(ref, customerId, 'sms', status.event, status.sentAt, status.messageId, status.reason)) recorded[status.event] += 1;
    await deps.early.forget(status);
  }
  return recorded;
}
