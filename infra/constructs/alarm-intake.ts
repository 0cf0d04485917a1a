import { Aws, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventPattern } from '../alarm-patterns.js';

export interface AlarmIntakeProps {
  /** The intake function every rule targets. */
  readonly intake: IFunction;
  /** Rule name -> event pattern (see infra/alarm-patterns.ts). */
  readonly patterns: Record<string, EventPattern>;
  /** Paged when an alarm lands in the dead-letter queue. */
  readonly responseTeamTopic: ITopic;
}

/**
 * EventBridge rules from the security services to the intake. Delivery is retried by EventBridge and
 * then by Lambda's async retries; what still fails lands in one dead-letter queue, and a message there
 * pages the response team. No alarm is dropped silently.
 */
export class AlarmIntake extends Construct {
  readonly deadLetterQueue: Queue;
  readonly rules: Record<string, Rule>;

  constructor(scope: Construct, id: string, props: AlarmIntakeProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    props.intake.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    const target = new LambdaFunction(props.intake, { retryAttempts: 8, maxEventAge: Duration.hours(24), deadLetterQueue: this.deadLetterQueue });
    this.rules = Object.fromEntries(
      Object.entries(props.patterns).map(([name, pattern]) => [
        name,
        new Rule(this, name, { description: `breach-notice: start an incident from ${name}`, eventPattern: pattern as never, targets: [target] }),
      ]),
    );
    const deadLetters = new Alarm(this, 'DeadLetters', {
      alarmDescription: 'An alarm could not be delivered to the breach-notice intake: read the dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    deadLetters.addAlarmAction(new SnsAction(props.responseTeamTopic));
    // The topic's own policy (TLS only, EventBridge) admits no one else, so CloudWatch is refused unless a
    // statement names it; scoped to this alarm in this account against the confused deputy
    // (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger). The topic's key
    // admits CloudWatch too (infra/stack.ts).
    props.responseTeamTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.responseTeamTopic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': deadLetters.alarmArn }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }
}
