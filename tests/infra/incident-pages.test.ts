import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_PAGE_SECURITY_HEADERS } from '../../functions/domain/incident-page.js';
import { FORM_LIMITS } from '../../functions/domain/question-form.js';
import { QUESTION_ROUTE_THROTTLE } from '../../infra/constructs/approval-api.js';
import { parseAppConfig } from '../../infra/config.js';
import { BreachNoticeStack } from '../../infra/stack.js';

const context = {
  'breach-notice:senderAddress': 'notices@example.com',
  'breach-notice:approverEmails': 'a1@example.com',
  'breach-notice:backupApproverEmails': 'b1@example.com',
};

function synth(extra: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context, ...extra } });
  return Template.fromStack(new BreachNoticeStack(app, 'Test', { config: parseAppConfig((k) => app.node.tryGetContext(k)) }));
}

let template: Template;
beforeAll(() => {
  template = synth();
});

const pagesBucket = () => {
  const buckets = template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
  expect(Object.keys(buckets)).toHaveLength(1);
  return Object.entries(buckets)[0]!;
};

describe('the incident pages', () => {
  it('live in a private, encrypted, versioned bucket with access logs, readable over SSL only', () => {
    const [id, bucket] = pagesBucket();
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/AccessLogs/) } },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it("are served by CloudFront through Origin Access Control, HTTPS only, with the pages' security headers (strict CSP)", () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })],
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: INCIDENT_PAGE_SECURITY_HEADERS['content-security-policy'], Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63_072_000 }),
        }),
      }),
    });
    // Only CloudFront (this distribution) reads the bucket.
    const [id] = pagesBucket();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } })]),
      },
    });
  });

  it("are written only by the functions that render them (publish-incident-page, and the two that settle FAQ decisions): PutObject on the bucket's objects, no other S3 action", () => {
    const [bucketId] = pagesBucket();
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const s3Statements = policies.flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
        .map((s) => ({ roles: p.Properties.Roles, action: s.Action, resource: s.Resource })),
    );
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] };
    expect(s3Statements.map((st) => [st.roles[0].Ref.replace(/[A-F0-9]{8}$/, ''), st.action, st.resource]).sort()).toEqual([
      ['ApprovalPageServiceRole', 's3:PutObject', objects],
      ['DecisionSweeperFunctionServiceRole', 's3:PutObject', objects],
      ['WorkflowPublishIncidentPageServiceRole', 's3:PutObject', objects],
    ]);
    const publishers = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('PublicChannelsTopic'),
    );
    expect(publishers.map((p) => p.Properties.Roles[0].Ref)).toEqual([expect.stringMatching(/PublishIncidentPage.*ServiceRole/)]);
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { INCIDENT_PAGES_BUCKET: Match.anyValue() } } } }),
    );
    expect(fn!.Properties.Environment.Variables).toMatchObject({
      INCIDENT_PAGES_BUCKET: { Ref: bucketId },
      PUBLIC_CHANNELS_TOPIC_ARN: { Ref: expect.stringMatching(/PublicChannelsTopic/) },
    });
  });

  it("default to the distribution's URL, which an explicit incidentPageUrl replaces", () => {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { INCIDENT_PAGES_BUCKET: Match.anyValue() } } } }),
    );
    expect(JSON.stringify(fn!.Properties.Environment.Variables.INCIDENT_PAGE_URL)).toMatch(/https:\/\/.*DomainName/);
    const custom = synth({ 'breach-notice:incidentPageUrl': 'https://status.example.com/security' });
    const [withDomain] = Object.values(
      custom.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { INCIDENT_PAGES_BUCKET: Match.anyValue() } } } }),
    );
    expect(withDomain!.Properties.Environment.Variables.INCIDENT_PAGE_URL).toBe('https://status.example.com/security');
  });

  it('take questions on GET/HEAD/POST /questions/{incidentId} without an authorizer, throttled per route only as a backstop, the form key in Secrets Manager readable by the form alone, any version', () => {
    for (const method of ['GET', 'HEAD', 'POST'])
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${method} /questions/{incidentId}`, AuthorizationType: 'NONE' });
    // A route's throttle is shared by every client (WAF cannot front an HTTP API): high enough that one client cannot spend it for all.
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    for (const method of ['GET', 'HEAD', 'POST']) {
      expect(stage!.Properties.RouteSettings[`${method} /questions/{incidentId}`]).toEqual({
        ThrottlingRateLimit: QUESTION_ROUTE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: QUESTION_ROUTE_THROTTLE.burstLimit,
      });
    }
    expect(QUESTION_ROUTE_THROTTLE.rateLimit).toBeGreaterThanOrEqual(20 * FORM_LIMITS.perClient);
    const [secretId] = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    const readers = Object.values(template.findResources('AWS::IAM::Policy')).filter(
      (p) =>
        JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue') &&
        JSON.stringify(p.Properties.PolicyDocument).includes(secretId!),
    );
    // The operator API keys its count of confirmation emails per address with it (an HMAC, so no counter holds an address).
    expect(readers.map((p) => p.Properties.Roles[0].Ref).sort()).toEqual([
      expect.stringMatching(/^OperatorApiServiceRole/),
      expect.stringMatching(/^QuestionFormServiceRole/),
    ]);
    // The previous version too (AWSPREVIOUS): forms served before a rotation stay good, so no condition pins the stage.
    const formReader = readers.find((p) => p.Properties.Roles[0].Ref.startsWith('QuestionFormServiceRole'))!;
    const secretReads = (formReader.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[]).filter((st) =>
      [st.Action].flat().includes('secretsmanager:GetSecretValue'),
    );
    expect(secretReads.map((st) => st.Condition)).toEqual([undefined]);
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { QUESTION_FORM_SECRET_ID: Match.anyValue() } } } }),
    );
    expect(fn!.Properties.Environment.Variables.QUESTION_FORM_SECRET_ID).toEqual({ Ref: secretId });
  });

  it("let the internet-facing form touch its own items only: the incident's status (no other attribute), questions written not read, token uses, counters", () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => /^QuestionFormServiceRole/.test(r.Ref)))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Effect: string; Action: string | string[]; Condition?: Record<string, Record<string, unknown>> }[],
      )
      .filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
    const grants = statements.map((st) => ({
      effect: st.Effect,
      prefixes: st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'],
      actions: [st.Action].flat().sort(),
      attributes: st.Condition?.['ForAllValues:StringEquals']?.['dynamodb:Attributes'],
      null: st.Condition?.Null,
    }));
    expect(grants).toEqual([
      {
        effect: 'Allow',
        prefixes: ['INC#*'],
        actions: ['dynamodb:GetItem'],
        attributes: ['pk', 'sk', 'status'],
        null: { 'dynamodb:LeadingKeys': 'false', 'dynamodb:Attributes': 'false' },
      },
      { effect: 'Allow', prefixes: ['QUESTION#*'], actions: ['dynamodb:PutItem'], attributes: undefined, null: { 'dynamodb:LeadingKeys': 'false' } },
      {
        effect: 'Allow',
        prefixes: ['FORMTOKEN#*'],
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        attributes: undefined,
        null: { 'dynamodb:LeadingKeys': 'false' },
      },
      { effect: 'Allow', prefixes: ['RATE#*'], actions: ['dynamodb:UpdateItem'], attributes: undefined, null: { 'dynamodb:LeadingKeys': 'false' } },
    ]);
    // And the page's publisher cannot read a question at all: askers' addresses are out of its reach by its grant.
    const publisher = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => /PublishIncidentPage.*ServiceRole/.test(r.Ref)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: Record<string, Record<string, unknown>> }[])
      .filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(publisher.length).toBeGreaterThan(0);
    for (const st of publisher) expect(st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['INC#*']);
  });

  it("keep no client address in the API's access log, which is kept a year", () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const format = stage!.Properties.AccessLogSettings.Format as string;
    expect(format).not.toContain('sourceIp');
    expect(Object.keys(JSON.parse(format) as object)).toEqual([
      'requestId',
      'requestTime',
      'method',
      'routeKey',
      'status',
      'userAgent',
      'caller',
      'responseLatency',
    ]);
    const logGroupId = JSON.stringify(stage!.Properties.AccessLogSettings.DestinationArn).match(/"(\w*AccessLogs\w*)"/)![1]!;
    expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]!.Properties.RetentionInDays).toBe(365);
  });
});
