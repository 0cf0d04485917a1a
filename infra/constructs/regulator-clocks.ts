import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { BreachNoticeFunction } from './breach-notice-function.js';
import { describedFunction, grantDescribed, type FunctionResources } from './described-function.js';

export interface RegulatorClocksProps extends FunctionResources {
  /**
   * How often the clocks are checked: the lateness of a reminder, and of the MISSED page at a regulator's
   * deadline or at the time customers were promised an update, at most.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
}

/**
 * The clocks' sweep: a scheduled function that sends the response team each reminder before a
 * regulator's deadline once and pages "MISSED" from the deadline on, until the obligation is recorded
 * as filed or marked not applicable (functions/domain/obligations); and pages "MISSED" once when the
 * time a notice promised customers for the next update comes with none sent (functions/domain/promises.ts).
 */
export class RegulatorClocks extends Construct {
  readonly function: BreachNoticeFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: RegulatorClocksProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(1);
    if (interval.toMinutes() < 1 || interval.toMinutes() > 60) throw new Error(`RegulatorClocks interval must be 1 to 60 minutes, got ${interval.toMinutes()}`);
    this.function = describedFunction(this, 'Function', 'regulator-clocks', props.environment);
    grantDescribed(this.function, 'regulator-clocks', props);
    // A missed or overlapping run is harmless: every reminder and page is claimed by a conditional write.
    this.schedule = new Rule(this, 'Schedule', {
      description: "breach-notice: regulators' clocks and customers' promised updates, reminders before each deadline and a page when one is missed",
      schedule: Schedule.rate(interval),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
