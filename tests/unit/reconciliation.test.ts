import { describe, expect, it } from 'vitest';
import type { ChannelRecipient } from '../../functions/domain/channels/channel.js';
import { emailChannel } from '../../functions/domain/channels/email.js';
import { smsChannel } from '../../functions/domain/channels/sms.js';
import {
  categoryOf,
  csvLine,
  NoticeReconciler,
  reconcile,
  reconciliationCsv,
  type Outcome,
  type OutcomeStatus,
  type PlannedCall,
} from '../../functions/domain/delivery.js';
import { emptyFacts } from '../../functions/domain/facts.js';
import type { Locale } from '../../functions/domain/locales.js';
import { draftNotice } from '../../functions/domain/notice.js';
import type { BulkEntryResult } from '../../functions/domain/ports.js';
import { noticeRecord } from '../support/notices.js';

const ref = { incidentId: 'inc-20261120-0123456789ab', noticeId: 'first-notice-1' };
const at = '2026-11-20T08:00:00.000Z';
const outcome = (customerId: string, status: OutcomeStatus | string, extra: Partial<Outcome> = {}): Outcome =>
  ({ ...ref, customerId, channel: 'email', batchKey: 'c000000#en#0', status, at, attempt: 1, ...extra }) as Outcome;

const impact = { affectedCustomers: 1, byDataCategory: { email: 1 }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
const notice = noticeRecord({
  ...ref,
  kind: 'first-notice',
  sequence: 1,
  status: 'APPROVED',
  content: Object.fromEntries(
    (['en'] as Locale[]).map((l) => [
      l,
      draftNotice(
        {
          kind: 'first-notice',
          sequence: 1,
          incident: { incidentId: ref.incidentId, source: 'guardduty', firstSeenAt: at, impact },
          facts: emptyFacts(),
          company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' },
          nextUpdateAt: at,
        },
        l,
      ),
    ]),
  ),
  createdAt: at,
  promisedNextUpdateAt: at,
});
const recipient = (address: string): ChannelRecipient => ({ customerId: 'c1', locale: 'en', address, name: 'Ann', dataCategories: ['email'], timeZone: 'UTC' });

/** What the email channel records for one SES entry result. */
async function emailRecord(result: BulkEntryResult) {
  const channel = emailChannel({ email: { sendBulk: async () => [result] }, templatePrefix: 'bn' });
  return (await channel.prepare(notice, 'en', [recipient('ann@example.com')])())[0]!;
}

/** What the SMS channel records when SNS answers Publish with this error (4xx: an answered refusal). */
async function smsRecord(errorName: string) {
  const error = Object.assign(new Error(errorName), { name: errorName, $metadata: { httpStatusCode: 400 } });
  const channel = smsChannel({ messaging: { sendSms: () => Promise.reject(error), publish: () => Promise.reject(error) }, smsConcurrency: 1 });
  return (await channel.prepare(notice, 'en', [recipient('+447700900001')])())[0]!;
}

async function* calls(...list: PlannedCall[]): AsyncIterable<PlannedCall> {
  yield* list;
}

const call = (recipients: PlannedCall['recipients'], extra: Partial<PlannedCall> = {}): PlannedCall => ({
  chunkIndex: 0,
  channel: 'email',
  batchKey: 'c000000#en#0',
  recipients,
  ...extra,
});

describe('delivery categories, from what the channels record', () => {
  it('SES entries: accepted is sent; a suppression-list refusal is suppressed; other rejections failed; throttled unfinished; no status uncertain', async () => {
    // Prepare
    const cases: [BulkEntryResult, string][] = [
      [{ status: 'SUCCESS', messageId: 'm1' }, 'sent'],
      [{ status: 'MESSAGE_REJECTED', error: 'Email address is on the suppression list for your account.' }, 'suppressed'],
      [{ status: 'MESSAGE_REJECTED', error: 'Address blacklisted.' }, 'suppressed'],
      [{ status: 'MESSAGE_REJECTED', error: 'Message contains a virus.' }, 'failed'],
      [{ status: 'INVALID_PARAMETER', error: 'Illegal address' }, 'failed'],
      [{ status: 'ACCOUNT_THROTTLED', error: 'Maximum sending rate exceeded.' }, 'unfinished'],
      [{ status: undefined }, 'uncertain'],
    ];
    // Act
    const got = await Promise.all(cases.map(async ([result]) => categoryOf(await emailRecord(result))));
    // Assess
    expect(got).toEqual(cases.map(([, category]) => category));
  });

  it('SNS Publish: an opted-out number is suppressed; an invalid one failed; throttling unfinished', async () => {
    // Act
    const got = await Promise.all(
      ['OptedOutException', 'InvalidParameterException', 'ThrottledException'].map(async (name) => categoryOf(await smsRecord(name))),
    );
    // Assess
    expect(got).toEqual(['suppressed', 'failed', 'unfinished']);
  });

  it('no outcome yet is unfinished; only a final refusal can be suppressed; a status the ledger never writes has no category', () => {
    // Assess
    expect(categoryOf(undefined)).toBe('unfinished');
    expect(categoryOf({ status: 'RETRYABLE', reason: 'OptedOutException' })).toBe('unfinished');
    expect(categoryOf({ status: 'UNCERTAIN', reason: 'no answer from SNS: suppressed?' })).toBe('uncertain');
    expect(categoryOf({ status: 'FAILED', reason: 'no usable contact point in the customer directory' })).toBe('failed');
    expect(categoryOf({ status: 'SENDING' as OutcomeStatus })).toBeUndefined();
  });
});

describe('NoticeReconciler', () => {
  it('counts every intended recipient once per channel, in one category each, across calls and chunks', async () => {
    // Prepare
    const pages = calls(
      call([
        { customerId: 'a', outcome: outcome('a', 'SENT') },
        { customerId: 'b', outcome: outcome('b', 'FAILED', { reason: 'MESSAGE_REJECTED: Address blacklisted.' }) },
        { customerId: 'c' },
      ]),
      call(
        [
          { customerId: 'd', outcome: outcome('d', 'UNCERTAIN') },
          { customerId: 'e', outcome: outcome('e', 'RETRYABLE') },
        ],
        { chunkIndex: 1, batchKey: 'c000001#en#0' },
      ),
      call([{ customerId: 'a', outcome: outcome('a', 'FAILED', { channel: 'sms', reason: 'InvalidParameterException' }) }], {
        chunkIndex: 1,
        channel: 'sms',
        batchKey: 'c000001#en#0',
      }),
    );
    // Act
    const result = await reconcile(pages);
    // Assess
    expect(result).toEqual({
      channels: {
        email: { intended: 5, sent: 1, suppressed: 1, failed: 0, uncertain: 1, unfinished: 2 },
        sms: { intended: 1, sent: 0, suppressed: 0, failed: 1, uncertain: 0, unfinished: 0 },
      },
      plannedChunks: 2,
      problems: [],
    });
  });

  it('a status no category knows breaks the identity, and both are reported with the customer id', async () => {
    // Prepare
    const pages = calls(
      call([
        { customerId: 'a', outcome: outcome('a', 'SENT') },
        { customerId: 'z', outcome: outcome('z', 'SENDING') },
      ]),
    );
    // Act
    const result = await reconcile(pages);
    // Assess
    expect(result.channels.email).toEqual({ intended: 2, sent: 1, suppressed: 0, failed: 0, uncertain: 0, unfinished: 0 });
    expect(result.problems).toEqual([
      'email z: status "SENDING" is no delivery category',
      'email: intended 2 but sent + suppressed + failed + uncertain + unfinished = 1',
    ]);
  });

  it("a settled call whose totals disagree with its recipients' outcomes is reported; an unsettled one is not judged", async () => {
    // Prepare
    const recipients = [{ customerId: 'a', outcome: outcome('a', 'SENT') }, { customerId: 'b' }];
    const pages = calls(
      call(recipients, { settled: { sent: 2, failed: 0, retryable: 0, uncertain: 0 } }),
      call(recipients, { batchKey: 'c000000#en#1' }),
      call([{ customerId: 'c', outcome: outcome('c', 'UNCERTAIN') }], {
        batchKey: 'c000000#en#2',
        settled: { sent: 0, failed: 0, retryable: 0, uncertain: 1 },
      }),
    );
    // Act
    const result = await reconcile(pages);
    // Assess
    expect(result.problems).toEqual([
      "email c000000#en#0: the call's totals (sent 2, failed 0, retryable 0, uncertain 0) disagree with its recipients' outcomes (sent 1, failed 0, retryable 0, uncertain 0, none 1)",
    ]);
  });

  it('lists the first twenty problems and counts the rest', () => {
    // Prepare
    const reconciler = new NoticeReconciler();
    // Act
    reconciler.add(call(Array.from({ length: 25 }, (_, i) => ({ customerId: `x${i}`, outcome: outcome(`x${i}`, 'LOST') }))));
    const { problems } = reconciler.result();
    // Assess
    expect(problems).toHaveLength(21);
    expect(problems[19]).toBe('email x19: status "LOST" is no delivery category');
    expect(problems[20]).toBe('and 6 more');
  });
});

describe('the reconciliation CSV', () => {
  it('RFC 4180: a header, CRLF records, quoted fields with doubled quotes, empty cells for what is not known', async () => {
    // Prepare
    const reconciler = new NoticeReconciler();
    const pages = calls(
      call([
        { customerId: 'a', outcome: outcome('a', 'SENT', { providerMessageId: 'm-1' }) },
        { customerId: 'b', outcome: outcome('b', 'FAILED', { reason: 'MESSAGE_REJECTED: bad "header", line\nbreak', attempt: 2 }) },
        { customerId: 'c' },
      ]),
    );
    // Act
    let text = '';
    for await (const piece of reconciliationCsv(pages, reconciler)) text += piece;
    // Assess
    expect(text).toBe(
      [
        'customer_id,channel,category,status,reason,provider_message_id,attempt,at',
        `a,email,sent,SENT,,m-1,1,${at}`,
        `b,email,failed,FAILED,"MESSAGE_REJECTED: bad ""header"", line\nbreak",,2,${at}`,
        'c,email,unfinished,,,,,',
        '',
      ].join('\r\n'),
    );
    expect(reconciler.result().channels.email).toMatchObject({ intended: 3, sent: 1, failed: 1, unfinished: 1 });
  });

  it('ids only: an address or number a provider echoed is redacted, and no cell starts like a spreadsheet formula', () => {
    // Act
    const line = csvLine({
      customerId: '=HYPERLINK("http://x")',
      channel: 'sms',
      category: 'failed',
      outcome: outcome('c', 'FAILED', {
        channel: 'sms',
        reason: 'InvalidParameter: PhoneNumber Reason: +44 7700 900123 is not valid; copy to ann.lee@example.com',
      }),
    });
    // Assess
    expect(line).toBe(
      `"'=HYPERLINK(""http://x"")",sms,failed,FAILED,InvalidParameter: PhoneNumber Reason: [redacted] is not valid; copy to [redacted],,1,${at}\r\n`,
    );
  });
});
