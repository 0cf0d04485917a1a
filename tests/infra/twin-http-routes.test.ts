import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { appConfigSchema } from '../../infra/config.js';
import { BreachNoticeFunction } from '../../infra/constructs/breach-notice-function.js';
import { BreachNoticeStack } from '../../infra/stack.js';
import { HTTP_API_ROUTES } from '../../local/twin/http-api.js';

describe("the twin's HTTP API", () => {
  it('serves exactly the routes the stack deploys, each with the same authorization and handler', () => {
    // Prepare
    const config = appConfigSchema.parse({ senderAddress: 's@example.com', approverEmails: 'a@example.com', backupApproverEmails: 'b@example.com' });
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new BreachNoticeStack(app, 'Twin', { config });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const handlerOf = new Map(
      stack.node
        .findAll()
        .filter((c): c is BreachNoticeFunction => c instanceof BreachNoticeFunction)
        .map((fn) => [stack.resolve((fn.node.defaultChild as CfnFunction).logicalId) as string, fn.handlerName]),
    );
    // Act: route -> integration -> function -> its handler module, as the twin names the function.
    const deployed = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => {
        const integration = (r.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;
        const fn = (resources[integration]!.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        return `${r.Properties.RouteKey} ${r.Properties.AuthorizationType} breach-notice-${handlerOf.get(fn)}`;
      });
    const twin = HTTP_API_ROUTES.flatMap((route) => route.methods.map((method) => `${method} ${route.path} ${route.authorization} ${route.functionName}`));
    // Assess
    expect(deployed.sort()).toEqual(twin.sort());
  });
});
