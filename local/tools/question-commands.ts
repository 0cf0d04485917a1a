import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { Sha256 } from '../../functions/adapters/signed-request.js';
import { QuestionStore } from '../../functions/adapters/question-store.js';
import { catalogues } from '../../functions/domain/locales.js';
import { systemClock } from '../../functions/shared/clock.js';
import { listQuestions } from '../../functions/steps/answer-question.js';
import { UsageError } from './facts-flags.js';

export const QUESTION_COMMANDS = new Set(['questions', 'answer']);
export const QUESTION_USAGE = [
  "         | questions INCIDENT_ID      (customers' questions: id, locale, time, status, text, whether an address was left)",
  '         | answer INCIDENT_ID QUESTION_ID --locale L --text TEXT [--faq --faq-question TEXT]',
  '                                      (through the operator API: emails the asker once the address is confirmed;',
  "                                       --faq asks the deployed approvers to put it on the page, the question in the team's words)",
].join('\n');

/** Where the operator API answers and how the CLI signs for it (SigV4 for execute-api, as `curl --aws-sigv4` does). */
export interface OperatorApiAccess {
  url: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

interface Context {
  doc: DynamoDBDocumentClient;
  table: string;
  operatorApi: OperatorApiAccess | undefined;
}

/** One signed call to the operator API; its JSON answer and status. */
async function callOperatorApi(
  access: OperatorApiAccess,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(`${access.url.replace(/\/+$/, '')}${path}`);
  const text = JSON.stringify(body);
  const signer = new SignatureV4({ service: 'execute-api', region: access.region, credentials: access.credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'content-type': 'application/json' },
    body: text,
  });
  const res = await fetch(url, { method, headers: signed.headers, body: text });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/**
 * `questions` reads the incident's questions; `answer` goes through the operator API, whose function
 * holds the deployment's approvers, quorum, links and code channel: nothing in this shell chooses them.
 */
export async function runQuestionCommand(command: string, incidentId: string, rest: string[], ctx: Context): Promise<void> {
  if (command === 'questions') {
    const views = await listQuestions(incidentId, { questions: new QuestionStore(ctx.doc, ctx.table, systemClock) });
    if (views.length === 0) console.log(`${incidentId} has no questions`);
    for (const q of views) {
      const faq = q.faq ? ` faq: ${q.faq}${q.faqReason ? ` (${q.faqReason})` : ''}` : '';
      const address = q.hasAddress ? `yes${q.addressConfirmed ? ', confirmed' : ''}` : 'no';
      console.log(`${q.questionId}  ${q.locale}  ${q.askedAt}  ${q.status}  has address: ${address}${q.emailed ? ' (answer emailed)' : ''}${faq}`);
      console.log(`    Q: ${q.text}`);
      if (q.answer?.question) console.log(`    Q on the page: ${q.answer.question}`);
      if (q.answer) console.log(`    A (${q.answer.locale}, ${q.answer.by}, ${q.answer.at}): ${q.answer.text}`);
    }
    return;
  }
  const [questionId, ...flags] = rest;
  let locale: string | undefined;
  let text: string | undefined;
  let faqQuestion: string | undefined;
  let faq = false;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === '--locale') locale = flags[++i];
    else if (flags[i] === '--text') text = flags[++i];
    else if (flags[i] === '--faq') faq = true;
    else if (flags[i] === '--faq-question') faqQuestion = flags[++i];
    else throw new UsageError(`unknown flag for answer: ${flags[i]}`);
  }
  if (!questionId || !text?.trim()) throw new UsageError('answer needs QUESTION_ID and --text TEXT');
  if (!locale || !(locale in catalogues)) throw new UsageError(`--locale must be one of ${Object.keys(catalogues).join(', ')}`);
  if (faq && !faqQuestion?.trim())
    throw new UsageError('--faq needs --faq-question TEXT: the question as the page shows it, in your words, without personal data');
  if (!faq && faqQuestion !== undefined) throw new UsageError('--faq-question goes with --faq');
  if (!ctx.operatorApi) throw new UsageError('answer goes through the operator API: set OPERATOR_API_URL to the stack output ApprovalBaseUrl');
  const out = await callOperatorApi(
    ctx.operatorApi,
    'POST',
    `/operator/incidents/${encodeURIComponent(incidentId)}/questions/${encodeURIComponent(questionId)}/answer`,
    {
      locale,
      text,
      faq,
      ...(faq ? { faqQuestion } : {}),
    },
  );
  if (out.status !== 200) {
    console.error(`the operator API answered ${out.status}: ${String(out.body.message ?? '')}${out.body.issues ? ` ${JSON.stringify(out.body.issues)}` : ''}`);
    process.exit(1);
  }
  const result = out.body as { emailed?: boolean; confirmationSent?: boolean; approvalRequestId?: string; approversEmailed?: number };
  const mail = result.emailed
    ? 'the asker was emailed the answer'
    : result.confirmationSent
      ? 'the asker was asked to confirm the address; the answer follows once confirmed'
      : 'no email now (no address left, not confirmed yet, or already emailed once)';
  console.log(`${questionId} of ${incidentId} answered; ${mail}`);
  if (result.approvalRequestId)
    console.log(
      `FAQ: approval request ${result.approvalRequestId} emailed to ${result.approversEmailed} approver(s); on the page once approved through their link and code`,
    );
}
