import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
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
 * Delivery evidence: the configuration set's SES events, on the default bus, to a function that records
 * them against each recipient (functions/steps/record-delivery-evidence.ts). Only this configuration
 * set's events match (SES tags each event with it). Delivery is retried by EventBridge and by Lambda's
 * async retries; what still fails lands in a dead-letter queue that pages the response team.
 */
export class DeliveryEvidence extends Construct {
  readonly function: BreachNoticeFunction;
  readonly rule: Rule;
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
    this.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.deadLetterQueue) });
    this.rule = new Rule(this, 'SesEvents', {
      description: 'breach-notice: SES delivery events of the notices, recorded against each recipient',
      eventPattern: {
        source: ['aws.ses'],
        detailType: SES_EVIDENCE_DETAIL_TYPES,
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSetName] } } },
      },
      targets: [new LambdaFunction(this.function, { retryAttempts: 8, maxEventAge: Duration.hours(24), deadLetterQueue: this.deadLetterQueue })],
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
