import type { EvidenceStorePort } from '../domain/ports.js';
import { matchSmsOutcome, SMS_STATUS_MATCH_WAIT_SECONDS, type SmsOutcome, type SmsStatus } from '../domain/sms-delivery-status.js';
import type { Clock } from '../shared/clock.js';

export interface RecordSmsStatusDeps {
  lookups: { customersWithPhone(phone: string): Promise<string[]>; smsOutcomes(customerId: string): Promise<SmsOutcome[]> };
  evidence: Pick<EvidenceStorePort, 'record'>;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  /** How long after SNS accepted the message an unmatched record is looked at again. @default SMS_STATUS_MATCH_WAIT_SECONDS */
  matchWaitSeconds?: number;
}

export type RecordSmsStatusResult =
  | { recorded: true; event: SmsStatus['event']; first: boolean }
  /** No customer gave this number (a staff member's approval code, another sender in the account), or none of their SMS outcomes is this message. */
  | { recorded: false; reason: 'not-a-customer' | 'unmatched' };

/**
 * Waits between looks: short at first, since the outcome usually lands within a second of the record
 * (its batch finishing), then doubling. A wait holds one of the function's few concurrent executions, so
 * fixed 2 s waits made each record take ~0.5 s on average and the records fell behind the SMS at 100,000
 * customers on the twin (4,197 recorded of 6,894 sent); the evidence came later than the window that settles lost calls.
 */
const FIRST_LOOK_AGAIN_MS = 250;
const LONGEST_LOOK_AGAIN_MS = 2_000;

/**
 * One SMS delivery status record, recorded as delivery evidence against the customer and notice it is
 * about (the customer by number, the notice by message id, or by the UNCERTAIN call that was under way).
 * A record can come before the send step wrote the outcome it belongs to (SNS answered, the batch's
 * other calls still running, or the client still waiting on a lost answer): it is looked at again until
 * SMS_STATUS_MATCH_WAIT_SECONDS after SNS accepted the message. Recording is idempotent.
 */
export async function recordSmsStatus(status: SmsStatus, deps: RecordSmsStatusDeps): Promise<RecordSmsStatusResult> {
  const customers = await deps.lookups.customersWithPhone(status.destination);
  if (customers.length === 0) return { recorded: false, reason: 'not-a-customer' };
  const until = Date.parse(status.sentAt) + (deps.matchWaitSeconds ?? SMS_STATUS_MATCH_WAIT_SECONDS) * 1000;
  for (let wait = FIRST_LOOK_AGAIN_MS; ; wait = Math.min(wait * 2, LONGEST_LOOK_AGAIN_MS)) {
    for (const customerId of customers) {
      const ref = matchSmsOutcome(status, await deps.lookups.smsOutcomes(customerId));
      if (!ref) continue;
      const first = await deps.evidence.record(ref, customerId, 'sms', status.event, status.sentAt, status.messageId, status.reason);
      return { recorded: true, event: status.event, first };
    }
    if (deps.clock.now().getTime() >= until) return { recorded: false, reason: 'unmatched' };
    await deps.sleep(wait);
  }
}
