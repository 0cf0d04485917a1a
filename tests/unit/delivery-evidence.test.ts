import { describe, expect, it } from 'vitest';
import {
  EVIDENCE_TAGS,
  evidenceOfSesEvent,
  evidenceState,
  evidenceTags,
  recipientOfTags,
  sesEventDetailSchema,
  type EvidenceSeen,
  type RecipientEvidence,
} from '../../functions/domain/delivery-evidence.js';
import type { EvidenceEvent } from '../../functions/domain/delivery-evidence.js';
import type { NoticeRef } from '../../functions/domain/delivery.js';
import { recordDeliveryEvidence } from '../../functions/steps/record-delivery-evidence.js';

const ref: NoticeRef = { incidentId: 'inc-20261120-0123456789ab', noticeId: 'first-notice-1' };
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const detail = (eventType: string, tags: Record<string, string[]>, extra: Record<string, unknown> = {}) =>
  sesEventDetailSchema.parse({ eventType, mail: { messageId: 'm-1', timestamp: at(0), tags }, ...extra });
const tagsOf = (customerId: string) => Object.fromEntries(Object.entries(evidenceTags(ref, customerId, 'email')).map(([k, v]) => [k, [v]]));

describe('delivery evidence', () => {
  it('derives the state a person cares about whatever order the events came in', () => {
    const cases: [EvidenceSeen, string][] = [
      [{}, 'no-evidence'],
      [{ Send: at(0) }, 'accepted'],
      [{ Send: at(0), DeliveryDelay: at(1) }, 'delayed'],
      [{ DeliveryDelay: at(1), Delivery: at(2), Send: at(0) }, 'delivered'],
      [{ Delivery: at(2), Complaint: at(3) }, 'complained'],
      [{ Send: at(0), BouncePermanent: at(1) }, 'bounced'],
      [{ Send: at(0), BounceTransient: at(1) }, 'delayed'],
      [{ Send: at(0), Reject: at(1) }, 'rejected'],
      [{ RenderingFailure: at(0) }, 'failed-to-render'],
    ];
    for (const [seen, state] of cases) expect(evidenceState(seen), JSON.stringify(seen)).toBe(state);
  });

  it('tags every message with values SES accepts, and finds the recipient again from them', () => {
    // Customer ids are the directory's: any characters, which SES refuses in a tag value.
    for (const customerId of ['c-000001', 'cust#42@example', '客户-七', 'a/b+c=d e']) {
      const tags = evidenceTags(ref, customerId, 'email');
      // https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_MessageTag.html
      for (const [name, value] of Object.entries(tags)) {
        expect(name).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
        expect(value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      }
      expect(recipientOfTags(tagsOf(customerId))).toEqual({ ...ref, customerId, channel: 'email' });
    }
    // A message the notices did not send (staff email) carries only SES's own tags.
    expect(recipientOfTags({ 'ses:configuration-set': ['breach-notice'] })).toBeUndefined();
    expect(recipientOfTags({ [EVIDENCE_TAGS.incident]: [ref.incidentId], [EVIDENCE_TAGS.notice]: [ref.noticeId] })).toBeUndefined();
  });

  it('reads a bounce by its type: only a permanent one means never', () => {
    expect(evidenceOfSesEvent(detail('Bounce', {}, { bounce: { bounceType: 'Permanent' } }))).toBe('BouncePermanent');
    expect(evidenceOfSesEvent(detail('Bounce', {}, { bounce: { bounceType: 'Transient' } }))).toBe('BounceTransient');
    expect(evidenceOfSesEvent(detail('Bounce', {}, { bounce: { bounceType: 'Undetermined' } }))).toBe('BounceTransient');
    expect(evidenceOfSesEvent(detail('Rendering Failure', {}))).toBe('RenderingFailure');
    expect(evidenceOfSesEvent(detail('Open', {}))).toBeUndefined();
  });

  it('records tagged events against their recipients, one write per recipient, and ignores what is not about a customer notice', async () => {
    // Prepare
    const written: { customerId: string; seen: EvidenceSeen; messageId?: string }[] = [];
    const counted: { channel: string; counts: Partial<Record<EvidenceEvent, number>> }[] = [];
    const deps = {
      evidence: {
        recordRecipient: async (entry: RecipientEvidence) => {
          written.push({ customerId: entry.customerId, seen: entry.seen, messageId: entry.messageId });
          return Object.keys(entry.seen) as EvidenceEvent[];
        },
        addCounts: async (_ref: NoticeRef, channel: string, counts: Partial<Record<EvidenceEvent, number>>) => {
          counted.push({ channel, counts });
        },
      },
    };
    const times = [at(0), at(1), at(2)] as const;
    const message = (id: string, minute: 0 | 1 | 2, d: ReturnType<typeof detail>) => ({ id, time: times[minute], detail: d });
    // Act: a later Delivery comes before an earlier one; staff email and an open are not evidence.
    const result = await recordDeliveryEvidence(
      [
        message('1', 2, detail('Delivery', tagsOf('cust#42'))),
        message('2', 0, detail('Send', tagsOf('cust#42'))),
        message('3', 1, detail('Delivery', tagsOf('cust#42'))),
        message('4', 0, detail('Delivery', { 'ses:configuration-set': ['x'] })),
        message('5', 0, detail('Open', tagsOf('cust#42'))),
      ],
      deps,
    );
    // Assess
    expect(result).toEqual({
      failed: [],
      ignored: 2,
      errors: [],
      firsts: [expect.objectContaining({ event: 'Delivery', count: 1 }), expect.objectContaining({ event: 'Send', count: 1 })],
    });
    expect(written).toEqual([{ customerId: 'cust#42', seen: { Delivery: times[1], Send: times[0] }, messageId: 'm-1' }]);
    expect(counted).toEqual([{ channel: 'email', counts: { Delivery: 1, Send: 1 } }]);
  });
});
