import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/adapters/keys.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import { systemClock } from '../../functions/shared/clock.js';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../functions/domain/preview.js';
import { appConfigSchema } from '../../infra/config.js';
import { decideByEmail } from '../../local/tools/approval-client.js';
import type { AlarmSpec } from '../../local/twin/alarms.js';
import { lambdaContext } from '../../local/twin/http-api.js';
import { specFromStack } from '../../local/twin/from-stack.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { until } from '../support/local.js';

/*
 * The stack's own alarms, read from its template and evaluated by the twin at 60 times real time (a
 * scaled minute lasts a second): each failure mode is produced on one twin, and the alarm for it goes to
 * ALARM, CloudWatch's notification reaches the response-team topic, and the console's front page lists
 * it with what to do. Incident A is never approved, and its request is left past its timeout with no
 * escalation (its expiry moved into the past: the fault the alarm exists for); incident B's first notice
 * is approved, so its next update is promised an hour later (a minute here), inside the 3 hours the alarm warns at.
 */
const SCALE = 60;
const APPROVER = 'approver@example.com';
const SENDER = 'security-notices@example.com';
const credentials = { accessKeyId: 'e2e', secretAccessKey: 'e2e' };

let twin: Twin;
let doc: DynamoDBDocumentClient;
let stores: ReturnType<typeof incidentStores>;

interface Mail {
  Destination: { ToAddresses: string[] };
  Subject: string;
  Body: { text_part: string | null };
}
const mails = async () => ((await (await fetch(`${twin.edgeUrl}/_aws/ses`)).json()) as { messages: Mail[] }).messages;
const teamPages = async () => {
  const topic = twin.system.responseTeamTopicArn;
  const res = await fetch(`${twin.edgeUrl}/_aws/sns/topic-messages?topicArn=${encodeURIComponent(topic)}`);
  return ((await res.json()) as { topic_messages: Record<string, { subject?: string; message: string }[]> }).topic_messages[topic] ?? [];
};

const alarm = (test: (a: AlarmSpec) => boolean, what: string): AlarmSpec => {
  const found = twin.system.alarms!.alarms.filter(test);
  expect(found, what).toHaveLength(1);
  return found[0]!;
};

/** The alarm went to ALARM, its notification (CloudWatch's JSON) is on the response-team topic, and the console lists it. */
async function raised(a: AlarmSpec, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  await until(async () => twin.system.alarms!.all().find((s) => s.alarm.logicalId === a.logicalId)?.value === 'ALARM', `${a.name} in ALARM`, timeoutMs);
  const page = await until(async () => (await teamPages()).find((m) => m.subject === `ALARM: "${a.name}" in US East (N. Virginia)`), `${a.name}'s page`);
  const message = JSON.parse(page.message) as Record<string, unknown>;
  expect(message).toMatchObject({
    AlarmName: a.name,
    AlarmDescription: a.description,
    NewStateValue: 'ALARM',
    AWSAccountId: '000000000000',
    AlarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${a.name}`,
    Trigger: { MetricName: a.metricName, Namespace: a.namespace, Threshold: a.threshold, ComparisonOperator: a.comparison },
  });
  const front = await (await fetch(`${twin.edgeUrl}/`)).text();
  const listed = front.slice(front.indexOf('<h2>Alarms in ALARM'), front.indexOf('</table>', front.indexOf('<h2>Alarms in ALARM')));
  expect(listed).toContain(`<td>${escapeHtml(a.name)}</td>`);
  expect(listed).toContain(escapeHtml(a.description));
  return message;
}

const config = appConfigSchema.parse({
  senderAddress: SENDER,
  approverEmails: APPROVER,
  backupApproverEmails: 'backup-approver@example.com',
  companyName: 'Example Co.',
  companyContact: 'security-help@example.com',
  updateCadenceHours: 1,
  // 30 s here: A's request is stuck before its own wait ends, B's approver answers in time. The promise alarm warns 3 hours ahead (3 minutes here).
  approvalTimeoutMinutes: 30,
  escalationTimeoutMinutes: 30,
  promiseAlarmMinutes: 180,
});

beforeAll(async () => {
  twin = await startTwin({ port: 0, customers: 5, timeScale: SCALE, config });
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials }));
  stores = incidentStores(doc, twin.system.tables.incidents, systemClock);
}, 120_000);

afterAll(async () => {
  doc?.destroy();
  await twin?.stop();
});

describe("the twin evaluates the stack's alarms", () => {
  it('reads every alarm of the template, none of them skipped', () => {
    const inTemplate = Object.values(specFromStack(config).resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(inTemplate.length).toBeGreaterThanOrEqual(50);
    expect(twin.system.alarms!.alarms).toHaveLength(inTemplate.length);
    expect(twin.system.alarms!.all().every((s) => s.value !== 'ALARM')).toBe(true);
  });

  it('a failing function raises its Errors alarm', async () => {
    const errors = alarm((a) => a.metricName === 'Errors' && a.dimensions.FunctionName === 'breach-notice-plan-next-update', 'plan-next-update Errors');
    // An invocation the function fails (an event it cannot read), as a broken deploy or a bad payload would.
    await expect(twin.system.lambda('plan-next-update')({}, lambdaContext('breach-notice-plan-next-update'))).rejects.toThrow();
    const message = await raised(errors);
    expect(message.Trigger).toMatchObject({ Dimensions: [{ name: 'FunctionName', value: 'breach-notice-plan-next-update' }], Period: 300 });
  }, 60_000);

  it('a failed execution raises the workflow-failed alarm', async () => {
    const failed = alarm((a) => a.namespace === 'AWS/States' && a.metricName === 'ExecutionsFailed', 'the workflow-failed alarm');
    // An execution started by hand with no alarm in its input: its first step cannot assess anything.
    const execution = twin.system.workflow.start(undefined, '{}');
    await until(async () => execution.status !== 'RUNNING', 'the execution ended', 30_000);
    expect(execution.status).toBe('FAILED');
    await raised(failed);
  }, 60_000);

  it('a bounce storm raises the SES bounce-rate alarm, a complaint the complaint-rate one', async () => {
    const bounceRate = alarm((a) => a.namespace === 'AWS/SES' && a.metricName === 'Reputation.BounceRate', 'the bounce-rate alarm');
    const complaintRate = alarm((a) => a.namespace === 'AWS/SES' && a.metricName === 'Reputation.ComplaintRate', 'the complaint-rate alarm');
    const ses = new SESv2Client({ endpoint: twin.mailboxUrl.replace(/\/$/, ''), region: 'us-east-1', credentials });
    try {
      for (let i = 0; i < 11; i++)
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: SENDER,
            // The mailbox simulator's addresses (https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html#send-email-simulator): ten bounces, one complaint.
            Destination: { ToAddresses: [i < 10 ? `bounce+${i}@simulator.amazonses.com` : 'complaint@simulator.amazonses.com'] },
            Content: { Simple: { Subject: { Data: 'Notice' }, Body: { Text: { Data: 'Notice' } } } },
            ConfigurationSetName: twin.system.configurationSet,
          }),
        );
    } finally {
      ses.destroy();
    }
    await raised(bounceRate);
    await raised(complaintRate);
  }, 60_000);

  it('a stuck approval and a promise about to be missed raise theirs', async () => {
    const overdue = alarm((a) => a.metricName === 'ApprovalsOverdue', 'the approval-overdue alarm');
    const promise = alarm((a) => a.metricName === 'NextPromiseDueIn', 'the promise alarm');
    const events = new EventBridgeClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials });
    const report = async (reportId: string) => {
      const before = new Set(twin.system.workflow.executions.keys());
      const detail = JSON.stringify({ reportId, title: `Alarm test ${reportId}`, severity: 'HIGH', resources: ['customer-data'] });
      await events.send(new PutEventsCommand({ Entries: [{ Source: 'breach-notice.manual', DetailType: 'Security Incident Reported', Detail: detail }] }));
      return until(async () => [...twin.system.workflow.executions.values()].find((e) => !before.has(e.executionArn))?.name, `the execution of ${reportId}`);
    };
    try {
      const a = await report('A');
      const b = await report('B');
      // A's request stuck: its timeout passed and no escalation superseded it (the fault the alarm exists for).
      const [request] = await until(async () => {
        const pending = (await stores.approvals.listApprovalRequests(a)).filter((r) => r.status === 'PENDING');
        return pending.length > 0 && pending;
      }, `A's approval request`);
      await doc.send(
        new UpdateCommand({
          TableName: twin.system.tables.incidents,
          Key: keys.approval(a, request!.requestId),
          UpdateExpression: 'SET expiresAt = :past',
          ExpressionAttributeValues: { ':past': new Date(Date.now() - 60_000).toISOString() },
        }),
      );
      await raised(overdue);
      const first = await until(
        async () =>
          (await mails()).find((m) => m.Destination.ToAddresses.includes(APPROVER) && m.Subject.includes(b) && /First customer notice/.test(m.Subject)),
        `B's approval request`,
      );
      expect((await decideByEmail(twin.edgeUrl, first.Body.text_part ?? '', 'approve')).status).toBe(200);
      await raised(promise, 60_000);
    } finally {
      events.destroy();
    }
  }, 240_000);

  it('evidence waiting in its queue longer than a third of the evidence window raises the evidence-late alarm', async () => {
    // Last in this file: the queue's poller is stopped, as if record-delivery-evidence could not keep up.
    const late = alarm((a) => a.name.includes('DeliveryEvidenceLate'), 'the evidence-late alarm');
    expect(twin.system.alarms!.all().find((s) => s.alarm.logicalId === late.logicalId)?.value).not.toBe('ALARM');
    const [mapping, poller] = [...twin.system.queuePollers][0]!;
    expect(mapping).toMatch(/^DeliveryEvidenceFunctionSqsEventSource/);
    await poller.stop();
    twin.system.events.putEvents({
      Entries: [
        {
          Source: 'aws.ses',
          DetailType: 'Email Sent',
          Detail: JSON.stringify({ eventType: 'Send', mail: { messageId: 'late-1', tags: { 'ses:configuration-set': [twin.system.configurationSet] } } }),
        },
      ],
    });
    const message = await raised(late);
    expect(message.Trigger).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: (config.evidenceWindowMinutes * 60) / 3 });
  }, 60_000);
});
