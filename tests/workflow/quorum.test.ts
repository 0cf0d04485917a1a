import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { approvalFor, sesEmails, testConfig, uniquePrefix, until } from '../support/local.js';
import { decide, executionArnOf, makeCustomers, sendAlarm, startScenario, submit, waitForState, type Scenario } from '../support/scenario.js';

const prefix = uniquePrefix('quor');
const config = testConfig(prefix, { approverEmails: [`a1.${prefix}@example.com`, `a2.${prefix}@example.com`, `a3.${prefix}@example.com`], approvalQuorum: 2 });
const [a1, a2, a3] = config.approverEmails as [string, string, string];
let s: Scenario;

beforeAll(async () => {
  s = await startScenario(prefix, config);
});
afterAll(async () => {
  await s?.system.stop();
});

describe('a quorum of 2 out of 3 approvers', () => {
  it('one approval waits, a repeat does not count, the second sends; the page shows who decided', async () => {
    const bucket = `q-${prefix}`;
    await s.customers.putCustomers(makeCustomers(bucket, bucket, 4));
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await waitForState(s, incidentId, 'Wait for approval');
    const callbacks = s.system.workflow.taskCallbacks;

    const first = await decide(s, a1, 'approve');
    expect(first.body).toContain('1 of 2');
    const again = await approvalFor(a1);
    expect((await submit(s, again.linkId, { decision: 'approve', code: again.code })).out.statusCode).toBe(409);
    expect(s.system.workflow.taskCallbacks).toBe(callbacks);

    const view = await submit(s, (await approvalFor(a2)).linkId, { decision: 'approve', code: '000000' });
    expect(view.view.body).toContain(`Approved so far by: ${a1}`);
    expect((await decide(s, a3, 'approve')).body).toContain('approved and is being sent');
    expect(s.system.workflow.taskCallbacks).toBe(callbacks + 1);
    await waitForState(s, incidentId, 'Wait for update approval');
    expect(await sesEmails((e) => e.destination.to[0]!.endsWith(`.${bucket}@example.com`))).toHaveLength(4);
    const request = (await s.approvals.listApprovalRequests(incidentId)).find((r) => r.noticeId === 'first-notice-1');
    expect(request).toMatchObject({ status: 'APPROVED', quorum: 2, approvedBy: [a1, a3].sort() });
  });

  it('two approvers racing a quorum of 2: both counted, the request APPROVED, exactly one callback', async () => {
    const bucket = `race-${prefix}`;
    await s.customers.putCustomers(makeCustomers(bucket, bucket, 2));
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await waitForState(s, incidentId, 'Wait for approval');
    await until(async () => (await sesEmails((e) => e.subject.includes(incidentId))).length === 3, 'three approval emails');
    const callbacks = s.system.workflow.taskCallbacks;
    const [l1, l2] = await Promise.all([approvalFor(a1), approvalFor(a2)]);
    const results = await Promise.all([
      submit(s, l1.linkId, { decision: 'approve', code: l1.code }),
      submit(s, l2.linkId, { decision: 'approve', code: l2.code }),
    ]);
    expect(results.map((r) => r.out.statusCode)).toEqual([200, 200]);
    const bodies = results.map((r) => r.out.body ?? '');
    expect(bodies.filter((b) => b.includes('approved and is being sent'))).toHaveLength(1);
    expect(bodies.filter((b) => b.includes('1 of 2'))).toHaveLength(1);
    expect(s.system.workflow.taskCallbacks).toBe(callbacks + 1);
    await waitForState(s, incidentId, 'Wait for update approval');
    const request = (await s.approvals.listApprovalRequests(incidentId)).find((r) => r.noticeId === 'first-notice-1');
    expect(request).toMatchObject({ status: 'APPROVED', quorum: 2, approvedBy: [a1, a2].sort() });
    expect(request?.callbackDeliveredAt).toBeDefined();
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();
  });
});
