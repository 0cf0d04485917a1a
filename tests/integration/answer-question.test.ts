import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../functions/adapters/approval-store.js';
import { PageRecords } from '../../functions/adapters/page-records.js';
import { QuestionStore } from '../../functions/adapters/question-store.js';
import type { Incident } from '../../functions/domain/incident.js';
import { decideApproval, showApproval, type ApprovalPageDeps } from '../../functions/http/approval-page.js';
import { answerQuestion, listQuestions, type AnswerQuestionDeps } from '../../functions/steps/answer-question.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators.js';
import { provision } from '../../local/system.js';
import { FakeClock, FakeEmail, FakeIncidents, FakeMessaging, FakeWorkflow } from '../support/fakes.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

// Operators' answers over the real stores on DynamoDB Local; approval through the real approval page logic.
const prefix = uniquePrefix('ans');
const incidentId = 'inc-20261120-0000000000ab';
const clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
let doc: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  const provisioned = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  table = provisioned.tables.incidents;
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb, maxAttempts: 10 }), { marshallOptions: { removeUndefinedValues: true } });
}, 60_000);

function world() {
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, { incidentId, title: 'Test incident', severity: 'HIGH', firstSeenAt: '2026-11-20T08:00:00Z', status: 'OPEN' } as unknown as Incident);
  const questions = new QuestionStore(doc, table, clock);
  const approvals = new ApprovalStore(doc, table, clock);
  const email = new FakeEmail();
  const republished: string[] = [];
  const deps: AnswerQuestionDeps = {
    questions, incidents, approvals, email, messaging: new FakeMessaging(), clock,
    approvers: ['a1@example.com', 'a2@example.com'], quorum: 1, approvalBaseUrl: 'https://approve.example.com', codeChannel: 'email', phones: new Map(),
  };
  const workflow = new FakeWorkflow();
  const page = {
    incidents, approvals, clock, workflow, locales: ['en'], alertTeam: async () => {},
    notices: { getNotice: async () => { throw new Error('no notice'); }, listNotices: async () => [], setNoticeStatus: async () => { throw new Error('a FAQ decision touched a notice'); } },
    facts: { getFacts: async () => undefined },
    faq: { questions, republish: async (id: string) => void republished.push(id) },
  } as unknown as ApprovalPageDeps;
  return { incidents, questions, approvals, email, deps, page, workflow, republished, records: new PageRecords(doc, table, clock) };
}

const ask = (q: QuestionStore, questionId: string, email?: string) =>
  q.putQuestion({ incidentId, questionId, locale: 'en', text: `Was my card affected? (${questionId})`, ...(email ? { email } : {}), askedAt: clock.now().toISOString(), status: 'OPEN' });

/** The link and code of the approval email sent to `approver`. */
function linkAndCode(email: FakeEmail, approver: string) {
  const mail = email.sent.filter((m) => m.to[0] === approver).at(-1)!;
  return { linkId: /\/approvals\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!, code: /code to type on the page: (\d{6})/.exec(mail.text)![1]! };
}

async function decide(page: ApprovalPageDeps, linkId: string, code: string, decision: 'approve' | 'reject', reason = '') {
  const meta = { sourceIp: '198.51.100.7', userAgent: 'test' };
  const shown = await showApproval(linkId, meta, page);
  const csrf = /name="csrf" value="([^"]+)"/.exec(shown.html)![1]!;
  return { shown, decided: await decideApproval(linkId, new URLSearchParams({ decision, code, csrf, reason }), { ...meta, csrfCookie: csrf }, page) };
}

describe('answering customers\' questions', () => {
  it('lists questions without addresses, emails the asker the answer exactly once even when answered twice, and puts each answer on the timeline with its author', async () => {
    // Prepare
    const w = world();
    await ask(w.questions, 'q-mail-1', 'asker@example.net');
    await ask(w.questions, 'q-anon-1');
    // Act
    const first = await answerQuestion({ incidentId, questionId: 'q-mail-1', author: 'alice', locale: 'en', text: 'No <b>cards</b> were stored.', faq: false }, w.deps);
    const again = await answerQuestion({ incidentId, questionId: 'q-mail-1', author: 'bob', locale: 'en', text: 'Corrected: no cards were stored.', faq: false }, w.deps);
    const anon = await answerQuestion({ incidentId, questionId: 'q-anon-1', author: 'alice', locale: 'en', text: 'Passwords were not affected.', faq: false }, w.deps);
    const listed = (await listQuestions(incidentId, w.deps)).filter((q) => q.questionId.startsWith('q-mail-1') || q.questionId === 'q-anon-1').sort((a, b) => a.questionId.localeCompare(b.questionId));
    // Assess
    expect([first.emailed, again.emailed, anon.emailed]).toEqual([true, false, false]);
    expect(w.email.recipients()).toEqual(['asker@example.net']);
    expect(w.email.sent[0]!.html).toContain('No &lt;b&gt;cards&lt;/b&gt; were stored.');
    expect(w.email.sent[0]!.subject).toBe(`Our answer to your question about incident ${incidentId}`);
    expect(listed.map((q) => [q.questionId, q.hasAddress, q.status, q.answer?.by, q.emailed])).toEqual([
      ['q-anon-1', false, 'ANSWERED', 'alice', false],
      // The address went with the claim of the answer's email: its only use.
      ['q-mail-1', false, 'ANSWERED', 'bob', true],
    ]);
    expect(JSON.stringify(listed)).not.toContain('asker@example.net');
    expect(w.incidents.timeline.filter((e) => e.action === 'question-answered').map((e) => e.actor)).toEqual(['alice', 'bob', 'alice']);
    expect(JSON.stringify(w.incidents.timeline)).not.toContain('asker@example.net');
  });

  it('keeps a FAQ answer off the page until an approver approves it through the link and code, then publishes it without any Step Functions call', async () => {
    // Prepare
    const w = world();
    await ask(w.questions, 'q-faq-1');
    // Act
    const result = await answerQuestion({ incidentId, questionId: 'q-faq-1', author: 'alice', locale: 'en', text: 'We reset every session.', faq: true }, w.deps);
    const before = await w.records.listFaq(incidentId, 'en');
    const { linkId, code } = linkAndCode(w.email, 'a1@example.com');
    const wrong = await decideApproval(linkId, new URLSearchParams({ decision: 'approve', code: code === '000000' ? '111111' : '000000', csrf: 'x' }), { sourceIp: '198.51.100.7', userAgent: 't', csrfCookie: 'x' }, w.page);
    const afterWrong = await w.records.listFaq(incidentId, 'en');
    const { shown, decided } = await decide(w.page, linkId, code, 'approve');
    const after = await w.records.listFaq(incidentId, 'en');
    // Assess
    expect(result.approversEmailed).toBe(2);
    expect(before.filter((f) => f.answer === 'We reset every session.')).toEqual([]);
    expect(wrong.status).toBe(403);
    expect(afterWrong.filter((f) => f.answer === 'We reset every session.')).toEqual([]);
    expect(shown.html).toContain('We reset every session.');
    expect(decided.status).toBe(200);
    expect(after).toContainEqual({ question: 'Was my card affected? (q-faq-1)', answer: 'We reset every session.' });
    expect(w.republished).toEqual([incidentId]);
    expect(w.workflow.callbacks).toEqual([]);
    const request = await w.approvals.getApprovalRequest(incidentId, result.approvalRequestId!);
    expect([request?.status, request?.callbackDeliveredAt !== undefined]).toEqual(['APPROVED', true]);
  });

  it('binds an approval to the answer it showed: approving a FAQ request after the answer was changed publishes nothing', async () => {
    // Prepare
    const w = world();
    await ask(w.questions, 'q-faq-3');
    await answerQuestion({ incidentId, questionId: 'q-faq-3', author: 'alice', locale: 'en', text: 'First wording.', faq: true }, w.deps);
    const first = linkAndCode(w.email, 'a1@example.com');
    clock.current += 1_000;
    await answerQuestion({ incidentId, questionId: 'q-faq-3', author: 'bob', locale: 'en', text: 'Second wording.', faq: true }, w.deps);
    // Act
    const { decided } = await decide(w.page, first.linkId, first.code, 'approve');
    const afterStale = (await w.records.listFaq(incidentId, 'en')).map((f) => f.answer);
    const second = linkAndCode(w.email, 'a1@example.com');
    await decide(w.page, second.linkId, second.code, 'approve');
    const afterSecond = (await w.records.listFaq(incidentId, 'en')).map((f) => f.answer);
    // Assess
    expect(decided.status).toBe(200);
    expect(afterStale).not.toContain('First wording.');
    expect(afterStale).not.toContain('Second wording.');
    expect(w.incidents.timeline.map((e) => e.action)).toContain('faq-decision-stale');
    expect(afterSecond).toContain('Second wording.');
    expect(afterSecond).not.toContain('First wording.');
  });

  it('leaves a rejected FAQ answer off the page with the approver\'s reason', async () => {
    // Prepare
    const w = world();
    await ask(w.questions, 'q-faq-2');
    await answerQuestion({ incidentId, questionId: 'q-faq-2', author: 'alice', locale: 'en', text: 'Too much detail.', faq: true }, w.deps);
    const { linkId, code } = linkAndCode(w.email, 'a2@example.com');
    // Act
    const { decided } = await decide(w.page, linkId, code, 'reject', 'Legal must see this first');
    // Assess
    expect(decided.status).toBe(200);
    expect((await w.records.listFaq(incidentId, 'en')).map((f) => f.answer)).not.toContain('Too much detail.');
    const q = (await listQuestions(incidentId, w.deps)).find((x) => x.questionId === 'q-faq-2');
    expect([q?.faq, q?.faqReason]).toEqual(['REJECTED', 'Legal must see this first']);
  });
});
