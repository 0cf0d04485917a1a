import { describe, expect, it } from 'vitest';
import { ApprovalRefusedError, codeDigest, LINK_ID_PATTERN, parseDecisionForm, refusalFor, type ApprovalRequest } from '../../functions/domain/approval.js';
import { outcomeOfSesStatus } from '../../functions/domain/channels/email.js';
import { isPermanentSmsError } from '../../functions/domain/channels/sms.js';
import { planBatches } from '../../functions/domain/delivery.js';
import { randomDigits, randomId } from '../../functions/shared/crypto.js';

const request = (over: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
  incidentId: 'inc-20261120-0123456789ab',
  requestId: 'r1',
  noticeId: 'first-notice-1',
  tier: 'primary',
  status: 'PENDING',
  expiresAt: '2026-11-20T12:00:00Z',
  createdAt: '2026-11-20T08:00:00Z',
  ...over,
});
const at = (iso: string) => new Date(iso);

describe('approval rules', () => {
  it('a pending, unexpired request can be decided', () => {
    expect(refusalFor(request(), at('2026-11-20T11:59:59Z'))).toBeUndefined();
  });

  it('expiry is exclusive: at the expiry instant the link is gone (410)', () => {
    expect(refusalFor(request(), at('2026-11-20T12:00:00Z'))).toMatchObject({ reasonCode: 'expired' });
  });

  it('a decided request says who decided and when (409)', () => {
    const r = refusalFor(request({ status: 'REJECTED', decidedBy: 'a@example.com', decidedAt: '2026-11-20T09:00:00Z' }), at('2026-11-20T10:00:00Z'));
    expect(r).toMatchObject({ reasonCode: 'already-decided' });
    expect(r?.message).toBe('This notice was already rejected by a@example.com at 2026-11-20T09:00:00Z.');
  });

  it('a superseded request (escalated) is gone (410) even before its expiry', () => {
    expect(refusalFor(request({ status: 'SUPERSEDED' }), at('2026-11-20T09:00:00Z'))).toMatchObject({ reasonCode: 'superseded' });
  });

  it('link ids are 256 random bits in base64url, and the pattern refuses anything else', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomId(32)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(LINK_ID_PATTERN);
    expect(LINK_ID_PATTERN.test('short')).toBe(false);
    expect(LINK_ID_PATTERN.test(`${randomId(32)}x`)).toBe(false);
    expect(LINK_ID_PATTERN.test(`${randomId(32).slice(0, 42)}/`)).toBe(false);
  });

  it('the decision form needs a choice, the 6-digit code, and a reason to reject', () => {
    expect(parseDecisionForm(new URLSearchParams('decision=approve&code=012345&csrf=t'))).toEqual({
      decision: 'approve',
      reason: '',
      code: '012345',
      csrf: 't',
    });
    expect(parseDecisionForm(new URLSearchParams('decision=reject&reason=%20too%20vague%20&code=123%20456'))).toEqual({
      decision: 'reject',
      reason: 'too vague',
      code: '123456',
      csrf: '',
    });
    expect(() => parseDecisionForm(new URLSearchParams('decision=reject&code=123456'))).toThrow('A rejection needs a reason.');
    expect(() => parseDecisionForm(new URLSearchParams('decision=maybe&code=123456'))).toThrow('Choose approve or reject.');
    expect(() => parseDecisionForm(new URLSearchParams('decision=approve'))).toThrow('Type the 6-digit code from your email.');
    expect(() => parseDecisionForm(new URLSearchParams('decision=approve&code=12345a'))).toThrow(ApprovalRefusedError);
    expect(() => parseDecisionForm(new URLSearchParams('decision=approve&code=1234567'))).toThrow(ApprovalRefusedError);
  });

  it('a code digest is bound to its link', () => {
    expect(codeDigest('link-a', '123456')).not.toBe(codeDigest('link-b', '123456'));
    expect(codeDigest('link-a', '123456')).toBe(codeDigest('link-a', '123456'));
    expect(randomDigits(6)).toMatch(/^\d{6}$/);
  });
});

describe('delivery planning', () => {
  const recipients = Array.from({ length: 120 }, (_, i) => ({ customerId: `c${String(119 - i).padStart(3, '0')}`, locale: i % 3 === 0 ? 'zh-CN' : 'en' }));

  it('batches by locale, at most 50 each, ordered by id, with keys stable across calls', () => {
    const a = planBatches(recipients, 50, 'c000001');
    const b = planBatches([...recipients].reverse(), 50, 'c000001');
    expect(a.map((x) => x.batchKey)).toEqual(['c000001#en#0', 'c000001#en#1', 'c000001#zh-CN#0']);
    expect(a.map((x) => x.recipients.length)).toEqual([50, 30, 40]);
    expect(a).toEqual(b);
    for (const batch of a) {
      expect(new Set(batch.recipients.map((r) => r.locale)).size).toBe(1);
      const ids = batch.recipients.map((r) => r.customerId);
      expect(ids).toEqual([...ids].sort());
    }
  });

  it.each([
    ['SUCCESS', 'SENT'],
    ['MESSAGE_REJECTED', 'FAILED'],
    ['INVALID_PARAMETER', 'FAILED'],
    ['ACCOUNT_THROTTLED', 'RETRYABLE'],
    ['TRANSIENT_FAILURE', 'RETRYABLE'],
    ['FAILED', 'RETRYABLE'],
    ['TEMPLATE_NOT_FOUND', 'RETRYABLE'],
    ['CONFIGURATION_SET_SENDING_PAUSED', 'RETRYABLE'],
    [undefined, 'UNCERTAIN'],
    ['SOME_FUTURE_STATUS', 'UNCERTAIN'],
  ] as const)('SES status %s -> %s', (status, outcome) => {
    expect(outcomeOfSesStatus(status)).toBe(outcome);
  });

  it('only number-specific SNS errors are permanent', () => {
    expect(isPermanentSmsError('InvalidParameterException')).toBe(true);
    expect(isPermanentSmsError('ThrottledException')).toBe(false);
    expect(isPermanentSmsError('InternalErrorException')).toBe(false);
  });
});
