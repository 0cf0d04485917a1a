import { describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../../../functions/domain/approval.js';
import type { Outcome, OutcomeStatus } from '../../../functions/domain/delivery.js';
import type { Notice } from '../../../functions/domain/incident.js';
import { sendFinalReport, type FinalReportDeps } from '../../../functions/steps/send-final-report.js';
import { FakeApprovals, FakeClock, FakeEmail, FakeEvidence, FakeIncidents, FakeLedger, FakeMessaging, FakeNotices } from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';
const topicArn = 'arn:aws:sns:us-east-1:000000000000:response-team';

/** A planned recipient: with a status, as the send step recorded it; without, not answered yet. */
type Planned = [customerId: string, status?: OutcomeStatus, reason?: string];
interface PlannedBatch {
  channel: string;
  batchKey: string;
  recipients: Planned[];
}

function world() {
  const clock = new FakeClock(Date.parse('2026-11-21T08:00:00Z'));
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, {
    incidentId,
    source: 'macie',
    findingKey: 'f',
    alarmSeverity: 8,
    title: 'Public bucket <exports>',
    description: '',
    affectedResources: [],
    firstSeenAt: at,
    status: 'CLOSED',
    scope: 'KNOWN',
    severity: 'HIGH',
    createdAt: at,
  });
  const notices = new FakeNotices();
  const approvals = new FakeApprovals(clock);
  const ledger = new FakeLedger();
  const email = new FakeEmail();
  const messaging = new FakeMessaging();
  const deps: FinalReportDeps = {
    incidents,
    notices,
    approvals,
    ledger,
    email,
    messaging,
    templatePrefix: 'bn',
    reportLocale: 'en',
    reportRecipients: ['team@example.com', 'ciso@example.com'],
    topicArn,
  };
  const notice = (noticeId: string, sequence: number, extra: Partial<Notice> = {}) =>
    notices.createNotice(
      noticeRecord({
        incidentId,
        noticeId,
        kind: sequence === 1 ? 'first-notice' : 'update',
        sequence,
        status: 'SENT',
        content: {},
        createdAt: `2026-11-20T0${sequence}:00:00.000Z`,
        promisedNextUpdateAt: at,
        ...extra,
      }),
    );
  /** A chunk of a notice as the send step leaves it: planned; each call whose recipients all answered claimed, recorded and finished. */
  const chunk = async (noticeId: string, chunkIndex: number, batches: PlannedBatch[]) => {
    const ref = { incidentId, noticeId };
    await ledger.freezePlan(
      ref,
      chunkIndex,
      batches.map((b) => ({ channel: b.channel, batchKey: b.batchKey, locale: 'en', customerIds: b.recipients.map(([id]) => id) })),
    );
    for (const b of batches.filter((x) => x.recipients.every(([, status]) => status))) {
      const claim = await ledger.acquire(ref, b.channel, b.batchKey, []);
      if (claim.kind !== 'claimed') throw new Error('test setup: batch not claimed');
      const outcomes = b.recipients.map(
        ([customerId, status, reason]): Outcome => ({ ...ref, customerId, channel: b.channel, batchKey: b.batchKey, status: status!, reason, at, attempt: 1 }),
      );
      await ledger.recordOutcomes(outcomes);
      const count = (s: OutcomeStatus) => outcomes.filter((o) => o.status === s).length;
      const totals = { sent: count('SENT'), failed: count('FAILED'), retryable: count('RETRYABLE'), uncertain: count('UNCERTAIN') };
      await ledger.complete(
        ref,
        b.channel,
        b.batchKey,
        claim.token,
        totals,
        outcomes.filter((o) => o.status === 'UNCERTAIN').map((o) => o.customerId),
      );
    }
  };
  const approval = (requestId: string, noticeId: string, extra: Partial<ApprovalRequest>) =>
    approvals.putApprovalRequest(
      { incidentId, requestId, noticeId, tier: 'primary', status: 'PENDING', expiresAt: at, createdAt: at, ...extra },
      `token-${requestId}`,
    );
  return { deps, incidents, email, messaging, ledger, notice, chunk, approval };
}

const sent = (id: string): Planned => [id, 'SENT'];

/** Two notices: the first with every category on email and SMS across two chunks, the update all sent. */
async function twoNotices(w: ReturnType<typeof world>) {
  await w.notice('update-2', 2);
  await w.notice('first-notice-1', 1);
  await w.chunk('first-notice-1', 0, [
    {
      channel: 'email',
      batchKey: 'c000000#en#0',
      recipients: [
        sent('a'),
        sent('b'),
        ['c', 'FAILED', 'MESSAGE_REJECTED: Email address is on the suppression list for your account.'],
        ['d', 'FAILED', 'INVALID_PARAMETER: Illegal address'],
      ],
    },
    {
      channel: 'sms',
      batchKey: 'c000000#en#0',
      recipients: [sent('a'), ['b', 'FAILED', 'OptedOutException'], ['c', 'UNCERTAIN', 'no answer from SNS: TimeoutError']],
    },
  ]);
  await w.chunk('first-notice-1', 1, [
    { channel: 'email', batchKey: 'c000001#en#0', recipients: [sent('e'), ['f', 'RETRYABLE', 'ACCOUNT_THROTTLED: Maximum sending rate exceeded.']] },
    { channel: 'email', batchKey: 'c000001#en#1', recipients: [['g'], ['h']] },
  ]);
  await w.chunk('update-2', 0, [{ channel: 'email', batchKey: 'c000000#en#0', recipients: [sent('a'), sent('b'), sent('c')] }]);
}

describe('sendFinalReport', () => {
  it('lists each promise a sent notice made customers: kept, or missed and how late the next notice came, in the email and the page', async () => {
    // Prepare: the first notice promised 10:00 and update 2 went at 09:40; update 2 promised 11:00 and the closing notice went at 11:05.
    const w = world();
    await w.notice('first-notice-1', 1, { promisedNextUpdateAt: '2026-11-20T10:00:00.000Z', sentAt: '2026-11-20T09:00:00.000Z' });
    await w.notice('update-2', 2, { promisedNextUpdateAt: '2026-11-20T11:00:00.000Z', sentAt: '2026-11-20T09:40:00.000Z' });
    await w.notice('closing-3', 3, { kind: 'closing', sentAt: '2026-11-20T11:05:00.000Z' });
    // Act
    await sendFinalReport(incidentId, w.deps);
    // Assess
    const lines = [
      'first-notice-1 promised the next update by 2026-11-20T10:00:00.000Z: KEPT, update-2 sent 2026-11-20T09:40:00.000Z',
      'update-2 promised the next update by 2026-11-20T11:00:00.000Z: MISSED, closing-3 sent 2026-11-20T11:05:00.000Z (5 min late)',
    ];
    expect(w.email.templated[0]!.data.promiseLines).toEqual(lines);
    expect(w.messaging.published[0]!.message).toContain(['Promised updates ("next update by"):', ...lines].join('\n'));
  });

  it('each notice reconciled per channel (intended, sent, suppressed, failed, uncertain, unfinished), summed, to the report recipients and the team topic', async () => {
    // Prepare
    const w = world();
    await twoNotices(w);
    // Act
    const result = await sendFinalReport(incidentId, w.deps);
    // Assess
    expect(result).toEqual({ notices: 2, intended: 14, sent: 7, suppressed: 2, failed: 1, uncertain: 1, unfinished: 3, reconciled: true });
    expect(w.email.templated).toHaveLength(1);
    const [report] = w.email.templated;
    expect(report!.to).toEqual(['team@example.com', 'ciso@example.com']);
    expect(report!.templateName).toBe('bn-final-report-en');
    expect(report!.data.deliveryLines).toEqual([
      'first-notice-1 email: sent 3, suppressed 1, failed 1, uncertain 0, unfinished 3 (intended 8)',
      'first-notice-1 sms: sent 1, suppressed 1, failed 0, uncertain 1, unfinished 0 (intended 3)',
      "first-notice-1 sms: to reconcile with the provider's records (uncertain): c",
      'update-2 email: sent 3, suppressed 0, failed 0, uncertain 0, unfinished 0 (intended 3)',
    ]);
    expect(report!.data).toMatchObject({ incidentId, title: 'Public bucket <exports>', html: { incidentId } });
    expect(JSON.stringify(report!.data.html as Record<string, unknown>)).not.toContain('<exports>');
    expect(w.messaging.published).toHaveLength(1);
    expect(w.messaging.published[0]).toMatchObject({ topicArn, subject: `Final report sent: incident ${incidentId}`, attributes: { event: 'final-report' } });
    expect(w.messaging.published[0]!.message.split('\n').slice(0, 3)).toEqual([
      `Incident ${incidentId} is closed.`,
      'Notices: 2; intended 14: sent 7, suppressed 2, failed 1, uncertain 1, unfinished 3.',
      'first-notice-1 email: sent 3, suppressed 1, failed 1, uncertain 0, unfinished 3 (intended 8)',
    ]);
    expect(w.incidents.timeline.map((e) => [e.action, e.detail])).toEqual([
      ['final-report-sent', { notices: 2, intended: 14, sent: 7, suppressed: 2, failed: 1, uncertain: 1, unfinished: 3, reconciled: true }],
    ]);
  });

  it.each([
    ['zh-CN', 'first-notice-1 sms：已发送 1，已屏蔽 1，失败 0，不确定 1，未完成 0（应通知 3）', 'first-notice-1 sms：需与服务商记录核对（不确定）：c'],
    [
      'es',
      'first-notice-1 sms: enviados 1, suprimidos 1, fallidos 0, inciertos 1, sin terminar 0 (previstos 3)',
      'first-notice-1 sms: por conciliar con los registros del proveedor (inciertos): c',
    ],
  ] as const)('the same figures in %s', async (reportLocale, figures, uncertain) => {
    // Prepare
    const w = world();
    await twoNotices(w);
    // Act
    await sendFinalReport(incidentId, { ...w.deps, reportLocale });
    // Assess
    const lines = w.email.templated[0]!.data.deliveryLines as string[];
    expect(w.email.templated[0]!.templateName).toBe(`bn-final-report-${reportLocale}`);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1, 3)).toEqual([figures, uncertain]);
  });

  it('what SES reported for each sent notice, with its bounce and complaint rates and whether the team sent it on despite them, in every locale', async () => {
    // Prepare: the first notice paused for its bounces and resumed; the update sent with no evidence at all (none came: news too)
    const w = world();
    await w.notice('first-notice-1', 1, { sendingResumed: { by: 'lead@example.com', at, accepted: 200, delivered: 150, bounceRate: 0.04 } });
    await w.notice('update-2', 2);
    const evidence = new FakeEvidence();
    evidence.set({ incidentId, noticeId: 'first-notice-1' }, 'email', {
      Send: 1000,
      Delivery: 900,
      BouncePermanent: 31,
      BounceTransient: 3,
      Complaint: 2,
      DeliveryDelay: 5,
      Reject: 1,
      RenderingFailure: 0,
    });
    // Act
    const lines = async (reportLocale: 'en' | 'es' | 'zh-CN') => {
      w.email.templated.length = 0;
      await sendFinalReport(incidentId, { ...w.deps, evidence, reportLocale });
      return w.email.templated[0]!.data.deliveryLines as string[];
    };
    // Assess
    expect(await lines('en')).toEqual([
      'first-notice-1 email evidence: accepted 1,000, delivered 900, bounced 31 (bounce rate 3.10%), complaints 2 (complaint rate 0.22%), soft bounces 3, delayed 5, rejected 1, failed to render 0; sent on despite its rates by lead@example.com at 2026-11-20T08:00:00.000Z',
      'update-2 email evidence: accepted 0, delivered 0, bounced 0 (bounce rate n/a), complaints 0 (complaint rate n/a), soft bounces 0, delayed 0, rejected 0, failed to render 0',
    ]);
    // Spanish puts a no-break space before the percent sign.
    expect((await lines('es'))[0]).toContain(
      'aceptados 1000, entregados 900, rebotados 31 (tasa de rebote 3,10\u00a0%), quejas 2 (tasa de quejas 0,22\u00a0%)',
    );
    expect((await lines('zh-CN'))[1]).toContain('硬退信 0（退信率 暂无）');
  });

  it("customers' questions are counted, never quoted: received, answered, emailed, and the FAQ's state", async () => {
    // Prepare
    const w = world();
    await twoNotices(w);
    const questions = [
      { status: 'ANSWERED', faq: 'PUBLISHED', emailedAt: at, text: 'Was my <card> exposed?' },
      { status: 'ANSWERED', faq: 'PENDING' },
      { status: 'ANSWERED', emailedAt: at },
      { status: 'OPEN' },
    ] as const;
    // Act
    await sendFinalReport(incidentId, { ...w.deps, questions: { listQuestions: async () => [...questions] } });
    // Assess
    const data = w.email.templated[0]!.data;
    expect(data.questionLines).toEqual(['4 received, 3 answered (2 answers emailed to the askers); FAQ: 1 published, 1 awaiting approval, 0 refused']);
    expect(JSON.stringify(data)).not.toContain('Was my');
  });

  it('a notice reconciled when it was sent is reported from what was kept, without reading every recipient again', async () => {
    // Prepare
    const w = world();
    const kept = {
      channels: { email: { intended: 1_000_000, sent: 999_990, suppressed: 4, failed: 3, uncertain: 3, unfinished: 0 } },
      plannedChunks: 2000,
      problems: [],
      uncertain: { email: { ids: ['u1', 'u2', 'u3'], count: 3 } },
    };
    await w.notice('first-notice-1', 1, { reconciliation: kept });
    w.deps.ledger = {
      recipientOutcomes: () => {
        throw new Error('the final report must not read the ledger for a reconciled notice');
      },
    };
    // Act
    const result = await sendFinalReport(incidentId, w.deps);
    // Assess
    expect(result).toMatchObject({ notices: 1, intended: 1_000_000, sent: 999_990, suppressed: 4, failed: 3, uncertain: 3, reconciled: true });
    expect(w.email.templated[0]!.data.deliveryLines).toEqual([
      'first-notice-1 email: sent 999990, suppressed 4, failed 3, uncertain 3, unfinished 0 (intended 1000000)',
      "first-notice-1 email: to reconcile with the provider's records (uncertain): u1, u2, u3",
    ]);
  });

  it('uncertain ids are listed per notice and channel across calls, beyond 200 only counted, with the command that lists them all', async () => {
    // Prepare
    const w = world();
    await w.notice('first-notice-1', 1);
    const many = Array.from({ length: 203 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    const uncertain = (ids: string[]): Planned[] => ids.map((id) => [id, 'UNCERTAIN', 'no answer from the provider: TimeoutError']);
    await w.chunk('first-notice-1', 0, [
      { channel: 'email', batchKey: 'b0', recipients: uncertain(many.slice(0, 150)) },
      { channel: 'sms', batchKey: 'b0', recipients: uncertain(['s1']) },
    ]);
    await w.chunk('first-notice-1', 1, [{ channel: 'email', batchKey: 'b1', recipients: uncertain(many.slice(150)) }]);
    // Act
    const result = await sendFinalReport(incidentId, w.deps);
    // Assess
    expect(result.uncertain).toBe(204);
    const lines = (w.email.templated[0]!.data.deliveryLines as string[]).filter((l) => l.includes('to reconcile'));
    expect(lines).toEqual([
      `first-notice-1 email: to reconcile with the provider's records (uncertain): ${many.slice(0, 200).join(', ')} and 3 more (npm run incident -- deliveries ${incidentId} first-notice-1 --csv FILE)`,
      "first-notice-1 sms: to reconcile with the provider's records (uncertain): s1",
    ]);
  });

  it('figures that do not reconcile are said first, in the report and to the team, and recorded; the report still goes out', async () => {
    // Prepare: a finished call whose recipient's outcome no longer says what the call counted.
    const w = world();
    await w.notice('first-notice-1', 1);
    await w.chunk('first-notice-1', 0, [{ channel: 'email', batchKey: 'c000000#en#0', recipients: [sent('a'), sent('b')] }]);
    w.ledger.outcomes.delete(`${incidentId}/first-notice-1/email/b`);
    // Act
    const result = await sendFinalReport(incidentId, w.deps);
    // Assess
    expect(result).toMatchObject({ reconciled: false, intended: 2, sent: 1, unfinished: 1 });
    expect(w.email.templated[0]!.data.deliveryLines).toEqual([
      "first-notice-1: THE DELIVERY FIGURES DO NOT RECONCILE; check the deliveries ledger before relying on them: email c000000#en#0: the call's totals (sent 2, failed 0, retryable 0, uncertain 0) disagree with its recipients' outcomes (sent 1, failed 0, retryable 0, uncertain 0, none 1)",
      'first-notice-1 email: sent 1, suppressed 0, failed 0, uncertain 0, unfinished 1 (intended 2)',
    ]);
    expect(w.messaging.published[0]!.message.split('\n')[2]).toBe('THE DELIVERY FIGURES DO NOT RECONCILE: see below.');
    expect(w.incidents.timeline[0]!.detail).toMatchObject({ reconciled: false });
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
    expect(email.templated[0]!.data.timelineLines).toEqual([
      '2026-11-20T08:00:00.000Z incident-opened (intake)',
      '2026-11-20T09:00:00.000Z notice-sent (send-notices)',
    ]);
  });

  it('no notice sent (scope unknown): an empty report with zero figures', async () => {
    // Prepare
    const { deps, email } = world();
    // Act
    const result = await sendFinalReport(incidentId, deps);
    // Assess
    expect(result).toEqual({ notices: 0, intended: 0, sent: 0, suppressed: 0, failed: 0, uncertain: 0, unfinished: 0, reconciled: true });
    expect(email.templated[0]!.data).toMatchObject({ deliveryLines: [], noticeLines: [] });
  });

  it('an email failure stops before the team is told the report went out', async () => {
    // Prepare
    const { deps, messaging, incidents } = world();
    deps.email.sendTemplated = async () => {
      throw Object.assign(new Error('Template missing'), { name: 'TemplateDoesNotExistException' });
    };
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
