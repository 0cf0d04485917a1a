import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../infra/config.js';
import { BreachNoticeFunction } from '../../infra/constructs/breach-notice-function.js';
import { FUNCTIONS, type FunctionName } from '../../infra/functions.js';
import { BreachNoticeStack } from '../../infra/stack.js';

// What CloudFormation and the services behind it would refuse or silently get wrong on the first deploy,
// read from the synthesized template (issue 17).

// biome-ignore lint/suspicious/noExplicitAny: the synthesized template is JSON read by path; its shape is what these tests assert.
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; DependsOn?: string[] };

const context = {
  'breach-notice:senderAddress': 'notices@example.com',
  'breach-notice:approverEmails': 'a1@example.com,a2@example.com',
  'breach-notice:backupApproverEmails': 'b1@example.com',
};

let stack: BreachNoticeStack;
let resources: Record<string, Resource>;
beforeAll(() => {
  // Skipping bundling keeps this fast; `npm run synth` bundles for real.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  stack = new BreachNoticeStack(app, 'Test', { config: parseAppConfig((k) => app.node.tryGetContext(k)) });
  resources = Template.fromStack(stack).toJSON().Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('Lambda functions', () => {
  it("each has the explicit timeout and memory its descriptor gives, never Lambda's 3 s / 128 MB defaults", () => {
    // Prepare: which descriptor each function in the template was built from.
    const built = stack.node.findAll().filter((c): c is BreachNoticeFunction => c instanceof BreachNoticeFunction);
    const descriptorOf = new Map(built.map((fn) => [stack.getLogicalId(fn.node.defaultChild as CfnFunction), fn.handlerName as FunctionName]));
    const functions = ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(Object.keys(FUNCTIONS).length);
    // Assess
    for (const [id, fn] of functions) {
      const name = descriptorOf.get(id);
      expect(name, `${id} is built from a descriptor`).toBeDefined();
      const { Timeout, MemorySize } = fn.Properties;
      expect(Timeout, `${name} Timeout`).toBeTypeOf('number');
      expect(MemorySize, `${name} MemorySize`).toBeTypeOf('number');
      expect({ Timeout, MemorySize }, name).toEqual({ Timeout: FUNCTIONS[name!].timeoutSeconds, MemorySize: FUNCTIONS[name!].memoryMB });
      expect(Timeout, name).toBeGreaterThan(3);
      expect(MemorySize, name).toBeGreaterThan(128);
    }
  });

  it('lets a hung SES or SNS call time out before Lambda ends the function that made it', () => {
    // Prepare: the actions each role is allowed, by role logical id.
    const allowed = new Map<string, string[]>();
    for (const [, policy] of ofType('AWS::IAM::Policy')) {
      const actions = (policy.Properties.PolicyDocument.Statement as { Effect: string; Action: string | string[] }[])
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => [s.Action].flat());
      for (const role of policy.Properties.Roles as { Ref: string }[]) allowed.set(role.Ref, [...(allowed.get(role.Ref) ?? []), ...actions]);
    }
    // Act: every function whose role may call SES or SNS (all of those go through the provider clients).
    const callers = ofType('AWS::Lambda::Function').filter(([, fn]) =>
      (allowed.get(fn.Properties.Role['Fn::GetAtt'][0]) ?? []).some((a) => /^(ses|sns):/.test(a)),
    );
    // Assess: one call may take the connect timeout and then the request timeout (functions/shared/provider-clients.ts).
    expect(callers.length).toBeGreaterThanOrEqual(10);
    for (const [id, fn] of callers) {
      const env = fn.Properties.Environment.Variables as Record<string, string>;
      const oneCallMs = Number(env.PROVIDER_CONNECT_TIMEOUT_MS) + Number(env.PROVIDER_REQUEST_TIMEOUT_MS);
      expect(oneCallMs, id).toBeGreaterThan(0);
      expect(fn.Properties.Timeout * 1000, id).toBeGreaterThan(oneCallMs);
    }
  });
});

describe('HTTP API stages', () => {
  it('depend on every route their RouteSettings name (API Gateway refuses settings for a route it cannot find yet)', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    const staged = ofType('AWS::ApiGatewayV2::Stage').filter(([, stage]) => stage.Properties.RouteSettings);
    expect(staged.length).toBeGreaterThan(0);
    for (const [id, stage] of staged) {
      for (const key of Object.keys(stage.Properties.RouteSettings)) {
        const route = routes.find(([, r]) => r.Properties.RouteKey === key && r.Properties.ApiId.Ref === stage.Properties.ApiId.Ref);
        expect(route, `${id}: route ${key}`).toBeDefined();
        expect(stage.DependsOn ?? [], `${id} waits for ${key}`).toContain(route![0]);
      }
    }
  });
});

describe('alarm actions', () => {
  it("reach their topics: each topic admits CloudWatch to publish for this stack's alarms, and its key lets CloudWatch encrypt", () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => (a.Properties.AlarmActions ?? []).length > 0);
    expect(alarms.length).toBeGreaterThan(0);
    const admits = (statement: Json, service: string, action: string) =>
      statement.Effect === 'Allow' && [statement.Principal?.Service].flat().includes(service) && [statement.Action].flat().includes(action);
    for (const [alarmId, alarm] of alarms) {
      for (const action of alarm.Properties.AlarmActions as { Ref: string }[]) {
        const topicId = action.Ref;
        // Prepare: the topic's policies.
        const statements = ofType('AWS::SNS::TopicPolicy')
          .filter(([, p]) => (p.Properties.Topics as { Ref?: string }[]).some((t) => t.Ref === topicId))
          .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
        // Assess: CloudWatch may publish, for this alarm (its ARN, or this account's alarms) and this account only.
        const forCloudWatch = statements.filter((s) => admits(s, 'cloudwatch.amazonaws.com', 'sns:Publish'));
        const sourceArn = (s: Json) => JSON.stringify(s.Condition?.ArnEquals?.['aws:SourceArn'] ?? s.Condition?.ArnLike?.['aws:SourceArn'] ?? null);
        const namesAlarm = (s: Json) =>
          sourceArn(s) === JSON.stringify({ 'Fn::GetAtt': [alarmId, 'Arn'] }) ||
          (sourceArn(s).includes(':alarm:') && sourceArn(s).includes('"Ref":"AWS::AccountId"'));
        expect(forCloudWatch.some(namesAlarm), `${topicId} admits CloudWatch for ${alarmId}: ${JSON.stringify(forCloudWatch)}`).toBe(true);
        for (const s of forCloudWatch) {
          expect(sourceArn(s), `${topicId}: aws:SourceArn`).not.toBe('null');
          expect(s.Condition?.StringEquals?.['aws:SourceAccount'], `${topicId}: aws:SourceAccount`).toEqual({ Ref: 'AWS::AccountId' });
        }
        // Assess: a topic encrypted with a key of this stack lets CloudWatch use that key.
        const keyId = resources[topicId]!.Properties.KmsMasterKeyId?.['Fn::GetAtt']?.[0] as string | undefined;
        if (!keyId) continue;
        const keyStatements = resources[keyId]!.Properties.KeyPolicy.Statement as Json[];
        for (const kmsAction of ['kms:Decrypt', 'kms:GenerateDataKey*']) {
          expect(
            keyStatements.some((s) => admits(s, 'cloudwatch.amazonaws.com', kmsAction)),
            `${keyId} admits CloudWatch to ${kmsAction}`,
          ).toBe(true);
        }
      }
    }
  });
});

describe('SES configuration set', () => {
  it('publishes every delivery event to the default EventBridge bus, enabled', () => {
    const [[setId]] = ofType('AWS::SES::ConfigurationSet') as [[string, Resource]];
    const destinations = ofType('AWS::SES::ConfigurationSetEventDestination').filter(([, d]) => d.Properties.ConfigurationSetName?.Ref === setId);
    expect(destinations).toHaveLength(1);
    const { EventDestination } = destinations[0]![1].Properties;
    expect(EventDestination.Enabled).toBe(true);
    expect([...EventDestination.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint', 'delivery', 'deliveryDelay', 'reject', 'renderingFailure', 'send']);
    expect(JSON.stringify(EventDestination.EventBridgeDestination?.EventBusArn)).toMatch(/:event-bus\/default"/);
  });
});
