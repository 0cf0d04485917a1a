import { describe, expect, it } from 'vitest';
import { smsChannel } from '../../functions/domain/channels/sms.js';
import type { ChannelRecipient } from '../../functions/domain/channels/channel.js';
import { categoryOf } from '../../functions/domain/delivery.js';
import { HASH_BYTES, SuppressionListBuilder, SuppressionSnapshot, suppressedReason } from '../../functions/domain/suppression.js';
import type { Messaging } from '../../functions/domain/ports.js';
import { emptyFacts } from '../../functions/domain/facts.js';
import { draftNotice } from '../../functions/domain/notice.js';
import { noticeRecord } from '../support/notices.js';

describe('suppression lists kept as sorted hashes', () => {
  it('finds every listed address (any letter case) and nothing else, with the list reason; 8 bytes an entry', () => {
    // Prepare
    const bounce = new SuppressionListBuilder({ channel: 'email', reason: 'BOUNCE' });
    const listed = Array.from({ length: 5000 }, (_, i) => `User${i}@Example.com`);
    for (const a of listed) bounce.add(a);
    bounce.add(listed[7]!);
    const sms = new SuppressionListBuilder({ channel: 'sms', reason: 'OPTED_OUT' });
    sms.add('+447700900123');
    // Act
    const snapshot = new SuppressionSnapshot([bounce.build(), sms.build()]);
    // Assess
    expect(snapshot.size).toBe(5001);
    expect(snapshot.lists[0]!.hashes.length).toBe(5000 * HASH_BYTES);
    for (const a of listed) expect(snapshot.reasonFor('email', a.toLowerCase())).toBe('BOUNCE');
    for (let i = 5000; i < 10_000; i += 1) expect(snapshot.reasonFor('email', `user${i}@example.com`)).toBeUndefined();
    expect(snapshot.reasonFor('sms', '+447700900123')).toBe('OPTED_OUT');
    // A list applies to its own channel only.
    expect(snapshot.reasonFor('sms', 'user1@example.com')).toBeUndefined();
    expect(snapshot.reasonFor('email', '+447700900123')).toBeUndefined();
  });
  it('the recorded reason reconciles as suppressed, never as sent or failed', () => {
    expect(categoryOf({ status: 'FAILED', reason: suppressedReason('email', 'COMPLAINT') })).toBe('suppressed');
    expect(categoryOf({ status: 'FAILED', reason: suppressedReason('sms', 'OPTED_OUT') })).toBe('suppressed');
  });
});

describe('SMS under SNS throttling', () => {
  it('stops publishing a batch at the first account-level refusal: the rest are RETRYABLE and untried', async () => {
    // Prepare: SNS throttles from the third Publish on.
    const tried: string[] = [];
    const messaging: Messaging = {
      sendSms: async (phone) => {
        tried.push(phone);
        if (tried.length >= 3) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException', $metadata: { httpStatusCode: 429 } });
        return `m-${phone}`;
      },
      publish: async () => '',
    };
    const recipients: ChannelRecipient[] = Array.from({ length: 10 }, (_, i) => ({
      customerId: `c${i}`,
      locale: 'en',
      address: `+44770090${String(i).padStart(4, '0')}`,
      name: 'N',
      dataCategories: [],
      timeZone: 'UTC',
    }));
    const at = '2026-11-20T08:00:00.000Z';
    const impact = { affectedCustomers: 10, byDataCategory: { email: 10 }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
    const company = { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' };
    const en = draftNotice(
      {
        kind: 'first-notice',
        sequence: 1,
        incident: { incidentId: 'inc-1', source: 'guardduty', firstSeenAt: at, impact },
        facts: emptyFacts(),
        company,
        nextUpdateAt: at,
      },
      'en',
    );
    const notice = noticeRecord({
      incidentId: 'inc-1',
      noticeId: 'n-1',
      kind: 'first-notice',
      sequence: 1,
      status: 'APPROVED',
      content: { en },
      createdAt: at,
      promisedNextUpdateAt: at,
    });
    // Act
    const results = await smsChannel({ messaging, smsConcurrency: 1 }).prepare(notice, 'en', recipients)();
    // Assess
    expect(tried).toHaveLength(3);
    expect(results.map((r) => r.status)).toEqual(['SENT', 'SENT', ...Array(8).fill('RETRYABLE')]);
    expect(results.slice(2).every((r) => r.reason?.startsWith('ThrottledException'))).toBe(true);
  });
});
