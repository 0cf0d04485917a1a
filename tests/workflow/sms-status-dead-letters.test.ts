import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLogsBatch } from '../../functions/domain/sms-delivery-status.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import type { StackTransform } from '../../local/twin/from-stack.js';
import type { InvocationRecord } from '../../local/twin/lambda-runtime.js';
import { startLocalSystem, type LocalSystem } from '../../local/twin/system.js';
import { endpoints, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { phoneSalt } from '../support/scenario.js';

/**
 * SMS delivery status that record-sms-status cannot record, on one twin: CloudWatch Logs invokes the
 * function asynchronously, so Lambda retries the batch twice (a minute, then two: 240 times faster here)
 * and then sends its invocation record to the function's on-failure queue, whose alarm pages the team.
 * The batch, with every status in it, is in that record: nothing is lost. The function's role here lacks
 * its Query on the customers' phone index, so every batch it is handed fails, as after a broken deploy.
 */
const prefix = uniquePrefix('smsdl');
const config = testConfig(prefix);
const SCALE = 240;
// Fictional (555-01xx in North America; +15550 also fails on the twin, which changes nothing here).
const PHONE = `+15550${phoneSalt(prefix)}`;

const withoutPhoneLookup: StackTransform = (stack) => {
  const [fn] = Object.entries(stack.handlers).find(([, h]) => h === 'record-sms-status')!;
  const role = (stack.resources[fn]!.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  for (const r of Object.values(stack.resources)) {
    if (r.Type !== 'AWS::IAM::Policy' || !(r.Properties!.Roles as { Ref: string }[]).some((ref) => ref.Ref === role)) continue;
    const document = r.Properties!.PolicyDocument as { Statement: { Condition?: unknown }[] };
    document.Statement = document.Statement.filter((s) => !JSON.stringify(s.Condition ?? {}).includes('"+*"'));
  }
};
let system: LocalSystem;

beforeAll(async () => {
  system = await startLocalSystem({
    endpoints: endpoints(),
    config,
    namePrefix: prefix,
    approvalBaseUrl: 'https://approvals.example.com',
    transformStack: withoutPhoneLookup,
    asyncInvokeTimeScale: SCALE,
    alarms: { timeScale: SCALE, intervalMs: 500 },
  });
});

afterAll(async () => {
  await system?.stop();
});

/** The records in the dead-letter queue whose batch holds a status for `phone` (the SNS emulator writes every twin's statuses to each). */
function recordsFor(phone: string): InvocationRecord[] {
  const queue = [...system.queues].find(([id]) => id.startsWith('SmsDeliveryStatusDeadLetterQueue'))![1];
  return queue
    .bodies()
    .map((body) => JSON.parse(body) as InvocationRecord)
    .filter((r) => {
      const data = (r.requestPayload as { awslogs: { data: string } }).awslogs.data;
      return decodeLogsBatch(data).logEvents.some((e) => (JSON.parse(e.message) as { delivery?: { destination?: string } }).delivery?.destination === phone);
    });
}

describe('SMS delivery status the function cannot record', () => {
  it('is retried twice by Lambda, then kept whole in the dead-letter queue, whose alarm pages the team', async () => {
    // Prepare
    const alarm = system.alarms!.alarms.find(
      (a) => a.namespace === 'AWS/SQS' && String(a.dimensions.QueueName).startsWith('SmsDeliveryStatusDeadLetterQueue'),
    )!;
    const sns = new SNSClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().sns });
    // Act: an SMS; SNS writes its status record to the log group the stack subscribes the function to.
    const { MessageId } = await sns.send(new PublishCommand({ PhoneNumber: PHONE, Message: 'Notice' })).finally(() => sns.destroy());

    // Assess: after three attempts, the record Lambda documents, with the batch as it was handed over and the last error.
    const [record] = await until(async () => {
      const found = recordsFor(PHONE);
      return found.length > 0 && found;
    }, 'the batch in the dead-letter queue');
    expect(record).toMatchObject({
      requestContext: {
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
        functionArn: expect.stringMatching(/function:breach-notice-record-sms-status:\$LATEST$/),
      },
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorType: expect.any(String), errorMessage: expect.stringContaining('dynamodb:Query') },
    });
    const batch = decodeLogsBatch((record!.requestPayload as { awslogs: { data: string } }).awslogs.data);
    const status = batch.logEvents
      .map((e) => JSON.parse(e.message) as { notification: { messageId: string }; delivery: { destination: string } })
      .find((s) => s.delivery.destination === PHONE);
    expect(status?.notification.messageId).toBe(MessageId);
    // The emulator may write a status again after a lost answer (SNS may too): every record of it has had its three attempts.
    for (const r of recordsFor(PHONE)) expect(r.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    const refused = system.iam.refusals.filter((r) => r.functionName === 'breach-notice-record-sms-status' && r.action === 'dynamodb:Query');
    expect(refused.length).toBeGreaterThanOrEqual(3);
    const page = await until(
      async () => (await topicMessages(system.responseTeamTopicArn)).find((m) => m.subject === `ALARM: "${alarm.name}" in US East (N. Virginia)`),
      'the dead-letter page',
    );
    expect(JSON.parse(page.message)).toMatchObject({ AlarmName: alarm.name, NewStateValue: 'ALARM' });
  });
});
