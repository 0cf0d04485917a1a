import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeHttpApi } from '../../local/twin/http-api.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { approvalLinkFor, emailsTo, sesEmails, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { decide, executionArnOf, makeCustomers, sendAlarm, startScenario, waitForState, waitForStatus, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('appr');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;
const backup = config.backupApproverEmails[0]!;
let s: Scenario;

// Seconds instead of hours, through the same settings the stack passes (no change to the definition);
// 10 s leaves a loaded machine time to decide inside the window (3 s ran out in CI under load).
beforeAll(async () => {
  s = await startScenario(prefix, config, { envOverrides: { APPROVAL_TIMEOUT_SECONDS: '10', ESCALATION_TIMEOUT_SECONDS: '10' } });
});
afterAll(async () => {
  await s?.system.stop();
});

const customerMailFor = (bucket: string) => sesEmails((e) => e.destination.to[0]!.endsWith(`.${bucket}@example.com`));

async function openIncident(bucket: string, count = 5) {
  await s.customers.putCustomers(makeCustomers(bucket, bucket, count));
  const out = await sendAlarm(s, guardDutyFinding({ bucket }));
  return out.incidents![0]!.incidentId;
}

describe('approval decisions', () => {
  it('a rejection carries its reason to the team and the timeline, and no customer hears anything', async () => {
    const bucket = `rej-${prefix}`;
    // Decided well inside the 10-second approval window, so no escalation happens.
    const incidentId = await openIncident(bucket);
    await waitForState(s, incidentId, 'Wait for approval');
    const linkId = await approvalLinkFor(approver);
    const res = await decide(s, approver, 'reject', 1, 'Wording understates the data involved');
    expect(res.statusCode).toBe(200);
    // The run waits for the team to redraft (issue 10: a rejection no longer ends it).
    await waitForState(s, incidentId, 'Wait for redraft');
    const execution = s.system.workflow.executions.get(executionArnOf(s, incidentId))!;
    expect(execution.events.some((e) => e.type === 'StateEntered' && e.stateName === 'Page response team: notice rejected')).toBe(true);

    // A later approve on the same link is refused and changes nothing.
    const again = await invokeHttpApi(s.system.approvalPage, { method: 'POST', path: `/approvals/${linkId}`, body: 'decision=approve' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already rejected');

    expect(await customerMailFor(bucket)).toHaveLength(0);
    const timeline = await s.incidents.listTimeline(incidentId);
    expect(timeline.find((e) => e.action === 'notice-rejected')?.detail?.reason).toBe('Wording understates the data involved');
    const pages = await topicMessages(s.system.responseTeamTopicArn);
    expect(pages.some((p) => p.message.includes('Reason given: Wording understates the data involved'))).toBe(true);
  });

  it('no decision in time escalates to the backup approvers with fresh links; the first links stop working', async () => {
    const bucket = `esc-${prefix}`;
    const incidentId = await openIncident(bucket);
    await waitForState(s, incidentId, 'Escalate to backup approvers');
    await until(async () => (await emailsTo(backup)).length === 1, 'escalation email');
    const oldLink = await approvalLinkFor(approver);
    const refused = await invokeHttpApi(s.system.approvalPage, { method: 'POST', path: `/approvals/${oldLink}`, body: 'decision=approve' });
    expect(refused.statusCode).toBe(410);

    await decide(s, backup, 'approve', 1);
    await waitForState(s, incidentId, 'Wait for update approval');
    expect(await customerMailFor(bucket)).toHaveLength(5);
    const approvals = await s.approvals.listApprovalRequests(incidentId);
    const forFirstNotice = approvals.filter((a) => a.noticeId === 'first-notice-1').map((a) => `${a.tier}:${a.status}`);
    expect(forFirstNotice.sort()).toEqual(['backup:APPROVED', 'primary:SUPERSEDED']);
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
  });

  it('when the backup approvers do not decide either, the team is paged and the execution fails by name', async () => {
    const bucket = `none-${prefix}`;
    const incidentId = await openIncident(bucket);
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED'])).toBe('FAILED');
    const execution = s.system.workflow.executions.get(executionArnOf(s, incidentId))!;
    expect(execution.error).toBe('ApprovalTimeoutError');
    expect(await customerMailFor(bucket)).toHaveLength(0);
    const pages = await topicMessages(s.system.responseTeamTopicArn);
    expect(pages.some((p) => p.subject?.includes('No approver decided') && p.message.includes(incidentId))).toBe(true);

    // The backup link outlived its expiry without a decision: now it is refused as expired, with no callback.
    const callbacks = s.system.workflow.taskCallbacks;
    const expired = await invokeHttpApi(s.system.approvalPage, {
      method: 'POST',
      path: `/approvals/${await approvalLinkFor(backup)}`,
      body: 'decision=approve',
    });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This link expired at');
    expect(s.system.workflow.taskCallbacks).toBe(callbacks);
  });
});
