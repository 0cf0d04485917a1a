import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../local/twin/queues.js';
import { sqsRequestHandler } from '../../local/twin/sqs-api.js';

// SQS at the twin's edge in its JSON protocol (what current SDKs and CLIs speak; Debian's awscli speaks
// the query protocol: tests/e2e/tools.test.ts), on a queue of the twin's own.
const ACCOUNT = '000000000000';
const queue = new LocalQueue(`arn:aws:sqs:us-east-1:${ACCOUNT}:DeadLetters`, { visibilityTimeoutSeconds: 30, retentionSeconds: 3600 });
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => void sqsRequestHandler(() => new Map([['DeadLetters', queue]]), ACCOUNT)(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  queue.stop();
  await new Promise((r) => server.close(r));
});

async function call(operation: string, body: Record<string, unknown>) {
  const res = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, queryError: res.headers.get('x-amzn-query-error') };
}

describe('SQS at the edge, JSON protocol', () => {
  it('lists, sends, receives with attributes, deletes and counts as SQS answers', async () => {
    const { body: url } = await call('GetQueueUrl', { QueueName: 'DeadLetters' });
    const queueUrl = url.QueueUrl as string;
    expect(queueUrl).toBe(`${base}/${ACCOUNT}/DeadLetters`);
    expect((await call('ListQueues', { QueueNamePrefix: 'Dead' })).body).toEqual({ QueueUrls: [queueUrl] });
    const sent = (await call('SendMessage', { QueueUrl: queueUrl, MessageBody: '{"a":1}' })).body;
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('{"a":1}').digest('hex'));
    const received = (await call('ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))
      .body;
    expect(received.Messages).toEqual([
      {
        MessageId: sent.MessageId,
        ReceiptHandle: expect.any(String),
        MD5OfBody: sent.MD5OfMessageBody,
        Body: '{"a":1}',
        Attributes: { ApproximateReceiveCount: '1' },
      },
    ]);
    expect((await call('GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: ['All'] })).body.Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      QueueArn: queue.arn,
    });
    await call('DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: (received.Messages as { ReceiptHandle: string }[])[0]!.ReceiptHandle });
    expect(queue.depth).toEqual({ visible: 0, inFlight: 0 });
    expect((await call('ReceiveMessage', { QueueUrl: queueUrl })).body).toEqual({});
  });

  it("names SQS's errors as the SDK reads them", async () => {
    const missing = await call('GetQueueUrl', { QueueName: 'Nope' });
    expect(missing).toMatchObject({
      status: 400,
      body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist' },
      queryError: 'AWS.SimpleQueueService.NonExistentQueue;Sender',
    });
    const tooMany = await call('ReceiveMessage', { QueueUrl: `${base}/${ACCOUNT}/DeadLetters`, MaxNumberOfMessages: 11 });
    expect(tooMany).toMatchObject({ status: 400, body: { __type: 'com.amazonaws.sqs#InvalidParameterValue' } });
    expect((await call('PurgeQueue', {})).body.__type).toBe('com.amazonaws.sqs#UnsupportedOperation');
    expect((await call('ListQueues', { QueueNamePrefix: 'Nothing' })).body).toEqual({});
  });
});
