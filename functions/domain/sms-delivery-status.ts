import { gunzipSync } from 'node:zlib';
import * as z from 'zod';
import type { NoticeRef, Outcome } from './delivery.js';
import type { EvidenceEvent } from './delivery-evidence.js';

/*
 * SMS delivery status: once the account's SMS settings name a DeliveryStatusIAMRole, SNS writes one log
 * record per SMS to CloudWatch Logs, successes to `sns/<region>/<account>/DirectPublishToPhoneNumber` and
 * failures to `…/DirectPublishToPhoneNumber/Failure`
 * (https://docs.aws.amazon.com/sns/latest/api/API_SetSMSAttributes.html,
 * https://repost.aws/knowledge-center/monitor-sns-texts-cloudwatch). A subscription filter hands them to
 * a function. The record names the message id and the destination number, never our ids: the number
 * finds the customer (the directory's byPhone index), the customer's SMS outcomes find the notice.
 */

/** The directory's index from a phone number to the customers who gave it (infra/tables.ts). */
export const BY_PHONE_INDEX = 'byPhone';

/** The attributes each lookup names (adapters/sms-status-lookups.ts): the recording function's IAM grant allows these and no others (infra/functions.ts). */
export const PHONE_INDEX_ATTRIBUTES = ['customerId', 'sk', 'phone'];
export const SMS_OUTCOME_ATTRIBUTES = ['pk', 'sk', 'incidentId', 'noticeId', 'channel', 'status', 'providerMessageId', 'at', 'batchKey', 'attempt'];

/** The log groups SNS writes SMS delivery status to, in an account and region. */
export function smsStatusLogGroups(region: string, account: string): { success: string; failure: string } {
  const success = `sns/${region}/${account}/DirectPublishToPhoneNumber`;
  return { success, failure: `${success}/Failure` };
}

/**
 * Whether the account's SMS settings (GetSMSAttributes) make SNS log every SMS's fate: a role to write
 * with, and every success sampled. Below 100%, a missing success record proves nothing, and settling
 * UNCERTAIN SMS by silence would text people twice.
 */
export function smsStatusComplete(attributes: Record<string, string | undefined>): boolean {
  return Boolean(attributes.DeliveryStatusIAMRole) && attributes.DeliveryStatusSuccessSamplingRate === '100';
}

/**
 * What a CloudWatch Logs subscription hands a function: `awslogs.data`, base64 of the gzipped batch
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample).
 * CONTROL_MESSAGE batches only check that the destination is reachable.
 */
export const logsSubscriptionEventSchema = z.object({ awslogs: z.object({ data: z.string().min(1) }) });

const logsBatchSchema = z.object({
  messageType: z.enum(['DATA_MESSAGE', 'CONTROL_MESSAGE']),
  logGroup: z.string(),
  logEvents: z.array(z.object({ id: z.string(), timestamp: z.number(), message: z.string() })),
});
export type LogsBatch = z.infer<typeof logsBatchSchema>;

/** A batch the subscription delivered, decoded; a malformed one throws (the invocation fails and is retried, then kept). */
export function decodeLogsBatch(data: string): LogsBatch {
  return logsBatchSchema.parse(JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')));
}

/** The parts of a delivery status record read here (the repost.aws page above shows one of each status); price, carrier and dwell times are not. */
const smsStatusRecordSchema = z.object({
  notification: z.object({
    messageId: z.string().min(1),
    // "2016-06-28 00:40:34.558": UTC, without a zone.
    timestamp: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/),
  }),
  delivery: z.object({ destination: z.string().min(1), providerResponse: z.string().max(1024).optional() }),
  status: z.enum(['SUCCESS', 'FAILURE']),
});

/** One SMS's fate as SNS reported it. `destination` is the customer's number: PII, never logged or kept. */
export interface SmsStatus {
  messageId: string;
  /** When SNS accepted the Publish, ISO 8601. */
  sentAt: string;
  destination: string;
  /** Delivery for SUCCESS; for FAILURE, `Undelivered`: SNS does not try that message again. */
  event: Extract<EvidenceEvent, 'Delivery' | 'Undelivered'>;
  /** The carrier's or SNS's words ("Phone carrier has blocked this message"); no number in them. */
  reason?: string;
}

/** A log event's message as an SMS status, or undefined when it is not one (a record of another kind in the group). */
export function parseSmsStatus(message: string): SmsStatus | undefined {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return undefined;
  }
  const parsed = smsStatusRecordSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { notification, delivery, status } = parsed.data;
  return {
    messageId: notification.messageId,
    sentAt: new Date(`${notification.timestamp.replace(' ', 'T')}Z`).toISOString(),
    destination: delivery.destination,
    event: status === 'SUCCESS' ? 'Delivery' : 'Undelivered',
    ...(delivery.providerResponse ? { reason: delivery.providerResponse } : {}),
  };
}

/**
 * How far apart an UNCERTAIN outcome's time and SNS's taking of its message may be. The outcome carries the
 * time its holder started the batch (steps/send-notices.ts), and the batch's Publishes run until the
 * invocation ends: SNS may take the message up to the send step's 900 s timeout after it (a batch of 99
 * numbers takes minutes when SNS answers slowly; a 60 s bound here left such messages unmatched and sent
 * them twice). A holder that took over a dead one's claim dates the lost outcome by the dead holder's claim,
 * however late the takeover comes (a lease of 16 minutes, or a later round).
 */
const CALL_SPAN_MS = 20 * 60_000;

/** An SMS outcome of the customer. */
export type SmsOutcome = Pick<Outcome, 'incidentId' | 'noticeId' | 'status' | 'providerMessageId' | 'at' | 'batchKey' | 'attempt'>;

/**
 * A status record that came before the outcome it is about (the send step writes outcomes when its batch's
 * calls have ended, an UNCERTAIN one only after the client gave up), kept until it is recorded
 * (steps/record-sms-status.ts), under each customer who gave the number (`keptFor`): whoever records it
 * forgets every copy. No number in it.
 */
export interface EarlySmsStatus {
  messageId: string;
  sentAt: string;
  event: SmsStatus['event'];
  reason?: string;
  keptFor: string[];
}

/** The attributes of a kept early status (adapters/sms-status-lookups.ts): the recording function may write these and no others. */
export const EARLY_STATUS_ATTRIBUTES = ['pk', 'sk', 'messageId', 'sentAt', 'event', 'reason', 'keptFor'];

/** The one of `candidates` nearest in time to `at` within a call's span, if any. */
function nearestInSpan<T>(at: number, candidates: readonly T[], timeOf: (c: T) => string): T | undefined {
  const distance = (c: T) => Math.abs(at - Date.parse(timeOf(c)));
  return candidates
    .filter((c) => distance(c) <= CALL_SPAN_MS)
    .reduce<T | undefined>((best, c) => (best === undefined || distance(c) < distance(best) ? c : best), undefined);
}

const lostCall = (o: Pick<SmsOutcome, 'status' | 'providerMessageId'>) => o.status === 'UNCERTAIN' && !o.providerMessageId;

/**
 * The notice a status record is about, among the customer's SMS outcomes: the one SNS answered with this
 * message id. A call that lost its answer has no id: its status is kept and matched by time when the call
 * is settled (`matchEarlyStatus`), once every answered outcome that could name it is written; matched by
 * time here, a status of a notice whose outcome was not written yet would go to another notice's lost call.
 */
export function matchSmsOutcome(status: SmsStatus, outcomes: readonly SmsOutcome[]): NoticeRef | undefined {
  const exact = outcomes.find((o) => o.providerMessageId === status.messageId);
  return exact && { incidentId: exact.incidentId, noticeId: exact.noticeId };
}

/**
 * The kept status a call that lost its answer (UNCERTAIN, no message id, written by the holder that sent it
 * or by the one that took over its claim) is about: the one nearest in time within a call's span (two lost
 * SMS to one number, for two notices, each take their own), among those no answered outcome names (`named`:
 * message ids of the SMS outcomes of every customer the status was kept for). The ledger sends a customer
 * one SMS per notice, so a lost call stands for one message at most; an SMS of another sender to that
 * number in that span would be taken for it.
 */
export function matchEarlyStatus(
  outcome: Pick<SmsOutcome, 'status' | 'providerMessageId' | 'at'>,
  early: readonly EarlySmsStatus[],
  named: ReadonlySet<string>,
): EarlySmsStatus | undefined {
  if (!lostCall(outcome)) return undefined;
  return nearestInSpan(
    Date.parse(outcome.at),
    early.filter((s) => !named.has(s.messageId)),
    (s) => s.sentAt,
  );
}
