import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pageOnDeadLetters } from './dead-letter-alarm.js';
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
    pageOnDeadLetters(
      this,
      'DeadLetters',
      this.deadLetterQueue,
      props.responseTeamTopic,
      'An alarm could not be delivered to the breach-notice intake: read the dead-letter queue.',
    );
  }
}
