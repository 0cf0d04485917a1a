import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../infra/config.js';
import { BreachNoticeStack } from '../../infra/stack.js';
import { DEFINITION_PATH, placeholdersIn, substitutionKey, WORKFLOW_STEPS } from '../../infra/workflow-definition.js';
import { supportedLocales } from '../../functions/domain/locales.js';

const context = {
  'breach-notice:senderAddress': 'notices@example.com',
  'breach-notice:approverEmails': 'a1@example.com,a2@example.com',
  'breach-notice:backupApproverEmails': 'b1@example.com',
  'breach-notice:guardDutySeverityThreshold': '6',
};

function synth(extra: Record<string, unknown> = {}) {
  // Skipping bundling keeps this fast; `npm run synth` bundles for real.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context, ...extra } });
  const stack = new BreachNoticeStack(app, 'Test', { config: parseAppConfig((k) => app.node.tryGetContext(k)) });
  return { app, stack };
}

let template: Template;
beforeAll(() => {
  template = Template.fromStack(synth().stack);
});

describe('the stack', () => {
  it('starts incidents from five EventBridge rules with retries and one dead-letter queue', () => {
    // Five alarm rules, the failed-run rule, the decision sweeper's schedule, the regulators' clocks' schedule and the SES delivery evidence.
    template.resourceCountIs('AWS::Events::Rule', 9);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 6] }] } },
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.securityhub'], detail: { findings: { Severity: { Label: ['HIGH', 'CRITICAL'] }, RecordState: ['ACTIVE'] } } },
    });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.macie'], 'detail-type': ['Macie Finding'] } });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.cloudwatch'], detail: { alarmName: [{ prefix: 'security-' }], state: { value: ['ALARM'] } } },
    });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['breach-notice.manual'], 'detail-type': ['Security Incident Reported'] } });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0 });
  });

  it('records SES delivery events of this configuration set only, through a queue read in batches, with a dead-letter queue that pages', () => {
    const [configurationSet] = Object.keys(template.findResources('AWS::SES::ConfigurationSet'));
    const queueArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeliveryEvidenceQueue'), 'Arn'] };
    const deadLetterArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeliveryEvidenceDeadLetterQueue'), 'Arn'] };
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': [
          'Email Sent',
          'Email Delivered',
          'Email Bounced',
          'Email Complaint Received',
          'Email Rejected',
          'Email Delivery Delayed',
          'Email Rendering Failed',
        ],
        detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: configurationSet }] } } },
      },
      Targets: [
        Match.objectLike({
          Arn: queueArn,
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: Match.objectLike({ Arn: deadLetterArn }),
        }),
      ],
    });
    // Lambda's advice for a queue it reads: visibility at least 6x the function's timeout, at least 5 receives before the dead letters.
    const [evidenceFunction] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('DeliveryEvidenceFunction'));
    const [, queue] = Object.entries(template.findResources('AWS::SQS::Queue')).find(([id]) => id.startsWith('DeliveryEvidenceQueue'))!;
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * evidenceFunction![1].Properties.Timeout);
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    expect(queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]).toMatch(/^DeliveryEvidenceDeadLetterQueue/);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueArn,
      FunctionName: { Ref: evidenceFunction![0] },
      BatchSize: 200,
      MaximumBatchingWindowInSeconds: 2,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    // The poller never runs more batches than the function may: reserved concurrency >= maximum concurrency.
    expect(evidenceFunction?.[1].Properties.ReservedConcurrentExecutions).toBe(10);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeliveryEvidenceDeadLetterQueue'), 'QueueName'] } }],
      AlarmActions: [Match.anyValue()],
    });
  });

  it("records SMS delivery status: SNS's two log groups, a subscription on each to the function, a role SNS writes them with on those groups only", () => {
    // Prepare: the log groups SNS writes to in this account and region.
    const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: { 'Fn::Join': Match.anyValue() } } });
    const names = Object.entries(groups)
      .filter(([id]) => id.startsWith('SmsDeliveryStatus'))
      .map(([id, g]) => [id, JSON.stringify(g.Properties.LogGroupName)] as const);
    // Assess
    expect(names.map(([, n]) => n.replace(/.*AccountId"\},"/, '').replace(/"\]\]\}$/, '')).sort()).toEqual([
      '/DirectPublishToPhoneNumber',
      '/DirectPublishToPhoneNumber/Failure',
    ]);
    for (const [id] of names) {
      template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
        LogGroupName: { Ref: id },
        FilterPattern: '',
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SmsDeliveryStatusFunction'), 'Arn'] },
      });
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sns.amazonaws.com' } })] },
    });
    const [, policy] = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('SmsDeliveryStatusRoleDefaultPolicy'))!;
    const statements = policy.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown[] }[];
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(JSON.stringify(statements[0]!.Resource)).not.toMatch(/"\*"|logs:\*/);
    template.hasOutput('SmsDeliveryStatusRoleArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SmsDeliveryStatusRole'), 'Arn'] } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SmsDeliveryStatusDeadLetterQueue'), 'QueueName'] } }],
      AlarmActions: [Match.anyValue()],
    });
  });

  it('deploys the definition file with a substitution for every placeholder, logging ALL without data, X-Ray on', () => {
    const placeholders = placeholdersIn(readFileSync(DEFINITION_PATH, 'utf8'));
    // Every placeholder names a step function, and every step function is invoked.
    expect(placeholders).toEqual(WORKFLOW_STEPS.map(substitutionKey).sort());
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(Object.keys(machine!.Properties.DefinitionSubstitutions).sort()).toEqual(placeholders);
    expect(machine!.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.states'], detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] } } });
  });

  it('keeps data in four encrypted, on-demand, point-in-time-recoverable, deletion-protected tables', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(4);
    for (const t of tables) {
      expect(t.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      });
      expect(t.DeletionPolicy).toBe('Retain');
    }
    expect(
      tables
        .filter((t) => t.Properties.TimeToLiveSpecification?.Enabled)
        .map((t) => t.Properties.TimeToLiveSpecification.AttributeName)
        .sort(),
    ).toEqual(['expiration', 'ttl']);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        // A number to the customers who gave it, keys only: the directory's contact details stay out of the index.
        Match.objectLike({ IndexName: 'byPhone', Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ],
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('runs every function on the newest Node.js runtime, arm64, traced, with its own log retention', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    // publish-incident-page stands alone until the workflow's definition calls it.
    const publishIncidentPageAlone = (WORKFLOW_STEPS as readonly string[]).includes('publish-incident-page') ? 0 : 1;
    // The fifth besides the workflow's: the regulators' clocks sweep (infra/constructs/regulator-clocks.ts).
    // And the sixth: question-form, the public question form behind the HTTP API; the seventh: confirm-address, where askers confirm their address;
    // the eighth: record-delivery-evidence, reading the SES events' queue; the ninth: record-sms-status, of the SMS status logs' subscriptions.
    expect(functions).toHaveLength(WORKFLOW_STEPS.length + 9 + publishIncidentPageAlone);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    // SNS's SMS delivery status groups name phone numbers and are read once, by record-sms-status: two weeks.
    for (const [id, lg] of Object.entries(template.findResources('AWS::Logs::LogGroup')))
      expect(lg.Properties.RetentionInDays, id).toBe(/^SmsDeliveryStatus(Successes|Failures)/.test(id) ? 14 : 365);
  });

  it('serves the approval pages on GET, HEAD and POST, access-logged (route, not path) and throttled', () => {
    for (const method of ['GET', 'HEAD', 'POST']) template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${method} /approvals/{linkId}` });
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage!.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    expect(stage!.Properties.AccessLogSettings.Format).toContain('$context.routeKey');
    expect(stage!.Properties.AccessLogSettings.Format).not.toContain('$context.path');
  });

  it('ships templates for every notice kind in every supported locale, a configuration set and encrypted TLS-only topics', () => {
    const names = Object.values(template.findResources('AWS::SES::Template'))
      .map((t) => t.Properties.Template.TemplateName)
      .sort();
    expect(names).toEqual(supportedLocales.flatMap((l) => ['first-notice', 'update', 'closing', 'final-report'].map((k) => `breach-notice-${k}-${l}`)).sort());
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    for (const topic of Object.values(template.findResources('AWS::SNS::Topic'))) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('grants each function only what it touches', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const actionsOf = (fragment: string) => {
      const [, policy] = Object.entries(policies).find(([id]) => id.startsWith(fragment)) ?? [];
      if (!policy) throw new Error(`No IAM policy whose id starts with ${fragment}`);
      return new Set((policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat()));
    };
    expect([...actionsOf('ApprovalPage')]).toEqual(expect.arrayContaining(['states:SendTaskSuccess', 'states:SendTaskFailure']));
    expect([...actionsOf('ApprovalPage')]).toContain('sns:Publish');
    expect([...actionsOf('ApprovalPage')].some((a) => a.startsWith('ses:') || a === 'states:StartExecution')).toBe(false);
    expect([...actionsOf('Intake')]).toEqual(expect.arrayContaining(['states:StartExecution', 'sns:Publish']));
    expect([...actionsOf('Intake')].some((a) => a.startsWith('ses:'))).toBe(false);
    expect([...actionsOf('WorkflowSendNotices')]).toEqual(expect.arrayContaining(['ses:SendBulkEmail', 'sns:Publish']));
    expect([...actionsOf('WorkflowDraftNotice')].some((a) => a.startsWith('ses:') || a.startsWith('sns:') || a.startsWith('states:'))).toBe(false);
    expect([...actionsOf('WorkflowAssessImpact')].some((a) => a.startsWith('ses:') || a.startsWith('sns:'))).toBe(false);
  });

  it('lets only the approval page, the decision sweeper and the operator API (an edit takes an approval back) decide a waiting approval, the team wait resume its own task, and no role read execution history (where the task token is)', () => {
    // TaskScheduled events hold the resolved parameters, task token included: reading history plus SendTaskSuccess decides.
    const sensitive = ['states:GetExecutionHistory', 'states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];
    const granted = allowStatements().flatMap(({ role, actions, resources }) =>
      sensitive.filter((a) => actions.some((pattern) => globMatches(pattern, a))).map((a) => `${role} ${a} ${JSON.stringify(resources)}`),
    );
    const machine = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    const deciders = [roleOfFunction('ApprovalPage'), roleOfFunction('DecisionSweeper'), roleOfFunction('OperatorApi')];
    // wait-for-team resumes its own task when the answer came first: success only, never failure.
    const resumer = `${roleOfFunction('WorkflowWaitForTeam')} states:SendTaskSuccess ${JSON.stringify([{ Ref: machine }])}`;
    expect(granted.sort()).toEqual(
      [
        ...deciders.flatMap((role) => ['states:SendTaskFailure', 'states:SendTaskSuccess'].map((a) => `${role} ${a} ${JSON.stringify([{ Ref: machine }])}`)),
        resumer,
      ].sort(),
    );
  });

  it.each([
    [
      'ApprovalPage',
      {
        'LINK#*': ['GetItem', 'UpdateItem'],
        'INC#*': ['ConditionCheckItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
        'CALLBACK#*': ['DeleteItem', 'PutItem'],
        'QUESTION#*': ['GetItem', 'UpdateItem'],
      },
    ],
    [
      'DecisionSweeper',
      { 'CALLBACK#*': ['DeleteItem', 'Query'], 'INC#*': ['GetItem', 'PutItem', 'Query', 'UpdateItem'], 'QUESTION#*': ['GetItem', 'UpdateItem'] },
    ],
    [
      'OperatorApi',
      {
        'INC#*': ['BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
        'CALLBACK#*': ['DeleteItem', 'PutItem'],
        'FINDING#*': ['UpdateItem'],
        'QUESTION#*': ['DeleteItem', 'GetItem', 'Query', 'UpdateItem'],
        'LINK#*': ['PutItem'],
        'CONFIRM#*': ['PutItem'],
        'RATE#*': ['UpdateItem'],
        'EVIDENCE#*': ['GetItem'],
      },
    ],
    ['ConfirmAddress', { 'CONFIRM#*': ['GetItem', 'UpdateItem'], 'QUESTION#*': ['DeleteItem', 'GetItem', 'UpdateItem'], 'INC#*': ['GetItem', 'PutItem'] }],
  ])(
    "grants %s only the item actions it uses, on the items it needs (leading-key prefixes), on the incidents table (a notice's evidence counts on the deliveries table)",
    (fn, expected) => {
      const role = roleOfFunction(fn);
      const tables = Object.keys(template.findResources('AWS::DynamoDB::Table'));
      const incidents = tables.find((id) => id.includes('Incidents'))!;
      const deliveries = tables.find((id) => id.includes('Deliveries'))!;
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as (Statement & { Condition?: Record<string, Record<string, unknown>> })[])
        .filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
      const byPrefix: Record<string, string[]> = {};
      for (const st of statements) {
        expect(st.Effect).toBe('Allow');
        expect(st.Condition?.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
        const prefixes = [st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']].flat() as string[];
        const table = prefixes.every((p) => p === 'EVIDENCE#*') ? deliveries : incidents;
        expect([st.Resource].flat()).toEqual([{ 'Fn::GetAtt': [table, 'Arn'] }]);
        for (const prefix of prefixes) byPrefix[prefix] = [...(byPrefix[prefix] ?? []), ...[st.Action].flat().map((a) => a.replace('dynamodb:', ''))].sort();
      }
      expect(byPrefix).toEqual(expected);
    },
  );

  it('serves the operator API (facts, scope, close, redraft, answers, resume of sending) behind the IAM authorizer; the approval and confirmation routes stay open', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType]);
    // The public question form's routes are held by tests/infra/incident-pages.test.ts.
    expect(routes.filter(([key]) => !String(key).includes(' /questions/')).sort()).toEqual([
      ['GET /approvals/{linkId}', 'NONE'],
      ['GET /confirm/{linkId}', 'NONE'],
      ['GET /operator/incidents/{id}/facts', 'AWS_IAM'],
      ['GET /operator/incidents/{id}/scope', 'AWS_IAM'],
      ['HEAD /approvals/{linkId}', 'NONE'],
      ['HEAD /confirm/{linkId}', 'NONE'],
      ['POST /approvals/{linkId}', 'NONE'],
      ['POST /confirm/{linkId}', 'NONE'],
      ['POST /operator/incidents/{id}/close', 'AWS_IAM'],
      ['POST /operator/incidents/{id}/notices/{noticeId}/resume-sending', 'AWS_IAM'],
      ['POST /operator/incidents/{id}/questions/{questionId}/answer', 'AWS_IAM'],
      ['POST /operator/incidents/{id}/redraft', 'AWS_IAM'],
      ['PUT /operator/incidents/{id}/facts', 'AWS_IAM'],
      ['PUT /operator/incidents/{id}/scope', 'AWS_IAM'],
    ]);
    const operator = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('OperatorApi'))!;
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationUri: { 'Fn::GetAtt': [operator, 'Arn'] }, PayloadFormatVersion: '2.0' });
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage!.Properties.AccessLogSettings.Format).toContain('$context.identity.userArn');
  });

  it('offers the response team one managed policy: execute-api:Invoke on the operator routes only, attached to nobody by the stack', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).filter(([id]) => id.startsWith('ApprovalsOperatorInvokePolicy'));
    expect(policies).toHaveLength(1);
    const [id, policy] = policies[0]!;
    expect(policy.Properties.Roles ?? policy.Properties.Users ?? policy.Properties.Groups).toBeUndefined();
    const api = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'))[0]!;
    const route = (method: string, resource = 'facts') => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':execute-api:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':',
          { Ref: api },
          `/*/${method}/operator/incidents/*/${resource}`,
        ],
      ],
    });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: [
          route('GET'),
          route('PUT'),
          route('GET', 'scope'),
          route('PUT', 'scope'),
          route('POST', 'close'),
          route('POST', 'redraft'),
          route('POST', 'questions/*/answer'),
          route('POST', 'notices/*/resume-sending'),
        ],
      },
    ]);
    expect(template.findOutputs('OperatorInvokePolicyArn').OperatorInvokePolicyArn!.Value).toEqual({ Ref: id });
  });

  it('grants the operator API its descriptor and nothing else: its table items, the response team topic, deciding on the state machine, email (answers, FAQ approvals), the form key (per-address counts), its logs, X-Ray and the key', () => {
    const role = roleOfFunction('OperatorApi');
    const statements = allowStatements().filter((s) => s.role === role);
    const actions = [...new Set(statements.flatMap((s) => s.actions))].sort();
    expect(actions).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey*',
      'kms:ReEncrypt*',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'ses:SendBulkEmail',
      'ses:SendEmail',
      'sns:Publish',
      'states:SendTaskFailure',
      'states:SendTaskSuccess',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const topic = Object.keys(template.findResources('AWS::SNS::Topic')).find((id) => id.includes('ResponseTeam'))!;
    expect(statements.filter((s) => s.actions.includes('sns:Publish')).map((s) => s.resources)).toEqual([[{ Ref: topic }]]);
    const key = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    for (const s of statements.filter((st) => st.actions.some((a) => a.startsWith('kms:'))))
      expect(s.resources, JSON.stringify(s.actions)).toEqual([{ 'Fn::GetAtt': [key, 'Arn'] }]);
    // Nothing to fence off with a Deny either: it sends no SMS (approval codes go by email unless approvalCodeChannel is sms).
    const own = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role));
    expect(own.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]).filter((st) => st.Effect !== 'Allow')).toEqual([]);
  });

  it('runs the decision sweeper every minute', () => {
    const sweeper = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('DecisionSweeper'))!;
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeper, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  it('publishes SMS without reaching any topic: every sns:Publish on * sits beside a Deny on every SNS ARN', () => {
    const smsPublishers = allowStatements().filter((s) => s.actions.some((a) => globMatches(a, 'sns:Publish')) && s.resources.includes('*'));
    expect(smsPublishers.map((s) => s.role)).toContain(roleOfFunction('WorkflowSendNotices'));
    for (const { policy, role } of smsPublishers) {
      const denies = statementsOf(policy).filter((s) => s.Effect === 'Deny' && [s.Action].flat().includes('sns:Publish'));
      expect(
        denies.map((s) => s.Resource),
        role,
      ).toContainEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] });
    }
  });

  it('gives no function a managed policy: each writes logs to its own log group only', () => {
    for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(template.toJSON().Resources[role].Properties.ManagedPolicyArns, id).toBeUndefined();
      const logGroup = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      const logStatements = allowStatements().filter((s) => s.role === role && s.actions.some((a) => a.startsWith('logs:')));
      expect(
        logStatements.map((s) => [s.actions.sort(), s.resources]),
        id,
      ).toEqual([[['logs:CreateLogStream', 'logs:PutLogEvents'], [{ 'Fn::GetAtt': [logGroup, 'Arn'] }]]]);
    }
  });

  it('keeps responses and error details out of X-Ray in every function', () => {
    for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables, id).toMatchObject({ POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false', POWERTOOLS_TRACER_CAPTURE_ERROR: 'false' });
    }
  });

  it('passes cdk-nag AwsSolutions, every acknowledgement carrying a reason', () => {
    const { app } = synth();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(`${assembly.directory}/validation-report.json`, 'utf8')) as {
      pluginReports: { conclusion: string; violations: unknown[]; suppressedViolations: { ruleName: string; reason?: string }[] }[];
    };
    const [nag] = report.pluginReports;
    expect(nag!.violations).toEqual([]);
    expect(nag!.conclusion).toBe('success');
    expect(nag!.suppressedViolations.length).toBeGreaterThan(0);
    for (const s of nag!.suppressedViolations) expect(s.reason, s.ruleName).toMatch(/^.{20,}$/);
  });
});

describe('configuration', () => {
  it.each([
    [{ 'breach-notice:senderAddress': 'not-an-email' }, 'breach-notice:senderAddress="not-an-email"'],
    [{ 'breach-notice:approverEmails': 'ok@example.com,nope' }, 'breach-notice:approverEmails="ok@example.com,nope"'],
    [{ 'breach-notice:updateCadenceHours': '0' }, 'breach-notice:updateCadenceHours="0"'],
    // Hourly updates cannot wait for 4 h + 4 h of approvals (the default lead, 640 min): the lead must be set, or the approvals shortened.
    [
      { 'breach-notice:updateCadenceHours': '1' },
      'breach-notice:updateCadenceHours="1": 60 minutes between updates leave no time for the approvals before each is due: updateLeadMinutes, by default (approvalTimeoutMinutes 240 + escalationTimeoutMinutes 240) x 4/3 = 640, must be shorter. Set updateLeadMinutes below 60',
    ],
    [
      { 'breach-notice:updateCadenceHours': '1', 'breach-notice:updateLeadMinutes': '60' },
      'breach-notice:updateLeadMinutes="60": must be shorter than the update cadence (updateCadenceHours 1 = 60 minutes)',
    ],
    [{ 'breach-notice:locales': 'en,fr' }, 'breach-notice:locales="en,fr"'],
    [{ 'breach-notice:manualAlarmSource': 'aws.fake' }, 'breach-notice:manualAlarmSource="aws.fake"'],
    [{ 'breach-notice:smsSenderId': 'Too-long-sender' }, 'breach-notice:smsSenderId="Too-long-sender"'],
    [{ 'breach-notice:smsConcurrency': '0' }, 'breach-notice:smsConcurrency="0"'],
    [{ 'breach-notice:approvalQuorum': '3' }, 'breach-notice:approvalQuorum="3": must not exceed the number of approverEmails'],
    [
      { 'breach-notice:approvalCodeChannel': 'sms' },
      'breach-notice:approverPhones=null: with approvalCodeChannel sms, every approver and backup approver needs a phone',
    ],
    [
      { 'breach-notice:approvalCodeChannel': 'sms', 'breach-notice:approverPhones': 'a1@example.com=0123' },
      'breach-notice:approverPhones="a1@example.com=0123"',
    ],
  ])('a bad value fails synthesis naming the key and the value: %j', (bad, expected) => {
    expect(() => synth(bad)).toThrow(expected);
  });

  it("a stack named under the security alarms' prefix is refused: its own alarms would open incidents", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
    const config = parseAppConfig((k) => app.node.tryGetContext(k));
    expect(() => new BreachNoticeStack(app, 'Security-BreachNotice', { config })).toThrow(
      'breach-notice:alarmNamePrefix="security-": the stack\'s name "Security-BreachNotice" begins with it',
    );
  });

  it('a missing required key is named', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => parseAppConfig((k) => app.node.tryGetContext(k))).toThrow('breach-notice:senderAddress=null');
  });
});

describe('the definition file', () => {
  it('passes asl-validator as it is in the repository', () => {
    const out = spawnSync(process.execPath, ['node_modules/asl-validator/dist/bin/asl-validator.js', '--json-path', DEFINITION_PATH], { encoding: 'utf8' });
    expect(out.stdout + out.stderr).toContain('is valid');
    expect(out.status).toBe(0);
  });

  it('has a Retry on every Task, a Catch on every Task, and states named as sentences', () => {
    const definition = JSON.parse(readFileSync(DEFINITION_PATH, 'utf8')) as {
      States: Record<string, { Type: string; Retry?: unknown[]; Catch?: { Next: string }[] }>;
    };
    for (const [name, state] of Object.entries(definition.States)) {
      expect(name).toMatch(/^[A-Z][a-z]/);
      if (state.Type !== 'Task') continue;
      expect(state.Retry?.length, name).toBeGreaterThan(0);
      expect(state.Catch?.length, name).toBeGreaterThan(0);
    }
  });
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function statementsOf(policyId: string): Statement[] {
  return template.toJSON().Resources[policyId].Properties.PolicyDocument.Statement as Statement[];
}

/** Every Allow statement of every IAM policy, inline or managed, with the roles it is attached to. */
function allowStatements(): { policy: string; role: string; actions: string[]; resources: unknown[] }[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const out: { policy: string; role: string; actions: string[]; resources: unknown[] }[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const docs: { roles: unknown[]; doc: { Statement: Statement[] } }[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      docs.push({ roles: (r.Properties.Roles as unknown[]) ?? [], doc: r.Properties.PolicyDocument as { Statement: Statement[] } });
    if (r.Type === 'AWS::IAM::Role')
      for (const p of (r.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? [])
        docs.push({ roles: [{ Ref: id }], doc: p.PolicyDocument });
    for (const { roles, doc } of docs) {
      for (const s of doc.Statement.filter((st) => st.Effect === 'Allow')) {
        for (const role of roles) out.push({ policy: id, role: (role as { Ref: string }).Ref, actions: [s.Action].flat(), resources: [s.Resource].flat() });
      }
    }
  }
  return out;
}

/** IAM action matching: `*` and `?` wildcards, case-insensitive. */
function globMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}

function roleOfFunction(logicalIdPrefix: string): string {
  const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith(logicalIdPrefix));
  return (fn![1].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}
