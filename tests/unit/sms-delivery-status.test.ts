import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { evidenceState, unreachableOn } from '../../functions/domain/delivery-evidence.js';
import {
  decodeLogsBatch,
  matchEarlyStatus,
  matchSmsOutcome,
  parseSmsStatus,
  smsStatusComplete,
  type SmsOutcome,
  type SmsStatus,
} from '../../functions/domain/sms-delivery-status.js';
import { recordSmsStatus } from '../../functions/steps/record-sms-status.js';

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
/** SNS's timestamp format: UTC, a space, milliseconds, no zone. */
const snsTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const record = (status: 'SUCCESS' | 'FAILURE', messageId: string, sent: Date, providerResponse: string) =>
  JSON.stringify({
    notification: { messageId, timestamp: snsTime(sent) },
    delivery: {
      phoneCarrier: 'Carrier',
      mnc: 270,
      destination: '+447700900123',
      priceInUSD: 0.04,
      smsType: 'Transactional',
      mcc: 234,
      providerResponse,
      dwellTimeMs: 599,
    },
    status,
  });

const outcome = (fields: Partial<SmsOutcome>): SmsOutcome => ({
  incidentId: 'inc-1',
  noticeId: 'first-notice-1',
  status: 'SENT',
  at: ago(60).toISOString(),
  batchKey: 'c000000-en-0',
  attempt: 1,
  ...fields,
});

describe('SMS delivery status', () => {
  it('reads a subscription batch (base64 of gzip) and each record SNS writes, success or failure', () => {
    // Prepare: a batch as CloudWatch Logs delivers it, one record from each of SNS's two groups.
    const sent = ago(30);
    const batch = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: 'sns/eu-west-1/123456789012/DirectPublishToPhoneNumber',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: [
        { id: '1', timestamp: sent.getTime(), message: record('SUCCESS', 'm-ok', sent, 'Message has been accepted by phone carrier') },
        { id: '2', timestamp: sent.getTime(), message: record('FAILURE', 'm-bad', sent, 'Phone carrier has blocked this message') },
        { id: '3', timestamp: sent.getTime(), message: 'not a status record' },
      ],
    };
    // Act
    const decoded = decodeLogsBatch(gzipSync(JSON.stringify(batch)).toString('base64'));
    const statuses = decoded.logEvents.map((e) => parseSmsStatus(e.message));
    // Assess
    expect(statuses[0]).toEqual({
      messageId: 'm-ok',
      sentAt: sent.toISOString(),
      destination: '+447700900123',
      event: 'Delivery',
      reason: 'Message has been accepted by phone carrier',
    });
    expect(statuses[1]).toMatchObject({ messageId: 'm-bad', event: 'Undelivered', reason: 'Phone carrier has blocked this message' });
    expect(statuses[2]).toBeUndefined();
    // A failed SMS never reaches the person with this notice: the customer goes on the notice's undeliverable list.
    expect(unreachableOn(evidenceState({ Undelivered: sent.toISOString() }))).toBe(true);
    expect(() => decodeLogsBatch(Buffer.from('{}').toString('base64'))).toThrow();
  });

  it('finds the notice by message id, or by the UNCERTAIN outcome its lost call wrote around when SNS took it, and nothing else', () => {
    const status: SmsStatus = { messageId: 'm-2', sentAt: ago(20).toISOString(), destination: '+447700900123', event: 'Delivery' };
    const answered = outcome({ noticeId: 'update-2', providerMessageId: 'm-2' });
    const older = outcome({ noticeId: 'first-notice-1', providerMessageId: 'm-1' });
    // The answer was lost: the outcome written after SNS took it (the client's timeout), or a little before (a late request).
    const lost = outcome({ incidentId: 'inc-2', noticeId: 'first-notice-1', status: 'UNCERTAIN', at: ago(15).toISOString() });
    expect(matchSmsOutcome(status, [older, lost, answered])).toEqual({ incidentId: 'inc-1', noticeId: 'update-2' });
    expect(matchSmsOutcome(status, [older, lost])).toEqual({ incidentId: 'inc-2', noticeId: 'first-notice-1' });
    expect(matchSmsOutcome(status, [{ ...lost, at: ago(50).toISOString() }])).toEqual({ incidentId: 'inc-2', noticeId: 'first-notice-1' });
    // The outcome carries its batch's start: a Publish minutes into a slow batch of 99 is still its message.
    expect(matchSmsOutcome(status, [{ ...lost, at: ago(20 + 600).toISOString() }])).toEqual({ incidentId: 'inc-2', noticeId: 'first-notice-1' });
    // A holder that took over a dead one's claim writes the outcome minutes later: still its message.
    expect(matchSmsOutcome(status, [{ ...lost, at: ago(-600).toISOString() }])).toEqual({ incidentId: 'inc-2', noticeId: 'first-notice-1' });
    // An UNCERTAIN outcome from a batch begun long before SNS took the message, or written long after, is another message's.
    expect(matchSmsOutcome(status, [{ ...lost, at: ago(20 + 1800).toISOString() }])).toBeUndefined();
    expect(matchSmsOutcome(status, [{ ...lost, at: ago(-3600).toISOString() }])).toBeUndefined();
    // Two lost SMS to the number, for two notices ten minutes apart: each status goes to the nearer.
    const lostLater = outcome({ incidentId: 'inc-3', noticeId: 'update-3', status: 'UNCERTAIN', at: ago(-600).toISOString() });
    expect(matchSmsOutcome(status, [lostLater, lost])).toEqual({ incidentId: 'inc-2', noticeId: 'first-notice-1' });
    expect(matchSmsOutcome({ ...status, sentAt: ago(-610).toISOString() }, [lost, lostLater])).toEqual({ incidentId: 'inc-3', noticeId: 'update-3' });
    // A SENT outcome matches only by its own id.
    expect(matchSmsOutcome(status, [older])).toBeUndefined();
  });

  it('records against the customer the number names, keeps a record that came before its outcome, and ignores numbers of no customer', async () => {
    // Prepare: the outcome is not written on the first look (the send step still finishing its batch), and is on the second.
    const status: SmsStatus = {
      messageId: 'm-9',
      sentAt: ago(1).toISOString(),
      destination: '+447700900123',
      event: 'Undelivered',
      reason: 'Invalid phone number',
    };
    const looks: (boolean | undefined)[] = [];
    const kept: unknown[][] = [];
    const recorded: unknown[][] = [];
    // `writtenAfter`: the look (1, 2) from which the outcome is there.
    const deps = (writtenAfter: number) => {
      let look = 0;
      return {
        lookups: {
          customersWithPhone: async (phone: string) => (phone === '+447700900123' ? ['c-1'] : []),
          smsOutcomes: async (_customerId: string, consistent?: boolean) => (
            looks.push(consistent), ++look >= writtenAfter ? [outcome({ providerMessageId: 'm-9' })] : []
          ),
        },
        early: { keep: async (...args: unknown[]) => void kept.push(args) },
        evidence: { record: async (...args: unknown[]) => (recorded.push(args), true) },
      };
    };
    // Act: not written by either look; then written between the keeping and the second look.
    const first = await recordSmsStatus(status, deps(3));
    const second = await recordSmsStatus(status, deps(2));
    // Assess: never a wait; kept without the number; the look after keeping is strongly consistent.
    expect(first).toEqual({ recorded: false, reason: 'early' });
    expect(looks).toEqual([false, true, false, true]);
    const { destination: _number, ...withoutNumber } = status;
    expect(kept[0]).toEqual(['c-1', withoutNumber]);
    expect(JSON.stringify(kept)).not.toContain('+447700900123');
    expect(second).toEqual({ recorded: true, event: 'Undelivered', first: true });
    // Found by the second look: marked as recorded, so the send step does not count it again.
    expect(kept.at(-1)).toEqual(['c-1', withoutNumber, true]);
    expect(recorded).toEqual([
      [{ incidentId: 'inc-1', noticeId: 'first-notice-1' }, 'c-1', 'sms', 'Undelivered', status.sentAt, 'm-9', 'Invalid phone number'],
    ]);
    expect(await recordSmsStatus({ ...status, destination: '+15550100000' }, deps(1))).toEqual({ recorded: false, reason: 'not-a-customer' });
  });

  it("finds a kept status from the outcome's side: by message id, or for a lost answer the nearest within a call's span", () => {
    const kept = (messageId: string, secondsAgo: number) => ({ messageId, sentAt: ago(secondsAgo).toISOString(), event: 'Delivery' as const });
    const statuses = [kept('m-1', 30), kept('m-2', 600), kept('m-3', 3000)];
    expect(matchEarlyStatus(outcome({ providerMessageId: 'm-2' }), statuses)?.messageId).toBe('m-2');
    expect(matchEarlyStatus(outcome({ providerMessageId: 'm-9' }), statuses)).toBeUndefined();
    // A lost answer: the nearest to when its batch started; none beyond a call's span.
    expect(matchEarlyStatus(outcome({ status: 'UNCERTAIN', at: ago(40).toISOString() }), statuses)?.messageId).toBe('m-1');
    expect(matchEarlyStatus(outcome({ status: 'UNCERTAIN', at: ago(700).toISOString() }), statuses)?.messageId).toBe('m-2');
    expect(matchEarlyStatus(outcome({ status: 'UNCERTAIN', at: ago(5000).toISOString() }), [kept('m-1', 30)])).toBeUndefined();
    // Nothing went out for a FAILED or RETRYABLE outcome.
    expect(matchEarlyStatus(outcome({ status: 'FAILED', at: ago(30).toISOString() }), statuses)).toBeUndefined();
  });

  it('counts SMS evidence as complete only with a role and every success logged', () => {
    expect(smsStatusComplete({ DeliveryStatusIAMRole: 'arn:aws:iam::1:role/r', DeliveryStatusSuccessSamplingRate: '100' })).toBe(true);
    expect(smsStatusComplete({ DeliveryStatusIAMRole: 'arn:aws:iam::1:role/r', DeliveryStatusSuccessSamplingRate: '10' })).toBe(false);
    expect(smsStatusComplete({ DeliveryStatusSuccessSamplingRate: '100' })).toBe(false);
  });
});
