import * as Powertools from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { APIGatewayProxyEventV2Schema, EventBridgeSchema, SqsSchema } from '../../functions/shared/event-schemas.js';

// Our copies exist only so esbuild can shake zod (see functions/shared/event-schemas.ts): they must
// accept and refuse exactly what Powertools' schemas do.
describe('the event schemas written against import * as z', () => {
  it.each([
    ['EventBridgeSchema', EventBridgeSchema, Powertools.EventBridgeSchema],
    ['SqsSchema', SqsSchema, Powertools.SqsSchema],
    ['APIGatewayProxyEventV2Schema', APIGatewayProxyEventV2Schema, Powertools.APIGatewayProxyEventV2Schema],
  ] as const)("%s describes the same JSON as Powertools' own", (_, ours, theirs) => {
    // Prepare / Act
    const [mine, reference] = [ours, theirs].map((schema) => z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }));
    // Assess
    expect(mine).toEqual(reference);
  });

  it('parses an HTTP API event as Powertools does, and refuses what it refuses', () => {
    // Prepare
    const event = {
      version: '2.0',
      routeKey: 'GET /approvals/{id}',
      rawPath: '/approvals/x',
      rawQueryString: '',
      headers: { host: 'example.com' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: 'api',
        domainName: 'example.com',
        domainPrefix: 'example',
        requestId: 'r',
        routeKey: 'GET /approvals/{id}',
        stage: '$default',
        time: 't',
        timeEpoch: 1,
        http: { method: 'GET', path: '/approvals/x', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'ua' },
        authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/op' } },
      },
    };
    const bad = { ...event, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, sourceIp: 'not-an-ip' } } };
    // Act / Assess
    expect(APIGatewayProxyEventV2Schema.parse(event)).toEqual(Powertools.APIGatewayProxyEventV2Schema.parse(event));
    expect(APIGatewayProxyEventV2Schema.safeParse(bad).success).toBe(false);
    expect(Powertools.APIGatewayProxyEventV2Schema.safeParse(bad).success).toBe(false);
  });
});
