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

const LOOK_AGAIN_MS = 2_000;

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
  for (;;) {
    for (const customerId of customers) {
      const ref = matchSmsOutcome(status, await deps.lookups.smsOutcomes(customerId));
      if (!ref) continue;
      const first = await deps.evidence.record(ref, customerId, 'sms', status.event, status.sentAt, status.messageId, status.reason);
      return { recorded: true, event: status.event, first };
    }
    if (deps.clock.now().getTime() >= until) return { recorded: false, reason: 'unmatched' };
    await deps.sleep(LOOK_AGAIN_MS);
  }
}
