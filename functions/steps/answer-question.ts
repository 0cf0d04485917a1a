import { CODE_DIGITS, codeDigest, NO_TASK_TOKEN, type ApprovalRequest } from '../domain/approval.js';
import type { Locale } from '../domain/locales.js';
import type { ApprovalStorePort, EmailSender, IncidentStorePort, Messaging } from '../domain/ports.js';
import { escapeHtml } from '../domain/preview.js';
import type { CustomerQuestion } from '../domain/question-form.js';
import { answerTexts } from '../domain/answer-texts.js';
import type { Clock } from '../shared/clock.js';
import { randomDigits, randomId, sha256Hex } from '../shared/crypto.js';
import { BreachNoticeError } from '../shared/errors.js';

/** The question store's part these steps use (functions/adapters/question-store.ts). */
export interface QuestionsPort {
  getQuestion(incidentId: string, questionId: string): Promise<CustomerQuestion | undefined>;
  listQuestions(incidentId: string): Promise<CustomerQuestion[]>;
  answer(incidentId: string, questionId: string, answer: NonNullable<CustomerQuestion['answer']>, faq: boolean): Promise<void>;
  claimAnswerEmail(incidentId: string, questionId: string): Promise<boolean>;
  setFaqState(incidentId: string, questionId: string, state: 'PUBLISHED' | 'REJECTED', reason?: string, answeredAt?: string): Promise<boolean>;
}

export class QuestionNotFoundError extends BreachNoticeError {}
export class EmptyAnswerError extends BreachNoticeError {}

/** How long approvers have to decide on an answer for the page. */
export const FAQ_DECISION_DAYS = 7;

/** A question as the operator sees it: the text (their own tool), never the address, only whether there is one. */
export interface QuestionView {
  questionId: string;
  locale: Locale;
  askedAt: string;
  status: CustomerQuestion['status'];
  text: string;
  hasAddress: boolean;
  answer?: CustomerQuestion['answer'];
  faq?: CustomerQuestion['faq'];
  faqReason?: string;
  emailed: boolean;
}

export async function listQuestions(incidentId: string, deps: { questions: Pick<QuestionsPort, 'listQuestions'> }): Promise<QuestionView[]> {
  return (await deps.questions.listQuestions(incidentId)).map((q) => ({
    questionId: q.questionId,
    locale: q.locale,
    askedAt: q.askedAt,
    status: q.status,
    text: q.text,
    hasAddress: Boolean(q.email),
    ...(q.answer ? { answer: q.answer } : {}),
    ...(q.faq ? { faq: q.faq } : {}),
    ...(q.faqReason ? { faqReason: q.faqReason } : {}),
    emailed: Boolean(q.emailedAt),
  }));
}

export interface AnswerQuestionDeps {
  questions: QuestionsPort;
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident'>;
  approvals: Pick<ApprovalStorePort, 'putApprovalRequest' | 'putApprovalLink' | 'markApproverNotified'>;
  email: EmailSender;
  messaging: Pick<Messaging, 'sendSms'>;
  clock: Clock;
  /** The primary approvers: the same people, links, codes and page as a notice's approval. */
  approvers: string[];
  quorum: number;
  approvalBaseUrl: string;
  codeChannel: 'email' | 'sms';
  phones: Map<string, string>;
}

export interface AnswerQuestionInput {
  incidentId: string;
  questionId: string;
  author: string;
  locale: Locale;
  text: string;
  faq: boolean;
}

export interface AnswerQuestionResult {
  questionId: string;
  /** Whether this run emailed the asker (false: no address, or emailed before). */
  emailed: boolean;
  /** The approval request asking for the answer on the page, when `faq`. */
  approvalRequestId?: string;
  approversEmailed: number;
}

/**
 * Records an operator's answer (on the timeline with its author), emails it once to an asker who left
 * an address (the claim is written before the send, so a second answer or a re-run never emails
 * again), and, for `faq`, asks the primary approvers through the usual approval links and codes:
 * the answer reaches the public page only when their decision approves it (see deliver-decision).
 */
export async function answerQuestion(input: AnswerQuestionInput, deps: AnswerQuestionDeps): Promise<AnswerQuestionResult> {
  const question = await deps.questions.getQuestion(input.incidentId, input.questionId);
  if (!question) throw new QuestionNotFoundError(`Question ${input.questionId} of ${input.incidentId} does not exist`);
  const text = input.text.trim();
  if (text.length === 0) throw new EmptyAnswerError('An answer needs text');
  const now = deps.clock.now().toISOString();
  await deps.questions.answer(input.incidentId, input.questionId, { text, locale: input.locale, by: input.author, at: now }, input.faq);
  await deps.incidents.appendTimeline(input.incidentId, {
    action: 'question-answered',
    actor: input.author,
    detail: { questionId: input.questionId, locale: input.locale, faq: input.faq },
  });
  let emailed = false;
  if (question.email && (await deps.questions.claimAnswerEmail(input.incidentId, input.questionId))) {
    // The asker reads it in the language they asked in; the address stays in this call, never in a log.
    const t = answerTexts[question.locale];
    const html = `<p>${escapeHtml(t.intro(input.incidentId))}</p><blockquote>${escapeHtml(question.text)}</blockquote><p>${escapeHtml(text).replace(/\n/g, '<br>')}</p><p>${escapeHtml(t.noReply)}</p>`;
    const plain = `${t.intro(input.incidentId)}\n\n> ${question.text}\n\n${text}\n\n${t.noReply}`;
    await deps.email.send([question.email], t.subject(input.incidentId), html, plain);
    emailed = true;
    await deps.incidents.appendTimeline(input.incidentId, { action: 'question-answer-emailed', actor: input.author, detail: { questionId: input.questionId, locale: question.locale } });
  }
  if (!input.faq) return { questionId: input.questionId, emailed, approversEmailed: 0 };
  const { requestId, approversEmailed } = await requestFaqApproval({ ...question, answer: { text, locale: input.locale, by: input.author, at: now } }, deps);
  return { questionId: input.questionId, emailed, approvalRequestId: requestId, approversEmailed };
}

/** An approval request of kind 'faq' with a personal link and one-time code per primary approver. */
async function requestFaqApproval(question: CustomerQuestion & { answer: NonNullable<CustomerQuestion['answer']> }, deps: AnswerQuestionDeps): Promise<{ requestId: string; approversEmailed: number }> {
  const now = deps.clock.now();
  const requestId = `faq-${randomId(12)}`;
  const expiresAt = new Date(now.getTime() + FAQ_DECISION_DAYS * 86_400_000).toISOString();
  const request: ApprovalRequest = {
    incidentId: question.incidentId,
    requestId,
    noticeId: `faq-${question.questionId}`,
    kind: 'faq',
    questionId: question.questionId,
    answeredAt: question.answer.at,
    tier: 'primary',
    status: 'PENDING',
    expiresAt,
    createdAt: now.toISOString(),
    quorum: Math.min(deps.quorum, deps.approvers.length),
  };
  await deps.approvals.putApprovalRequest(request, NO_TASK_TOKEN);
  const incident = await deps.incidents.getIncident(question.incidentId);
  for (const approver of deps.approvers) {
    const linkId = randomId(32);
    const linkHash = sha256Hex(linkId);
    const code = randomDigits(CODE_DIGITS);
    await deps.approvals.putApprovalLink({ linkHash, incidentId: question.incidentId, requestId, approver, expiresAt, codeDigest: codeDigest(linkHash, code) });
    const url = `${deps.approvalBaseUrl.replace(/\/$/, '')}/approvals/${linkId}`;
    const codeLine = deps.codeChannel === 'email' ? `Your one-time code to type on the page: ${code}` : 'Your one-time code comes by SMS.';
    const subject = `${incident.drill ? '[DRILL] ' : ''}Approve an answer for the public page of ${question.incidentId}`;
    const lines = [
      `An operator (${question.answer.by}) asks to publish this answer on the public page of incident ${question.incidentId} (${question.answer.locale}).`,
      `Question: ${question.text}`,
      `Answer: ${question.answer.text}`,
      `Approve or reject by ${expiresAt}: ${url}`,
      codeLine,
      'Opening the link changes nothing. Do not forward this email.',
    ];
    await deps.email.send([approver], subject, lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n'), lines.join('\n\n'));
    if (deps.codeChannel === 'sms') {
      const phone = deps.phones.get(approver);
      if (phone) await deps.messaging.sendSms(phone, `Breach notice ${question.incidentId}: FAQ approval code ${code}`);
    }
    await deps.approvals.markApproverNotified(question.incidentId, requestId, approver);
  }
  await deps.incidents.appendTimeline(question.incidentId, {
    action: 'faq-approval-requested',
    actor: question.answer.by,
    detail: { questionId: question.questionId, requestId, approversEmailed: deps.approvers.length, expiresAt },
  });
  return { requestId, approversEmailed: deps.approvers.length };
}

/**
 * A decided 'faq' request (no workflow waits on it): an approval publishes the answer and re-renders
 * the page; a rejection records the reason and leaves it off the page.
 */
export async function settleFaqDecision(
  request: ApprovalRequest,
  deps: { questions: Pick<QuestionsPort, 'setFaqState'>; incidents: Pick<IncidentStorePort, 'appendTimeline'>; republish?: (incidentId: string) => Promise<void> },
): Promise<void> {
  const questionId = request.questionId ?? '';
  const actor = request.decidedBy ?? 'approvers';
  const detail = { questionId, requestId: request.requestId };
  if (request.status !== 'APPROVED' && request.status !== 'REJECTED') return;
  const state = request.status === 'APPROVED' ? 'PUBLISHED' : 'REJECTED';
  // Refused when the answer was changed (or taken off the FAQ) since the approvers saw it: the decision is about that answer only.
  if (!(await deps.questions.setFaqState(request.incidentId, questionId, state, state === 'REJECTED' ? (request.reason ?? '') : undefined, request.answeredAt))) {
    await deps.incidents.appendTimeline(request.incidentId, { action: 'faq-decision-stale', actor, detail: { ...detail, decision: request.status } });
    return;
  }
  await deps.incidents.appendTimeline(request.incidentId, { action: state === 'PUBLISHED' ? 'faq-published' : 'faq-rejected', actor, detail });
  if (state === 'PUBLISHED') await deps.republish?.(request.incidentId);
}
