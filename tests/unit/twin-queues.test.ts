import { afterEach, describe, expect, it } from 'vitest';
import { LocalQueue, QueuePoller, type SqsRecord } from '../../local/twin/queues.js';

const ARN = 'arn:aws:sqs:us-east-1:000000000000:Evidence';
const spec = { visibilityTimeoutSeconds: 0.2, retentionSeconds: 345_600 };
const stopping: (QueuePoller | LocalQueue)[] = [];
afterEach(async () => {
  for (const x of stopping.splice(0)) await x.stop();
});

const until = async (done: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

function poller(
  queue: LocalQueue,
  invoke: (event: { Records: SqsRecord[] }) => Promise<unknown>,
  over: Partial<ConstructorParameters<typeof QueuePoller>[1]> = {},
) {
  const p = new QueuePoller(
    queue,
    { batchSize: 200, maxBatchingWindowSeconds: 0, reportBatchItemFailures: true, maxConcurrency: 2, ...over },
    invoke,
    'us-east-1',
  );
  stopping.push(p);
  p.start();
  return p;
}

describe("the twin's queues and Lambda's pollers on them", () => {
  it('deletes what the function processed and receives again only the records it named as failed', async () => {
    // Prepare
    const queue = new LocalQueue(ARN, spec);
    const seen: string[] = [];
    for (const body of ['a', 'b', 'c']) queue.send(body, 'events.amazonaws.com');
    // Act: b fails on its first receive.
    poller(queue, async ({ Records }) => {
      seen.push(...Records.map((r) => `${r.body}${r.attributes.ApproximateReceiveCount}`));
      return {
        batchItemFailures: Records.filter((r) => r.body === 'b' && r.attributes.ApproximateReceiveCount === '1').map((r) => ({ itemIdentifier: r.messageId })),
      };
    });
    await until(() => seen.includes('b2'));
    await until(() => queue.depth.inFlight === 0 && queue.depth.visible === 0);
    // Assess
    expect(seen.sort()).toEqual(['a1', 'b1', 'b2', 'c1']);
  });

  it('moves a message received more than maxReceiveCount times to the dead-letter queue, body intact', async () => {
    // Prepare: a function that fails every batch.
    const deadLetters = new LocalQueue(`${ARN}-dlq`, spec);
    const queue = new LocalQueue(ARN, spec, { deadLetterQueue: deadLetters, maxReceiveCount: 3 });
    stopping.push(queue, deadLetters);
    queue.send('{"not":"an SES event"}', 'events.amazonaws.com');
    let invocations = 0;
    // Act
    poller(queue, async () => {
      invocations += 1;
      throw new Error('boom');
    });
    await until(() => deadLetters.depth.visible === 1);
    // Assess
    expect(invocations).toBe(3);
    expect(deadLetters.bodies()).toEqual(['{"not":"an SES event"}']);
    expect(queue.depth).toEqual({ visible: 0, inFlight: 0 });
  });

  it('reads an answer naming a record not in the batch as a failure of the whole batch', async () => {
    const queue = new LocalQueue(ARN, spec);
    queue.send('a', 'x');
    queue.send('b', 'x');
    const receives: string[] = [];
    const p = poller(queue, async ({ Records }) => {
      receives.push(...Records.map((r) => r.attributes.ApproximateReceiveCount));
      return Records[0]!.attributes.ApproximateReceiveCount === '1' ? { batchItemFailures: [{ itemIdentifier: 'nobody' }] } : {};
    });
    await until(() => receives.length === 4);
    await until(() => queue.depth.inFlight === 0);
    expect(receives).toEqual(['1', '1', '2', '2']);
    expect(p.batches).toMatchObject({ failed: 1 });
  });

  it('hands over full batches while messages wait, the rest after the window, never more at once than the maximum concurrency', async () => {
    // Prepare: 1,050 messages waiting before the poller starts.
    const queue = new LocalQueue(ARN, spec);
    for (let i = 0; i < 1050; i++) queue.send(String(i), 'x');
    let running = 0;
    let most = 0;
    const sizes: number[] = [];
    // Act
    poller(
      queue,
      async ({ Records }) => {
        running += 1;
        most = Math.max(most, running);
        sizes.push(Records.length);
        await new Promise((r) => setTimeout(r, 50));
        running -= 1;
        return {};
      },
      { batchSize: 200, maxBatchingWindowSeconds: 0.3, maxConcurrency: 3 },
    );
    await until(() => sizes.reduce((a, b) => a + b, 0) === 1050 && queue.depth.inFlight === 0);
    // Assess
    expect(sizes).toEqual([200, 200, 200, 200, 200, 50]);
    expect(most).toBe(3);
    // SQS bills receives and deletes by tens.
    expect(queue.requests).toEqual({ SendMessage: 1050, ReceiveMessage: 105, DeleteMessageBatch: 105 });
  });
});
