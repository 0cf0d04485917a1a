import { describe, expect, it } from 'vitest';
import { noticeFactsSchema, type NoticeFacts } from '../../functions/domain/facts.js';
import { supportedLocales } from '../../functions/domain/locales.js';
import { MAX_BODY_BYTES, operatorRequest, type OperatorApiDeps, type OperatorRequest } from '../../functions/http/operator-api.js';
import type { ConfirmationLink } from '../../functions/domain/address-confirmation.js';
import type { CustomerQuestion } from '../../functions/domain/question-form.js';
import type { QuestionsPort } from '../../functions/steps/answer-question.js';
import { editWorld } from '../support/edit-world.js';
import { FakeClock, FakeEmail, FakeEvidence, FakeMessaging, namedError } from '../support/fakes.js';
import { noticeRecord } from '../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';
const caller = 'arn:aws:sts::123456789012:assumed-role/ResponseTeam/lead@example.com';

/** Questions in memory, with the store's conditional claims. */
class MemoryQuestions implements QuestionsPort {
  questions = new Map<string, CustomerQuestion>();
  links = new Map<string, ConfirmationLink>();
  async getQuestion(_incidentId: string, questionId: string) {
    return structuredClone(this.questions.get(questionId));
  }
  async listQuestions() {
    return [...this.questions.values()];
  }
  async answer(_incidentId: string, questionId: string, answer: NonNullable<CustomerQuestion['answer']>, faq: boolean) {
    const q = this.questions.get(questionId)!;
    this.questions.set(questionId, { ...q, answer, status: 'ANSWERED', ...(faq ? { faq: 'PENDING' } : {}) });
  }
  async claimAnswerEmail(_incidentId: string, questionId: string) {
    const q = this.questions.get(questionId)!;
    if (q.emailedAt) return false;
    q.emailedAt = 'now';
    return true;
  }
  async setFaqState() {
    return false;
  }
  async claimConfirmation(_incidentId: string, questionId: string) {
    const q = this.questions.get(questionId)!;
    if (q.confirmationSentAt || q.addressConfirmedAt) return false;
    q.confirmationSentAt = 'now';
    return true;
  }
  async putConfirmationLink(link: ConfirmationLink) {
    this.links.set(link.linkHash, link);
  }
  async getConfirmationLink(linkHash: string) {
    return this.links.get(linkHash);
  }
  async confirmAddress() {
    return false;
  }
}

/** The deployment's approval settings, as the operator-api function reads them from its own environment. */
const DEPLOYED = {
  approvers: ['approver-1@example.com', 'approver-2@example.com', 'approver-3@example.com'],
  quorum: 2,
  approvalBaseUrl: 'https://approvals.example.com',
};

function world() {
  const { deps: edit, incidents, notices, approvals, facts, team, workflow, clock } = editWorld(incidentId, at);
  const questions = new MemoryQuestions();
  const email = new FakeEmail();
  const answers: OperatorApiDeps['answers'] = {
    questions,
    email,
    messaging: new FakeMessaging(),
    clock: new FakeClock(Date.now()),
    limiter: { take: async () => true },
    addressKey: async (a) => a,
    confirmBaseUrl: DEPLOYED.approvalBaseUrl,
    drillMode: false,
    ...DEPLOYED,
    codeChannel: 'email',
    phones: new Map(),
  };
  const evidence = new FakeEvidence();
  const deps: OperatorApiDeps = { ...edit, incidents, notices, approvals, facts, team, answers, evidence, clock };
  const call = (request: Partial<OperatorRequest>) => operatorRequest({ method: 'GET', incidentId, caller, ...request }, deps);
  const put = (body: unknown, request: Partial<OperatorRequest> = {}) =>
    call({ method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body), ...request });
  return { deps, incidents, notices, approvals, facts, team, workflow, call, put, questions, email, evidence, clock };
}

const en = (measure: string): { en: NoticeFacts } => ({ en: { measures: [measure], advice: [], remedies: [] } });

describe('the operator API: GET /operator/incidents/{id}/facts', () => {
  it('answers version 0 with no locales before anything is written (the version to PUT on top of)', async () => {
    // Prepare
    const { call } = world();
    // Act
    const out = await call({});
    // Assess
    expect(out).toEqual({ status: 200, body: { incidentId, version: 0, author: '', at: '', locales: {}, gaps: [] } });
  });

  it('answers the latest version, or the one ?version= names, with its author and the gaps between locales', async () => {
    // Prepare
    const { put, call } = world();
    await put({ expectedVersion: 0, locales: en('Bucket closed.') });
    await put({ expectedVersion: 1, locales: en('Keys rotated.') });
    // Act
    const latest = await call({});
    const first = await call({ version: '1' });
    // Assess
    expect(latest).toMatchObject({
      status: 200,
      body: { version: 2, author: caller, locales: { en: { measures: ['Keys rotated.'] } }, gaps: ['zh-CN: measures 0 of 1'] },
    });
    expect(first).toMatchObject({ status: 200, body: { version: 1, locales: { en: { measures: ['Bucket closed.'] } } } });
  });

  it('answers 404 for a version never saved and 400 for a version that is not a number 1, 2, 3 ...', async () => {
    // Prepare
    const { call } = world();
    // Act
    const missing = await call({ version: '7' });
    const bad = await Promise.all(['0', '-1', '1.5', 'x', '1,2', ''].map((version) => call({ version })));
    // Assess
    expect(missing).toEqual({ status: 404, body: { message: `Incident ${incidentId} has no facts version 7` } });
    expect(bad.map((o) => o.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(bad[0]!.body.issues).toEqual([expect.objectContaining({ message: 'expected a version number 1, 2, 3 ...' })]);
  });
});

describe('the operator API: PUT /operator/incidents/{id}/facts', () => {
  it('saves a new version authored by the IAM caller and answers what editFacts did', async () => {
    // Prepare
    const { put, facts, incidents } = world();
    // Act
    const out = await put({ expectedVersion: 0, locales: { 'zh-CN': { cause: '存储桶被误设为公开。' } } });
    // Assess
    expect(out).toEqual({ status: 200, body: { version: 1, gaps: ['en: cause 0 of 1'], supersededRequests: 0, deliveredNow: 0 } });
    expect(await facts.latestFacts(incidentId)).toMatchObject({
      version: 1,
      author: caller,
      locales: { 'zh-CN': { cause: '存储桶被误设为公开。', measures: [], advice: [], remedies: [] } },
    });
    expect(incidents.timeline.filter((e) => e.action === 'facts-edited').map((e) => e.actor)).toEqual([caller]);
  });

  it('takes back a pending approval of a notice drafted from older facts, as the CLI and the console do', async () => {
    // Prepare
    const { put, notices, approvals, workflow } = world();
    await notices.createNotice(
      noticeRecord({
        incidentId,
        noticeId: 'first-notice-1',
        kind: 'first-notice',
        sequence: 1,
        status: 'PENDING_APPROVAL',
        content: {},
        createdAt: at,
        promisedNextUpdateAt: at,
        factsVersion: 0,
      }),
    );
    await approvals.putApprovalRequest(
      { incidentId, requestId: 'req-1', noticeId: 'first-notice-1', tier: 'primary', status: 'PENDING', expiresAt: '2026-11-20T12:00:00.000Z', createdAt: at },
      'token-1',
    );
    workflow.wait('token-1');
    // Act
    const out = await put({ expectedVersion: 0, locales: en('Keys rotated.') });
    // Assess
    expect(out).toMatchObject({ status: 200, body: { version: 1, supersededRequests: 1, deliveredNow: 1 } });
    expect(workflow.callbacks).toEqual([expect.objectContaining({ taskToken: 'token-1', kind: 'fail', error: 'NoticeEditedError' })]);
  });

  it('answers 409 to an editor working from an older version, and saves nothing', async () => {
    // Prepare
    const { put, facts } = world();
    await put({ expectedVersion: 0, locales: en('one') });
    // Act
    const out = await put({ expectedVersion: 0, locales: en('two') });
    // Assess
    expect(out.status).toBe(409);
    expect(out.body.message).toBe(`Nothing saved: Facts of ${incidentId} are at version 1, not 0: reload and edit again`);
    expect((await facts.listFacts(incidentId)).map((v) => v.locales.en?.measures)).toEqual([['one']]);
  });

  it.each([
    ['a body that is not JSON', '{"expectedVersion": 0,', [], 'The body is not JSON'],
    ['no body', undefined, [], 'The body is not JSON'],
    ['a missing expectedVersion', { locales: en('x') }, [{ code: 'invalid_type', path: ['expectedVersion'] }], undefined],
    ['a version as a string', { expectedVersion: '0', locales: en('x') }, [{ code: 'invalid_type', path: ['expectedVersion'] }], undefined],
    ['no locale at all', { expectedVersion: 0, locales: {} }, [{ code: 'custom', path: ['locales'] }], undefined],
    [
      'a locale notices are not written in',
      { expectedVersion: 0, locales: { es: { measures: ['x'] } } },
      [
        { code: 'unrecognized_keys', path: ['locales'], keys: ['es'] },
        { code: 'custom', path: ['locales'] },
      ],
      undefined,
    ],
    [
      'a misspelt field',
      { expectedVersion: 0, locales: { en: { measure: ['x'] } } },
      [{ code: 'unrecognized_keys', path: ['locales', 'en'], keys: ['measure'] }],
      undefined,
    ],
    [
      'an empty measure',
      { expectedVersion: 0, locales: { en: { measures: [''] } } },
      [{ code: 'too_small', path: ['locales', 'en', 'measures', 0] }],
      undefined,
    ],
    [
      'an overlong cause',
      { expectedVersion: 0, locales: { en: { cause: 'x'.repeat(2001) } } },
      [{ code: 'too_big', path: ['locales', 'en', 'cause'] }],
      undefined,
    ],
    ['another top-level field', { expectedVersion: 0, locales: en('x'), author: 'someone else' }, [{ code: 'unrecognized_keys', keys: ['author'] }], undefined],
  ])('answers 400 with the zod issues to %s, and saves nothing', async (_, body, issues, message) => {
    // Prepare
    const { put, facts } = world();
    // Act
    const out = await put(body, body === undefined ? { body: undefined } : {});
    // Assess
    expect(out.status).toBe(400);
    if (message) expect(out.body).toEqual({ message });
    else expect(out.body.issues).toEqual(expect.arrayContaining(issues.map((issue) => expect.objectContaining(issue))));
    expect(await facts.listFacts(incidentId)).toEqual([]);
  });

  it(`answers 413 to a body over ${MAX_BODY_BYTES / 1024} KiB before reading it, and accepts the largest valid body (every field full in every locale, escaped as \\uXXXX)`, async () => {
    // Prepare
    const { put, deps, facts } = world();
    deps.locales = supportedLocales;
    /** Every field at `textMax` (whatHappened, cause) or 20 lines of 600 characters, non-ASCII escaped as Python's json.dumps writes it. */
    const largestBody = (textMax: number) => {
      const full = (char: string): NoticeFacts => {
        const list = Array.from({ length: 20 }, () => char.repeat(600));
        return { whatHappened: char.repeat(textMax), cause: char.repeat(textMax), measures: list, advice: list, remedies: list };
      };
      const locales = Object.fromEntries(supportedLocales.map((l) => [l, full(l === 'zh-CN' ? '漏' : 'x')]));
      return JSON.stringify({ expectedVersion: 0, locales }).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    };
    // What the schema lets whatHappened and cause be (it declares 2,000; the 600 of a line applies first).
    const textMax = noticeFactsSchema.shape.whatHappened.unwrap().maxLength!;
    const tooLarge = JSON.stringify({ expectedVersion: 0, locales: en('x'), padding: ' '.repeat(MAX_BODY_BYTES) });
    // Act
    const refused = await put(tooLarge);
    const largest = await put(largestBody(textMax));
    // Assess
    expect(refused).toEqual({ status: 413, body: { message: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB` } });
    expect(largest).toMatchObject({ status: 200, body: { version: 1 } });
    expect((await facts.latestFacts(incidentId))!.locales['zh-CN']!.cause).toBe('漏'.repeat(textMax));
    // Room for the declared 2,000 too.
    expect(Buffer.byteLength(largestBody(Math.max(textMax, 2000)))).toBeLessThan(MAX_BODY_BYTES);
  });
});

describe('the operator API: who and which incident', () => {
  it.each(['GET', 'PUT'])('%s answers 404 for an unknown incident and for a path that cannot be an incident id', async (method) => {
    // Prepare
    const { call, facts } = world();
    const body = JSON.stringify({ expectedVersion: 0, locales: en('x') });
    // Act
    const unknown = await call({ method, incidentId: 'inc-20261120-ffffffffffff', body });
    const malformed = await call({ method, incidentId: '../INC#x', body });
    // Assess
    expect(unknown).toEqual({ status: 404, body: { message: 'No incident inc-20261120-ffffffffffff' } });
    expect(malformed.status).toBe(404);
    expect(facts.versions.size).toBe(0);
  });

  it('refuses a request without an IAM identity (403) before reading or writing anything', async () => {
    // Prepare
    const { call, put, facts, incidents } = world();
    const reads: string[] = [];
    incidents.getIncident = async (id) => (reads.push(id), Promise.reject(namedError('ShouldNotBeCalled')));
    // Act
    const get = await call({ caller: undefined });
    const saved = await put({ expectedVersion: 0, locales: en('x') }, { caller: '' });
    // Assess
    expect([get.status, saved.status]).toEqual([403, 403]);
    expect(get.body.message).toContain('IAM authorization');
    expect(reads).toEqual([]);
    expect(facts.versions.size).toBe(0);
  });

  it('answers 405 to a method other than GET or PUT (API Gateway routes none here)', async () => {
    // Prepare
    const { call } = world();
    // Act
    const out = await call({ method: 'DELETE' });
    // Assess
    expect(out.status).toBe(405);
  });

  it('lets a failure of the stores through (API Gateway answers 500; nothing is half-answered)', async () => {
    // Prepare
    const { put, facts } = world();
    facts.saveFacts = async () => Promise.reject(namedError('ProvisionedThroughputExceededException'));
    // Act
    const act = put({ expectedVersion: 0, locales: en('x') });
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });
});

describe('the operator API: POST /operator/incidents/{id}/notices/{noticeId}/resume-sending', () => {
  const resume = { method: 'POST', resource: 'resume-sending', noticeId: 'first-notice-1' } as const;
  const paused = async () => {
    const w = world();
    await w.notices.createNotice(
      noticeRecord({
        incidentId,
        noticeId: 'first-notice-1',
        kind: 'first-notice',
        sequence: 1,
        status: 'APPROVED',
        content: {},
        createdAt: at,
        promisedNextUpdateAt: at,
      }),
    );
    w.evidence.set({ incidentId, noticeId: 'first-notice-1' }, 'email', { Send: 200, Delivery: 180, BouncePermanent: 8 });
    return w;
  };

  it("records the caller's word with the rates they saw, once; the notice is then sent despite them", async () => {
    // Prepare
    const { call, notices, incidents, clock } = await paused();
    // Act
    const first = await call(resume);
    const again = await call({ ...resume, caller: 'arn:aws:iam::123456789012:user/bob' });
    // Assess
    const resumed = { by: caller, at: clock.now().toISOString(), accepted: 200, delivered: 180, bounceRate: 0.04, complaintRate: 0 };
    expect(first).toEqual({ status: 200, body: { outcome: 'resumed', resumed } });
    expect(again).toEqual({ status: 200, body: { outcome: 'already', resumed } });
    expect((await notices.getNotice(incidentId, 'first-notice-1')).sendingResumed).toEqual(resumed);
    expect(incidents.timeline.filter((e) => e.action === 'sending-resumed').map((e) => e.actor)).toEqual([caller]);
  });

  it('answers 409 for a notice not being sent or not there, 405 for another method, 403 without an identity', async () => {
    // Prepare
    const { call, notices } = await paused();
    await notices.setNoticeStatus(incidentId, 'first-notice-1', 'SENT');
    // Act, Assess
    expect(await call(resume)).toMatchObject({ status: 409, body: { outcome: 'not-sending', status: 'SENT' } });
    expect((await call({ ...resume, noticeId: 'update-9' })).status).toBe(409);
    expect((await call({ ...resume, method: 'GET' })).status).toBe(405);
    expect((await call({ ...resume, caller: undefined })).status).toBe(403);
    expect((await notices.getNotice(incidentId, 'first-notice-1')).sendingResumed).toBeUndefined();
  });
});

describe('the operator API: POST /operator/incidents/{id}/questions/{questionId}/answer', () => {
  const answerPath = { method: 'POST', resource: 'answer', questionId: 'q-1' } as const;
  const withQuestion = () => {
    const w = world();
    w.questions.questions.set('q-1', {
      incidentId,
      questionId: 'q-1',
      locale: 'en',
      text: 'Was my card affected? I am Jane Roe.',
      askedAt: new Date().toISOString(),
      status: 'OPEN',
    });
    return w;
  };

  it('asks the deployed approvers with the deployed quorum and links, whatever the caller', async () => {
    // Prepare
    const w = withQuestion();
    // Act
    const out = await w.call({
      ...answerPath,
      body: JSON.stringify({ locale: 'en', text: 'No card data was stored.', faq: true, faqQuestion: 'Was card data stored?' }),
    });
    // Assess
    expect(out).toMatchObject({ status: 200, body: { questionId: 'q-1', approversEmailed: 3 } });
    const [request] = await w.approvals.listApprovalRequests(incidentId);
    expect([request?.kind, request?.quorum]).toEqual(['faq', 2]);
    expect(w.email.recipients().sort()).toEqual(DEPLOYED.approvers);
    expect(w.email.sent.every((m) => m.text.includes(`${DEPLOYED.approvalBaseUrl}/approvals/`))).toBe(true);
    expect((await w.questions.getQuestion(incidentId, 'q-1'))?.answer).toMatchObject({ by: caller, question: 'Was card data stored?' });
  });

  it("takes no approvers, quorum, link base or code channel from the body, and needs the team's wording for the page", async () => {
    // Prepare
    const w = withQuestion();
    const hostile = {
      locale: 'en',
      text: 'Yes.',
      faq: true,
      faqQuestion: 'Was it?',
      approvers: ['me@corp.example'],
      quorum: 1,
      approvalBaseUrl: 'https://evil.example',
      codeChannel: 'email',
    };
    // Act
    const refused = await w.call({ ...answerPath, body: JSON.stringify(hostile) });
    const unworded = await w.call({ ...answerPath, body: JSON.stringify({ locale: 'en', text: 'Yes.', faq: true }) });
    const unknown = await w.call({ ...answerPath, questionId: 'q-none', body: JSON.stringify({ locale: 'en', text: 'Yes.' }) });
    const get = await w.call({ ...answerPath, method: 'GET' });
    // Assess
    expect([refused.status, unworded.status, unknown.status, get.status]).toEqual([400, 400, 404, 405]);
    expect(w.email.sent).toEqual([]);
    expect(await w.approvals.listApprovalRequests(incidentId)).toEqual([]);
    expect((await w.questions.getQuestion(incidentId, 'q-1'))?.answer).toBeUndefined();
  });
});
