import { describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../../../functions/domain/approval.js';
import { returnDecision, returnPendingDecision, returnPendingDecisions, type DecisionReturnDeps } from '../../../functions/steps/return-decision.js';
import { FakeApprovals, FakeClock, FakeIncidents, FakeNotices, FakeWorkflow, namedError } from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const MINUTE = 60_000;

/** A request decided on the approval page: the decider holds the callback lease and the marker is written. */
async function world(decision: 'approve' | 'reject' = 'approve', requestId = 'req-1') {
  const clock = new FakeClock();
  const incidents = new FakeIncidents(clock);
  const approvals = new FakeApprovals(clock);
  const workflow = new FakeWorkflow();
  const notices = new FakeNotices();
  await notices.createNotice(
    noticeRecord({
      incidentId,
      noticeId: 'first-notice-1',
      kind: 'first-notice',
      sequence: 1,
      status: 'PENDING_APPROVAL',
      content: {},
      createdAt: clock.now().toISOString(),
      promisedNextUpdateAt: clock.now().toISOString(),
    }),
  );
  const alerts: { event: string; subject: string; message: string }[] = [];
  const deps: DecisionReturnDeps = {
    incidents,
    notices,
    approvals,
    workflow,
    alertTeam: async (event, subject, message) => void alerts.push({ event, subject, message }),
  };
  const decide = async (id: string) => {
    const token = `token-${id}`;
    await approvals.putApprovalRequest(
      {
        incidentId,
        requestId: id,
        noticeId: 'first-notice-1',
        tier: 'primary',
        status: 'PENDING',
        expiresAt: new Date(clock.current + 60 * MINUTE).toISOString(),
        createdAt: clock.now().toISOString(),
        quorum: 1,
      },
      token,
    );
    workflow.wait(token);
    if (decision === 'approve') expect((await approvals.recordApproval(incidentId, id, 'alice@example.com', 1)).outcome).toBe('approved');
    else expect(await approvals.recordRejection(incidentId, id, 'alice@example.com', 'Wrong date')).toBe('decided');
    return { request: (await approvals.getApprovalRequest(incidentId, id))!, token };
  };
  const { request, token } = await decide(requestId);
  return { deps, clock, incidents, notices, approvals, workflow, alerts, request, token, decide };
}

const stored = (approvals: FakeApprovals, requestId = 'req-1') => approvals.getApprovalRequest(incidentId, requestId) as Promise<ApprovalRequest>;

describe('returnDecision', () => {
  it('returned: an approval resumes the task with the decision, is stamped and its marker dropped', async () => {
    // Prepare
    const { deps, approvals, workflow, incidents, request, token } = await world();
    // Act
    const outcome = await returnDecision(request, token, 'approval-page', deps);
    // Assess
    expect(outcome).toBe('returned');
    expect(workflow.callbacks).toEqual([
      { taskToken: token, kind: 'succeed', output: { decision: 'APPROVED', requestId: 'req-1', noticeId: 'first-notice-1', decidedAt: request.decidedAt } },
    ]);
    expect((await stored(approvals)).callbackDeliveredAt).toBe('2026-11-20T08:00:00.000Z');
    expect(approvals.markers.size).toBe(0);
    expect(approvals.leaseOf(incidentId, 'req-1')).toBeUndefined();
    expect(incidents.timeline).toEqual([]); // the page's own decision is audited by the page
  });

  it('returned: a rejection fails the task with NoticeRejectedError and the reason as its cause', async () => {
    // Prepare
    const { deps, workflow, request, token } = await world('reject');
    // Act
    const outcome = await returnDecision(request, token, 'approval-page', deps);
    // Assess
    expect(outcome).toBe('returned');
    expect(workflow.callbacks).toEqual([{ taskToken: token, kind: 'fail', error: 'NoticeRejectedError', cause: 'Wrong date' }]);
  });

  it('returned by another sender is audited as such (approval-callback-redelivered)', async () => {
    // Prepare
    const { deps, incidents, request, token } = await world();
    // Act
    const outcome = await returnDecision(request, token, 'sweeper', deps);
    // Assess
    expect(outcome).toBe('returned');
    expect(incidents.timeline.map((e) => [e.action, e.actor, e.detail])).toEqual([
      ['approval-callback-redelivered', 'sweeper', { requestId: 'req-1', noticeId: 'first-notice-1', decision: 'APPROVED' }],
    ]);
  });

  it.each(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'])(
    'task gone (%s): recorded as lost, audited, the team paged, never retried',
    async (errorName) => {
      // Prepare
      const { deps, approvals, workflow, incidents, alerts, request, token } = await world();
      workflow.failures.push(namedError(errorName));
      // Act
      const outcome = await returnDecision(request, token, 'approval-page', deps);
      // Assess
      expect(outcome).toBe('lost');
      expect(await stored(approvals)).toMatchObject({ callbackLostAt: '2026-11-20T08:00:00.000Z', callbackError: errorName });
      expect(approvals.markers.size).toBe(0);
      expect(incidents.timeline.map((e) => [e.action, e.actor, e.detail])).toEqual([
        ['approval-callback-lost', 'approval-page', { requestId: 'req-1', noticeId: 'first-notice-1', decision: 'APPROVED', error: errorName }],
      ]);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ event: 'approval-callback-lost', subject: `Approval decision did not reach the workflow (${incidentId})` });
      expect(alerts[0]!.message).toContain(`Step Functions answered ${errorName}`);
      expect(alerts[0]!.message).toContain('APPROVED by alice@example.com');
      expect(await returnPendingDecision(incidentId, 'req-1', 'sweeper', deps)).toBe('settled');
      expect(workflow.callbacks).toEqual([]);
    },
  );

  it('other failure (a throttle): the lease is released and the marker kept, so the next sender returns it', async () => {
    // Prepare
    const { deps, approvals, workflow, incidents, alerts, request, token } = await world();
    workflow.failures.push(namedError('ThrottlingException'));
    // Act
    const outcome = await returnDecision(request, token, 'approval-page', deps);
    // Assess
    expect(outcome).toBe('failed');
    expect(approvals.leaseOf(incidentId, 'req-1')).toBeUndefined();
    expect(await approvals.listUnreturnedDecisions(10)).toEqual([{ incidentId, requestId: 'req-1' }]);
    expect((await stored(approvals)).callbackLostAt).toBeUndefined();
    expect(incidents.timeline.map((e) => [e.action, e.detail?.error])).toEqual([['approval-callback-failed', 'ThrottlingException']]);
    expect(alerts).toEqual([]);
    // At once, not after the lease: the repeat POST sends it.
    expect(await returnPendingDecision(incidentId, 'req-1', 'repeat-post', deps)).toBe('returned');
    expect(workflow.callbacks).toHaveLength(1);
  });

  it('a failure that is not an Error is named "Error" and released', async () => {
    // Prepare
    const { deps, approvals, workflow, request, token } = await world();
    workflow.succeed = async () => {
      throw 'socket closed';
    };
    // Act
    const outcome = await returnDecision(request, token, 'approval-page', deps);
    // Assess
    expect(outcome).toBe('failed');
    expect(approvals.leaseOf(incidentId, 'req-1')).toBeUndefined();
  });
});

describe('returnPendingDecision', () => {
  it('settled: already returned, so only the marker a crash left behind is dropped', async () => {
    // Prepare
    const { deps, approvals, workflow, request, token } = await world();
    await returnDecision(request, token, 'approval-page', deps);
    approvals.markers.add(`${incidentId}/req-1`);
    // Act
    const outcome = await returnPendingDecision(incidentId, 'req-1', 'sweeper', deps);
    // Assess
    expect(outcome).toBe('settled');
    expect(approvals.markers.size).toBe(0);
    expect(workflow.callbacks).toHaveLength(1);
  });

  it('busy: another sender holds a live lease, so nothing is sent', async () => {
    // Prepare
    const { deps, workflow } = await world();
    // Act
    const outcome = await returnPendingDecision(incidentId, 'req-1', 'repeat-post', deps);
    // Assess
    expect(outcome).toBe('busy');
    expect(workflow.callbacks).toEqual([]);
  });

  it('claimed once the lease has run out, and returned with the stored token', async () => {
    // Prepare
    const { deps, clock, workflow, token } = await world();
    clock.current += 2 * MINUTE;
    // Act
    const outcome = await returnPendingDecision(incidentId, 'req-1', 'sweeper', deps);
    // Assess
    expect(outcome).toBe('returned');
    expect(workflow.callbacks.map((c) => c.taskToken)).toEqual([token]);
  });
});

describe('returnPendingDecisions (the sweeper)', () => {
  it('counts every unreturned decision by outcome, up to the limit', async () => {
    // Prepare
    const { deps, clock, workflow, decide } = await world('approve', 'req-a');
    await decide('req-b');
    await decide('req-c');
    clock.current += 2 * MINUTE;
    workflow.failures.push(namedError('TaskTimedOut'), namedError('ThrottlingException'));
    // Act
    const counts = await returnPendingDecisions(deps, 3);
    // Assess
    expect(counts).toEqual({ returned: 1, lost: 1, failed: 1, settled: 0, busy: 0 });
    expect(await returnPendingDecisions(deps, 1)).toEqual({ returned: 1, lost: 0, failed: 0, settled: 0, busy: 0 });
  });
  it('the notice carries the decision before the workflow hears it, whoever returns it', async () => {
    // Prepare: the page that decided died before touching the notice; the sweeper returns it.
    const { deps, notices, request, token, workflow } = await world('approve');
    let statusWhenCalled: string | undefined;
    const succeed = workflow.succeed.bind(workflow);
    workflow.succeed = async (t, output) => {
      statusWhenCalled = (await notices.getNotice(incidentId, 'first-notice-1')).status;
      return succeed(t, output);
    };
    // Act
    expect(await returnDecision(request, token, 'sweeper', deps)).toBe('returned');
    // Assess
    expect(statusWhenCalled).toBe('APPROVED');
  });
});
