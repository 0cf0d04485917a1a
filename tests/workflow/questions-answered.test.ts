import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../functions/adapters/email-sender.js';
import { SnsMessaging } from '../../functions/adapters/messaging.js';
import { QuestionStore } from '../../functions/adapters/question-store.js';
import type { Notice } from '../../functions/domain/incident.js';
import { draftNotice } from '../../functions/domain/notice.js';
import { systemClock } from '../../functions/shared/clock.js';
import { answerQuestion, listQuestions, type AnswerQuestionDeps } from '../../functions/steps/answer-question.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators.js';
import { invokeHttpApi, lambdaContext } from '../../local/http-api.js';
import { linkAndCode } from '../../local/approval-client.js';
import { endpoints, emailsTo, testConfig, uniquePrefix } from '../support/local.js';
import { noticeRecord } from '../support/notices.js';
import { startScenario, submit, type Scenario } from '../support/scenario.js';

// Two customers ask through the public form; operators answer both (one for the page); the asker with an
// address gets one answer email however often it is answered; the FAQ entry reaches the page only after
// an approver approves it through the emailed link and code.
const prefix = uniquePrefix('qa');
const incidentId = 'inc-20261123-00000000a0a1';
const asker = `asker.${prefix}@example.net`;
let s: Scenario;

function sentNotice(): Notice {
  const content = {
    en: draftNotice(
      {
        kind: 'first-notice', sequence: 1,
        incident: { incidentId, source: 'guardduty', firstSeenAt: '2026-11-20T08:00:00.000Z', impact: { affectedCustomers: 2, byDataCategory: { email: 2 }, byJurisdiction: {}, byLocale: {}, byChannel: {} } },
        facts: { whatHappened: 'A database was exposed.', measures: ['We closed it.'], advice: [], remedies: [] },
        company: { name: 'Example Co.', contact: 'security-help@example.com', incidentPageUrl: 'https://status.example.com/security' },
        nextUpdateAt: '2026-11-27T08:00:00.000Z',
      },
      'en',
    ),
  };
  return { ...noticeRecord({ incidentId, noticeId: 'first-notice-1', kind: 'first-notice', sequence: 1, status: 'SENT', content, createdAt: '2026-11-20T09:00:00.000Z', promisedNextUpdateAt: '2026-11-27T08:00:00.000Z' }), sentAt: '2026-11-20T10:00:00.000Z' } as Notice;
}

async function ask(text: string, email = ''): Promise<void> {
  const form = await invokeHttpApi(s.system.questionForm, { method: 'GET', path: `/questions/${incidentId}?locale=en`, sourceIp: '198.51.100.20' });
  const token = /name="token" value="([^"]+)"/.exec(form.body ?? '')![1]!;
  await new Promise((r) => setTimeout(r, 3_100));
  const out = await invokeHttpApi(s.system.questionForm, {
    method: 'POST', path: `/questions/${incidentId}`, sourceIp: '198.51.100.20',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ locale: 'en', token, question: text, email, website: '' }).toString(),
  });
  expect(out.statusCode).toBe(200);
}

function pageHtml(): string {
  const path = join(s.system.pagesDir, `${incidentId}/en.html`);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

async function republish(): Promise<void> {
  await s.system.publishIncidentPage({ incidentId }, lambdaContext('breach-notice-publish-incident-page'));
}

beforeAll(async () => {
  s = await startScenario(prefix, testConfig(prefix, { locales: ['en'] }));
  await s.notices.createNotice(sentNotice());
  await s.doc.send(new PutCommand({ TableName: s.system.tables.incidents, Item: { pk: `INC#${incidentId}`, sk: 'META', type: 'incident', incidentId, status: 'OPEN', title: 'Exposed database', severity: 'HIGH', firstSeenAt: '2026-11-20T08:00:00.000Z' } }));
}, 120_000);

afterAll(async () => {
  await s?.system.stop();
});

describe('customers\' questions answered on the twin', () => {
  it('emails the asker one answer however often it is answered, and shows the FAQ answer only after an approver approves it through the link and code', async () => {
    // Prepare
    await ask('Was my card number exposed?', asker);
    await ask('Do I need a new password?');
    const clients = { endpoint: endpoints().ses, region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
    const questions = new QuestionStore(s.doc, s.system.tables.incidents, systemClock);
    const deps: AnswerQuestionDeps = {
      ...s, questions, clock: systemClock,
      email: new SesEmailSender(new SESv2Client(clients), 'security-notices@example.com'),
      messaging: new SnsMessaging(new SNSClient({ ...clients, endpoint: endpoints().sns })),
      approvers: s.config.approverEmails, quorum: 1, approvalBaseUrl: 'https://approvals.example.com', codeChannel: 'email', phones: new Map(),
    };
    const [withAddress, anonymous] = (await listQuestions(incidentId, { questions })).sort((a, b) => Number(b.hasAddress) - Number(a.hasAddress));
    // Act
    await answerQuestion({ incidentId, questionId: withAddress!.questionId, author: 'alice', locale: 'en', text: 'No card numbers were stored.', faq: false }, deps);
    await answerQuestion({ incidentId, questionId: withAddress!.questionId, author: 'alice', locale: 'en', text: 'No card numbers were stored.', faq: false }, deps);
    await answerQuestion({ incidentId, questionId: anonymous!.questionId, author: 'bob', locale: 'en', text: 'Yes, please change your password.', faq: true }, deps);
    await republish();
    const before = pageHtml();
    const approverMail = (await emailsTo(s.config.approverEmails[0]!)).find((m) => m.subject.includes('Approve an answer'))!;
    const { path, code } = linkAndCode(approverMail.body.text ?? '');
    const { view, out } = await submit(s, path.slice('/approvals/'.length), { decision: 'approve', reason: '', code });
    await republish();
    const after = pageHtml();
    // Assess
    expect((await emailsTo(asker)).map((m) => m.subject)).toEqual([`Our answer to your question about incident ${incidentId}`]);
    expect(view.body).toContain('Yes, please change your password.');
    expect(out.statusCode).toBe(200);
    expect(before).toContain('A database was exposed.');
    expect(before).not.toContain('Yes, please change your password.');
    expect(after).toContain('Do I need a new password?');
    expect(after).toContain('Yes, please change your password.');
    expect(after).not.toContain('No card numbers were stored.');
    const timeline = await s.incidents.listTimeline(incidentId);
    expect(timeline.filter((e) => e.action === 'question-answered').map((e) => e.actor)).toEqual(['alice', 'alice', 'bob']);
    expect(JSON.stringify(timeline)).not.toContain(asker);
  }, 120_000);
});
