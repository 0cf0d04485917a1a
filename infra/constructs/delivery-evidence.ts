import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTIONS } from '../functions.js';
import { pageOnDeadLetters } from './dead-letter-alarm.js';
import type { BreachNoticeFunction } from './breach-notice-function.js';
import { describedFunction, grantDescribed, type FunctionResources } from './described-function.js';

export interface DeliveryEvidenceProps extends FunctionResources {
  /** The configuration set every notice is sent with; its events go to the default bus (constructs/notification-channels.ts). */
  readonly configurationSetName: string;
  /** Paged when an event lands in the dead-letter queue. */
  readonly responseTeamTopic: ITopic;
}

/** SES's detail-types for the event types the configuration set publishes (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ses.html). */
export const SES_EVIDENCE_DETAIL_TYPES = [
  'Email Sent',
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
  'Email Rejected',
  'Email Delivery Delayed',
  'Email Rendering Failed',
];

/**
 * How the function reads the queue. A notice to a million customers brings two million events: read 200
 * at a time (waiting up to 2 s to fill a batch), each recipient's events of a batch are one write and each
 * notice's counts one more, instead of an invocation and two writes per event
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
 */
export const EVIDENCE_BATCH = {
  batchSize: 200,
  maxBatchingWindowSeconds: 2,
  /** Batches at once: the function's reserved concurrency, so the poller is never throttled (same page, "maximum concurrency"). */
  maxConcurrency: FUNCTIONS['record-delivery-evidence'].reservedConcurrency,
  /** Receives before a message goes to the dead-letter queue: at least 5, Lambda's advice for partial batch failures to settle. */
  maxReceiveCount: 5,
} as const;

/**
 * Delivery evidence: the configuration set's SES events, on the default bus, into a queue that a function
 * reads in batches (functions/steps/record-delivery-evidence.ts) and records against each recipient. Only
 * this configuration set's events match (SES tags each event with it). EventBridge retries delivery to the
 * queue; a record the function fails on is received again, up to `maxReceiveCount` times; what still
 * fails, either way, lands in a dead-letter queue that pages the response team.
 */
export class DeliveryEvidence extends Construct {
  readonly function: BreachNoticeFunction;
  readonly rule: Rule;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DeliveryEvidenceProps) {
    super(scope, id);
    this.function = describedFunction(this, 'Function', 'record-delivery-evidence', props.environment);
    grantDescribed(this.function, 'record-delivery-evidence', props);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's advice: at least six times the function's timeout, so a batch retried by the poller is not received twice meanwhile (same page).
      visibilityTimeout: Duration.seconds(6 * FUNCTIONS['record-delivery-evidence'].timeoutSeconds),
      // SQS's default, far beyond any backlog; shorter than the dead-letter queue's 14 days, which count from the first
      // enqueue (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: EVIDENCE_BATCH.maxReceiveCount },
    });
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: EVIDENCE_BATCH.batchSize,
        maxBatchingWindow: Duration.seconds(EVIDENCE_BATCH.maxBatchingWindowSeconds),
        maxConcurrency: EVIDENCE_BATCH.maxConcurrency,
        // The function answers which records failed; the others are deleted (functions/handlers/record-delivery-evidence.ts).
        reportBatchItemFailures: true,
      }),
    );
    this.rule = new Rule(this, 'SesEvents', {
      description: 'breach-notice: SES delivery events of the notices, recorded against each recipient',
      eventPattern: {
        source: ['aws.ses'],
        detailType: SES_EVIDENCE_DETAIL_TYPES,
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSetName] } } },
      },
      targets: [new SqsQueue(this.queue, { retryAttempts: 8, maxEventAge: Duration.hours(24), deadLetterQueue: this.deadLetterQueue })],
    });
    pageOnDeadLetters(
      this,
      'DeadLetters',
      this.deadLetterQueue,
      props.responseTeamTopic,
      'An SES delivery event could not be recorded: read the delivery-evidence dead-letter queue, fix the cause, and redrive it.',
    );
  }
}
