import { createHash, randomUUID } from 'node:crypto';
import type { QueueMappingSpec, QueueSpec } from './from-stack.js';

/** A message as SQS keeps it: its body, when it was sent and how often it was received. */
interface Message {
  messageId: string;
  body: string;
  md5OfBody: string;
  senderId: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
  timer?: NodeJS.Timeout;
}

/** A record of a batch, as Lambda hands it to a function (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html). */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string; SentTimestamp: string; SenderId: string; ApproximateFirstReceiveTimestamp: string };
  messageAttributes: Record<string, never>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** The requests a queue served, as SQS bills them (https://aws.amazon.com/sqs/pricing/: each up to 10 messages and 64 KB). */
export interface QueueRequests {
  SendMessage: number;
  ReceiveMessage: number;
  DeleteMessageBatch: number;
}

/** SQS answers ReceiveMessage and DeleteMessageBatch with at most 10 messages each. */
const SQS_MESSAGES_PER_REQUEST = 10;

/**
 * A standard SQS queue in memory: a received message is invisible for the visibility timeout and comes
 * back unless deleted; one received more than the redrive policy's maxReceiveCount moves to its
 * dead-letter queue instead of being received; one older than the retention period is dropped
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html,
 * sqs-dead-letter-queues.html). Neither is scaled with the twin's other waits: the functions' timeouts are
 * real, and a visibility timeout shorter than the reader's would hand a batch still running to another
 * (Lambda's advice is six times the function's timeout: tests/infra/stack.test.ts holds the template to it).
 */
export class LocalQueue {
  readonly requests: QueueRequests = { SendMessage: 0, ReceiveMessage: 0, DeleteMessageBatch: 0 };
  /** Visible messages from `head` on: a queue, not an array shifted a million times. */
  private visible: Message[] = [];
  private head = 0;
  private readonly inFlight = new Map<string, Message>();
  private waiters: (() => void)[] = [];
  private readonly visibilityMs: number;
  private readonly retentionMs: number;

  constructor(
    readonly arn: string,
    spec: Pick<QueueSpec, 'visibilityTimeoutSeconds' | 'retentionSeconds'>,
    private readonly redrive?: { deadLetterQueue: LocalQueue; maxReceiveCount: number },
  ) {
    this.visibilityMs = spec.visibilityTimeoutSeconds * 1000;
    this.retentionMs = spec.retentionSeconds * 1000;
  }

  /** Messages waiting to be received, and those received and not yet deleted. */
  get depth(): { visible: number; inFlight: number } {
    return { visible: this.visible.length - this.head, inFlight: this.inFlight.size };
  }

  /**
   * SQS's ApproximateAgeOfOldestMessage, 0 when empty: a message received three times or more no longer
   * counts (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
   */
  oldestAgeMs(now = Date.now()): number {
    let oldest = now;
    const counted = (m: Message) => {
      if (m.receiveCount < 3) oldest = Math.min(oldest, m.sentAt);
    };
    for (let i = this.head; i < this.visible.length; i++) counted(this.visible[i]!);
    for (const message of this.inFlight.values()) counted(message);
    return now - oldest;
  }

  /** SendMessage: `senderId` names who sent it (SQS's SenderId attribute). */
  send(body: string, senderId: string): string {
    this.requests.SendMessage += 1;
    const message: Message = {
      messageId: randomUUID(),
      body,
      md5OfBody: createHash('md5').update(body).digest('hex'),
      senderId,
      sentAt: Date.now(),
      receiveCount: 0,
    };
    this.enqueue(message);
    return message.messageId;
  }

  /** Up to `max` visible messages (as many ReceiveMessage requests of 10 as that takes), each now invisible for the visibility timeout. */
  receive(max: number, maxBytes = Number.POSITIVE_INFINITY): (Message & { receiptHandle: string })[] {
    const out: (Message & { receiptHandle: string })[] = [];
    let bytes = 0;
    const now = Date.now();
    while (out.length < max && this.head < this.visible.length) {
      const message = this.visible[this.head]!;
      const size = Buffer.byteLength(message.body);
      if (out.length > 0 && bytes + size > maxBytes) break;
      this.visible[this.head++] = undefined as unknown as Message;
      if (now - message.sentAt > this.retentionMs) continue;
      message.receiveCount += 1;
      // The receive past the count moves the message instead (the dead-letter queue keeps its first enqueue time).
      if (this.redrive && message.receiveCount > this.redrive.maxReceiveCount) {
        this.redrive.deadLetterQueue.enqueue({ ...message, receiveCount: 0, timer: undefined });
        continue;
      }
      message.firstReceivedAt ??= now;
      const receiptHandle = randomUUID();
      message.receiptHandle = receiptHandle;
      message.timer = setTimeout(() => this.reappear(receiptHandle), this.visibilityMs);
      message.timer.unref();
      this.inFlight.set(receiptHandle, message);
      bytes += size;
      out.push(message as Message & { receiptHandle: string });
    }
    this.compact();
    this.requests.ReceiveMessage += Math.max(1, Math.ceil(out.length / SQS_MESSAGES_PER_REQUEST));
    return out;
  }

  /** DeleteMessageBatch for these receipts (in requests of 10); a receipt whose message became visible again deletes nothing, as in SQS. */
  delete(receiptHandles: readonly string[]): void {
    if (receiptHandles.length === 0) return;
    this.requests.DeleteMessageBatch += Math.ceil(receiptHandles.length / SQS_MESSAGES_PER_REQUEST);
    for (const handle of receiptHandles) {
      const message = this.inFlight.get(handle);
      if (!message) continue;
      clearTimeout(message.timer);
      this.inFlight.delete(handle);
    }
  }

  /** Resolves when a message is visible (at once if one is). */
  available(): Promise<void> {
    if (this.head < this.visible.length) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Every message, visible or not, for a reader of the dead-letter queue (the twin's tests). */
  bodies(): string[] {
    return [...this.visible.slice(this.head), ...this.inFlight.values()].map((m) => m.body);
  }

  /** Wakes whoever waits in `available()`, messages or not (a poller stopping). */
  wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  stop(): void {
    for (const message of this.inFlight.values()) clearTimeout(message.timer);
    this.inFlight.clear();
    this.wake();
  }

  private enqueue(message: Message): void {
    this.visible.push(message);
    this.wake();
  }

  private reappear(receiptHandle: string): void {
    const message = this.inFlight.get(receiptHandle);
    if (!message) return;
    this.inFlight.delete(receiptHandle);
    message.receiptHandle = undefined;
    message.timer = undefined;
    this.enqueue(message);
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.visible.length) {
      this.visible = this.visible.slice(this.head);
      this.head = 0;
    }
  }
}

/** Lambda's synchronous invocation payload limit, which bounds a batch (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
const PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
/** Without a ScalingConfig, Lambda runs up to 1,250 batches of a queue at once; the function's reserved concurrency is the bound then. */
const DEFAULT_MAX_CONCURRENCY = 1250;

/**
 * An event source mapping from a queue to a function: batches gathered until BatchSize messages, the
 * batching window or 6 MB, each invoking the function synchronously, up to the mapping's maximum
 * concurrency at once; what the function processed is deleted: with ReportBatchItemFailures, every record
 * not named in `batchItemFailures`; an error, or an answer naming a record not in the batch, deletes
 * nothing, and the messages come back after the visibility timeout
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). One gatherer feeds the
 * batches, so a trickle of events fills one batch per window; Lambda starts with five pollers
 * (services-sqs-scaling.html), so at moderate rates AWS invokes more, smaller batches than the twin.
 */
export class QueuePoller {
  private stopped = false;
  private running: Promise<void> | undefined;
  /** Invocations and their outcome, for tests and the bench. */
  readonly batches = { invoked: 0, failed: 0, partiallyFailed: 0 };

  constructor(
    private readonly queue: LocalQueue,
    private readonly mapping: Pick<QueueMappingSpec, 'batchSize' | 'maxBatchingWindowSeconds' | 'reportBatchItemFailures' | 'maxConcurrency'>,
    private readonly invoke: (event: { Records: SqsRecord[] }) => Promise<unknown>,
    private readonly region: string,
    private readonly reservedConcurrency?: number,
  ) {}

  start(): void {
    this.running ??= this.gather();
  }

  /** Stops polling (as disabling the mapping does) once the batches running end; the queue keeps its messages. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.wake();
    await this.running;
  }

  private async gather(): Promise<void> {
    const slots = Math.min(this.mapping.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY, this.reservedConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    const inFlight = new Set<Promise<void>>();
    while (!this.stopped) {
      await this.queue.available();
      if (this.stopped) break;
      const windowEnds = Date.now() + this.mapping.maxBatchingWindowSeconds * 1000;
      while (!this.stopped && this.queue.depth.visible < this.mapping.batchSize && Date.now() < windowEnds)
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, windowEnds - Date.now())));
      while (inFlight.size >= slots) await Promise.race(inFlight);
      const messages = this.queue.receive(this.mapping.batchSize, PAYLOAD_LIMIT_BYTES);
      if (messages.length === 0) continue;
      const batch = this.process(messages).finally(() => inFlight.delete(batch));
      inFlight.add(batch);
    }
    await Promise.all(inFlight);
  }

  private async process(messages: ReturnType<LocalQueue['receive']>): Promise<void> {
    const records = messages.map(
      (m): SqsRecord => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: m.senderId,
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
        },
        messageAttributes: {},
        md5OfBody: m.md5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: this.queue.arn,
        awsRegion: this.region,
      }),
    );
    this.batches.invoked += 1;
    let answer: unknown;
    try {
      answer = await this.invoke({ Records: records });
    } catch {
      this.batches.failed += 1;
      return;
    }
    const failed = this.failedIn(answer, records);
    if (failed === 'all') {
      this.batches.failed += 1;
      return;
    }
    if (failed.size > 0) this.batches.partiallyFailed += 1;
    this.queue.delete(records.filter((r) => !failed.has(r.messageId)).map((r) => r.receiptHandle));
  }

  /** The records the answer names as failed; 'all' when it names one not in the batch or an empty id, as Lambda reads it. */
  private failedIn(answer: unknown, records: SqsRecord[]): Set<string> | 'all' {
    if (!this.mapping.reportBatchItemFailures) return new Set();
    const failures = (answer as { batchItemFailures?: unknown } | null)?.batchItemFailures;
    if (failures === undefined || failures === null) return new Set();
    if (!Array.isArray(failures)) return 'all';
    const ids = new Set(records.map((r) => r.messageId));
    const failed = new Set<string>();
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || !ids.has(id)) return 'all';
      failed.add(id);
    }
    return failed;
  }
}
