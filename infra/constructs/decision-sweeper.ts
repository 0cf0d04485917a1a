import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BreachNoticeFunction } from './breach-notice-function.js';
import type { IncidentWorkflow } from './incident-workflow.js';
import { grantItemActions } from './item-grants.js';

export interface DecisionSweeperProps {
  readonly incidentsTable: ITable;
  readonly workflow: IncidentWorkflow;
  /** Paged when Step Functions no longer waits for a recorded decision. */
  readonly responseTeamTopic: ITopic;
  /**
   * How often decided-but-undelivered approvals are re-sent.
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
    this.function = new BreachNoticeFunction(this, 'Function', {
      handlerName: 'redeliver-decisions',
      environment: { INCIDENTS_TABLE: props.incidentsTable.tableName, RESPONSE_TEAM_TOPIC_ARN: props.responseTeamTopic.topicArn },
    });
    grantItemActions(this.function, props.incidentsTable, [
      { prefixes: ['CALLBACK#'], actions: ['Query', 'DeleteItem'] },
      { prefixes: ['INC#'], actions: ['GetItem', 'UpdateItem', 'PutItem'] },
    ]);
    props.workflow.grantTaskDecision(this.function);
    props.responseTeamTopic.grantPublish(this.function);
    // A missed run is harmless: the next one finds the same markers.
    new Rule(this, 'Schedule', {
      description: 'breach-notice: re-send approval decisions Step Functions has not accepted yet',
      schedule: Schedule.rate(props.interval ?? Duration.minutes(1)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
