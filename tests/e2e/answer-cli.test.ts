import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../functions/adapters/approval-store.js';
import { keys } from '../../functions/adapters/keys.js';
import { QuestionStore } from '../../functions/adapters/question-store.js';
import { systemClock } from '../../functions/shared/clock.js';
import { appConfigSchema } from '../../infra/config.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import type { StoredEmail } from '../support/local.js';

// `npm run incident -- answer --faq` from a shell whose environment names other approvers, another
// quorum, another link base: the request still goes to the deployed approvers, as the deployed function decides.
const run = promisify(execFile);
const incidentId = 'inc-20261206-00000000c11a';
const deployed = ['approver-a@example.com', 'approver-b@example.com'];
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let twin: Twin;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  const config = appConfigSchema.parse({
    senderAddress: 'security-notices@example.com',
    approverEmails: deployed.join(','),
    approvalQuorum: 2,
    backupApproverEmails: 'backup@example.com',
    companyName: 'Example Co.',
    companyContact: 'security-help@example.com',
  });
  twin = await startTwin({ port: 0, customers: 1, config });
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  await doc.send(
    new PutCommand({
      TableName: 'breach-notice-incidents',
      Item: {
        ...keys.incident(incidentId),
        type: 'incident',
        incidentId,
        status: 'OPEN',
        title: 'Exposed database',
        severity: 'HIGH',
        firstSeenAt: new Date().toISOString(),
      },
    }),
  );
  await new QuestionStore(doc, 'breach-notice-incidents', systemClock).putQuestion({
    incidentId,
    questionId: 'q-cli-1',
    locale: 'en',
    text: 'Was my card affected?',
    askedAt: new Date().toISOString(),
    status: 'OPEN',
  });
}, 120_000);

afterAll(async () => {
  await twin?.stop();
});

describe('answering for the page from the command line', () => {
  it("asks the deployed approvers with the deployed quorum and links, whatever the shell's environment says", async () => {
    // Prepare: a shell that names one approver of its own, a quorum of one and its own link base.
    const hostile = {
      ...process.env,
      BREACH_NOTICE_PORT: new URL(twin.edgeUrl).port,
      OPERATOR: 'eve',
      APPROVER_EMAILS: 'me@corp.example',
      APPROVAL_QUORUM: '1',
      APPROVAL_BASE_URL: 'https://evil.example',
      APPROVAL_CODE_CHANNEL: 'email',
      APPROVER_PHONES: '',
      SENDER_ADDRESS: 'me@corp.example',
    };
    // Act
    const cli = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'local/tools/incident.ts',
        'answer',
        incidentId,
        'q-cli-1',
        '--locale',
        'en',
        '--text',
        'No card data was stored.',
        '--faq',
        '--faq-question',
        'Was card data stored?',
      ],
      { env: hostile },
    );
    // Assess
    const mails = ((await (await fetch(`${twin.mailboxUrl}store`)).json()) as { emails: StoredEmail[] }).emails.filter((m) =>
      m.subject.includes(`Approve an answer for the public page of ${incidentId}`),
    );
    expect(cli.stdout).toContain('emailed to 2 approver(s)');
    expect(mails.flatMap((m) => m.destination.to).sort()).toEqual(deployed);
    expect(mails.every((m) => (m.body.text ?? '').includes(`${twin.edgeUrl}/approvals/`) && !(m.body.text ?? '').includes('evil.example'))).toBe(true);
    const [request] = await new ApprovalStore(doc, 'breach-notice-incidents', systemClock).listApprovalRequests(incidentId);
    expect([request?.kind, request?.quorum]).toEqual(['faq', 2]);
    const question = await new QuestionStore(doc, 'breach-notice-incidents', systemClock).getQuestion(incidentId, 'q-cli-1');
    expect(question?.answer).toMatchObject({ by: 'arn:aws:iam::000000000000:user/eve', question: 'Was card data stored?' });
  }, 60_000);
});
