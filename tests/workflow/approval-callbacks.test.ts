import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { incidentStores } from '../../functions/adapters/stores.js';
import { decisionDeadline } from '../../functions/domain/approval.js';
import { requestApproval } from '../../functions/steps/wait-for-approval.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { SfnApiError } from '../../local/twin/workflow-engine.js';
import { linkAndCode } from '../../local/tools/approval-client.js';
import { emailsTo, sesEmails, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { executionArnOf, makeCustomers, sendAlarm, startScenario, submit, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('dlvr');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;
const backup = config.backupApproverEmails[0]!;
const APPROVAL_TIMEOUT = 6;
let s: Scenario;

beforeAll(async () => {
  // The sweeper runs only when a test calls it, so each path of returning a decision again is seen on its own.
  s = await startScenario(prefix, config, {
    envOverrides: { APPROVAL_TIMEOUT_SECONDS: String(APPROVAL_TIMEOUT), ESCALATION_TIMEOUT_SECONDS: '30' },
    sweepIntervalMs: 0,
  });
});
afterAll(async () => {
  await s?.system.stop();
});
let healFault: () => void = () => undefined;
afterEach(() => healFault());

/** Every SendTaskSuccess/Failure reaching the local Step Functions fails with a 500 (after the SDK's own retries too) until healed. */
function breakCallbacks() {
  const workflow = s.system.workflow;
  const original = { success: workflow.sendTaskSuccess, failure: workflow.sendTaskFailure };
  const fault = { refused: 0 };
  const fail = () => {
    fault.refused += 1;
    throw new SfnApiError('InternalFailure', 'injected: Step Functions unavailable');
  };
  workflow.sendTaskSuccess = fail;
  workflow.sendTaskFailure = fail;
  healFault = () => {
    workflow.sendTaskSuccess = original.success;
    workflow.sendTaskFailure = original.failure;
  };
  return { fault, heal: () => healFault() };
}

async function openIncident(label: string, customers = 3) {
  const bucket = `${label}-${prefix}`;
  await s.customers.putCustomers(makeCustomers(bucket, bucket, customers));
  const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
  await waitForState(s, incidentId, 'Wait for approval');
  await until(async () => (await sesEmails((e) => e.subject.includes(incidentId))).length === 1, 'the approval email');
  return { incidentId, bucket };
}

/** The link and code of this incident's approval email (one approver, so one email per incident). */
async function linkOf(incidentId: string) {
  const [mail] = await sesEmails((e) => e.subject.startsWith('[Approval needed') && e.subject.includes(incidentId) && e.destination.to.includes(approver));
  const { path, code } = linkAndCode(mail!.body.text ?? '');
  return { linkId: path.slice('/approvals/'.length), code };
}

async function decideOn(incidentId: string, decision: 'approve' | 'reject', reason = '') {
  const { linkId, code } = await linkOf(incidentId);
  const { view, out } = await submit(s, linkId, { decision, code, reason });
  expect(view.statusCode).toBe(200);
  return out;
}

const firstRequest = async (incidentId: string) =>
  (await s.approvals.listApprovalRequests(incidentId)).find((r) => r.tier === 'primary' && r.noticeId === 'first-notice-1')!;
const entered = (incidentId: string, state: string) =>
  s.system.workflow.executions.get(executionArnOf(s, incidentId))!.events.filter((e) => e.type === 'StateEntered' && e.stateName === state);

describe('decisions that reach the workflow', () => {
  it('an approval whose callback failed is recorded; the repeat POST returns it and the notice is sent, with no escalation', async () => {
    const { incidentId, bucket } = await openIncident('post');
    const { heal, fault } = breakCallbacks();
    const callbacks = s.system.workflow.taskCallbacks;
    const first = await decideOn(incidentId, 'approve');
    expect(first.statusCode).toBe(202);
    expect(first.body).toContain('could not be told yet');
    expect(fault.refused).toBeGreaterThan(0);
    const recorded = await firstRequest(incidentId);
    expect(recorded.status).toBe('APPROVED');
    expect(recorded.callbackDeliveredAt).toBeUndefined();
    expect(await s.approvals.listUnreturnedDecisions(100)).toContainEqual({ incidentId, requestId: (await firstRequest(incidentId)).requestId });

    heal();
    const { linkId, code } = await linkOf(incidentId);
    const repeat = await submit(s, linkId, { decision: 'approve', code });
    expect(repeat.out.statusCode).toBe(200);
    expect(repeat.out.body).toContain(`approved by ${approver}`);
    expect(repeat.out.body).toContain('has now reached the workflow');
    expect(s.system.workflow.taskCallbacks).toBe(callbacks + 1);

    await waitForState(s, incidentId, 'Wait for update approval');
    expect(entered(incidentId, 'Escalate to backup approvers')).toHaveLength(0);
    expect(await sesEmails((e) => e.destination.to[0]!.endsWith(`.${bucket}@example.com`))).toHaveLength(3);
    expect((await firstRequest(incidentId)).callbackDeliveredAt).toBeDefined();
    expect(await s.approvals.listUnreturnedDecisions(100)).not.toContainEqual(expect.objectContaining({ incidentId }));
    // Returned now: a further POST is the plain "already approved" refusal and calls nothing.
    expect((await submit(s, linkId, { decision: 'approve', code })).out.statusCode).toBe(409);
    expect(s.system.workflow.taskCallbacks).toBe(callbacks + 1);
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
  });

  it('a rejection whose callback failed is re-sent by the sweeper and the run takes the rejected path', async () => {
    const { incidentId, bucket } = await openIncident('sweep');
    const { heal } = breakCallbacks();
    expect((await decideOn(incidentId, 'reject', 'Wrong date of the incident')).statusCode).toBe(202);
    // A sweep while Step Functions still fails changes nothing and keeps the decision queued.
    expect(await s.system.sweep()).toMatchObject({ failed: 1, returned: 0 });
    heal();
    expect(await s.system.sweep()).toMatchObject({ returned: 1 });
    await waitForState(s, incidentId, 'Wait for redraft');
    expect(entered(incidentId, 'Page response team: notice rejected')).toHaveLength(1);
    expect(entered(incidentId, 'Escalate to backup approvers')).toHaveLength(0);
    expect(await sesEmails((e) => e.destination.to[0]!.endsWith(`.${bucket}@example.com`))).toHaveLength(0);
    const timeline = (await s.incidents.listTimeline(incidentId)).map((e) => `${e.action}:${e.actor}`);
    expect(timeline).toEqual(
      expect.arrayContaining(['approval-callback-failed:approval-page', 'approval-callback-failed:sweeper', 'approval-callback-redelivered:sweeper']),
    );
    expect(await s.system.sweep()).toMatchObject({ returned: 0, failed: 0 });
  });

  it('a rejection still unreturned when the wait times out is carried into the escalation: backup approvers get no link, the run takes the rejected path', async () => {
    const { incidentId, bucket } = await openIncident('carry');
    const { heal } = breakCallbacks();
    const backupMails = (await emailsTo(backup)).length;
    expect((await decideOn(incidentId, 'reject', 'Not accurate')).statusCode).toBe(202);
    await waitForState(s, incidentId, 'Escalate to backup approvers');
    await until(
      async () => (await s.incidents.listTimeline(incidentId)).some((e) => e.action === 'approval-decision-carried'),
      'the decision carried to the escalation',
    );
    heal();
    expect(await s.system.sweep()).toMatchObject({ returned: 1 });
    await waitForState(s, incidentId, 'Wait for redraft');
    expect(entered(incidentId, 'Page response team: notice rejected')).toHaveLength(1);
    expect(await sesEmails((e) => e.destination.to[0]!.endsWith(`.${bucket}@example.com`))).toHaveLength(0);
    expect((await emailsTo(backup)).length).toBe(backupMails);
    const requests = (await s.approvals.listApprovalRequests(incidentId)).map((r) => ({
      tier: r.tier,
      status: r.status,
      carried: Boolean(r.carriedFrom ?? r.carriedTo),
      returned: Boolean(r.callbackDeliveredAt),
    }));
    expect(requests.sort((a, b) => a.tier.localeCompare(b.tier))).toEqual([
      { tier: 'backup', status: 'REJECTED', carried: true, returned: true },
      { tier: 'primary', status: 'REJECTED', carried: true, returned: false },
    ]);
  });

  it('when Step Functions says the task is gone, the decision is marked lost, the team is paged, and nothing retries', async () => {
    const { incidentId } = await openIncident('gone');
    const { heal } = breakCallbacks();
    expect((await decideOn(incidentId, 'approve')).statusCode).toBe(202);
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
    heal();
    const callbacks = s.system.workflow.taskCallbacks;
    expect(await s.system.sweep()).toMatchObject({ lost: 1 });
    expect(await firstRequest(incidentId)).toMatchObject({ status: 'APPROVED', callbackError: 'TaskTimedOut' });
    const pages = await topicMessages(s.system.responseTeamTopicArn);
    expect(pages.filter((p) => p.subject?.startsWith('Approval decision did not reach the workflow') && p.message.includes(incidentId))).toHaveLength(1);
    const { linkId, code } = await linkOf(incidentId);
    expect((await submit(s, linkId, { decision: 'approve', code })).out.statusCode).toBe(409);
    expect(await s.system.sweep()).toMatchObject({ lost: 0, returned: 0, failed: 0 });
    expect(s.system.workflow.taskCallbacks).toBe(callbacks + 1);
  });
});

describe('expiry from when the wait state began', () => {
  it('each wait state passes its entered time; the request expires at entered + timeout - margin', async () => {
    const { incidentId } = await openIncident('expiry');
    const request = await firstRequest(incidentId);
    const [state] = entered(incidentId, 'Wait for approval');
    const waitEnteredAt = Date.parse(request.waitEnteredAt!);
    expect(Math.abs(waitEnteredAt - state!.timestamp)).toBeLessThan(250);
    expect(request.expiresAt).toBe(decisionDeadline(new Date(waitEnteredAt), APPROVAL_TIMEOUT).toISOString());
    expect(Date.parse(request.expiresAt)).toBe(waitEnteredAt + APPROVAL_TIMEOUT * 1000 - APPROVAL_TIMEOUT * 50);
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
  });

  it('a wait-for-approval Lambda that starts late does not extend the expiry', async () => {
    const { incidentId } = await openIncident('late');
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
    // Relative to now: the link this stores gets a TTL (its expiry + 30 days) that DynamoDB Local enforces.
    const waitEnteredAt = new Date();
    const late = { now: () => new Date(waitEnteredAt.getTime() + 45_000) };
    const noop = { send: async () => 'message-id', sendSms: async () => 'sms-id', publish: async () => 'message-id' };
    const { requestId } = await requestApproval(
      {
        incidentId,
        noticeId: 'first-notice-1',
        tier: 'backup',
        taskToken: `late-task-${prefix}`,
        timeoutSeconds: 3600,
        waitEnteredAt: waitEnteredAt.toISOString(),
      },
      {
        ...incidentStores(s.doc, s.system.tables.incidents, late),
        email: noop as never,
        messaging: noop as never,
        clock: late,
        approvers: { primary: [approver], backup: [backup] },
        approvalBaseUrl: 'https://approvals.example.com',
        locales: ['en'],
        quorum: 1,
        codeChannel: 'email',
        phones: new Map(),
      },
    );
    const request = (await s.approvals.listApprovalRequests(incidentId)).find((r) => r.requestId === requestId)!;
    // One hour less the 60-second margin, from the entered time: the 45 s the Lambda started late are not added.
    expect(request.expiresAt).toBe(new Date(waitEnteredAt.getTime() + 59 * 60_000).toISOString());
    expect(request.createdAt).toBe(new Date(waitEnteredAt.getTime() + 45_000).toISOString());
  });
});
