import { CONFIRMATION_DAYS, CONFIRMATION_WINDOW_SECONDS, CONFIRMATIONS_PER_ADDRESS, type ConfirmationLink } from '../domain/address-confirmation.js';
import { CODE_DIGITS, codeDigest, NO_TASK_TOKEN, type ApprovalRequest } from '../domain/approval.js';
import { quoteHtml, quoteText } from '../domain/quoted-text.js';
import { drillEmailAddress } from '../domain/channels/drill.js';
import { withDrillMarker } from '../domain/drill.js';
import { catalogues, type Locale } from '../domain/locales.js';
import type { ApprovalStorePort, EmailSender, IncidentStorePort, Messaging } from '../domain/ports.js';
import { escapeHtml } from '../domain/preview.js';
import type { CustomerQuestion } from '../domain/question-form.js';
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
  /** Claims the question's one confirmation email: false when it was claimed before or the address is confirmed. */
  claimConfirmation(incidentId: string, questionId: string): Promise<boolean>;
  putConfirmationLink(link: ConfirmationLink): Promise<void>;
  getConfirmationLink(linkHash: string): Promise<ConfirmationLink | undefined>;
  /** Uses the link (once, before it expires) and marks its question's address confirmed, together: false when the link cannot. */
  confirmAddress(link: ConfirmationLink): Promise<boolean>;
}

export class QuestionNotFoundError extends BreachNoticeError {}
export class EmptyAnswerError extends BreachNoticeError {}
/** An answer asked for the page needs the team's own wording of the question: the asker's never goes there. */
export class FaqQuestionRequiredError extends BreachNoticeError {}

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
  addressConfirmed: boolean;
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
    addressConfirmed: Boolean(q.addressConfirmedAt),
  }));
}

/** What emailing an asker needs: the answer once the address is confirmed, the confirmation before. */
export interface AskerMailDeps {
  questions: Pick<QuestionsPort, 'claimAnswerEmail' | 'claimConfirmation' | 'putConfirmationLink'>;
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident'>;
  email: Pick<EmailSender, 'send'>;
  clock: Clock;
  /** Counts a confirmation email against its address's allowance (RateLimiter.take). */
  limiter: { take(scope: string, key: string, limit: number, windowSeconds: number): Promise<boolean> };
  /** The limiter's key for an address: a keyed hash, so no counter holds an address. */
  addressKey: (address: string) => Promise<string>;
  /** Where the confirmation page is served: the HTTP API's base URL (`/confirm/{linkId}`). */
  confirmBaseUrl: string;
  /** The deploy setting `drillMode`: every incident is a drill. */
  drillMode: boolean;
}

export interface AnswerQuestionDeps extends AskerMailDeps {
  questions: QuestionsPort;
  approvals: Pick<ApprovalStorePort, 'putApprovalRequest' | 'putApprovalLink' | 'markApproverNotified'>;
  email: EmailSender;
  messaging: Pick<Messaging, 'sendSms'>;
  /** The deployment's primary approvers: the same people, links, codes and page as a notice's approval. */
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
  /** With `faq`: the question as the page shows it, in the team's words (reviewed for personal data by the approvers). */
  faqQuestion?: string;
}

export interface AnswerQuestionResult {
  questionId: string;
  /** Whether this run emailed the asker the answer (false: no address, not confirmed yet, or emailed before). */
  emailed: boolean;
  /** Whether this run sent the asker the one email asking to confirm the address. */
  confirmationSent: boolean;
  /** The approval request asking for the answer on the page, when `faq`. */
  approvalRequestId?: string;
  approversEmailed: number;
}

/** Whether messages about this incident are a drill's: marked, and never sent to a customer's own address. */
async function isDrill(incidentId: string, deps: Pick<AskerMailDeps, 'incidents' | 'drillMode'>): Promise<boolean> {
  return deps.drillMode || (await deps.incidents.getIncident(incidentId)).drill === true;
}

/** A drill writes to the SES mailbox simulator instead of the asker, as drill notices do (channels/drill.ts). */
const askerDestination = (question: CustomerQuestion & { email: string }, drill: boolean) =>
  drill ? drillEmailAddress(`q-${question.questionId}`) : question.email;

/** A customer's email marked as a drill's, as drill notices are: the subject and the first line. */
function drillMarked(mail: { subject: string; html: string; text: string }, locale: Locale, drill: boolean) {
  if (!drill) return mail;
  const { sentence } = catalogues[locale].drill;
  return {
    subject: withDrillMarker(mail.subject, locale),
    html: `<p>${escapeHtml(withDrillMarker(sentence, locale))}</p>${mail.html}`,
    text: `${withDrillMarker(sentence, locale)}\n\n${mail.text}`,
  };
}

/** The answer to the asker, in the question's language, the question quoted so it cannot read as the email's own words. */
export function answerEmail(
  locale: Locale,
  incidentId: string,
  question: string,
  answer: string,
  drill: boolean,
): { subject: string; html: string; text: string } {
  const t = catalogues[locale].answer;
  return drillMarked(
    {
      subject: t.subject(incidentId),
      html: `<p>${escapeHtml(t.intro(incidentId))}</p>${quoteHtml(question)}<p>${escapeHtml(answer).replace(/\r?\n/g, '<br>')}</p><p>${escapeHtml(t.noReply)}</p>`,
      text: `${t.intro(incidentId)}\n\n${quoteText(question)}\n\n${answer}\n\n${t.noReply}`,
    },
    locale,
    drill,
  );
}

/** The one email to an address not yet confirmed: the link and nothing of the question. */
export function confirmationEmail(
  locale: Locale,
  incidentId: string,
  url: string,
  expiresAt: string,
  drill: boolean,
): { subject: string; html: string; text: string } {
  const t = catalogues[locale].answer;
  const until = catalogues[locale].formatTime(expiresAt, 'UTC');
  return drillMarked(
    {
      subject: t.confirmSubject(incidentId),
      html: `<p>${escapeHtml(t.confirmBody(incidentId))}</p><p>${escapeHtml(t.confirmLink(until))}</p><p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p><p>${escapeHtml(t.confirmIgnore)}</p>`,
      text: `${t.confirmBody(incidentId)}\n\n${t.confirmLink(until)}\n${url}\n\n${t.confirmIgnore}`,
    },
    locale,
    drill,
  );
}

/**
 * The answer to an asker whose address is confirmed, once: the claim is written before the send, so
 * a second answer, a re-run or a second confirmation never emails again. The address stays in this call.
 */
export async function emailAnswer(
  question: CustomerQuestion,
  actor: string,
  deps: Pick<AskerMailDeps, 'incidents' | 'email' | 'drillMode'> & { questions: Pick<QuestionsPort, 'claimAnswerEmail'> },
): Promise<boolean> {
  const { email, answer } = question;
  if (!email || !answer || !question.addressConfirmedAt) return false;
  const drill = await isDrill(question.incidentId, deps);
  if (!(await deps.questions.claimAnswerEmail(question.incidentId, question.questionId))) return false;
  const mail = answerEmail(question.locale, question.incidentId, question.text, answer.text, drill);
  await deps.email.send([askerDestination({ ...question, email }, drill)], mail.subject, mail.html, mail.text);
  await deps.incidents.appendTimeline(question.incidentId, {
    action: 'question-answer-emailed',
    actor,
    detail: { questionId: question.questionId, locale: question.locale, ...(drill ? { drill: true } : {}) },
  });
  return true;
}

/**
 * The one email asking the asker to confirm the address before anything else is sent to it. Bounded
 * twice: once per question (a conditional claim) and CONFIRMATIONS_PER_ADDRESS per address and window,
 * whichever question names it. Sent only when the team answers, so a question nobody answers never
 * causes an email at all. The link's id is random and only its hash is stored, as approval links'.
 */
export async function requestConfirmation(question: CustomerQuestion, actor: string, deps: AskerMailDeps): Promise<boolean> {
  const { email } = question;
  if (!email || question.addressConfirmedAt || question.confirmationSentAt) return false;
  const drill = await isDrill(question.incidentId, deps);
  const destination = askerDestination({ ...question, email }, drill);
  const detail = { questionId: question.questionId, locale: question.locale, ...(drill ? { drill: true } : {}) };
  if (!(await deps.limiter.take('confirm-address', await deps.addressKey(email), CONFIRMATIONS_PER_ADDRESS, CONFIRMATION_WINDOW_SECONDS))) {
    await deps.incidents.appendTimeline(question.incidentId, { action: 'question-confirmation-limited', actor, detail });
    return false;
  }
  if (!(await deps.questions.claimConfirmation(question.incidentId, question.questionId))) return false;
  const linkId = randomId(32);
  const expiresAt = new Date(deps.clock.now().getTime() + CONFIRMATION_DAYS * 86_400_000).toISOString();
  await deps.questions.putConfirmationLink({
    linkHash: sha256Hex(linkId),
    incidentId: question.incidentId,
    questionId: question.questionId,
    locale: question.locale,
    expiresAt,
  });
  const mail = confirmationEmail(question.locale, question.incidentId, `${deps.confirmBaseUrl.replace(/\/+$/, '')}/confirm/${linkId}`, expiresAt, drill);
  await deps.email.send([destination], mail.subject, mail.html, mail.text);
  await deps.incidents.appendTimeline(question.incidentId, { action: 'question-confirmation-sent', actor, detail });
  return true;
}

/**
 * Records an operator's answer (on the timeline with its author). An asker who left an address gets it
 * by email once the address is confirmed: now if it is, else after the confirmation this run asks for
 * (see confirmAddress). For `faq`, the primary approvers are asked through the usual approval links
 * and codes: the team's wording of the question and the answer reach the public page only when their
 * decision approves them (see return-decision.ts).
 */
export async function answerQuestion(input: AnswerQuestionInput, deps: AnswerQuestionDeps): Promise<AnswerQuestionResult> {
  const question = await deps.questions.getQuestion(input.incidentId, input.questionId);
  if (!question) throw new QuestionNotFoundError(`Question ${input.questionId} of ${input.incidentId} does not exist`);
  const text = input.text.trim();
  if (text.length === 0) throw new EmptyAnswerError('An answer needs text');
  const faqQuestion = input.faqQuestion?.trim();
  if (input.faq && !faqQuestion) throw new FaqQuestionRequiredError("An answer for the page needs the question in the team's own words (faqQuestion)");
  const answer = { text, locale: input.locale, by: input.author, at: deps.clock.now().toISOString(), ...(input.faq ? { question: faqQuestion } : {}) };
  await deps.questions.answer(input.incidentId, input.questionId, answer, input.faq);
  await deps.incidents.appendTimeline(input.incidentId, {
    action: 'question-answered',
    actor: input.author,
    detail: { questionId: input.questionId, locale: input.locale, faq: input.faq },
  });
  const answered = { ...question, answer };
  const emailed = await emailAnswer(answered, input.author, deps);
  const confirmationSent = emailed ? false : await requestConfirmation(answered, input.author, deps);
  if (!input.faq) return { questionId: input.questionId, emailed, confirmationSent, approversEmailed: 0 };
  const { requestId, approversEmailed } = await requestFaqApproval({ ...answered, answer: { ...answer, question: faqQuestion! } }, deps);
  return { questionId: input.questionId, emailed, confirmationSent, approvalRequestId: requestId, approversEmailed };
}

export type ConfirmationState = 'open' | 'unknown' | 'expired' | 'used';

/** What the confirmation page shows for a link: GET reads, never writes. */
export async function confirmationState(
  linkId: string,
  deps: { questions: Pick<QuestionsPort, 'getConfirmationLink'>; clock: Clock },
): Promise<{ state: ConfirmationState; link?: ConfirmationLink }> {
  const link = linkId ? await deps.questions.getConfirmationLink(sha256Hex(linkId)) : undefined;
  if (!link) return { state: 'unknown' };
  if (link.usedAt) return { state: 'used', link };
  if (Date.parse(link.expiresAt) <= deps.clock.now().getTime()) return { state: 'expired', link };
  return { state: 'open', link };
}

/**
 * The asker's POST from the confirmation page: the link is used and the address marked confirmed in
 * one write, then the answer, if there is one yet, is emailed (once). A mail scanner that only follows
 * the link (GET) confirms nothing.
 */
export async function confirmAddress(
  linkId: string,
  deps: Pick<AskerMailDeps, 'incidents' | 'email' | 'drillMode' | 'clock'> & {
    questions: Pick<QuestionsPort, 'getConfirmationLink' | 'confirmAddress' | 'getQuestion' | 'claimAnswerEmail'>;
  },
): Promise<{ state: ConfirmationState | 'confirmed'; link?: ConfirmationLink; emailed: boolean }> {
  const found = await confirmationState(linkId, deps);
  if (found.state !== 'open') return { ...found, emailed: false };
  const link = found.link!;
  if (!(await deps.questions.confirmAddress(link))) return { ...(await confirmationState(linkId, deps)), emailed: false };
  await deps.incidents.appendTimeline(link.incidentId, { action: 'question-address-confirmed', actor: 'asker', detail: { questionId: link.questionId } });
  const question = await deps.questions.getQuestion(link.incidentId, link.questionId);
  const emailed = question ? await emailAnswer(question, 'asker', deps) : false;
  return { state: 'confirmed', link, emailed };
}

/** The approvers' email for an answer asked for the page: link and code first, then everything quoted. */
export function faqApprovalEmail(f: {
  incidentId: string;
  by: string;
  locale: Locale;
  faqQuestion: string;
  answer: string;
  asked: string;
  expiresAt: string;
  url: string;
  /** The one-time code when the email carries it; null when it goes by SMS. */
  code: string | null;
  drill: boolean;
}): { subject: string; html: string; text: string } {
  const codeLine = f.code === null ? 'Your one-time code comes by SMS.' : `Your one-time code to type on the page: ${f.code}`;
  const head = [
    `An operator (${f.by}) asks to publish an answer on the public page of incident ${f.incidentId} (${f.locale}).`,
    `Approve or reject by ${f.expiresAt}: ${f.url}`,
    codeLine,
    'Opening the link changes nothing. Do not forward this email.',
  ];
  const blocks: [string, string][] = [
    ["The question as the page would show it (the team's wording: check it holds no personal data):", f.faqQuestion],
    ['The answer as the page would show it:', f.answer],
    ['What the customer asked (never published):', f.asked],
  ];
  return {
    subject: `${f.drill ? '[DRILL] ' : ''}Approve an answer for the public page of ${f.incidentId}`,
    html: [...head.map((l) => `<p>${escapeHtml(l)}</p>`), ...blocks.map(([label, body]) => `<p>${escapeHtml(label)}</p>${quoteHtml(body)}`)].join('\n'),
    text: [...head, ...blocks.map(([label, body]) => `${label}\n${quoteText(body)}`)].join('\n\n'),
  };
}

/** An approval request of kind 'faq' with a personal link and one-time code per primary approver. */
async function requestFaqApproval(
  question: CustomerQuestion & { answer: NonNullable<CustomerQuestion['answer']> & { question: string } },
  deps: AnswerQuestionDeps,
): Promise<{ requestId: string; approversEmailed: number }> {
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
  const drill = await isDrill(question.incidentId, deps);
  for (const approver of deps.approvers) {
    const linkId = randomId(32);
    const linkHash = sha256Hex(linkId);
    const code = randomDigits(CODE_DIGITS);
    await deps.approvals.putApprovalLink({ linkHash, incidentId: question.incidentId, requestId, approver, expiresAt, codeDigest: codeDigest(linkHash, code) });
    const mail = faqApprovalEmail({
      incidentId: question.incidentId,
      by: question.answer.by,
      locale: question.answer.locale,
      faqQuestion: question.answer.question,
      answer: question.answer.text,
      asked: question.text,
      expiresAt,
      url: `${deps.approvalBaseUrl.replace(/\/$/, '')}/approvals/${linkId}`,
      code: deps.codeChannel === 'email' ? code : null,
      drill,
    });
    await deps.email.send([approver], mail.subject, mail.html, mail.text);
    if (deps.codeChannel === 'sms') {
      const phone = deps.phones.get(approver);
      if (phone) await deps.messaging.sendSms(phone, `${drill ? '[DRILL] ' : ''}Breach notice ${question.incidentId}: FAQ approval code ${code}`);
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
 * the page at once, also after the incident closed; a rejection records the reason and leaves it off
 * the page. A repeat of a decision already settled (its re-render failed, so the sweeper sends it
 * again) re-renders the page again.
 */
export async function settleFaqDecision(
  request: ApprovalRequest,
  deps: {
    questions: Pick<QuestionsPort, 'setFaqState' | 'getQuestion'>;
    incidents: Pick<IncidentStorePort, 'appendTimeline'>;
    republish: (incidentId: string) => Promise<void>;
  },
): Promise<void> {
  const questionId = request.questionId ?? '';
  const actor = request.decidedBy ?? 'approvers';
  const detail = { questionId, requestId: request.requestId };
  if (request.status !== 'APPROVED' && request.status !== 'REJECTED') return;
  const state = request.status === 'APPROVED' ? 'PUBLISHED' : 'REJECTED';
  // Refused when the answer was changed (or taken off the FAQ) since the approvers saw it: the decision is about that answer only.
  if (await deps.questions.setFaqState(request.incidentId, questionId, state, state === 'REJECTED' ? (request.reason ?? '') : undefined, request.answeredAt)) {
    await deps.incidents.appendTimeline(request.incidentId, { action: state === 'PUBLISHED' ? 'faq-published' : 'faq-rejected', actor, detail });
  } else {
    const current = await deps.questions.getQuestion(request.incidentId, questionId);
    if (current?.faq !== state || current.answer?.at !== request.answeredAt) {
      await deps.incidents.appendTimeline(request.incidentId, { action: 'faq-decision-stale', actor, detail: { ...detail, decision: request.status } });
      return;
    }
  }
  if (state === 'PUBLISHED') await deps.republish(request.incidentId);
}
