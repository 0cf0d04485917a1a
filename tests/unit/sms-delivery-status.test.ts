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

  it('finds the notice by message id only: a lost call waits for its settling', () => {
    const status: SmsStatus = { messageId: 'm-2', sentAt: ago(20).toISOString(), destination: '+447700900123', event: 'Delivery' };
    const answered = outcome({ noticeId: 'update-2', providerMessageId: 'm-2' });
    const older = outcome({ noticeId: 'first-notice-1', providerMessageId: 'm-1' });
    const lost = outcome({ incidentId: 'inc-2', noticeId: 'first-notice-1', status: 'UNCERTAIN', at: ago(15).toISOString() });
    expect(matchSmsOutcome(status, [older, lost, answered])).toEqual({ incidentId: 'inc-1', noticeId: 'update-2' });
    // The status may be update-2's, its outcome not written yet: never taken for the lost call here.
    expect(matchSmsOutcome(status, [older, lost])).toBeUndefined();
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
    // Every step in one log: the order is the design (keep, then look again), not only what happened.
    let log: string[] = [];
    const kept: unknown[] = [];
    const recorded: unknown[][] = [];
    // `writtenAfter`: the look (1, 2) from which the outcome is there.
    const deps = (writtenAfter: number) => {
      let look = 0;
      return {
        lookups: {
          customersWithPhone: async (phone: string) => (phone === '+447700900123' ? ['c-1', 'c-2'] : []),
          smsOutcomes: async (customerId: string, consistent?: boolean) => {
            log.push(`look ${customerId}${consistent ? ' consistent' : ''}`);
            return customerId === 'c-2' && ++look >= writtenAfter ? [outcome({ providerMessageId: 'm-9' })] : [];
          },
        },
        early: {
          keep: async (status: unknown) => void (log.push('keep'), kept.push(status)),
          forget: async () => void log.push('forget'),
        },
        evidence: { record: async (...args: unknown[]) => (log.push('record'), recorded.push(args), true) },
      };
    };
    // Act: not written by either look
    const first = await recordSmsStatus(status, deps(3));
    const firstLog = log;
    log = [];
    // ... then written between the keeping and the second look
    const second = await recordSmsStatus(status, deps(2));
    // Assess: never a wait; kept once for both customers of the number, without the number, then looked at again, strongly consistent
    expect(first).toEqual({ recorded: false, reason: 'early' });
    expect(firstLog).toEqual(['look c-1', 'look c-2', 'keep', 'look c-1 consistent', 'look c-2 consistent']);
    const { destination: _number, ...fate } = status;
    expect(kept[0]).toEqual({ ...fate, keptFor: ['c-1', 'c-2'] });
    expect(JSON.stringify(kept)).not.toContain('+447700900123');
    // Found by the look after keeping: recorded, then every copy forgotten.
    expect(second).toEqual({ recorded: true, event: 'Undelivered', first: true });
    expect(log).toEqual(['look c-1', 'look c-2', 'keep', 'look c-1 consistent', 'look c-2 consistent', 'record', 'forget']);
    expect(recorded).toEqual([
      [{ incidentId: 'inc-1', noticeId: 'first-notice-1' }, 'c-2', 'sms', 'Undelivered', status.sentAt, 'm-9', 'Invalid phone number'],
    ]);
    expect(await recordSmsStatus({ ...status, destination: '+15550100000' }, deps(1))).toEqual({ recorded: false, reason: 'not-a-customer' });
  });

  it("finds a lost call's kept status: the nearest within a call's span that no answered outcome names", () => {
    const kept = (messageId: string, secondsAgo: number) => ({
      messageId,
      sentAt: ago(secondsAgo).toISOString(),
      event: 'Delivery' as const,
      keptFor: ['c-1'],
    });
    const statuses = [kept('m-1', 30), kept('m-2', 600), kept('m-3', 3000)];
    const lost = (secondsAgo: number) => outcome({ status: 'UNCERTAIN', at: ago(secondsAgo).toISOString() });
    const none = new Set<string>();
    // The nearest to when its batch started; none beyond a call's span.
    expect(matchEarlyStatus(lost(40), statuses, none)?.messageId).toBe('m-1');
    expect(matchEarlyStatus(lost(700), statuses, none)?.messageId).toBe('m-2');
    expect(matchEarlyStatus(lost(5000), [kept('m-1', 30)], none)).toBeUndefined();
    // The outcome carries its batch's start: a Publish minutes into a slow batch of 99 is still its message;
    // the span reaches as far on the other side.
    expect(matchEarlyStatus(lost(30 + 600), [kept('m-1', 30)], none)?.messageId).toBe('m-1');
    expect(matchEarlyStatus(lost(30 - 600), [kept('m-1', 30)], none)?.messageId).toBe('m-1');
    expect(matchEarlyStatus(lost(30 + 1800), [kept('m-1', 30)], none)).toBeUndefined();
    // A status an answered outcome names is that notice's, however near.
    expect(matchEarlyStatus(lost(40), statuses, new Set(['m-1']))?.messageId).toBe('m-2');
    // Only a lost call takes a status by time: an answered one has its id, and nothing went out for FAILED or RETRYABLE.
    expect(matchEarlyStatus(outcome({ providerMessageId: 'm-1', at: ago(30).toISOString() }), statuses, none)).toBeUndefined();
    expect(matchEarlyStatus(outcome({ status: 'FAILED', at: ago(30).toISOString() }), statuses, none)).toBeUndefined();
  });

  it('counts SMS evidence as complete only with a role and every success logged', () => {
    expect(smsStatusComplete({ DeliveryStatusIAMRole: 'arn:aws:iam::1:role/r', DeliveryStatusSuccessSamplingRate: '100' })).toBe(true);
    expect(smsStatusComplete({ DeliveryStatusIAMRole: 'arn:aws:iam::1:role/r', DeliveryStatusSuccessSamplingRate: '10' })).toBe(false);
    expect(smsStatusComplete({ DeliveryStatusSuccessSamplingRate: '100' })).toBe(false);
  });
});
