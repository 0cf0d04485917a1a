import { describe, expect, it } from 'vitest';
import { noEvidenceCounts, type EvidenceCounts } from '../../../functions/domain/delivery-evidence.js';
import { judgeReputation, limitsFromPercent } from '../../../functions/domain/reputation.js';
import { IncidentNotFoundError, NoticeNotFoundError } from '../../../functions/shared/errors.js';
import { resumeSending, type ResumeSendingDeps } from '../../../functions/steps/resume-sending.js';
import { appConfigSchema, parseAppConfig } from '../../../infra/config.js';
import { FakeClock, FakeEvidence, FakeIncidents, FakeNotices } from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const noticeId = 'first-notice-1';
const limits = limitsFromPercent(2.5, 0.05, 100);
const counts = (c: Partial<EvidenceCounts>): EvidenceCounts => ({ ...noEvidenceCounts(), ...c });

describe('judgeReputation: the guard decision', () => {
  it.each([
    ['nothing accepted yet', {}, []],
    ['one bounce in ten: too few emails to judge', { Send: 10, BouncePermanent: 1 }, []],
    ['2.5% exactly is not above the limit', { Send: 1000, BouncePermanent: 25 }, []],
    ['2.6% is', { Send: 1000, BouncePermanent: 26 }, ['bounce']],
    ['soft bounces do not count', { Send: 1000, BounceTransient: 500 }, []],
    ['bounces judged from 100 accepted on', { Send: 100, BouncePermanent: 3 }, ['bounce']],
    ['complaints per delivered: 1 in 1,000 is above 0.05%', { Send: 1000, Delivery: 1000, Complaint: 1 }, ['complaint']],
    ['1 in 2,000 is not', { Send: 2000, Delivery: 2000, Complaint: 1 }, []],
    ['complaints judged from 100 delivered on, whatever was accepted', { Send: 5000, Delivery: 99, Complaint: 3 }, []],
    ['both', { Send: 200, Delivery: 150, BouncePermanent: 50, Complaint: 1 }, ['bounce', 'complaint']],
  ] as const)('%s', (_name, given, breaches) => {
    expect(judgeReputation(counts(given), limits).breaches).toEqual(breaches);
  });

  it('gives the rates it judged', () => {
    expect(judgeReputation(counts({ Send: 400, Delivery: 200, BouncePermanent: 12, Complaint: 1 }), limits)).toEqual({
      bounceRate: 0.03,
      complaintRate: 0.005,
      breaches: ['bounce', 'complaint'],
    });
  });
});

describe('the reputation settings', () => {
  const base = { senderAddress: 'security@example.com', approverEmails: 'a@example.com', backupApproverEmails: 'b@example.com' };
  const read = (extra: Record<string, unknown>) => (key: string) => ({ ...base, ...extra })[key.replace('breach-notice:', '') as keyof typeof base];

  it('default under SES review levels: 2.5% bounces, 0.05% complaints, judged from 100 emails', () => {
    expect(appConfigSchema.parse(base)).toMatchObject({ bounceRateLimitPercent: 2.5, complaintRateLimitPercent: 0.05, reputationMinimumMessages: 100 });
  });

  it.each([
    ['bounceRateLimitPercent', '5', 'breach-notice:bounceRateLimitPercent="5": must be below SES\'s review level of about 5%'],
    ['complaintRateLimitPercent', '0.2', 'breach-notice:complaintRateLimitPercent="0.2": must be below SES\'s review level of about 0.1%'],
    ['bounceRateLimitPercent', '0', 'breach-notice:bounceRateLimitPercent="0"'],
    ['reputationMinimumMessages', '0', 'breach-notice:reputationMinimumMessages="0"'],
  ])('refuses %s=%s, naming the key and the value', (key, value, message) => {
    expect(() => parseAppConfig(read({ [key]: value }))).toThrow(message);
  });
});

describe('resumeSending: the team tells a paused notice to go on', () => {
  function world(status: 'APPROVED' | 'SENT' = 'APPROVED') {
    const clock = new FakeClock(Date.now());
    const incidents = new FakeIncidents(clock);
    incidents.incidents.set(incidentId, { incidentId } as never);
    const notices = new FakeNotices();
    void notices.createNotice(
      noticeRecord({
        incidentId,
        noticeId,
        kind: 'first-notice',
        sequence: 1,
        status,
        content: {},
        createdAt: clock.now().toISOString(),
        promisedNextUpdateAt: '',
      }),
    );
    const evidence = new FakeEvidence();
    evidence.set({ incidentId, noticeId }, 'email', { Send: 1000, Delivery: 950, BouncePermanent: 31, Complaint: 1 });
    const deps: ResumeSendingDeps = { incidents, notices, evidence, clock };
    return { deps, incidents, notices, clock };
  }

  it('records who, when and the rates they saw on the notice and the timeline; the first word is kept', async () => {
    // Prepare
    const { deps, incidents, notices, clock } = world();
    // Act
    const first = await resumeSending({ incidentId, noticeId, author: 'lead@example.com' }, deps);
    const second = await resumeSending({ incidentId, noticeId, author: 'other@example.com' }, deps);
    // Assess
    const resumed = { by: 'lead@example.com', at: clock.now().toISOString(), accepted: 1000, delivered: 950, bounceRate: 0.031, complaintRate: 1 / 950 };
    expect(first).toEqual({ outcome: 'resumed', resumed });
    expect(second).toEqual({ outcome: 'already', resumed });
    expect((await notices.getNotice(incidentId, noticeId)).sendingResumed).toEqual(resumed);
    expect(incidents.timeline.map((e) => [e.action, e.actor, e.detail])).toEqual([['sending-resumed', 'lead@example.com', { noticeId, ...resumed }]]);
  });

  it('a notice not being sent is not resumed; an unknown notice or incident is an error', async () => {
    const { deps, incidents } = world('SENT');
    expect(await resumeSending({ incidentId, noticeId, author: 'lead@example.com' }, deps)).toEqual({ outcome: 'not-sending', status: 'SENT' });
    await expect(resumeSending({ incidentId, noticeId: 'update-9', author: 'lead@example.com' }, deps)).rejects.toBeInstanceOf(NoticeNotFoundError);
    await expect(resumeSending({ incidentId: 'inc-20261120-000000000000', noticeId, author: 'x' }, deps)).rejects.toBeInstanceOf(IncidentNotFoundError);
    expect(incidents.timeline).toEqual([]);
  });
});
