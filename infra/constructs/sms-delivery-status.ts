import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { FilterPattern, LogGroup, RetentionDays, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { smsStatusLogGroups } from '../../functions/domain/sms-delivery-status.js';
import type { BreachNoticeFunction } from './breach-notice-function.js';
import { pageOnDeadLetters } from './dead-letter-alarm.js';
import { describedFunction, grantDescribed, type FunctionResources } from './described-function.js';

export interface SmsDeliveryStatusProps extends FunctionResources {
  /** Paged when a batch of status records lands in the dead-letter queue. */
  readonly responseTeamTopic: ITopic;
}

/**
 * SMS delivery status as evidence: the role SNS writes its delivery status logs with, the two log
 * groups it writes to (created here, so the subscriptions have something to subscribe to; short
 * retention: each record names a phone number), and a subscription filter on each that hands every
 * record to record-sms-status. SNS only writes them once the account's SMS settings name the role
 * (SetSMSAttributes DeliveryStatusIAMRole, DeliveryStatusSuccessSamplingRate 100): CloudFormation has
 * no resource for those account-wide settings, so they are a deploy step that `npm run preflight`
 * checks (docs/deploying.md).
 */
export class SmsDeliveryStatus extends Construct {
  readonly function: BreachNoticeFunction;
  readonly role: Role;
  readonly logGroups: LogGroup[];
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SmsDeliveryStatusProps) {
    super(scope, id);
    const names = smsStatusLogGroups(Aws.REGION, Aws.ACCOUNT_ID);
    this.logGroups = [
      new LogGroup(this, 'Successes', { logGroupName: names.success, retention: RetentionDays.TWO_WEEKS, removalPolicy: RemovalPolicy.DESTROY }),
      new LogGroup(this, 'Failures', { logGroupName: names.failure, retention: RetentionDays.TWO_WEEKS, removalPolicy: RemovalPolicy.DESTROY }),
    ];
    // The actions a delivery status role needs (https://docs.aws.amazon.com/sns/latest/dg/topics-attrib-prereq.html),
    // on these two groups and their streams only, not AWS's logs:*:*:*.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('sns.amazonaws.com'),
      description: 'breach-notice: SNS writes SMS delivery status to CloudWatch Logs with this role (SetSMSAttributes DeliveryStatusIAMRole)',
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [
          ...[names.success, names.failure].map((name) =>
            Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          ),
          ...this.logGroups.map((g) => g.logGroupArn),
        ],
      }),
    );

    this.function = describedFunction(this, 'Function', 'record-sms-status', props.environment);
    grantDescribed(this.function, 'record-sms-status', props);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // CloudWatch Logs invokes the function asynchronously: Lambda's retries, then the queue.
    this.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.deadLetterQueue) });
    for (const [i, group] of this.logGroups.entries()) {
      new SubscriptionFilter(this, i === 0 ? 'SuccessesToFunction' : 'FailuresToFunction', {
        logGroup: group,
        destination: new LambdaDestination(this.function),
        filterPattern: FilterPattern.allEvents(),
      });
    }
    pageOnDeadLetters(
      this,
      'DeadLetters',
      this.deadLetterQueue,
      props.responseTeamTopic,
      "A batch of SMS delivery status records could not be recorded: read Lambda's invocation record in the sms-delivery-status dead-letter queue, fix the cause, and invoke record-sms-status with its requestPayload (docs/operating.md).",
    );
  }
}
