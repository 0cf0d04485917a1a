import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { allEmailTemplates } from '../../functions/domain/email-templates.js';
import { ENVIRONMENT } from '../../functions/shared/environment.js';
import { alarmPatterns } from '../../infra/alarm-patterns.js';
import { appConfigSchema } from '../../infra/config.js';
import { BreachNoticeStack } from '../../infra/stack.js';
import { substitutionKey, WORKFLOW_STEPS } from '../../infra/workflow-definition.js';
import { specFromStack } from '../../local/twin/from-stack.js';
import { handlersEnvironment } from '../../local/twin/system.js';

describe('what the twin reads from the synthesized stack', () => {
  const config = appConfigSchema.parse({
    senderAddress: 's@example.com',
    approverEmails: 'a@example.com',
    backupApproverEmails: 'b@example.com',
    guardDutySeverityThreshold: 5,
  });
  const spec = specFromStack(config);

  it('has every table with its keys, index and TTL', () => {
    expect(Object.keys(spec.tables).sort()).toEqual(['customers', 'deliveries', 'idempotency', 'incidents']);
    expect(spec.tables.customers!.GlobalSecondaryIndexes?.[0]).toMatchObject({ IndexName: 'byPhone', Projection: { ProjectionType: 'KEYS_ONLY' } });
    expect(spec.tables.incidents).toMatchObject({ BillingMode: 'PAY_PER_REQUEST', ttlAttribute: 'ttl' });
    expect(spec.tables.deliveries!.ttlAttribute).toBeUndefined();
  });

  it("has the deployed templates, rule patterns (with this deployment's thresholds) and substitution keys", () => {
    expect(spec.templates.map((t) => t.name).sort()).toEqual(
      allEmailTemplates(config.templatePrefix)
        .map((t) => t.name)
        .sort(),
    );
    const intake = Object.values(spec.functions).find((fn) => fn.handler === 'intake')!.logicalId;
    const alarmRules = spec.rules.filter((r) => r.targets.some((t) => t.kind === 'function' && t.logicalId === intake));
    expect(Object.fromEntries(alarmRules.map((r) => [r.name, r.pattern]))).toEqual(alarmPatterns(config));
    expect((alarmRules.find((r) => r.name === 'GuardDutyFindings')!.pattern.detail as { severity: unknown }).severity).toEqual([{ numeric: ['>=', 5] }]);
    expect(spec.substitutionKeys).toEqual(WORKFLOW_STEPS.map(substitutionKey).sort());
  });

  it("runs the asynchronously invoked functions with their EventInvokeConfig: two retries, six hours, failures to their dead-letter queues; the rest with Lambda's defaults", () => {
    const byHandler = (handler: string) => Object.values(spec.functions).find((fn) => fn.handler === handler)!.asyncInvoke;
    const queueOf = (path: string) =>
      Object.entries(spec.resources).find(([, r]) => r.Type === 'AWS::SQS::Queue' && String(r.Metadata?.['aws:cdk:path']).includes(path))![0];
    expect(byHandler('record-sms-status')).toEqual({ retryAttempts: 2, maxEventAgeSeconds: 21_600, onFailure: queueOf('/SmsDeliveryStatus/DeadLetterQueue/') });
    expect(byHandler('intake')).toEqual({ retryAttempts: 2, maxEventAgeSeconds: 21_600, onFailure: queueOf('/AlarmIntake/DeadLetterQueue/') });
    expect(byHandler('send-notices')).toEqual({ retryAttempts: 2, maxEventAgeSeconds: 21_600 });
  });

  it("sets every variable any deployed function gets, with the same value wherever the stack's is not a resource name", () => {
    // Prepare: the stack's functions as synthesized, and what the twin puts in its one process.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const functions = Object.values(Template.fromStack(new BreachNoticeStack(app, 'Twin', { config })).findResources('AWS::Lambda::Function'));
    const twin = handlersEnvironment(config, {
      incidentsTable: 'incidents',
      customersTable: 'customers',
      deliveriesTable: 'deliveries',
      idempotencyTable: 'idempotency',
      responseTeamTopicArn: 'arn:aws:sns:us-east-1:000000000000:team',
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:incident-response',
      publicChannelsTopicArn: 'arn:aws:sns:us-east-1:000000000000:public',
      incidentPagesBucket: 'incident-pages',
      incidentPagesUrl: 'https://d111111abcdef8.cloudfront.net',
      questionFormSecretId: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:question-form-key',
      approvalBaseUrl: 'http://127.0.0.1:4566',
      configurationSet: 'breach-notice-ConfigurationSet-0123abcd',
    });
    // Act
    const deployed = new Map<string, unknown>();
    for (const fn of functions) {
      for (const [key, value] of Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>))
        if (key in ENVIRONMENT) deployed.set(key, value);
    }
    // Assess
    expect(Object.keys(twin).sort()).toEqual([...deployed.keys()].sort());
    for (const [key, value] of deployed) if (typeof value === 'string') expect(twin[key], key).toBe(value);
  });
});
