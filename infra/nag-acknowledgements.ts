import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { AlarmIntake } from './constructs/alarm-intake.js';
import type { ApprovalApi } from './constructs/approval-api.js';
import type { IncidentWorkflow } from './constructs/incident-workflow.js';

const nag = (rule: string) => `AwsSolutions::AwsSolutions-${rule}`;

/** The CloudFormation logical id of a construct's resource, as cdk-nag prints it. */
function logicalIdOf(construct: Construct): string {
  return Stack.of(construct).resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
}

/**
 * Each cdk-nag finding we accept, scoped to where it occurs, with the reason. Anything not listed
 * here fails `cdk synth`.
 */
export function acknowledgeFindings(
  stack: Stack,
  parts: { workflow: IncidentWorkflow; approvals: ApprovalApi; alarmIntake: AlarmIntake; customersTable: ITable; templatePrefix: string },
): void {
  const ack = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

  ack(stack, nag('IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'),
    'Lets each function write to its own CloudWatch log group and nothing else; AWS maintains it as the Lambda logging baseline.');
  ack(stack, nag('IAM5[Action::kms:GenerateDataKey*]'), "CDK's KMS grants for the stack's own customer-managed key, on that key only.");
  ack(stack, nag('IAM5[Action::kms:ReEncrypt*]'), "CDK's KMS grants for the stack's own customer-managed key, on that key only.");
  ack(stack, nag('IAM5[Resource::*]'),
    'X-Ray PutTraceSegments/PutTelemetryRecords and Step Functions log delivery support no resource scoping; SNS SMS publishing targets phone numbers, which have no ARN.');

  ack(stack, nag(`IAM5[Resource::<${logicalIdOf(parts.customersTable)}.Arn>/index/*]`),
    'Impact assessment and sending query the byResource index of the customers table; CDK grants its indexes as <table>/index/*.');
  ack(stack, nag(`IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:template/${parts.templatePrefix}-*]`),
    `Only this stack's templates, named ${parts.templatePrefix}-<kind>-<locale>, one per notice kind and locale.`);
  for (const fn of Object.values(parts.workflow.steps)) {
    ack(parts.workflow.stateMachine, nag(`IAM5[Resource::<${logicalIdOf(fn)}.Arn>:*]`),
      'Invoking the step function by any version or alias of that one function, as CDK grants it.');
  }
  ack(parts.approvals, nag('APIG4'),
    'Approvers are outside any identity pool and reach the page from an email. The capability is the random 256-bit link id (only its hash is stored), bound to one approver, expiring, single-decision; GET changes nothing.');
  ack(parts.alarmIntake.deadLetterQueue, nag('SQS3'), 'This queue is the dead-letter queue of the alarm rules and the intake; a message here pages the response team.');
}
