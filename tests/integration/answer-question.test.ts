import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../functions/adapters/approval-store.js';
import { IncidentPageRecords } from '../../functions/adapters/incident-page-records.js';
import { QuestionStore, RateLimiter } from '../../functions/adapters/question-store.js';
import { addressKey, CONFIRMATION_DAYS, CONFIRMATIONS_PER_ADDRESS } from '../../functions/domain/address-confirmation.js';
import { drillEmailAddress } from '../../functions/domain/channels/drill.js';
import type { Incident } from '../../functions/domain/incident.js';
import { confirmationRequest } from '../../functions/http/address-confirmation.js';
import { decideApproval, showApproval, type ApprovalPageDeps } from '../../functions/http/approval-page.js';
import { answerQuestion, FaqQuestionRequiredError, listQuestions, type AnswerQuestionDeps } from '../../functions/steps/answer-question.js';
import { returnPendingDecision } from '../../functions/steps/return-decision.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { FakeClock, FakeEmail, FakeIncidents, FakeMessaging, FakeWorkflow } from '../support/fakes.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';

// Operators' answers over the real stores on DynamoDB Local; approval through the real approval page
// logic, confirmation through the real confirmation page logic. Every clock starts now: links and
// items expire relative to the run, never on a date.
const prefix = uniquePrefix('ans');
const incidentId = 'inc-20261120-0000000000ab';
const clock = new FakeClock(Date.now());
let doc: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  const provisioned = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  table = provisioned.tables.incidents;
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb, maxAttempts: 10 }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}, 60_000);

function world() {
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, {
    incidentId,
    title: 'Test incident',
    severity: 'HIGH',
    firstSeenAt: new Date(clock.current - 86_400_000).toISOString(),
    status: 'OPEN',
  } as unknown as Incident);
  const questions = new QuestionStore(doc, table, clock);
  const approvals = new ApprovalStore(doc, table, clock);
  const email = new FakeEmail();
  const republished: string[] = [];
  const republishFailures: Error[] = [];
  const republish = async (id: string) => {
    const failure = republishFailures.shift();
    if (failure) throw failure;
    republished.push(id);
  };
  const deps: AnswerQuestionDeps = {
    questions,
    incidents,
    approvals,
    email,
    messaging: new FakeMessaging(),
    clock,
    limiter: new RateLimiter(doc, table, clock),
    addressKey: async (address) => addressKey('k'.repeat(64), address),
    confirmBaseUrl: 'https://approve.example.com',
    drillMode: false,
    approvers: ['a1@example.com', 'a2@example.com'],
    quorum: 1,
    approvalBaseUrl: 'https://approve.example.com',
    codeChannel: 'email',
    phones: new Map(),
  };
  const workflow = new FakeWorkflow();
  const page = {
    incidents,
    approvals,
    clock,
    workflow,
    locales: ['en'],
    alertTeam: async () => {},
    notices: {
      getNotice: async () => {
        throw new Error('no notice');
      },
      listNotices: async () => [],
      setNoticeStatus: async () => {
        throw new Error('a FAQ decision touched a notice');
      },
    },
    facts: { getFacts: async () => undefined },
    faq: { questions, republish },
  } as unknown as ApprovalPageDeps;
  const confirming = { questions, incidents, email, clock, drillMode: false };
  return {
    incidents,
    questions,
    approvals,
    email,
    deps,
    page,
    workflow,
    republished,
    republishFailures,
    confirming,
    records: new IncidentPageRecords(doc, table, clock),
  };
}

let asked = 0;
const ask = (q: QuestionStore, questionId: string, email?: string) =>
  q.putQuestion({
    incidentId,
    questionId,
    locale: 'en',
    text: `Was my card affected? My name is Jane Roe (${questionId})`,
    ...(email ? { email } : {}),
    askedAt: new Date(clock.current - ++asked).toISOString(),
    status: 'OPEN',
  });

/** The link and code of the approval email sent to `approver`. */
function linkAndCode(email: FakeEmail, approver: string) {
  const mail = email.sent.filter((m) => m.to[0] === approver).at(-1)!;
  return { linkId: /\/approvals\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!, code: /code to type on the page: (\d{6})/.exec(mail.text)![1]! };
}

/** The confirmation link id in the newest email to `address`. */
const confirmLinkIn = (email: FakeEmail, address: string) =>
  /\/confirm\/([A-Za-z0-9_-]{43})/.exec(email.sent.filter((m) => m.to[0] === address).at(-1)!.text)![1]!;

async function decide(page: ApprovalPageDeps, linkId: string, code: string, decision: 'approve' | 'reject', reason = '') {
  const meta = { sourceIp: '198.51.100.7', userAgent: 'test' };
  const shown = await showApproval(linkId, meta, page);
  const csrf = /name="csrf" value="([^"]+)"/.exec(shown.html)![1]!;
  return { shown, decided: await decideApproval(linkId, new URLSearchParams({ decision, code, csrf, reason }), { ...meta, csrfCookie: csrf }, page) };
}

/** GET the confirmation page (its cookie and token), then POST them back, as the asker's browser does. */
async function confirmInBrowser(deps: ReturnType<typeof world>['confirming'], linkId: string) {
  const shown = await confirmationRequest({ method: 'GET', linkId }, deps);
  const csrf = /name="csrf" value="([^"]+)"/.exec(shown.body)?.[1] ?? '';
  const cookie = /confirm_csrf=([^;]+)/.exec(shown.cookies?.[0] ?? '')?.[1];
  const post = () => confirmationRequest({ method: 'POST', linkId, body: new URLSearchParams({ csrf }).toString(), csrfCookie: cookie }, deps);
  return { shown, posted: await post(), post };
}

const addressConfirmed = async (w: ReturnType<typeof world>, questionId: string) =>
  (await listQuestions(incidentId, { questions: w.questions })).find((q) => q.questionId === questionId)?.addressConfirmed;

describe("answering customers' questions", () => {
  it('sends an unconfirmed address one confirmation email with nothing of the question; GET of its link confirms nothing; the POST confirms and sends the answer, once', async () => {
    // Prepare
    const w = world();
    const asker = `asker.${prefix}@example.net`;
    await ask(w.questions, 'q-mail-1', asker);
    await ask(w.questions, 'q-anon-1');
    // Act 1: answered twice before the address is confirmed, and once a question without an address.
    const first = await answerQuestion(
      { incidentId, questionId: 'q-mail-1', author: 'alice', locale: 'en', text: 'No <b>cards</b> were stored.', faq: false },
      w.deps,
    );
    const again = await answerQuestion(
      { incidentId, questionId: 'q-mail-1', author: 'bob', locale: 'en', text: 'Corrected: no <b>cards</b> were stored.', faq: false },
      w.deps,
    );
    const anon = await answerQuestion(
      { incidentId, questionId: 'q-anon-1', author: 'alice', locale: 'en', text: 'Passwords were not affected.', faq: false },
      w.deps,
    );
    const beforeConfirming = structuredClone(w.email.sent);
    const linkId = confirmLinkIn(w.email, asker);
    // Act 2: a mail scanner follows the link (GET, HEAD) and posts without the page's cookie.
    const scanned = await Promise.all([
      confirmationRequest({ method: 'GET', linkId }, w.confirming),
      confirmationRequest({ method: 'HEAD', linkId }, w.confirming),
    ]);
    const blind = await confirmationRequest({ method: 'POST', linkId, body: 'csrf=guess' }, w.confirming);
    const confirmedAfterScan = await addressConfirmed(w, 'q-mail-1');
    const sentAfterScan = w.email.sent.length;
    // Act 3: the asker opens the page and presses the button, then again.
    const { posted, post } = await confirmInBrowser(w.confirming, linkId);
    const reposted = await post();
    const reopened = await confirmationRequest({ method: 'GET', linkId }, w.confirming);
    const third = await answerQuestion({ incidentId, questionId: 'q-mail-1', author: 'carol', locale: 'en', text: 'Final wording.', faq: false }, w.deps);
    // Assess
    expect([first.emailed, first.confirmationSent, again.emailed, again.confirmationSent, anon.emailed, anon.confirmationSent]).toEqual([
      false,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(beforeConfirming).toHaveLength(1);
    const confirmation = beforeConfirming[0]!;
    expect(confirmation.to).toEqual([asker]);
    expect(confirmation.subject).toBe(`Confirm your email address to receive our answer (incident ${incidentId})`);
    for (const part of [confirmation.subject, confirmation.html, confirmation.text]) {
      expect(part).not.toContain('Jane Roe');
      expect(part).not.toContain('cards');
    }
    expect(scanned.map((r) => r.status)).toEqual([200, 200]);
    expect(scanned[0]!.body).toContain('<form method="post"');
    expect(blind.status).toBe(403);
    expect([confirmedAfterScan, sentAfterScan]).toEqual([false, 1]);
    expect([posted.status, posted.outcome]).toEqual([200, 'confirmed-answer-emailed']);
    expect([reposted.status, reposted.outcome, reopened.status, reopened.outcome]).toEqual([200, 'used', 200, 'used']);
    expect(reopened.body).not.toContain('<form');
    expect(w.email.sent.slice(1).map((m) => [m.to[0], m.subject])).toEqual([[asker, `Our answer to your question about incident ${incidentId}`]]);
    expect(w.email.sent[1]!.html).toContain('Corrected: no &lt;b&gt;cards&lt;/b&gt; were stored.');
    expect(w.email.sent[1]!.text).toContain('> Was my card affected?');
    expect([third.emailed, third.confirmationSent]).toEqual([false, false]);
    const listed = (await listQuestions(incidentId, w.deps))
      .filter((q) => ['q-mail-1', 'q-anon-1'].includes(q.questionId))
      .sort((a, b) => a.questionId.localeCompare(b.questionId));
    expect(listed.map((q) => [q.questionId, q.status, q.answer?.by, q.emailed, q.addressConfirmed])).toEqual([
      ['q-anon-1', 'ANSWERED', 'alice', false, false],
      ['q-mail-1', 'ANSWERED', 'carol', true, true],
    ]);
    expect(JSON.stringify(listed)).not.toContain(asker);
    expect(w.incidents.timeline.map((e) => e.action).filter((a) => a.startsWith('question-'))).toEqual([
      'question-answered',
      'question-confirmation-sent',
      'question-answered',
      'question-answered',
      'question-address-confirmed',
      'question-answer-emailed',
      'question-answered',
    ]);
    expect(JSON.stringify(w.incidents.timeline)).not.toContain(asker);
  });

  it('emails an address once it is confirmed: an answer given after the confirmation goes at once', async () => {
    // Prepare: confirmed before any answer exists (a first answer asked, then replaced).
    const w = world();
    const asker = `early.${prefix}@example.net`;
    await ask(w.questions, 'q-early', asker);
    await answerQuestion({ incidentId, questionId: 'q-early', author: 'alice', locale: 'en', text: 'Draft.', faq: false }, w.deps);
    // The asker confirms while the answer is being reworded: the draft goes out, the claim is spent.
    const { posted } = await confirmInBrowser(w.confirming, confirmLinkIn(w.email, asker));
    // Act
    const later = await answerQuestion({ incidentId, questionId: 'q-early', author: 'bob', locale: 'en', text: 'Final.', faq: false }, w.deps);
    // Assess
    expect(posted.outcome).toBe('confirmed-answer-emailed');
    expect(later.emailed).toBe(false);
    expect(w.email.sent.map((m) => m.subject.startsWith('Our answer'))).toEqual([false, true]);
  });

  it('bounds confirmation emails: one per question, and at most CONFIRMATIONS_PER_ADDRESS per address whatever the questions', async () => {
    // Prepare: one person's address typed into four questions.
    const w = world();
    const victim = `victim.${prefix}@example.net`;
    for (const id of ['q-v1', 'q-v2', 'q-v3', 'q-v4']) await ask(w.questions, id, victim);
    // Act
    const results = [];
    for (const id of ['q-v1', 'q-v2', 'q-v3', 'q-v4', 'q-v1'])
      results.push(await answerQuestion({ incidentId, questionId: id, author: 'alice', locale: 'en', text: 'Answer.', faq: false }, w.deps));
    // Assess
    expect(results.map((r) => r.confirmationSent)).toEqual([true, true, false, false, false]);
    expect(w.email.recipients()).toEqual(Array<string>(CONFIRMATIONS_PER_ADDRESS).fill(victim));
    expect(w.incidents.timeline.filter((e) => e.action === 'question-confirmation-limited')).toHaveLength(2);
  });

  it('in drill mode (the deploy setting) sends the confirmation and the answer to the SES mailbox simulator, marked, never to the address typed', async () => {
    // Prepare: the incident itself is not marked; the deployment is in drill mode.
    const w = world();
    const asker = `drill.${prefix}@example.net`;
    await ask(w.questions, 'q-drill', asker);
    const drilling = { ...w.deps, drillMode: true };
    // Act
    await answerQuestion({ incidentId, questionId: 'q-drill', author: 'alice', locale: 'en', text: 'Answer.', faq: false }, drilling);
    const { posted } = await confirmInBrowser({ ...w.confirming, drillMode: true }, confirmLinkIn(w.email, drillEmailAddress('q-q-drill')));
    // Assess
    expect(posted.outcome).toBe('confirmed-answer-emailed');
    expect(w.email.sent.map((m) => [m.to[0], m.subject.startsWith('[DRILL] ')])).toEqual([
      [drillEmailAddress('q-q-drill'), true],
      [drillEmailAddress('q-q-drill'), true],
    ]);
    expect(w.email.recipients()).not.toContain(asker);
  });

  it('refuses an expired confirmation link (410) and confirms nothing', async () => {
    // Prepare
    const w = world();
    const asker = `late.${prefix}@example.net`;
    await ask(w.questions, 'q-late', asker);
    await answerQuestion({ incidentId, questionId: 'q-late', author: 'alice', locale: 'en', text: 'Answer.', faq: false }, w.deps);
    const linkId = confirmLinkIn(w.email, asker);
    const shownInTime = await confirmationRequest({ method: 'GET', linkId }, w.confirming);
    const cookie = /confirm_csrf=([^;]+)/.exec(shownInTime.cookies![0]!)![1]!;
    const later = { ...w.confirming, clock: new FakeClock(clock.current + (CONFIRMATION_DAYS + 1) * 86_400_000) };
    // Act
    const posted = await confirmationRequest({ method: 'POST', linkId, body: `csrf=${cookie}`, csrfCookie: cookie }, later);
    const unknown = await confirmationRequest({ method: 'GET', linkId: 'x'.repeat(43) }, w.confirming);
    // Assess
    expect([posted.status, unknown.status]).toEqual([410, 404]);
    expect(await addressConfirmed(w, 'q-late')).toBe(false);
    expect(w.email.sent).toHaveLength(1);
  });

  it("keeps a FAQ answer off the page until an approver approves it through the link and code; the page shows the team's wording of the question, never the asker's", async () => {
    // Prepare
    const w = world();
    await ask(w.questions, 'q-faq-1', `faq.${prefix}@example.net`);
    // Act
    const unworded = await answerQuestion(
      { incidentId, questionId: 'q-faq-1', author: 'alice', locale: 'en', text: 'We reset every session.', faq: true },
      w.deps,
    ).catch((e: unknown) => e);
    const result = await answerQuestion(
      {
        incidentId,
        questionId: 'q-faq-1',
        author: 'alice',
        locale: 'en',
        text: 'We reset every session.',
        faq: true,
        faqQuestion: 'Were card numbers affected?',
      },
      w.deps,
    );
    const before = await w.records.listFaq(incidentId, 'en');
    const { linkId, code } = linkAndCode(w.email, 'a1@example.com');
    const wrong = await decideApproval(
      linkId,
      new URLSearchParams({ decision: 'approve', code: code === '000000' ? '111111' : '000000', csrf: 'x' }),
      { sourceIp: '198.51.100.7', userAgent: 't', csrfCookie: 'x' },
      w.page,
    );
    const afterWrong = await w.records.listFaq(incidentId, 'en');
    const { shown, decided } = await decide(w.page, linkId, code, 'approve');
    const after = await w.records.listFaq(incidentId, 'en');
    // Assess
    expect(unworded).toBeInstanceOf(FaqQuestionRequiredError);
    expect(result.approversEmailed).toBe(2);
    expect(before.filter((f) => f.answer === 'We reset every session.')).toEqual([]);
    expect(wrong.status).toBe(403);
    expect(afterWrong.filter((f) => f.answer === 'We reset every session.')).toEqual([]);
    expect(shown.html).toContain('We reset every session.');
    expect(shown.html).toContain('<dt>Were card numbers affected?</dt>');
    expect(decided.status).toBe(200);
    expect(after).toContainEqual({ question: 'Were card numbers affected?', answer: 'We reset every session.' });
    expect(JSON.stringify(after)).not.toContain('Jane Roe');
    expect(JSON.stringify(after)).not.toContain(`faq.${prefix}`);
    expect(w.republished).toEqual([incidentId]);
    expect(w.workflow.callbacks).toEqual([]);
    const request = await w.approvals.getApprovalRequest(incidentId, result.approvalRequestId!);
    expect([request?.status, request?.callbackDeliveredAt !== undefined]).toEqual(['APPROVED', true]);
  });

  it("never publishes the asker's own wording: an answer asked for the page without the team's wording (stored before it was required) stays off it", async () => {
    // Prepare
    const w = world();
    await ask(w.questions, 'q-legacy');
    await w.questions.answer(incidentId, 'q-legacy', { text: 'Legacy answer.', locale: 'en', by: 'alice', at: new Date(clock.current).toISOString() }, true);
    // Act
    const published = await w.questions.setFaqState(incidentId, 'q-legacy', 'PUBLISHED');
    // Assess
    expect(published).toBe(false);
    expect(JSON.stringify(await w.records.listFaq(incidentId, 'en'))).not.toContain('(q-legacy)');
  });

  it("re-renders the page when a FAQ decision is sent again after its re-render failed (the sweeper's repeat)", async () => {
    // Prepare
    const w = world();
    await ask(w.questions, 'q-faq-4');
    const result = await answerQuestion(
      { incidentId, questionId: 'q-faq-4', author: 'alice', locale: 'en', text: 'Sessions were reset.', faq: true, faqQuestion: 'Were sessions reset?' },
      w.deps,
    );
    const { linkId, code } = linkAndCode(w.email, 'a1@example.com');
    w.republishFailures.push(Object.assign(new Error('S3 unavailable'), { name: 'ServiceUnavailable' }));
    const { decided } = await decide(w.page, linkId, code, 'approve');
    const failedRender = [...w.republished];
    // Act
    const outcome = await returnPendingDecision(incidentId, result.approvalRequestId!, 'sweeper', w.page);
    // Assess
    expect(decided.status).toBe(202);
    expect(failedRender).toEqual([]);
    expect(outcome).toBe('returned');
    expect(w.republished).toEqual([incidentId]);
    expect(w.incidents.timeline.map((e) => e.action)).not.toContain('faq-decision-stale');
    expect((await w.records.listFaq(incidentId, 'en')).map((f) => f.answer)).toContain('Sessions were reset.');
  });

  it('binds an approval to the answer it showed: approving a FAQ request after the answer was changed publishes nothing', async () => {
    // Prepare
    const w = world();
    await ask(w.questions, 'q-faq-3');
    await answerQuestion(
      { incidentId, questionId: 'q-faq-3', author: 'alice', locale: 'en', text: 'First wording.', faq: true, faqQuestion: 'What changed?' },
      w.deps,
    );
    const first = linkAndCode(w.email, 'a1@example.com');
    clock.current += 1_000;
    await answerQuestion(
      { incidentId, questionId: 'q-faq-3', author: 'bob', locale: 'en', text: 'Second wording.', faq: true, faqQuestion: 'What changed?' },
      w.deps,
    );
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

  it("leaves a rejected FAQ answer off the page with the approver's reason", async () => {
    // Prepare
    const w = world();
    await ask(w.questions, 'q-faq-2');
    await answerQuestion(
      { incidentId, questionId: 'q-faq-2', author: 'alice', locale: 'en', text: 'Too much detail.', faq: true, faqQuestion: 'How much detail?' },
      w.deps,
    );
    const { linkId, code } = linkAndCode(w.email, 'a2@example.com');
    // Act
    const { decided } = await decide(w.page, linkId, code, 'reject', 'Legal must see this first');
    // Assess
    expect(decided.status).toBe(200);
    expect((await w.records.listFaq(incidentId, 'en')).map((f) => f.answer)).not.toContain('Too much detail.');
    const q = (await listQuestions(incidentId, w.deps)).find((x) => x.questionId === 'q-faq-2');
    expect([q?.faq, q?.faqReason]).toEqual(['REJECTED', 'Legal must see this first']);
    expect(w.republished).toEqual([]);
  });
});
