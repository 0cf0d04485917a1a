import { Aws, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { EnvironmentValues } from '../../functions/shared/environment.js';
import { environmentOf, FUNCTIONS, type FunctionDescriptor, type FunctionName } from '../functions.js';
import type { TableName } from '../tables.js';
import { BreachNoticeFunction } from './breach-notice-function.js';
import { grantItemActions } from './item-grants.js';

/** SES resources a function that sends email may use. */
export interface SesResources {
  readonly identityArns: string[];
  readonly configurationSetArn: string;
  readonly templateArnPattern: string;
}

/** What descriptors grant on (see `FunctionGrants` in infra/functions.ts). */
export interface FunctionResources {
  readonly tables: Record<TableName, ITable>;
  readonly responseTeamTopic: ITopic;
  readonly ses: SesResources;
  /** Every variable's value; each function receives only those its descriptor lists. */
  readonly environment: EnvironmentValues;
  /** The incident state machine, for functions that start executions or decide approvals. */
  readonly stateMachine?: IStateMachine;
  /** The public channels' topic, for functions that announce the incident page. */
  readonly publicChannelsTopic?: ITopic;
  /** The incident pages' bucket, for functions that write the pages. */
  readonly incidentPages?: { grantWrite(grantee: IGrantable): void };
  /** The question form's HMAC key. */
  readonly questionFormKey?: { grantRead(grantee: IGrantable): unknown };
}

/** The function `name` as its descriptor declares it: handler, timeout, memory and its own variables only. */
export function describedFunction(scope: Construct, id: string, name: FunctionName, environment: EnvironmentValues): BreachNoticeFunction {
  const descriptor: FunctionDescriptor = FUNCTIONS[name];
  return new BreachNoticeFunction(scope, id, {
    handlerName: name,
    timeout: Duration.seconds(descriptor.timeoutSeconds),
    memorySize: descriptor.memoryMB,
    ...(descriptor.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: descriptor.reservedConcurrency } : {}),
    environment: environmentOf(name, environment),
  });
}

/** Grants `fn` what the descriptor of `name` declares, nothing more. Returns whether it may send SMS. */
export function grantDescribed(fn: BreachNoticeFunction, name: FunctionName, resources: FunctionResources): { sendsSms: boolean } {
  const grants: FunctionDescriptor['grants'] = FUNCTIONS[name].grants;
  for (const [table, access] of Object.entries(grants.tables ?? {}) as [TableName, NonNullable<FunctionDescriptor['grants']['tables']>[TableName]][]) {
    if (access === 'read') resources.tables[table].grantReadData(fn);
    else if (access === 'readWrite') resources.tables[table].grantReadWriteData(fn);
    else if (access) grantItemActions(fn, resources.tables[table], access);
  }
  const publishesToTeam =
    typeof grants.publishToResponseTeam === 'function' ? grants.publishToResponseTeam(resources.environment) : grants.publishToResponseTeam === true;
  if (publishesToTeam) resources.responseTeamTopic.grantPublish(fn);
  if (grants.publishToPublicChannels) {
    if (!resources.publicChannelsTopic) throw new Error(`${name} publishes to the public channels' topic, which is not available where it is built`);
    resources.publicChannelsTopic.grantPublish(fn);
  }
  if (grants.readQuestionFormKey) {
    if (!resources.questionFormKey) throw new Error(`${name} reads the question form's key, which is not available where it is built`);
    resources.questionFormKey.grantRead(fn);
  }
  if (grants.writeIncidentPages) {
    if (!resources.incidentPages) throw new Error(`${name} writes the incident pages, whose bucket is not available where it is built`);
    resources.incidentPages.grantWrite(fn);
  }
  if (grants.sendEmail) {
    const { identityArns, configurationSetArn, templateArnPattern } = resources.ses;
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['ses:SendEmail', 'ses:SendBulkEmail'], resources: [...identityArns, configurationSetArn, templateArnPattern] }),
    );
  }
  // GetAccount has no resource-level permissions: '*' (acknowledged in infra/nag-acknowledgements.ts).
  if (grants.readSendQuota) fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
  // Account-level lists, no resource-level permissions either: '*'.
  if (grants.readSuppressionLists)
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:ListSuppressedDestinations', 'sns:ListPhoneNumbersOptedOut'], resources: ['*'] }));
  // The account's SMS settings (whether SMS delivery status is logged): account-level, no resource either: '*'.
  if (grants.readSmsSettings) fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:GetSMSAttributes'], resources: ['*'] }));
  const sendsSms = typeof grants.sendSms === 'function' ? grants.sendSms(resources.environment) : grants.sendSms === true;
  // The SMS Deny covers every topic, so one role cannot do both.
  if (sendsSms && publishesToTeam) throw new Error(`${name} cannot both send SMS and publish to the response team's topic`);
  if (sendsSms) allowSmsOnly(fn);
  if (grants.stateMachine) {
    const machine = resources.stateMachine;
    if (!machine) throw new Error(`${name} needs a grant on the state machine (${grants.stateMachine}), which is not available where it is built`);
    // Decide = SendTaskSuccess/Failure only: no heartbeat, no history (which holds the task tokens).
    if (grants.stateMachine === 'start') machine.grantStartExecution(fn);
    else if (grants.stateMachine === 'list') machine.grant(fn, 'states:ListExecutions');
    else machine.grant(fn, 'states:SendTaskSuccess', 'states:SendTaskFailure');
  }
  return { sendsSms };
}

/**
 * SMS goes to phone numbers, which have no ARN, so the Allow must name '*'; the Deny keeps that from
 * reaching any topic or endpoint (every SNS ARN). A topic grant added to this role later is denied too.
 */
function allowSmsOnly(fn: BreachNoticeFunction): void {
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
  fn.addToRolePolicy(new PolicyStatement({ effect: Effect.DENY, actions: ['sns:Publish'], resources: [`arn:${Aws.PARTITION}:sns:*:*:*`] }));
}
