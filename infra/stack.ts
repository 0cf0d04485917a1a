import { CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { alarmPatterns } from './alarm-patterns.js';
import { functionEnvironment, type AppConfig } from './config.js';
import { acknowledgeFindings } from './nag-acknowledgements.js';
import { AlarmIntake } from './constructs/alarm-intake.js';
import { DeliveryEvidence } from './constructs/delivery-evidence.js';
import { SmsDeliveryStatus } from './constructs/sms-delivery-status.js';
import { ApprovalApi } from './constructs/approval-api.js';
import { DataTables } from './constructs/data-tables.js';
import { DecisionSweeper } from './constructs/decision-sweeper.js';
import { RegulatorClocks } from './constructs/regulator-clocks.js';
import { describedFunction, grantDescribed, type FunctionResources } from './constructs/described-function.js';
import { IncidentWorkflow } from './constructs/incident-workflow.js';
import { NotificationChannels } from './constructs/notification-channels.js';
import { IncidentPages } from './constructs/incident-pages.js';
import { Operations } from './constructs/operations.js';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';

export interface BreachNoticeStackProps extends StackProps {
  /** Validated settings (see infra/config.ts). */
  readonly config: AppConfig;
}

/** breach-notice: tables, channels, the approval API, the incident workflow and the alarm rules that start it. */
export class BreachNoticeStack extends Stack {
  constructor(scope: Construct, id: string, props: BreachNoticeStackProps) {
    super(scope, id, props);
    const { config } = props;
    // The stack's own alarms (dashboard, dead letters) take CloudFormation's generated names, which begin
    // with the stack's: under the prefix that marks the security team's alarms, each would open an incident.
    if (config.alarmNamePrefix && this.stackName.toLowerCase().startsWith(config.alarmNamePrefix.toLowerCase())) {
      throw new Error(
        `breach-notice:alarmNamePrefix=${JSON.stringify(config.alarmNamePrefix)}: the stack's name ${JSON.stringify(this.stackName)} begins with it, so its own alarms would start incidents; rename the stack or choose another prefix`,
      );
    }

    const key = new Key(this, 'DataKey', { enableKeyRotation: true, description: 'breach-notice: tables and topics' });
    // EventBridge and CloudWatch alarms publish to the encrypted response-team topic, which needs this key's
    // use granted to them (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com'), new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const data = new DataTables(this, 'Data', { key });
    const channels = new NotificationChannels(this, 'Channels', { templatePrefix: config.templatePrefix, key });
    const pages = new IncidentPages(this, 'IncidentPages');
    // The question form's token key; rotating it only invalidates forms served in the last two hours.
    const questionFormKey = new Secret(this, 'QuestionFormKey', {
      description: 'breach-notice: HMAC key of the public question form tokens',
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    const names = {
      incidentsTable: data.tables.incidents.tableName,
      customersTable: data.tables.customers.tableName,
      deliveriesTable: data.tables.deliveries.tableName,
      idempotencyTable: data.tables.idempotency.tableName,
      responseTeamTopicArn: channels.responseTeamTopic.topicArn,
      // Both exist only further down, and only the functions built after them read them.
      approvalBaseUrl: config.approvalBaseUrl || Lazy.string({ produce: () => approvals.url }),
      stateMachineArn: Lazy.string({ produce: () => workflow.stateMachine.stateMachineArn }),
      configurationSet: channels.configurationSet.configurationSetName,
      publicChannelsTopicArn: channels.publicChannelsTopic.topicArn,
      incidentPagesBucket: pages.bucket.bucketName,
      incidentPagesUrl: pages.url,
      questionFormSecretId: questionFormKey.secretArn,
    };
    const senderDomain = config.senderAddress.split('@')[1]!;
    const resources: FunctionResources = {
      tables: data.tables,
      responseTeamTopic: channels.responseTeamTopic,
      publicChannelsTopic: channels.publicChannelsTopic,
      incidentPages: pages,
      questionFormKey,
      environment: functionEnvironment(config, names),
      ses: {
        identityArns: [config.senderAddress, senderDomain].map((identity) => this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
        configurationSetArn: this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: channels.configurationSet.configurationSetName }),
        templateArnPattern: this.formatArn({ service: 'ses', resource: 'template', resourceName: `${config.templatePrefix}-*` }),
      },
    };

    const approvalPage = describedFunction(this, 'ApprovalPage', 'approval-page', resources.environment);
    const operatorApi = describedFunction(this, 'OperatorApi', 'operator-api', resources.environment);
    const questionForm = describedFunction(this, 'QuestionForm', 'question-form', resources.environment);
    grantDescribed(questionForm, 'question-form', resources);
    const confirmAddress = describedFunction(this, 'ConfirmAddress', 'confirm-address', resources.environment);
    grantDescribed(confirmAddress, 'confirm-address', resources);
    const approvals = new ApprovalApi(this, 'Approvals', {
      handler: approvalPage,
      operatorHandler: operatorApi,
      questionHandler: questionForm,
      confirmationHandler: confirmAddress,
    });
    const workflow = new IncidentWorkflow(this, 'Workflow', resources);
    const withMachine = { ...resources, stateMachine: workflow.stateMachine };
    grantDescribed(approvalPage, 'approval-page', withMachine);
    grantDescribed(operatorApi, 'operator-api', withMachine);
    new DecisionSweeper(this, 'DecisionSweeper', withMachine);
    new RegulatorClocks(this, 'RegulatorClocks', withMachine);
    const deliveryEvidence = new DeliveryEvidence(this, 'DeliveryEvidence', {
      ...resources,
      configurationSetName: channels.configurationSet.configurationSetName,
      responseTeamTopic: channels.responseTeamTopic,
    });
    const smsDeliveryStatus = new SmsDeliveryStatus(this, 'SmsDeliveryStatus', { ...resources, responseTeamTopic: channels.responseTeamTopic });

    const intake = describedFunction(this, 'Intake', 'intake', resources.environment);
    grantDescribed(intake, 'intake', withMachine);
    const alarmIntake = new AlarmIntake(this, 'AlarmIntake', { intake, patterns: alarmPatterns(config), responseTeamTopic: channels.responseTeamTopic });
    // Last: it finds every function built above.
    const operations = new Operations(this, 'Operations', {
      stateMachine: workflow.stateMachine,
      deadLetterQueues: { 'alarm intake': alarmIntake.deadLetterQueue, 'delivery evidence': deliveryEvidence.deadLetterQueue },
      evidenceQueue: deliveryEvidence.queue,
      responseTeamTopic: channels.responseTeamTopic,
      thresholds: config,
    });

    acknowledgeFindings(this, {
      workflow,
      approvals,
      alarmIntake,
      deliveryEvidence,
      smsDeliveryStatus,
      customersTable: data.tables.customers,
      templatePrefix: config.templatePrefix,
      incidentPages: pages,
      questionFormKey,
    });

    new CfnOutput(this, 'ApprovalBaseUrl', { value: names.approvalBaseUrl });
    new CfnOutput(this, 'OperatorInvokePolicyArn', {
      value: approvals.operatorInvokePolicy.managedPolicyArn,
      description: "Attach to the response team: execute-api:Invoke on each of the operator API's routes (<ApprovalBaseUrl>/operator/incidents/...)",
    });
    new CfnOutput(this, 'OperationsDashboardName', { value: operations.dashboard.dashboardName, description: 'The CloudWatch dashboard operators watch' });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ResponseTeamTopicArn', { value: channels.responseTeamTopic.topicArn, description: 'Subscribe the response team here' });
    new CfnOutput(this, 'PublicChannelsTopicArn', { value: channels.publicChannelsTopic.topicArn });
    new CfnOutput(this, 'IncidentPagesUrl', {
      value: names.incidentPagesUrl,
      description: 'CloudFront URL of the incident pages (<url>/<incidentId>/<locale>.html); point a custom domain at it and set incidentPageUrl',
    });
    new CfnOutput(this, 'CustomersTableName', { value: data.tables.customers.tableName });
    new CfnOutput(this, 'IncidentsTableName', { value: data.tables.incidents.tableName });
    new CfnOutput(this, 'SmsDeliveryStatusRoleArn', {
      value: smsDeliveryStatus.role.roleArn,
      description: 'Set as the account SMS setting DeliveryStatusIAMRole, with DeliveryStatusSuccessSamplingRate 100 (docs/deploying.md)',
    });
  }
}
