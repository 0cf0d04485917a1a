import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, EventField } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { Effect, type Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { TableName } from '../tables.js';
import { DEFINITION_PATH, WORKFLOW_STEPS, type WorkflowStepEntry, type WorkflowStepKey } from '../workflow-definition.js';
import { BreachNoticeFunction } from './breach-notice-function.js';

export interface IncidentWorkflowProps {
  readonly tables: Record<TableName, ITable>;
  readonly responseTeamTopic: ITopic;
  /** Environment every step receives (see `functionEnvironment`). */
  readonly environment: Record<string, string>;
  /** SES resources the sending steps may use. */
  readonly ses: { identityArns: string[]; configurationSetArn: string; templateArnPattern: string };
}

/**
 * The incident workflow: one function per Lambda step of `statemachines/incident-response.asl.json`,
 * the Standard state machine built from that file with their ARNs substituted, logging ALL without
 * execution data, X-Ray on, each step granted only what it touches, and a page on any failed run.
 */
export class IncidentWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly steps: Record<WorkflowStepEntry, BreachNoticeFunction>;
  /** Steps that send SMS: sns:Publish on '*' with every SNS ARN denied. */
  readonly smsSenders: BreachNoticeFunction[] = [];

  constructor(scope: Construct, id: string, props: IncidentWorkflowProps) {
    super(scope, id);
    const { tables } = props;
    const timeouts: Partial<Record<WorkflowStepEntry, Duration>> = { 'send-notices': Duration.minutes(15), 'assess-impact': Duration.minutes(10), 'send-final-report': Duration.minutes(2) };
    const memory: Partial<Record<WorkflowStepEntry, number>> = { 'send-notices': 1024, 'assess-impact': 1024 };
    this.steps = {} as Record<WorkflowStepEntry, BreachNoticeFunction>;
    const substitutions = {} as Record<WorkflowStepKey, string>;
    for (const [key, entry] of Object.entries(WORKFLOW_STEPS) as [WorkflowStepKey, WorkflowStepEntry][]) {
      const fn = new BreachNoticeFunction(this, pascal(entry), {
        handlerName: entry,
        timeout: timeouts[entry],
        memorySize: memory[entry],
        environment: {
          ...props.environment,
          // The claim lease must outlive the function, so a live sender is never taken over.
          ...(entry === 'send-notices' ? { CLAIM_LEASE_SECONDS: String(15 * 60 + 60) } : {}),
        },
      });
      this.steps[entry] = fn;
      substitutions[key] = fn.functionArn;
    }
    const s = this.steps;

    tables.incidents.grantReadWriteData(s['assess-impact']);
    tables.customers.grantReadData(s['assess-impact']);
    tables.incidents.grantReadWriteData(s['page-response-team']);
    tables.idempotency.grantReadWriteData(s['page-response-team']);
    props.responseTeamTopic.grantPublish(s['page-response-team']);
    tables.incidents.grantReadWriteData(s['draft-notice']);
    tables.incidents.grantReadWriteData(s['request-approval']);
    tables.incidents.grantReadWriteData(s['send-notices']);
    tables.customers.grantReadData(s['send-notices']);
    tables.deliveries.grantReadWriteData(s['send-notices']);
    tables.incidents.grantReadWriteData(s['plan-next-update']);
    tables.incidents.grantReadWriteData(s['send-final-report']);
    tables.deliveries.grantReadData(s['send-final-report']);
    tables.idempotency.grantReadWriteData(s['send-final-report']);
    props.responseTeamTopic.grantPublish(s['send-final-report']);

    const sesResources = [...props.ses.identityArns, props.ses.configurationSetArn, props.ses.templateArnPattern];
    for (const entry of ['request-approval', 'send-notices', 'send-final-report'] as const) {
      s[entry].addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail', 'ses:SendBulkEmail'], resources: sesResources }));
    }
    this.smsSenders.push(s['send-notices']);
    if (props.environment.APPROVAL_CODE_CHANNEL === 'sms') this.smsSenders.push(s['request-approval']);
    for (const fn of this.smsSenders) allowSmsOnly(fn);

    const logGroup = new LogGroup(this, 'ExecutionLogs', { retention: RetentionDays.ONE_YEAR });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(DEFINITION_PATH),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      // ALL levels, but without inputs and outputs: history and logs carry ids, never customer data.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    for (const fn of Object.values(this.steps)) fn.grantInvoke(this.stateMachine);

    new Rule(this, 'RunEndedBadly', {
      description: 'breach-notice: page the response team when an incident execution fails, times out or is stopped',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [this.stateMachine.stateMachineArn] },
      },
      targets: [
        new SnsTopic(props.responseTeamTopic, {
          message: RuleTargetInput.fromText(
            `Incident execution ${EventField.fromPath('$.detail.name')} ended ${EventField.fromPath('$.detail.status')} in ${Stack.of(this).region}: ${EventField.fromPath('$.detail.executionArn')}`,
          ),
        }),
      ],
    });
  }

  /**
   * Lets `grantee` decide a waiting approval: SendTaskSuccess and SendTaskFailure on this state machine
   * only (no heartbeat, no history). Whoever holds this and can read a task token can resume the run.
   */
  grantTaskDecision(grantee: IGrantable): Grant {
    return this.stateMachine.grant(grantee, 'states:SendTaskSuccess', 'states:SendTaskFailure');
  }
}

/**
 * SMS goes to phone numbers, which have no ARN, so the Allow must name '*'; the Deny keeps that from
 * reaching any topic or endpoint (every SNS ARN). A topic grant added to this role later is denied too.
 */
function allowSmsOnly(fn: BreachNoticeFunction): void {
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
  fn.addToRolePolicy(new PolicyStatement({ effect: Effect.DENY, actions: ['sns:Publish'], resources: [`arn:${Aws.PARTITION}:sns:*:*:*`] }));
}

function pascal(entry: string): string {
  return entry.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
