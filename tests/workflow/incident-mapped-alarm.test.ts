import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalFor, approvalLinkFor, emailsTo, sesEmails, smsMessages, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import {
  decide,
  executionArnOf,
  makeCustomers,
  phoneSalt,
  sendAlarm,
  startScenario,
  teamActions,
  waitForState,
  waitForStatus,
  writeFacts,
  type Scenario,
} from '../support/scenario.js';
import { invokeHttpApi } from '../../local/twin/http-api.js';

const prefix = uniquePrefix('life');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;
const bucket = `customer-data-${prefix}`;
let s: Scenario;

beforeAll(async () => {
  s = await startScenario(prefix, config);
  // 120 affected customers on the bucket, 10 on an unrelated resource who must hear nothing.
  await s.customers.putCustomers([...makeCustomers(prefix, bucket, 120), ...makeCustomers(prefix, `unrelated-${prefix}`, 10, 1000)]);
});

afterAll(async () => {
  await s?.system.stop();
});

describe('an incident from an alarm the directory maps to its customers, to the final report', () => {
  it('notifies every affected customer exactly once per notice, on every chosen channel, and closes with a report', async () => {
    // Act: a GuardDuty finding arrives through the intake.
    const intake = await sendAlarm(s, guardDutyFinding({ bucket }));
    expect(intake.outcome).toBe('accepted');
    const incidentId = intake.incidents![0]!.incidentId;

    // Assess: the approver gets a link; opening it changes nothing.
    await until(async () => (await emailsTo(approver)).length === 1, 'approval email');
    const linkId = await approvalLinkFor(approver, 1);
    const page = await invokeHttpApi(s.system.approvalPage, { method: 'GET', path: `/approvals/${linkId}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('120');
    expect(page.body).toMatch(/lang="zh-CN"/);
    expect(page.body).toContain('重要通知');
    expect(s.system.workflow.executions.get(executionArnOf(s, incidentId))?.status).toBe('RUNNING');
    expect((await sesEmails((e) => e.destination.to[0]!.endsWith(`.${prefix}@example.com`) && e.destination.to[0]!.startsWith('c'))).length).toBe(0);

    const decision = await decide(s, approver, 'approve', 1);
    expect(decision.statusCode).toBe(200);

    // The first notice goes out, then the update cycle drafts update 1 and waits for its approval.
    // The team writes what it has done meanwhile: the update is redrafted with it and asked again.
    await waitForState(s, incidentId, 'Wait for update approval');
    await until(async () => (await emailsTo(approver)).length === 2, 'update approval email');
    await writeFacts(s, incidentId, {
      en: { measures: ['We have revoked the leaked access keys and blocked the network.'], advice: [], remedies: [] },
      'zh-CN': { measures: ['我们已吊销泄露的访问密钥并封锁了相关网络。'], advice: [], remedies: [] },
    });
    await decide(s, approver, 'approve', 3);
    // Closed while the next update awaits approval: the close takes it back and the closing notice is asked for at once, approved like any other.
    await approvalFor(approver, 4, incidentId);
    await teamActions(s).close({ incidentId, author: 'operator@example.com' });
    const closing = await approvalFor(approver, 5, incidentId);
    expect((await emailsTo(approver)).find((m) => m.body.text?.includes(closing.linkId))?.subject).toContain('Closing customer notice');
    await decide(s, approver, 'approve', 5);
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED'])).toBe('SUCCEEDED');

    // Every affected customer: exactly one first notice, one update and one closing notice by email, in their language.
    const customerMail = await sesEmails((e) => /^c\d+\./.test(e.destination.to[0]!) && e.destination.to[0]!.endsWith(`.${prefix}@example.com`));
    const byAddress = new Map<string, string[]>();
    for (const m of customerMail) byAddress.set(m.destination.to[0]!, [...(byAddress.get(m.destination.to[0]!) ?? []), m.subject]);
    expect(byAddress.size).toBe(120);
    for (const [address, subjects] of byAddress) {
      expect(subjects, address).toHaveLength(3);
      const i = Number(/^c(\d+)\./.exec(address)![1]);
      expect(i).toBeLessThan(1000);
      expect(subjects.some((x) => (i % 2 === 1 ? x.startsWith('重要通知') : x.startsWith('Important')))).toBe(true);
    }
    const zh = customerMail.find((m) => m.destination.to[0] === `c1.${prefix}@example.com` && m.subject.startsWith('重要通知'))!;
    expect(zh.body.text).toContain('王1');
    const update = customerMail.find((m) => m.destination.to[0] === `c2.${prefix}@example.com` && m.subject.startsWith('Update 1'))!;
    expect(update.body.text).toContain('revoked the leaked access keys');

    // SMS: exactly one per notice for the 40 customers who chose it, none for the others.
    const sms = await smsMessages();
    const ours = Object.entries(sms).filter(([number]) => number.startsWith(`+4477${phoneSalt(prefix)}`));
    const chose = makeCustomers(prefix, bucket, 120)
      .filter((c) => c.profile.channels.includes('sms'))
      .map((c) => c.profile.phone!);
    for (const number of chose) expect(sms[number]?.length, number).toBe(3);
    expect(ours.filter(([n]) => !chose.includes(n)).length).toBe(0);

    // The ledger answers "what did customer X receive?" in one query.
    const received = await s.ledger.outcomesForCustomer(`cust-${prefix}-00003`);
    expect(received.map((o) => `${o.noticeId}/${o.channel}/${o.status}`).sort()).toEqual([
      'closing-4/email/SENT',
      'closing-4/sms/SENT',
      'first-notice-1/email/SENT',
      'first-notice-1/sms/SENT',
      'update-2/email/SENT',
      'update-2/sms/SENT',
    ]);

    // The final report reaches the report recipients, and the team topic has the pages.
    const reports = await until(async () => (await emailsTo(approver)).filter((m) => m.subject.startsWith('Final report')), 'final report');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.body.text).toContain('first-notice-1 email: sent 120');
    const pages = await topicMessages(s.system.responseTeamTopicArn);
    expect(pages.map((p) => p.subject)).toEqual(
      expect.arrayContaining([expect.stringContaining('New security incident'), expect.stringContaining('Final report sent')]),
    );

    // The audit timeline tells the story.
    const actions = (await s.incidents.listTimeline(incidentId)).map((e) => e.action);
    for (const action of [
      'incident-opened',
      'workflow-started',
      'impact-assessed',
      'response-team-paged',
      'notice-drafted',
      'approval-requested',
      'approval-page-viewed',
      'notice-approved',
      'notice-sent',
      'facts-edited',
      'approval-superseded-by-edit',
      'next-update-planned',
      'incident-closed',
      'approval-superseded-by-close',
      'notice-withdrawn',
      'final-report-sent',
    ]) {
      expect(actions, action).toContain(action);
    }

    // No customer data in the execution's history: ids and counts only.
    const history = JSON.stringify(s.system.workflow.executions.get(executionArnOf(s, incidentId))!.events);
    expect(history).not.toMatch(new RegExp(`c\\d+\\.${prefix}@example\\.com`));
    expect(history).not.toContain(`+4477${phoneSalt(prefix)}`);
    expect(history).not.toContain('Customer 1');
  });
});
