import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { AlarmIntake } from './constructs/alarm-intake.js';
import type { DeliveryEvidence } from './constructs/delivery-evidence.js';
import type { SmsDeliveryStatus } from './constructs/sms-delivery-status.js';
import type { ApprovalApi } from './constructs/approval-api.js';
import { BreachNoticeFunction } from './constructs/breach-notice-function.js';
import { FUNCTIONS, type FunctionGrants } from './functions.js';
import type { IncidentWorkflow } from './constructs/incident-workflow.js';
import type { IncidentPages } from './constructs/incident-pages.js';

const nag = (rule: string) => `AwsSolutions::AwsSolutions-${rule}`;

/** The CloudFormation logical id of a construct's resource, as cdk-nag prints it. */
function logicalIdOf(construct: Construct): string {
  return Stack.of(construct).resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
}

const ack = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

/** The stack's functions whose descriptor (infra/functions.ts) grants `grant`. */
const granted = (stack: Stack, grant: keyof FunctionGrants) =>
  stack.node
    .findAll()
    .filter(
      (c): c is BreachNoticeFunction =>
        c instanceof BreachNoticeFunction && Boolean((FUNCTIONS[c.handlerName as keyof typeof FUNCTIONS]?.grants as FunctionGrants | undefined)?.[grant]),
    );

/**
 * Each cdk-nag finding we accept, on the construct where it occurs (a function's role, the state
 * machine, the API, the queue), with the reason. Nothing is acknowledged stack-wide: anything not
 * listed here fails `cdk synth`.
 */
export function acknowledgeFindings(
  stack: Stack,
  parts: {
    workflow: IncidentWorkflow;
    approvals: ApprovalApi;
    alarmIntake: AlarmIntake;
    deliveryEvidence: DeliveryEvidence;
    smsDeliveryStatus: SmsDeliveryStatus;
    customersTable: ITable;
    templatePrefix: string;
    incidentPages?: IncidentPages;
    questionFormKey?: Construct;
  },
): void {
  const { workflow } = parts;

  // Every BreachNoticeFunction traces with X-Ray and reads or writes a table encrypted with the stack's key.
  for (const fn of stack.node.findAll().filter((c): c is BreachNoticeFunction => c instanceof BreachNoticeFunction)) {
    const role = fn.role!;
    const sms = workflow.smsSenders.includes(fn);
    const quota = fn === workflow.steps['prepare-sending'];
    const smsSettings = granted(stack, 'readSmsSettings').includes(fn);
    ack(
      role,
      nag('IAM5[Resource::*]'),
      'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource (active tracing).' +
        (sms ? ' sns:Publish for SMS: phone numbers have no ARN; a Deny on every SNS ARN in the same policy keeps it off topics.' : '') +
        (quota
          ? ' ses:GetAccount (the send quota), ses:ListSuppressedDestinations and sns:ListPhoneNumbersOptedOut (account-level lists) accept no resource.'
          : '') +
        (smsSettings ? ' sns:GetSMSAttributes (the account-level SMS settings) accepts no resource.' : ''),
    );
    ack(role, nag('IAM5[Action::kms:GenerateDataKey*]'), "CDK's grant on the stack's own customer-managed key, on that key only.");
    ack(role, nag('IAM5[Action::kms:ReEncrypt*]'), "CDK's grant on the stack's own customer-managed key, on that key only.");
  }

  for (const fn of [workflow.steps['assess-impact'], workflow.steps['send-notices']]) {
    ack(
      fn.role!,
      nag(`IAM5[Resource::<${logicalIdOf(parts.customersTable)}.Arn>/index/*]`),
      "CDK's read grant on the customers table adds its indexes as <table>/index/*; these functions read items by key and (assess-impact) scan segments.",
    );
  }
  for (const fn of granted(stack, 'sendEmail')) {
    ack(
      fn.role!,
      nag(`IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:template/${parts.templatePrefix}-*]`),
      `Only this stack's templates, named ${parts.templatePrefix}-<kind>-<locale>, one per notice kind and locale.`,
    );
  }

  const machineRole = workflow.stateMachine.role;
  ack(
    machineRole,
    nag('IAM5[Resource::*]'),
    'Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray PutTraceSegments accept no resource; CDK adds them for logging and tracing.',
  );
  for (const fn of Object.values(workflow.steps)) {
    ack(
      machineRole,
      nag(`IAM5[Resource::<${logicalIdOf(fn)}.Arn>:*]`),
      'Invoking the step function by any version or alias of that one function, as CDK grants it.',
    );
  }

  ack(
    workflow.mapRunPolicy,
    nag(`IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${logicalIdOf(workflow.stateMachine)}.Name>/*]`),
    "The send states' Distributed Map describes and stops its own child executions, whose names it chooses: executions of this state machine only.",
  );
  ack(
    parts.approvals,
    nag('APIG4'),
    'Approvers are outside any identity pool and reach the page from an email. The capability is the random 256-bit link id (only its hash is stored), bound to one approver, expiring, single-decision; GET changes nothing. Askers confirming their address for an answer hold the same kind of link, single use, expiring.',
  );
  const apiId = logicalIdOf(parts.approvals.api);
  for (const route of parts.approvals.operatorRoutes) {
    for (const method of route.methods) {
      ack(
        parts.approvals.operatorInvokePolicy,
        nag(`IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/*/${method}${route.path.replace(/\{\w+\}/g, '*')}]`),
        'execute-api:Invoke on one operator route of this API: the first * is the stage (the API has only $default), the others the incident id (and question id) in the path, which an execute-api ARN can only match with a wildcard.',
      );
    }
  }
  if (parts.incidentPages) {
    const distribution = parts.incidentPages.distribution;
    ack(distribution, nag('CFR1'), 'The incident pages are for every affected customer, wherever they are: no country may be blocked from reading them.');
    ack(
      distribution,
      nag('CFR2'),
      'Static pages only (GET/HEAD, no origin logic, no forms: questions go to the throttled HTTP API); add a WAF web ACL with the custom domain if wanted.',
    );
    ack(
      distribution,
      nag('CFR4'),
      'With the default *.cloudfront.net certificate CloudFront cannot enforce a minimum TLS version; minimumProtocolVersion TLSv1.2_2021 is set and applies as soon as a custom domain and certificate are attached.',
    );
    if (parts.questionFormKey) {
      ack(
        parts.questionFormKey,
        nag('SMG4'),
        'An HMAC key for form tokens that live two hours, not a credential to a system, and no rotation function is deployed. It rotates by a new version (PutSecretValue): every instance signs with AWSCURRENT within 5 minutes and still accepts AWSPREVIOUS, so forms served before a rotation stay good (functions/adapters/secret-key.ts).',
      );
    }
    const pagesId = logicalIdOf(parts.incidentPages.bucket);
    for (const fn of granted(stack, 'writeIncidentPages')) {
      ack(
        fn.role!,
        nag(`IAM5[Resource::<${pagesId}.Arn>/*]`),
        's3:PutObject (only) on the incident pages bucket: one object per incident and locale, named by the incident id.',
      );
    }
  }
  ack(
    parts.alarmIntake.deadLetterQueue,
    nag('SQS3'),
    'This queue is the dead-letter queue of the alarm rules and the intake; a message here pages the response team.',
  );
  ack(
    parts.deliveryEvidence.deadLetterQueue,
    nag('SQS3'),
    'This queue is the dead-letter queue of the SES delivery-evidence rule and of the evidence queue (after 5 receives); a message here pages the response team.',
  );
  ack(
    parts.smsDeliveryStatus.deadLetterQueue,
    nag('SQS3'),
    "This queue is the dead-letter queue of the SMS delivery status function's asynchronous invocations; a message here pages the response team.",
  );
}
