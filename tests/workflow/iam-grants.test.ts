import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/keys.js';
import { QuestionStore } from '../../functions/adapters/question-store.js';
import { systemClock } from '../../functions/shared/clock.js';
import type { StackTransform, SynthesizedStack } from '../../local/twin/from-stack.js';
import { invokeHttpApi } from '../../local/twin/http-api.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { emailsPerRecipient, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { decide, executionArnOf, makeCustomers, sendAlarm, startScenario, type Scenario } from '../support/scenario.js';

// Every AWS call a function makes is evaluated against its role's policies from the synthesized template
// (local/twin/iam/gate.ts): each test here runs the twin on a stack with one grant taken out and shows the
// call refused as AWS would refuse it.
const prefix = uniquePrefix('iamg');
const config = testConfig(prefix);
const bucket = `iamg-${prefix}`;

type Statement = { Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };

/** The statements of the policies attached to the role of the function that runs `handler`. */
function statementsOf(stack: SynthesizedStack, handler: string): Statement[] {
  const [fn] = Object.entries(stack.handlers).find(([, h]) => h === handler)!;
  const role = (stack.resources[fn]!.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(stack.resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties!.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
    .flatMap((r) => (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The send step without ses:SendBulkEmail; the question form without RATE#* among the partition keys it may update. */
const transform: StackTransform = (stack) => {
  for (const statement of statementsOf(stack, 'send-notices')) {
    const actions = [statement.Action].flat();
    if (actions.includes('ses:SendBulkEmail')) statement.Action = actions.filter((a) => a !== 'ses:SendBulkEmail');
  }
  for (const statement of statementsOf(stack, 'question-form')) {
    const like = statement.Condition?.['ForAllValues:StringLike'] as { 'dynamodb:LeadingKeys'?: string[] } | undefined;
    if (like?.['dynamodb:LeadingKeys']) like['dynamodb:LeadingKeys'] = like['dynamodb:LeadingKeys'].filter((p) => p !== 'RATE#*');
  }
};

let s: Scenario;

beforeAll(async () => {
  s = await startScenario(prefix, config, { transformStack: transform, retryIntervalOverrides: { 'Send notices: slice': 10, 'Send update: slice': 10 } });
  await s.customers.putCustomers(makeCustomers(bucket, bucket, 4));
});
afterAll(async () => {
  await s?.system.stop();
});

describe("a function's role, from the template", () => {
  it('without ses:SendBulkEmail every SendBulkEmail of the send step is refused with AccessDeniedException: not retried in the slice, the team paged with the reason, no customer emailed', async () => {
    // Act
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, config.approverEmails[0]!, 'approve');
    await until(
      async () => (await s.incidents.listTimeline(incidentId)).find((e) => e.action === 'sending-unfinished'),
      'a round of sending to end unfinished',
    );
    s.system.workflow.executions.get(executionArnOf(s, incidentId))!.abort();

    // Assess: refused at the gate by the send step's role, and the SDK in the function named it as SES would.
    const refused = s.system.iam.refusals.filter((r) => r.functionName === 'breach-notice-send-notices');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused)
      expect(r).toMatchObject({ service: 'sesv2', operation: 'SendBulkEmail', action: 'ses:SendBulkEmail', decision: 'ImplicitlyDenied' });
    const events = s.system.workflow.executions.get(executionArnOf(s, incidentId))!.events;
    const failed = events.find((e) => e.type === 'StateFailed' && e.stateName === 'Send notices: slice');
    // A refusal that waiting will not fix: named so, never retried inside the slice, the sender's address left out.
    const reason =
      /SES refused: AccessDeniedException: User: \S+\/breach-notice-send-notices is not authorized to perform: ses:SendBulkEmail on resource: arn:aws:ses:\S+:identity\/<address> because no identity-based policy allows the ses:SendBulkEmail action/;
    expect(failed).toMatchObject({ error: 'ProviderRefusedError', cause: expect.stringMatching(reason) });
    expect(events.filter((e) => e.type === 'StateRetried' && e.stateName === 'Send notices: slice')).toEqual([]);
    // The team is paged in the first round with the reason and what to check.
    const page = await until(
      async () => (await topicMessages(s.system.responseTeamTopicArn)).find((p) => p.subject?.includes(incidentId) && p.message.startsWith('Round 1 ')),
      'the page of the first round',
    );
    expect(page.message).toMatch(reason);
    expect(page.message).toContain("Check the send function's role (ses:SendBulkEmail)");
    expect(await emailsPerRecipient(`.${bucket}@example.com`)).toEqual(new Map());
  });

  it("without RATE#* in its dynamodb:LeadingKeys the question form's counter update is refused and the question is not taken", async () => {
    // Prepare: an open incident and a form token old enough to be used.
    const incidentId = `inc-20260101-${prefix.slice(1, 9)}0000`;
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
          firstSeenAt: new Date().toISOString(),
        },
      }),
    );
    const form = await invokeHttpApi(s.system.questionForm, { method: 'GET', path: `/questions/${incidentId}?locale=en`, sourceIp: '198.51.100.30' });
    const token = /name="token" value="([^"]+)"/.exec(form.body ?? '')![1]!;
    await new Promise((r) => setTimeout(r, 3_100));
    // Act
    const posted = await invokeHttpApi(s.system.questionForm, {
      method: 'POST',
      path: `/questions/${incidentId}`,
      sourceIp: '198.51.100.30',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ locale: 'en', token, question: 'Was my card exposed?', email: '', website: '' }).toString(),
    }).then(
      () => undefined,
      (error: Error) => error,
    );
    // Assess
    expect(posted?.name).toBe('DependencyError');
    expect(posted?.message).toMatch(
      /^AccessDeniedException: User: \S+\/breach-notice-question-form is not authorized to perform: dynamodb:UpdateItem on resource: \S+-incidents because no identity-based policy allows the dynamodb:UpdateItem action$/,
    );
    const [refusal] = s.system.iam.refusals.filter((r) => r.functionName === 'breach-notice-question-form');
    expect(refusal).toMatchObject({ service: 'dynamodb', action: 'dynamodb:UpdateItem', decision: 'ImplicitlyDenied' });
    expect(await new QuestionStore(s.doc, s.system.tables.incidents, systemClock).listQuestions(incidentId)).toEqual([]);
  });

  it('each service refuses in its own protocol, so the SDK raises the exception AWS would; an explicit deny in the role wins over its allow', async () => {
    // Prepare: clients signed as two functions, through the twin's gates.
    const as = (handler: string) => ({
      region: 'us-east-1',
      credentials: { accessKeyId: s.system.iam.accessKeyIdOf(handler), secretAccessKey: 'any' },
      maxAttempts: 1,
    });
    const { endpoints: gates } = s.system.iam;
    const draft = as('draft-notice');
    const error = (call: Promise<unknown>) =>
      call.then(
        () => undefined,
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }),
      );
    // Act
    const dynamo = await error(
      new DynamoDBClient({ ...draft, endpoint: gates.dynamodb }).send(
        new PutItemCommand({ TableName: s.system.tables.customers, Item: { customerId: { S: 'x' }, sk: { S: 'PROFILE' } } }),
      ),
    );
    const sns = await error(
      new SNSClient({ ...draft, endpoint: gates.sns }).send(new PublishCommand({ TopicArn: s.system.responseTeamTopicArn, Message: 'hello' })),
    );
    const ses = await error(
      new SESv2Client({ ...draft, endpoint: gates.sesv2 }).send(
        new SendEmailCommand({
          FromEmailAddress: config.senderAddress,
          Destination: { ToAddresses: ['a@example.com'] },
          Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
        }),
      ),
    );
    const sfn = await error(
      new SFNClient({ ...draft, endpoint: gates.sfn }).send(new StartExecutionCommand({ stateMachineArn: s.system.workflow.stateMachineArn, input: '{}' })),
    );
    const stranger = await error(
      new DynamoDBClient({ ...draft, credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }, endpoint: gates.dynamodb }).send(
        new GetItemCommand({ TableName: s.system.tables.incidents, Key: { pk: { S: 'INC#x' }, sk: { S: 'INCIDENT' } } }),
      ),
    );
    // The send step may text any phone number (an Allow on "*") but never publish to a topic (a Deny on every SNS ARN).
    const sender = new SNSClient({ ...as('send-notices'), endpoint: gates.sns });
    const denied = await error(sender.send(new PublishCommand({ TopicArn: s.system.responseTeamTopicArn, Message: 'hello' })));
    const texted = await sender.send(new PublishCommand({ PhoneNumber: '+15555550123', Message: 'hello' }));
    // Assess
    expect(dynamo).toMatchObject({
      name: 'AccessDeniedException',
      status: 400,
      message: expect.stringMatching(
        /is not authorized to perform: dynamodb:PutItem on resource: \S+-customers because no identity-based policy allows the dynamodb:PutItem action$/,
      ),
    });
    expect(sns).toMatchObject({
      name: 'AuthorizationErrorException',
      status: 403,
      message: expect.stringContaining(`sns:Publish on resource: ${s.system.responseTeamTopicArn}`),
    });
    expect(ses).toMatchObject({ name: 'AccessDeniedException', status: 403, message: expect.stringContaining('ses:SendEmail') });
    expect(sfn).toMatchObject({
      name: 'AccessDeniedException',
      status: 400,
      message: expect.stringContaining(`states:StartExecution on resource: ${s.system.workflow.stateMachineArn}`),
    });
    expect(stranger).toMatchObject({ name: 'UnrecognizedClientException', status: 400 });
    expect(denied).toMatchObject({ name: 'AuthorizationErrorException', message: expect.stringMatching(/with an explicit deny in an identity-based policy$/) });
    expect(texted.MessageId).toBeTruthy();
  });
});
