import { Aws, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * An alarm that pages the response team as soon as `queue` holds a message (a dead letter: an event
 * nothing could deliver), with `description` saying what to do.
 */
export function pageOnDeadLetters(scope: Construct, id: string, queue: IQueue, topic: ITopic, description: string): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  pageTeam(alarm, topic);
  return alarm;
}

/** Topics whose policy already admits this account's alarms. */
const admitting = new WeakSet<ITopic>();

/** Makes `alarm` publish to the response team's `topic` when it fires, and admits the account's alarms in the topic's policy once. */
export function pageTeam(alarm: Alarm, topic: ITopic): void {
  alarm.addAlarmAction(new SnsAction(topic));
  if (admitting.has(topic)) return;
  admitting.add(topic);
  // The topic's own policy (TLS only, EventBridge) admits no one else, so CloudWatch is refused unless a
  // statement names it; scoped to this account's alarms against the confused deputy
  // (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger). One statement for
  // every alarm, not one each: the stack has dozens, and every publish to the topic is judged against
  // its whole policy. The topic's key admits CloudWatch too (infra/stack.ts).
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      },
    }),
  );
}
