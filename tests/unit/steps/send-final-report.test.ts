import { describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../../../functions/domain/approval.js';
import type { BatchTotals } from '../../../functions/domain/delivery.js';
import type { Notice } from '../../../functions/domain/incident.js';
import { sendFinalReport, type FinalReportDeps } from '../../../functions/steps/send-final-report.js';
import { FakeApprovals, FakeClock, FakeEmail, FakeIncidents, FakeLedger, FakeMessaging, FakeNotices } from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';
const topicArn = 'arn:aws:sns:us-east-1:000000000000:response-team';
const zero: BatchTotals = { sent: 0, failed: 0, retryable: 0, uncertain: 0 };

function world() {
  const clock = new FakeClock(Date.parse('2026-11-21T08:00:00Z'));
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, { incidentId, source: 'macie', findingKey: 'f', alarmSeverity: 8, title: 'Public bucket <exports>', description: '', affectedResources: [], firstSeenAt: at, status: 'CLOSED', scope: 'KNOWN', severity: 'HIGH', createdAt: at });
  const notices = new FakeNotices();
  const approvals = new FakeApprovals(clock);
  const ledger = new FakeLedger();
  const email = new FakeEmail();
  const messaging = new FakeMessaging();
  const deps: FinalReportDeps = {
    incidents, notices, approvals, ledger, email, messaging, templatePrefix: 'bn', reportLocale: 'en', reportRecipients: ['team@example.com', 'ciso@example.com'], topicArn,
  };
  const notice = (noticeId: string, sequence: number, extra: Partial<Notice> = {}) =>
    notices.createNotice(noticeRecord({ incidentId, noticeId, kind: sequence === 1 ? 'first-notice' : 'update', sequence, status: 'SENT', content: {}, createdAt: `2026-11-20T0${sequence}:00:00.000Z`, promisedNextUpdateAt: at, ...extra }));
  /** One provider call of a notice on a channel, finished with these figures. */
  const batch = async (noticeId: string, channel: string, batchKey: string, totals: Partial<BatchTotals>, uncertainIds: string[] = []) => {
    const ref = { incidentId, noticeId };
    const claim = await ledger.acquire(ref, channel, batchKey, []);
    if (claim.kind !== 'claimed') throw new Error('test setup: batch not claimed');
    await ledger.complete(ref, channel, batchKey, claim.token, { ...zero, ...totals }, uncertainIds);
  };
  const approval = (requestId: string, noticeId: string, extra: Partial<ApprovalRequest>) =>
    approvals.putApprovalRequest({ incidentId, requestId, noticeId, tier: 'primary', status: 'PENDING', expiresAt: at, createdAt: at, ...extra }, `token-${requestId}`);
  return { deps, incidents, email, messaging, ledger, notice, batch, approval };
}

describe('sendFinalReport', () => {
  it('figures per notice and channel, summed over both notices, to the report recipients and the team topic', async () => {
    // Prepare
    const { deps, incidents, email, messaging, notice, batch } = world();
    await notice('update-2', 2);
    await notice('first-notice-1', 1);
    await batch('first-notice-1', 'email', 'c0#en#0', { sent: 40, failed: 2, retryable: 1 });
    await batch('first-notice-1', 'email', 'c0#en#1', { sent: 10 });
    await batch('first-notice-1', 'sms', 'c0#en#0', { sent: 5, uncertain: 1 }, ['cust-7']);
    await batch('update-2', 'email', 'c0#en#0', { sent: 50, failed: 1 });
    // Act
    const result = await sendFinalReport(incidentId, deps);
    // Assess
    expect(result).toEqual({ notices: 2, sent: 105, failed: 3, uncertain: 1 });
    expect(email.templated).toHaveLength(1);
    const [report] = email.templated;
    expect(report!.to).toEqual(['team@example.com', 'ciso@example.com']);
    expect(report!.templateName).toBe('bn-final-report-en');
    expect(report!.data.deliveryLines).toEqual([
      'first-notice-1 email: sent 50, failed 2, uncertain 0, still retryable 1, provider calls 2',
      'first-notice-1 sms: sent 5, failed 0, uncertain 1, still retryable 0, provider calls 1',
      "first-notice-1 sms: to reconcile with the provider's records (uncertain): cust-7",
      'update-2 email: sent 50, failed 1, uncertain 0, still retryable 0, provider calls 1',
    ]);
    expect(report!.data).toMatchObject({ incidentId, title: 'Public bucket <exports>', html: { incidentId } });
    expect(JSON.stringify((report!.data.html as Record<string, unknown>))).not.toContain('<exports>');
    expect(messaging.published).toHaveLength(1);
    expect(messaging.published[0]).toMatchObject({ topicArn, subject: `Final report sent: incident ${incidentId}`, attributes: { event: 'final-report' } });
    expect(messaging.published[0]!.message.split('\n').slice(0, 3)).toEqual([
      `Incident ${incidentId} is closed.`,
      'Notices: 2; sent 105, failed 3, uncertain 1.',
      'first-notice-1 email: sent 50, failed 2, uncertain 0, still retryable 1, provider calls 2',
    ]);
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([['final-report-sent', { notices: 2, sent: 105, failed: 3, uncertain: 1 }]]);
  });

  it("uncertain ids are listed per notice and channel across batches, beyond 200 only counted", async () => {
    // Prepare
    const { deps, email, notice, batch } = world();
    await notice('first-notice-1', 1);
    const many = Array.from({ length: 203 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    await batch('first-notice-1', 'email', 'b0', { uncertain: 150 }, many.slice(0, 150));
    await batch('first-notice-1', 'email', 'b1', { uncertain: 53 }, many.slice(150));
    await batch('first-notice-1', 'sms', 'b0', { uncertain: 1 }, ['s1']);
    // Act
    const result = await sendFinalReport(incidentId, deps);
    // Assess
    expect(result.uncertain).toBe(204);
    const lines = (email.templated[0]!.data.deliveryLines as string[]).filter((l) => l.includes('to reconcile'));
    expect(lines).toEqual([
      `first-notice-1 email: to reconcile with the provider's records (uncertain): ${many.slice(0, 200).join(', ')} and 3 more (npm run incident -- deliveries)`,
      "first-notice-1 sms: to reconcile with the provider's records (uncertain): s1",
    ]);
  });

  it('who decided each notice, with a rejection reason; pending and superseded requests are no decision', async () => {
    // Prepare
    const { deps, email, notice, approval } = world();
    await notice('first-notice-1', 1, { sentAt: '2026-11-20T01:30:00.000Z' });
    await notice('update-2', 2, { status: 'REJECTED' });
    await notice('update-3', 3, { status: 'PENDING_APPROVAL' });
    await approval('r1', 'first-notice-1', { status: 'SUPERSEDED' });
    await approval('r2', 'first-notice-1', { tier: 'backup', status: 'APPROVED', decidedBy: 'bob@example.com', decidedAt: '2026-11-20T01:20:00.000Z' });
    await approval('r3', 'update-2', { status: 'REJECTED', decidedBy: 'carol@example.com', decidedAt: '2026-11-20T02:20:00.000Z', reason: 'Wrong date' });
    await approval('r4', 'update-3', { status: 'PENDING' });
    // Act
    await sendFinalReport(incidentId, deps);
    // Assess
    expect(email.templated[0]!.data.noticeLines).toEqual([
      'first-notice-1 (SENT, drafted 2026-11-20T01:00:00.000Z, sent 2026-11-20T01:30:00.000Z): approved by bob@example.com at 2026-11-20T01:20:00.000Z',
      'update-2 (REJECTED, drafted 2026-11-20T02:00:00.000Z): rejected by carol@example.com at 2026-11-20T02:20:00.000Z (Wrong date)',
      'update-3 (PENDING_APPROVAL, drafted 2026-11-20T03:00:00.000Z): no decision',
    ]);
  });

  it('the timeline in time order, and in the report locale', async () => {
    // Prepare
    const { deps, email, incidents } = world();
    await incidents.appendTimeline(incidentId, { at: '2026-11-20T09:00:00.000Z', action: 'notice-sent', actor: 'send-notices' });
    await incidents.appendTimeline(incidentId, { at: '2026-11-20T08:00:00.000Z', action: 'incident-opened', actor: 'intake' });
    // Act
    await sendFinalReport(incidentId, { ...deps, reportLocale: 'zh-CN' });
    // Assess
    expect(email.templated[0]!.templateName).toBe('bn-final-report-zh-CN');
    expect(email.templated[0]!.data.timelineLines).toEqual(['2026-11-20T08:00:00.000Z incident-opened (intake)', '2026-11-20T09:00:00.000Z notice-sent (send-notices)']);
  });

  it('no notice sent (scope unknown): an empty report with zero figures', async () => {
    // Prepare
    const { deps, email } = world();
    // Act
    const result = await sendFinalReport(incidentId, deps);
    // Assess
    expect(result).toEqual({ notices: 0, sent: 0, failed: 0, uncertain: 0 });
    expect(email.templated[0]!.data).toMatchObject({ deliveryLines: [], noticeLines: [] });
  });

  it('an email failure stops before the team is told the report went out', async () => {
    // Prepare
    const { deps, messaging, incidents } = world();
    deps.email.sendTemplated = async () => { throw Object.assign(new Error('Template missing'), { name: 'TemplateDoesNotExistException' }); };
    // Act
    const act = sendFinalReport(incidentId, deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'TemplateDoesNotExistException' });
    expect(messaging.published).toEqual([]);
    expect(incidents.timeline).toEqual([]);
  });

  it('an unknown incident fails by name', async () => {
    // Prepare
    const { deps, email } = world();
    // Act
    const act = sendFinalReport('inc-20261120-ffffffffffff', deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'IncidentNotFoundError' });
    expect(email.templated).toEqual([]);
  });
});
