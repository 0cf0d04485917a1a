import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuestionStore } from '../../functions/adapters/question-store.js';
import { manualReport } from '../../local/tools/sample-alarms.js';
import { drillEmailAddress } from '../../functions/domain/channels/drill.js';
import { systemClock } from '../../functions/shared/clock.js';
import { listQuestions } from '../../functions/steps/answer-question.js';
import { linkAndCode } from '../../local/tools/approval-client.js';
import { invokeHttpApi } from '../../local/twin/http-api.js';
import { answerOnTwin, confirmLinkOf, confirmOnTwin } from '../support/answers.js';
import { approvalFor, emailsPerRecipient, emailsTo, sesEmails, smsMessages, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import {
  executionArnOf,
  makeCustomers,
  sendAlarm,
  startScenario,
  submit,
  teamActions,
  waitForState,
  waitForStatus,
  type Scenario,
} from '../support/scenario.js';

/**
 * Issue 10, part 6 on the twin: a drill manual report runs the whole flow with real approvers, every
 * message marked as a drill, and every customer email sent to the SES mailbox simulator instead of
 * the customer; the final report carries the drill report.
 */
const prefix = uniquePrefix('drill');
const config = testConfig(prefix);
const approver = config.approverEmails[0]!;
let s: Scenario;

beforeAll(async () => {
  s = await startScenario(prefix, config, {
    envOverrides: { APPROVAL_TIMEOUT_SECONDS: '600', ESCALATION_TIMEOUT_SECONDS: '600' },
    // The next update a week away: only the close brings it forward.
    waitTimeOverrides: { 'Wait to resume sending notices': 50, 'Wait to resume sending update': 50 },
  });
});
afterAll(async () => {
  await s?.system.stop();
});

async function approveNewest(incidentId: string, nth: number) {
  const { linkId, code } = await approvalFor(approver, nth, incidentId);
  const { view, out } = await submit(s, linkId, { decision: 'approve', reason: '', code });
  expect(view.statusCode).toBe(200);
  expect(out.statusCode).toBe(200);
}

describe('a drill from the manual report to the final report', () => {
  it('marked everywhere; customer emails only to the mailbox simulator, SMS not sent; the final report times each step', async () => {
    // Prepare: six customers on the resource (two with SMS); the report says it is a drill.
    const resource = `drill-bucket-${prefix}`;
    const customers = makeCustomers(prefix, resource, 6);
    await s.customers.putCustomers(customers);
    const event = manualReport([resource], `drill-${prefix}`) as { detail: Record<string, unknown> };
    event.detail.drill = true;
    event.detail.occurredAt = new Date().toISOString();

    // Act 1: report it; the approver gets a marked approval email and approves.
    const out = await sendAlarm(s, event);
    const incidentId = out.incidents![0]!.incidentId;
    expect((await s.incidents.getIncident(incidentId)).drill).toBe(true);
    await waitForState(s, incidentId, 'Wait for approval');
    const approval = await until(async () => (await emailsTo(approver)).find((m) => m.subject.includes(incidentId)), 'the approval email');
    expect(approval?.subject.startsWith('[DRILL] ')).toBe(true);
    await approveNewest(incidentId, 1);
    await waitForState(s, incidentId, 'Wait until next update').catch((e: Error) => {
      const ex = s.system.workflow.executions.get(executionArnOf(s, incidentId));
      throw new Error(
        `${e.message}; states: ${ex?.events
          .filter((ev) => ev.type === 'StateEntered')
          .map((ev) => ev.stateName)
          .join(' > ')}`,
      );
    });

    // Assess 1: no email to any customer's real address; one per customer at the simulator, marked.
    const real = await emailsPerRecipient(`.${prefix}@example.com`);
    expect([...real.keys()].filter((to) => /^c\d+\./.test(to))).toEqual([]);
    const sink = await sesEmails((e) => e.destination.to[0]!.includes(prefix) && e.destination.to[0]!.endsWith('@simulator.amazonses.com'));
    expect(sink.map((m) => m.destination.to[0]).sort()).toEqual(customers.map((c) => drillEmailAddress(c.profile.customerId)).sort());
    expect(sink.every((m) => m.subject.startsWith('[DRILL] ') || m.subject.startsWith('[演练] '))).toBe(true);
    const notice = await s.notices.getNotice(incidentId, 'first-notice-1');
    expect(notice.drill).toBe(true);
    // The ledger counts the drill like any notice: SMS recorded FAILED (no drillSmsSink), figures reconcile.
    expect(notice.reconciliation?.problems).toEqual([]);
    expect(notice.reconciliation?.channels.sms).toMatchObject({ intended: 2, sent: 0, failed: 2 });
    expect(notice.reconciliation?.channels.email).toMatchObject({ intended: 6, sent: 6 });

    // Act 1b: a customer asks with their own address; the team answers for the page; the asker's
    // confirmation is followed from the simulator's copy; the approver approves the answer.
    const asker = `asker.${prefix}@example.com`;
    const form = await invokeHttpApi(s.system.questionForm, { method: 'GET', path: `/questions/${incidentId}?locale=en`, sourceIp: '198.51.100.30' });
    const token = /name="token" value="([^"]+)"/.exec(form.body ?? '')![1]!;
    await new Promise((r) => setTimeout(r, 3_100));
    const asked = await invokeHttpApi(s.system.questionForm, {
      method: 'POST',
      path: `/questions/${incidentId}`,
      sourceIp: '198.51.100.30',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ locale: 'en', token, question: 'Was my card affected?', email: asker, website: '' }).toString(),
    });
    expect(asked.statusCode).toBe(200);
    const [question] = await listQuestions(incidentId, { questions: new QuestionStore(s.doc, s.system.tables.incidents, systemClock) });
    const answered = await answerOnTwin(s, incidentId, question!.questionId, {
      locale: 'en',
      text: 'No card data was stored.',
      faq: true,
      faqQuestion: 'Was card data stored?',
    });
    expect(answered.body).toMatchObject({ emailed: false, confirmationSent: true, approversEmailed: 1 });
    const askerSink = drillEmailAddress(`q-${question!.questionId}`);
    const confirmation = await until(async () => (await emailsTo(askerSink))[0], 'the confirmation at the simulator');
    const { out: confirmed } = await confirmOnTwin(confirmLinkOf(confirmation.body.text ?? ''));
    expect(confirmed.statusCode).toBe(200);
    const faqApproval = await until(
      async () => (await emailsTo(approver)).find((m) => m.subject.includes(`Approve an answer for the public page of ${incidentId}`)),
      'the FAQ approval email',
    );
    const { path, code } = linkAndCode(faqApproval.body.text ?? '');
    const { out: faqDecided } = await submit(s, path.slice('/approvals/'.length), { decision: 'approve', reason: '', code });
    expect(faqDecided.statusCode).toBe(200);

    // Assess 1b: the confirmation and the answer at the simulator, marked; nothing to the asker's own address.
    expect((await emailsTo(askerSink)).map((m) => m.subject)).toEqual([
      `[DRILL] Confirm your email address to receive our answer (incident ${incidentId})`,
      `[DRILL] Our answer to your question about incident ${incidentId}`,
    ]);
    expect(await emailsTo(asker)).toEqual([]);
    expect(faqApproval.subject.startsWith('[DRILL] ')).toBe(true);

    // Act 2: close the drill; the closing notice is approved; the final report goes out.
    await teamActions(s).close({ incidentId, author: 'lead@example.com', reason: 'drill over' });
    await waitForState(s, incidentId, 'Wait for update approval');
    await approveNewest(incidentId, 2);
    expect(await waitForStatus(s, incidentId, ['SUCCEEDED', 'FAILED'])).toBe('SUCCEEDED');

    // Assess 2: still nothing to real addresses; the final report is marked and has the drill section; the team's pages are marked.
    expect([...(await emailsPerRecipient(`.${prefix}@example.com`)).keys()].filter((to) => /^c\d+\./.test(to))).toEqual([]);
    const report = await until(
      async () => (await emailsTo(approver)).find((m) => m.subject.startsWith(`Final report: incident ${incidentId}`)),
      'the final report',
    );
    expect(report?.subject).toContain('[DRILL]');
    expect(report?.body.text).toContain('Drill: time each step took against the playbook targets');
    expect(report?.body.text).toMatch(/first notice approved: \S+, step [\d.]+ min, [\d.]+ min from the alarm; target 240 min: MET/);
    const pages = (await topicMessages(s.system.responseTeamTopicArn)).filter((m) => m.message.includes(incidentId));
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((m) => (m.subject ?? '').startsWith('[DRILL] '))).toBe(true);

    // Every sending path the drill took (notices, SMS, approvals, team pages, the asker's confirmation
    // and answer, the FAQ approval): each email went to staff or to the simulator, marked; no SMS to a customer.
    const staff = new Set([...config.approverEmails, ...config.backupApproverEmails, ...(config.reportRecipients ?? config.approverEmails)]);
    const sinks = new Set([askerSink, ...customers.map((c) => drillEmailAddress(c.profile.customerId))]);
    const drillMails = await sesEmails((m) => m.subject.includes(incidentId) || m.destination.to.some((to) => to.includes(prefix) || sinks.has(to)));
    expect(drillMails.length).toBeGreaterThan(customers.length + 4);
    expect(drillMails.flatMap((m) => m.destination.to).filter((to) => !staff.has(to) && !sinks.has(to))).toEqual([]);
    expect(drillMails.filter((m) => !/\[(DRILL|演练|SIMULACRO)\]/.test(m.subject)).map((m) => m.subject)).toEqual([]);
    const customerPhones = new Set(customers.map((c) => c.profile.phone).filter(Boolean));
    expect(Object.keys(await smsMessages()).filter((phone) => customerPhones.has(phone))).toEqual([]);
  });
});
