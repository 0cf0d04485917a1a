import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/keys.js';
import { QuestionStore } from '../../functions/adapters/question-store.js';
import type { Notice } from '../../functions/domain/incident.js';
import { draftNotice } from '../../functions/domain/notice.js';
import { systemClock } from '../../functions/shared/clock.js';
import { listQuestions } from '../../functions/steps/answer-question.js';
import { invokeHttpApi, lambdaContext } from '../../local/twin/http-api.js';
import { linkAndCode } from '../../local/tools/approval-client.js';
import { answerOnTwin, confirmLinkOf, confirmOnTwin } from '../support/answers.js';
import { emailsTo, testConfig, uniquePrefix, until } from '../support/local.js';
import { noticeRecord } from '../support/notices.js';
import { startScenario, submit, type Scenario } from '../support/scenario.js';

// Customers ask through the public form; operators answer through the operator API (one answer for the
// page); the asker with an address is asked once to confirm it and gets the answer only after confirming;
// the FAQ entry reaches the page as soon as an approver approves it through the emailed link and code,
// also after the incident closed.
const prefix = uniquePrefix('qa');
const incidentId = 'inc-20261123-00000000a0a1';
const asker = `asker.${prefix}@example.net`;
let s: Scenario;

function sentNotice(): Notice {
  const content = {
    en: draftNotice(
      {
        kind: 'first-notice',
        sequence: 1,
        incident: {
          incidentId,
          source: 'guardduty',
          firstSeenAt: '2026-11-20T08:00:00.000Z',
          impact: { affectedCustomers: 2, byDataCategory: { email: 2 }, byJurisdiction: {}, byLocale: {}, byChannel: {} },
        },
        facts: { whatHappened: 'A database was exposed.', measures: ['We closed it.'], advice: [], remedies: [] },
        company: { name: 'Example Co.', contact: 'security-help@example.com', incidentPageUrl: 'https://status.example.com/security' },
        nextUpdateAt: '2026-11-27T08:00:00.000Z',
      },
      'en',
    ),
  };
  return {
    ...noticeRecord({
      incidentId,
      noticeId: 'first-notice-1',
      kind: 'first-notice',
      sequence: 1,
      status: 'SENT',
      content,
      createdAt: '2026-11-20T09:00:00.000Z',
      promisedNextUpdateAt: '2026-11-27T08:00:00.000Z',
    }),
    sentAt: '2026-11-20T10:00:00.000Z',
  } as Notice;
}

async function ask(text: string, email = ''): Promise<void> {
  const form = await invokeHttpApi(s.system.questionForm, { method: 'GET', path: `/questions/${incidentId}?locale=en`, sourceIp: '198.51.100.20' });
  const token = /name="token" value="([^"]+)"/.exec(form.body ?? '')![1]!;
  await new Promise((r) => setTimeout(r, 3_100));
  const out = await invokeHttpApi(s.system.questionForm, {
    method: 'POST',
    path: `/questions/${incidentId}`,
    sourceIp: '198.51.100.20',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ locale: 'en', token, question: text, email, website: '' }).toString(),
  });
  expect(out.statusCode).toBe(200);
}

function incidentPageHtml(): string {
  const path = join(s.system.incidentPagesDir, `${incidentId}/en.html`);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

async function republish(): Promise<void> {
  await s.system.publishIncidentPage({ incidentId }, lambdaContext('breach-notice-publish-incident-page'));
}

beforeAll(async () => {
  s = await startScenario(prefix, testConfig(prefix, { locales: ['en'] }));
  await s.notices.createNotice(sentNotice());
  await s.doc.send(
    new PutCommand({
      TableName: s.system.tables.incidents,
      Item: {
        ...keys.incident(incidentId),
        type: 'incident',
        incidentId,
        status: 'OPEN',
        title: 'Exposed database',
        severity: 'HIGH',
        firstSeenAt: '2026-11-20T08:00:00.000Z',
      },
    }),
  );
}, 120_000);

afterAll(async () => {
  await s?.system.stop();
});

/** The approver's newest FAQ approval email of this incident, approved through its link and code on the twin's page. */
async function approveNewestFaq(count: number) {
  const mails = await until(async () => {
    const found = (await emailsTo(s.config.approverEmails[0]!))
      .filter((m) => m.subject.includes(`Approve an answer for the public page of ${incidentId}`))
      .sort((a, b) => a.at - b.at);
    return found.length >= count ? found : undefined;
  }, `FAQ approval email ${count}`);
  const { path, code } = linkAndCode(mails.at(-1)!.body.text ?? '');
  return submit(s, path.slice('/approvals/'.length), { decision: 'approve', reason: '', code });
}

describe("customers' questions answered on the twin", () => {
  it('asks the asker once to confirm the address, emails the answer only once it is confirmed, and puts a FAQ answer on the page as soon as it is approved, also after the incident closed', async () => {
    // Prepare
    await ask('Was my card number exposed? I am Jane Roe.', asker);
    await ask('Do I need a new password? My account is jroe.');
    await ask('Is my address affected?');
    const questions = new QuestionStore(s.doc, s.system.tables.incidents, systemClock);
    const listed = await listQuestions(incidentId, { questions });
    const withAddress = listed.find((q) => q.hasAddress)!;
    const byWord = (word: string) => listed.find((q) => q.text.includes(word))!;
    const [password, address] = [byWord('password'), byWord('address')];
    await republish();
    const before = incidentPageHtml();
    // Act 1: the question with an address answered twice, then confirmed by the asker.
    const answered = [
      await answerOnTwin(s, incidentId, withAddress.questionId, { locale: 'en', text: 'No card numbers were stored.' }),
      await answerOnTwin(s, incidentId, withAddress.questionId, { locale: 'en', text: 'No card numbers were stored.' }),
    ];
    const beforeConfirming = (await emailsTo(asker)).map((m) => m.subject);
    const confirmation = (await emailsTo(asker))[0]!;
    const { view, out: confirmed } = await confirmOnTwin(confirmLinkOf(confirmation.body.text ?? ''));
    // Act 2: an answer for the page, approved; then the incident closes and another is approved.
    await answerOnTwin(s, incidentId, password.questionId, {
      locale: 'en',
      text: 'Yes, please change your password.',
      faq: true,
      faqQuestion: 'Do I need a new password?',
    });
    const approved = await approveNewestFaq(1);
    const afterApproval = incidentPageHtml();
    await s.doc.send(
      new UpdateCommand({
        TableName: s.system.tables.incidents,
        Key: keys.incident(incidentId),
        UpdateExpression: 'SET #s = :closed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':closed': 'CLOSED' },
      }),
    );
    await answerOnTwin(s, incidentId, address.questionId, {
      locale: 'en',
      text: 'No postal addresses were stored.',
      faq: true,
      faqQuestion: 'Were postal addresses stored?',
    });
    const approvedAfterClose = await approveNewestFaq(2);
    const afterClose = incidentPageHtml();
    // Assess: one confirmation, nothing of the question in it; the answer only after the POST.
    expect(answered.map((a) => [a.status, a.body.emailed, a.body.confirmationSent])).toEqual([
      [200, false, true],
      [200, false, false],
    ]);
    expect(beforeConfirming).toEqual([`Confirm your email address to receive our answer (incident ${incidentId})`]);
    expect(`${confirmation.body.text}${confirmation.body.html}`).not.toContain('card');
    expect([view.statusCode, confirmed.statusCode]).toEqual([200, 200]);
    expect((await emailsTo(asker)).map((m) => m.subject)).toEqual([beforeConfirming[0], `Our answer to your question about incident ${incidentId}`]);
    // The page: the team's wording and the answer as soon as approved, never the askers' own text.
    expect([approved.out.statusCode, approvedAfterClose.out.statusCode]).toEqual([200, 200]);
    expect(before).toContain('A database was exposed.');
    expect(before).not.toContain('Yes, please change your password.');
    expect(afterApproval).toContain('Do I need a new password?');
    expect(afterApproval).toContain('Yes, please change your password.');
    expect(afterApproval).not.toContain('jroe');
    expect(afterApproval).not.toContain('No card numbers were stored.');
    expect(afterClose).toContain('Were postal addresses stored?');
    expect(afterClose).toContain('No postal addresses were stored.');
    const timeline = await s.incidents.listTimeline(incidentId);
    expect(timeline.filter((e) => e.action === 'question-answered').map((e) => e.actor)).toEqual(Array<string>(4).fill('arn:aws:iam::000000000000:user/alice'));
    expect(JSON.stringify(timeline)).not.toContain(asker);
  }, 120_000);
});
