import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Rule, RuleTargetInput, EventField } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DEFINITION_PATH, pascalCase, substitutionKey, WORKFLOW_STEPS, type WorkflowStep } from '../workflow-definition.js';
import type { BreachNoticeFunction } from './breach-notice-function.js';
import { describedFunction, grantDescribed, type FunctionResources } from './described-function.js';

/** No state machine: a step granted on the machine that invokes it would be a circular dependency. */
export type IncidentWorkflowProps = Omit<FunctionResources, 'stateMachine'>;

/**
 * The incident workflow: one function per `workflowStep` of infra/functions.ts, built and granted from
 * its descriptor, the Standard state machine built from `statemachines/incident-response.asl.json` with
 * their ARNs substituted, logging ALL without execution data, X-Ray on, and a page on any failed run.
 */
export class IncidentWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly steps: Record<WorkflowStep, BreachNoticeFunction>;
  /** Steps that send SMS: sns:Publish on '*' with every SNS ARN denied. */
  readonly smsSenders: BreachNoticeFunction[] = [];
  /** What the Distributed Map of the send states needs: start, watch and stop its own child executions. */
  readonly mapRunPolicy: Policy;

  constructor(scope: Construct, id: string, props: IncidentWorkflowProps) {
    super(scope, id);
    this.steps = {} as Record<WorkflowStep, BreachNoticeFunction>;
    const substitutions: Record<string, string> = {};
    for (const step of WORKFLOW_STEPS) {
      const fn = describedFunction(this, pascalCase(step), step, props.environment);
      if (grantDescribed(fn, step, props).sendsSms) this.smsSenders.push(fn);
      this.steps[step] = fn;
      substitutions[substitutionKey(step)] = fn.functionArn;
    }

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
    // A separate policy, not the role's default one: the machine's resource depends on that, and this names the machine.
    const executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachine.stateMachineName}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.mapRunPolicy = new Policy(this, 'MapRunPolicy', {
      roles: [this.stateMachine.role],
      statements: [
        new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }),
        new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [executions] }),
      ],
    });

    // The team's wait resumes its own task when the answer came before the token was stored.
    new Policy(this, 'WaitForTeamResumePolicy', {
      roles: [this.steps['wait-for-team'].role!],
      statements: [new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [this.stateMachine.stateMachineArn] })],
    });

    // A long incident goes on in a new execution of this machine (functions/steps/start-next-execution.ts): that start only.
    new Policy(this, 'StartNextExecutionPolicy', {
      roles: [this.steps['start-next-execution'].role!],
      statements: [new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] })],
    });

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
}
