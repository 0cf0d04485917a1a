import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SesEmailSender } from '../functions/adapters/email-sender.js';
import { SnsMessaging } from '../functions/adapters/messaging.js';
import { QuestionStore } from '../functions/adapters/question-store.js';
import type { incidentStores } from '../functions/adapters/stores.js';
import { catalogues, type Locale } from '../functions/domain/locales.js';
import { systemClock } from '../functions/shared/clock.js';
import { answerQuestion, listQuestions, QuestionNotFoundError } from '../functions/steps/answer-question.js';
import { UsageError } from './facts-flags.js';

export const QUESTION_COMMANDS = new Set(['questions', 'answer']);
export const QUESTION_USAGE = [
  '         | questions INCIDENT_ID      (customers\' questions: id, locale, time, status, text, whether an address was left)',
  '         | answer INCIDENT_ID QUESTION_ID --locale L --text TEXT [--faq]   (emails the asker once; --faq asks approvers to put it on the page)',
].join('\n');

interface Context {
  doc: DynamoDBDocumentClient;
  table: string;
  stores: ReturnType<typeof incidentStores>;
  operator: string;
  clientOptions: Record<string, unknown>;
}

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The approval settings of the deployed functions (env, as the request-approval function reads them), else the twin's demo configuration. */
async function approvalSettings() {
  const { DEMO_CONFIG } = await import('./twin.js');
  const port = process.env.BREACH_NOTICE_PORT ?? 4566;
  return {
    approvers: process.env.APPROVER_EMAILS ? list(process.env.APPROVER_EMAILS) : DEMO_CONFIG.approverEmails,
    quorum: Number(process.env.APPROVAL_QUORUM ?? DEMO_CONFIG.approvalQuorum),
    approvalBaseUrl: process.env.APPROVAL_BASE_URL ?? `http://127.0.0.1:${port}`,
    codeChannel: (process.env.APPROVAL_CODE_CHANNEL ?? DEMO_CONFIG.approvalCodeChannel) as 'email' | 'sms',
    phones: new Map((process.env.APPROVER_PHONES ? list(process.env.APPROVER_PHONES) : DEMO_CONFIG.approverPhones).map((p) => p.split('=') as [string, string])),
    sender: process.env.SENDER_ADDRESS ?? DEMO_CONFIG.senderAddress,
  };
}

export async function runQuestionCommand(command: string, incidentId: string, rest: string[], ctx: Context): Promise<void> {
  const questions = new QuestionStore(ctx.doc, ctx.table, systemClock);
  if (command === 'questions') {
    const views = await listQuestions(incidentId, { questions });
    if (views.length === 0) console.log(`${incidentId} has no questions`);
    for (const q of views) {
      const faq = q.faq ? ` faq: ${q.faq}${q.faqReason ? ` (${q.faqReason})` : ''}` : '';
      console.log(`${q.questionId}  ${q.locale}  ${q.askedAt}  ${q.status}  has address: ${q.hasAddress ? 'yes' : 'no'}${q.emailed ? ' (answer emailed)' : ''}${faq}`);
      console.log(`    Q: ${q.text}`);
      if (q.answer) console.log(`    A (${q.answer.locale}, ${q.answer.by}, ${q.answer.at}): ${q.answer.text}`);
    }
    return;
  }
  const [questionId, ...flags] = rest;
  let locale: string | undefined;
  let text: string | undefined;
  let faq = false;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === '--locale') locale = flags[++i];
    else if (flags[i] === '--text') text = flags[++i];
    else if (flags[i] === '--faq') faq = true;
    else throw new UsageError(`unknown flag for answer: ${flags[i]}`);
  }
  if (!questionId || !text?.trim()) throw new UsageError('answer needs QUESTION_ID and --text TEXT');
  if (!locale || !(locale in catalogues)) throw new UsageError(`--locale must be one of ${Object.keys(catalogues).join(', ')}`);
  const settings = await approvalSettings();
  const result = await answerQuestion(
    { incidentId, questionId, author: ctx.operator, locale: locale as Locale, text, faq },
    {
      ...ctx.stores,
      questions,
      email: new SesEmailSender(new SESv2Client(ctx.clientOptions), settings.sender, process.env.SES_CONFIGURATION_SET),
      messaging: new SnsMessaging(new SNSClient(ctx.clientOptions)),
      clock: systemClock,
      ...settings,
    },
  ).catch((error: unknown) => {
    if (error instanceof QuestionNotFoundError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  });
  console.log(`${questionId} of ${incidentId} answered by ${ctx.operator}; ${result.emailed ? 'the asker was emailed the answer' : 'no email (no address left, or already emailed once)'}`);
  if (result.approvalRequestId) console.log(`FAQ: approval request ${result.approvalRequestId} emailed to ${result.approversEmailed} approver(s); on the page once approved through their link and code`);
}
