import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BreachNoticeFunction } from './breach-notice-function.js';
import { describedFunction, grantDescribed, type FunctionResources } from './described-function.js';

export interface DecisionSweeperProps extends FunctionResources {
  /** Whose waiting approvals the sweeper decides. */
  readonly stateMachine: IStateMachine;
  /**
   * How often decided approvals whose callback Step Functions has not accepted are returned again.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
}

/**
 * Re-sends the SendTaskSuccess/Failure of every recorded approval decision whose callback did not
 * land (the approval page's call failed, or escalation carried a decision to a new task), on a schedule.
 */
export class DecisionSweeper extends Construct {
  readonly function: BreachNoticeFunction;

  constructor(scope: Construct, id: string, props: DecisionSweeperProps) {
    super(scope, id);
    this.function = describedFunction(this, 'Function', 'return-decisions', props.environment);
    grantDescribed(this.function, 'return-decisions', props);
    // A missed run is harmless: the next one finds the same markers.
    new Rule(this, 'Schedule', {
      description: 'breach-notice: re-send approval decisions Step Functions has not accepted yet',
      schedule: Schedule.rate(props.interval ?? Duration.minutes(1)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
