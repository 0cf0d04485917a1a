import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDutyFinding } from '../../local/sample-alarms.js';
import { approvalFor, emailsPerRecipient, emailsTo, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { executionArnOf, makeCustomers, sendAlarm, startScenario, submit, teamActions, waitForState, waitForStatus, writeFacts, type Scenario } from '../support/scenario.js';

/**
 * Issue 10, parts 1 and 2 on the twin: an alarm on a resource the directory does not map waits for
 * people to say who is affected (with reminders, escalating), a rejected first notice goes back to
 * drafting and is approved as its next version, and closing ends the wait for the next update at once
 * with a closing notice and the final report. One running system, one incident through its whole life.
 */
const prefix = uniquePrefix('life');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;
let s: Scenario;

beforeAll(async () => {
  s = await startScenario(prefix, config, {
    // Reminders every 2 s; the next update a week away (only the close may bring it forward).
    envOverrides: { TEAM_REMINDER_SECONDS: '2', APPROVAL_TIMEOUT_SECONDS: '600', ESCALATION_TIMEOUT_SECONDS: '600' },
    waitTimeOverrides: { 'Wait to resume sending notices': 50, 'Wait to resume sending update': 50 },
  });
});
afterAll(async () => {
  await s?.system.stop();
});

/** Emails per customer address (the approvers share the suffix). */
const customerEmails = async () => new Map([...(await emailsPerRecipient(`.${prefix}@example.com`))].filter(([to]) => /^c\d+\./.test(to)));

const entered = (incidentId: string, state: string) =>
  s.system.workflow.executions.get(executionArnOf(s, incidentId))!.events.filter((e) => e.type === 'StateEntered' && e.stateName === state);

/** The approver's decision on the incident's newest approval email, as a person types it. */
async function decideNewest(incidentId: string, decision: 'approve' | 'reject', nth: number, reason = '') {
  const { linkId, code } = await approvalFor(approver, nth, incidentId);
  const { view, out } = await submit(s, linkId, { decision, reason, code });
  expect(view.statusCode).toBe(200);
  expect(out.statusCode).toBe(200);
}

describe('an incident from an unmapped resource to the final report', () => {
  it('scope by people, rejection and redraft, close now: every customer in scope told twice, nobody else', async () => {
    // Prepare: 12 customers on the data bucket (6 in CN, 3 in DE, 3 in GB); the alarm names a bucket no one maps.
    const dataBucket = `data-${prefix}`;
    await s.customers.putCustomers(makeCustomers(prefix, `arn:aws:s3:::${dataBucket}`, 12));
    const out = await sendAlarm(s, guardDutyFinding({ bucket: `unmapped-${prefix}` }));
    const incidentId = out.incidents![0]!.incidentId;
    const team = teamActions(s);

    // The scope is unknown: the run waits (it used to end here) and the team is paged, then reminded, then escalated.
    await waitForState(s, incidentId, 'Wait for scope decision');
    const pagesOf = async () => (await topicMessages(s.system.responseTeamTopicArn)).map((m) => `${m.subject ?? ''}\n${m.message}`).filter((m) => m.includes(incidentId));
    const pages = await until(async () => ((await pagesOf()).some((m) => m.includes('ESCALATED (reminder 3)')) ? pagesOf() : undefined), 'the third reminder, escalated');
    expect(pages.some((m) => m.includes('decide who is affected') && m.includes(`npm run incident -- scope ${incidentId}`))).toBe(true);
    expect(pages.some((m) => m.includes('Reminder 1'))).toBe(true);
    expect(pages.some((m) => m.includes('ESCALATED (reminder 3)'))).toBe(true);
    expect(await emailsTo(approver)).toEqual(expect.not.arrayContaining([expect.objectContaining({ subject: expect.stringContaining(incidentId) })]));

    // Act 1: the team says who: customers on the data bucket, in Germany and Britain only.
    const decided = await team.decideScope({ incidentId, author: 'lead@example.com', request: { basis: 'resources', resources: [`arn:aws:s3:::${dataBucket}`], countries: ['DE', 'GB'], reason: 'the copy job read this bucket; EU/UK rows only' } });
    expect(decided).toMatchObject({ version: 1 });
    await waitForState(s, incidentId, 'Wait for approval');
    const assessed = await s.incidents.getIncident(incidentId);
    expect(assessed).toMatchObject({ scope: 'KNOWN', scopeVersion: 1 });
    expect(assessed.impact?.affectedCustomers).toBe(6);

    // Act 2: the approver rejects with a reason; the run waits for a redraft instead of ending.
    await decideNewest(incidentId, 'reject', 1, 'Say which export job and when');
    await waitForState(s, incidentId, 'Wait for redraft');
    const rejectedPage = (await topicMessages(s.system.responseTeamTopicArn)).find((m) => m.message.includes(incidentId) && m.message.includes('Say which export job and when'));
    expect(rejectedPage?.message).toContain(`npm run incident -- redraft ${incidentId}`);

    // Act 3: the team edits the facts: the notice is drafted again as version 2 and approvers are asked again.
    await writeFacts(s, incidentId, { en: { whatHappened: 'A nightly export job copied customer rows to a public bucket on 19 November.', measures: [], advice: [], remedies: [] } });
    await until(async () => ((await s.notices.getNotice(incidentId, 'first-notice-1')).version === 2 ? true : undefined), 'the redraft');
    await waitForState(s, incidentId, 'Wait for approval');
    await decideNewest(incidentId, 'approve', 2);

    // Sent to the six in scope, then the run waits for the next update (a week away).
    await waitForState(s, incidentId, 'Wait until next update');
    const afterFirst = await customerEmails();
    const inScope = [0, 2, 4, 6, 8, 10].map((i) => `c${i}.${prefix}@example.com`);
    expect([...afterFirst.keys()].sort()).toEqual([...inScope].sort());
    expect([...afterFirst.values()].every((n) => n === 1)).toBe(true);
    const first = (await emailsTo(inScope[0]!))[0]!;
    expect(first.body.text).toContain('A nightly export job copied customer rows');

    // Act 4: close now. The wait ends at once: the closing notice is asked for, approved, sent; then the final report.
    const closed = await team.close({ incidentId, author: 'lead@example.com', reason: 'contained; forensic report done' });
    expect(closed.resumed).toContain('next-update');
    await waitForState(s, incidentId, 'Wait for update approval');
    await decideNewest(incidentId, 'approve', 3);
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED'])).toBe('SUCCEEDED');

    // Assess: two emails per customer in scope (first notice, closing notice), none to anyone else; the final report went out.
    const counts = await customerEmails();
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(inScope.map((e) => [e, 2])));
    const notices = (await s.notices.listNotices(incidentId)).sort((a, b) => a.sequence - b.sequence).map((n) => [n.noticeId, n.kind, n.status, n.version]);
    expect(notices).toEqual([
      ['first-notice-1', 'first-notice', 'SENT', 2],
      ['closing-2', 'closing', 'SENT', 1],
    ]);
    const timeline = (await s.incidents.listTimeline(incidentId)).map((e) => `${e.action}:${e.actor}`);
    expect(timeline).toEqual(expect.arrayContaining(['scope-decided:lead@example.com', 'incident-closed:lead@example.com', 'final-report-sent:send-final-report']));
    // The final report says who decided the scope and why, and why it was closed.
    const report = (await emailsTo(approver)).find((m) => m.subject.startsWith(`Final report: incident ${incidentId}`));
    expect(report?.body.text).toContain("Decision 1 by lead@example.com");
    expect(report?.body.text).toContain("the copy job read this bucket; EU/UK rows only");
    expect(report?.body.text).toContain('Closed by lead@example.com: contained; forensic report done');
    // The week-long wait ended by the close; the second, after the closing notice, is the one-second "now" before the report.
    expect(entered(incidentId, 'Wait until next update')).toHaveLength(2);
  });

  it('"nobody is affected" (a false positive) ends the wait for a scope in the final report, with no customer notice', async () => {
    // Prepare
    const out = await sendAlarm(s, guardDutyFinding({ bucket: `nobody-${prefix}` }));
    const incidentId = out.incidents![0]!.incidentId;
    await waitForState(s, incidentId, 'Wait for scope decision');
    // Act
    await teamActions(s).decideScope({ incidentId, author: 'lead@example.com', request: { basis: 'none', reason: 'test bucket, no customer data' } });
    // Assess
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED'])).toBe('SUCCEEDED');
    expect(entered(incidentId, 'Draft first notice')).toHaveLength(0);
    expect(entered(incidentId, 'Send final report')).toHaveLength(1);
    expect((await s.incidents.getIncident(incidentId)).scope).toBe('NONE');
  });
});
