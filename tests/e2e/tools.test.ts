import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { promisify } from 'node:util';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EarlySmsStatuses } from '../../functions/adapters/sms-status-lookups.js';
import { linkAndCode } from '../../local/tools/approval-client.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { until } from '../support/local.js';

// Debian's binaries, named explicitly: a plain `aws` on PATH may be another install. `.ci/run` installs both.
const AWS = '/usr/bin/aws';
const CHROMIUM = '/usr/bin/chromium';
const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:breach-notice-incident-response';
const ARTIFACTS = 'test-artifacts';
let twin: Twin;

const run = promisify(execFile);

// Asynchronous on purpose: the twin runs in this process, so a blocking spawn would starve it.
async function aws(...args: string[]): Promise<string> {
  const { stdout } = await run(AWS, ['--endpoint-url', twin.edgeUrl, '--output', 'json', '--cli-read-timeout', '20', ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'cli',
      AWS_SECRET_ACCESS_KEY: 'cli',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  return stdout;
}

beforeAll(async () => {
  twin = await startTwin({ port: 0, customers: 50 });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await twin?.stop();
});

describe('the twin with ordinary tools', () => {
  it('Debian awscli: put-events starts an incident, list-executions shows it, sesv2 and dynamodb answer', async () => {
    expect((await run(AWS, ['--version'])).stdout).toMatch(/^aws-cli\/2\./);
    const detail = JSON.stringify({ reportId: 'cli-1', title: 'Stolen laptop', severity: 'HIGH', resources: ['customer-data'] });
    const put = JSON.parse(
      await aws(
        'events',
        'put-events',
        '--entries',
        JSON.stringify([{ Source: 'breach-notice.manual', DetailType: 'Security Incident Reported', Detail: detail }]),
      ),
    ) as { FailedEntryCount: number };
    expect(put.FailedEntryCount).toBe(0);
    const listed = await until(async () => {
      const out = JSON.parse(await aws('stepfunctions', 'list-executions', '--state-machine-arn', STATE_MACHINE)) as {
        executions: { name: string; status: string }[];
      };
      return out.executions.length === 1 ? out.executions : undefined;
    }, 'the execution in list-executions');
    expect(listed[0]!.name).toMatch(/^inc-/);
    expect(listed[0]!.status).toBe('RUNNING');
    const templates = JSON.parse(await aws('sesv2', 'list-email-templates')) as { TemplatesMetadata: { TemplateName: string }[] };
    expect(templates.TemplatesMetadata.map((t) => t.TemplateName)).toContain('breach-notice-first-notice-zh-CN');
    const scan = JSON.parse(await aws('dynamodb', 'scan', '--table-name', 'breach-notice-customers', '--max-items', '3')) as { Items: unknown[] };
    expect(scan.Items).toHaveLength(3);
    const rules = JSON.parse(await aws('events', 'list-rules')) as { Rules: { Name: string }[] };
    expect(rules.Rules.map((r) => r.Name).sort()).toEqual(['GuardDutyFindings', 'MacieFindings', 'ManualReports', 'SecurityAlarms', 'SecurityHubFindings']);
  }, 60_000);

  it('headless Chromium: the console shows the incident; the approval page approves; screenshots saved', async () => {
    const browser: Browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${twin.edgeUrl}/`);
      const name = await until(
        async () => (
          await page.reload(),
          (await page.locator('table.incidents td').first().textContent())?.startsWith('inc-')
            ? page.locator('table.incidents td').first().textContent()
            : undefined
        ),
        'the incident row',
      );
      expect(name).toMatch(/^inc-/);
      await page.screenshot({ path: `${ARTIFACTS}/console.png`, fullPage: true });

      // The incident page: the path taken with where the execution is, and the whole definition (folded) marked the same.
      await page.goto(`${twin.edgeUrl}/incidents/${name}`);
      await until(async () => (await page.reload(), (await page.locator('svg.path-graph g.state.current').count()) === 1), 'the current state mark');
      expect(await page.locator('svg.path-graph g.state.current').getAttribute('data-state')).toBe('Wait for approval');
      expect(await page.locator('svg.state-graph g.state.current').getAttribute('data-state')).toBe('Wait for approval');
      expect(await page.locator('svg.state-graph g.state.visited[data-state="Assess impact"]').count()).toBe(1);
      expect(await page.locator('svg.state-graph g.state').count()).toBeGreaterThan(25);
      expect(await page.locator('text=Pending approvals').count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}/incident-graph.png`, fullPage: true });

      const messages = await until(async () => {
        const res = (await (await fetch(`${twin.edgeUrl}/_aws/ses`)).json()) as { messages: { Subject: string; Body: { text_part: string } }[] };
        return res.messages.find((m) => m.Subject.startsWith('[Approval needed'));
      }, 'the approval email');
      const link = /http:\/\/127\.0\.0\.1:\d+\/approvals\/[A-Za-z0-9_-]{43}/.exec(messages.Body.text_part)![0];
      // The page in the approver's language (Accept-Language), first in Chinese: opening it changes nothing.
      const zhContext = await browser.newContext({ locale: 'zh-CN' });
      const zhPage = await zhContext.newPage();
      await zhPage.goto(link);
      expect(await zhPage.locator('h1').textContent()).toBe('审批客户通知');
      expect(await zhPage.locator('html').getAttribute('lang')).toBe('zh-CN');
      await zhPage.screenshot({ path: `${ARTIFACTS}/approval-page-zh-CN.png`, fullPage: true });
      await zhContext.close();

      await page.goto(link);
      expect(await page.locator('h1').textContent()).toBe('Approve the customer notice');
      expect(await page.locator('[lang="zh-CN"]').count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}/approval-page-en.png`, fullPage: true });
      await page.fill('#code', linkAndCode(messages.Body.text_part).code);
      await page.getByRole('button', { name: 'Approve and send' }).click();
      await page.waitForLoadState();
      expect(await page.locator('h1').textContent()).toBe('Decision recorded');
      await page.screenshot({ path: `${ARTIFACTS}/approval-decided.png` });
      await until(async () => {
        const res = (await (await fetch(`${twin.edgeUrl}/_aws/ses`)).json()) as { messages: { Destination: { ToAddresses: string[] } }[] };
        return res.messages.filter((m) => m.Destination.ToAddresses[0]!.endsWith('@customers.example.com')).length === 50;
      }, 'the 50 notices');
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('Debian awscli: an SMS status batch kept in the dead-letter queue is read, handed back to its function and deleted, as the operating guide says', async () => {
    // Prepare: Lambda's invocation record of a batch record-sms-status failed (tests/workflow/sms-status-dead-letters.test.ts
    // shows the twin leaving one), holding a status for demo customer 3's number that no outcome names.
    const messageId = `handed-back-${randomUUID()}`;
    const status = {
      notification: { messageId, timestamp: new Date(Date.now() - 60_000).toISOString().replace('T', ' ').replace('Z', '') },
      delivery: { destination: '+447700900003', providerResponse: 'Message has been accepted by phone carrier' },
      status: 'SUCCESS',
    };
    const batch = {
      messageType: 'DATA_MESSAGE',
      logGroup: 'sns/us-east-1/000000000000/DirectPublishToPhoneNumber',
      logEvents: [{ id: '1', timestamp: Date.now(), message: JSON.stringify(status) }],
    };
    const record = {
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { awslogs: { data: gzipSync(JSON.stringify(batch)).toString('base64') } },
    };
    const queues = JSON.parse(await aws('sqs', 'list-queues')) as { QueueUrls: string[] };
    const queueUrl = queues.QueueUrls.find((u) => u.split('/').at(-1)!.startsWith('SmsDeliveryStatusDeadLetterQueue'))!;
    await aws('sqs', 'send-message', '--queue-url', queueUrl, '--message-body', JSON.stringify(record));

    // Act: the guide's steps: read the record, invoke the function with its requestPayload as an event, delete the message.
    const received = JSON.parse(await aws('sqs', 'receive-message', '--queue-url', queueUrl, '--attribute-names', 'All', '--max-number-of-messages', '10')) as {
      Messages: { Body: string; ReceiptHandle: string; Attributes: Record<string, string> }[];
    };
    const message = received.Messages.find((m) => m.Body.includes(record.requestPayload.awslogs.data));
    const payload = JSON.stringify((JSON.parse(message!.Body) as typeof record).requestPayload);
    const functionName = 'breach-notice-record-sms-status';
    await aws(
      'lambda',
      'invoke',
      '--function-name',
      functionName,
      '--invocation-type',
      'Event',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      payload,
      '/dev/null',
    );
    // The record's own functionArn (with :$LATEST) names the same function.
    const dryRun = JSON.parse(
      await aws(
        'lambda',
        'invoke',
        '--function-name',
        `arn:aws:lambda:us-east-1:000000000000:function:${functionName}:$LATEST`,
        '--invocation-type',
        'DryRun',
        '/dev/null',
      ),
    ) as { StatusCode: number };
    expect(dryRun.StatusCode).toBe(204);
    await aws('sqs', 'delete-message', '--queue-url', queueUrl, '--receipt-handle', message!.ReceiptHandle);

    // Assess: the function read the batch (the status is kept for the customer until an outcome names it); the queue is empty.
    expect(message!.Attributes.ApproximateReceiveCount).toBe('1');
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' } }),
    );
    try {
      const kept = await until(
        async () => (await new EarlySmsStatuses(doc, twin.system.tables.deliveries).ofCustomer('demo-00003')).find((k) => k.messageId === messageId),
        'the handed-back status kept',
      );
      expect(kept.keptFor).toContain('demo-00003');
    } finally {
      doc.destroy();
    }
    const attributes = JSON.parse(await aws('sqs', 'get-queue-attributes', '--queue-url', queueUrl, '--attribute-names', 'All')) as {
      Attributes: Record<string, string>;
    };
    expect(attributes.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    // A function the stack does not have, and a queue it does not have, are refused by name.
    await expect(aws('lambda', 'invoke', '--function-name', 'no-such-function', '/dev/null')).rejects.toThrow(/ResourceNotFoundException/);
    await expect(aws('lambda', 'invoke', '--function-name', functionName, '--qualifier', '3', '/dev/null')).rejects.toThrow(/ResourceNotFoundException/);
    await expect(aws('sqs', 'get-queue-url', '--queue-name', 'no-such-queue')).rejects.toThrow(/NonExistentQueue/);
  }, 60_000);
});
