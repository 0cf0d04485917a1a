import * as z from 'zod';

/**
 * Powertools parser's EventBridgeSchema, SqsSchema and APIGatewayProxyEventV2Schema (@aws-lambda-powertools/parser
 * 2.35, schemas/eventbridge.js, sqs.js, api-gatewayv2.js, apigw-proxy.js; MIT-0), written against
 * `import * as z`. Powertools' own modules use `import { z } from 'zod'`, the namespace as a value,
 * which makes esbuild keep all of zod (its 40 locales, JSON-schema tools: ~360 KB more in each bundle
 * that imported them). tests/unit/event-schemas.test.ts holds these equal to Powertools' schemas.
 */
export const EventBridgeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});

const SqsMsgAttributeSchema = z.object({
  stringValue: z.string().optional().nullable(),
  binaryValue: z.string().optional().nullable(),
  stringListValues: z.array(z.string()).optional(),
  binaryListValues: z.array(z.string()).optional(),
  dataType: z.union([z.literal('String'), z.literal('Number'), z.literal('Binary'), z.string()]),
});

const SqsAttributesSchema = z.object({
  ApproximateReceiveCount: z.string(),
  ApproximateFirstReceiveTimestamp: z.string(),
  MessageDeduplicationId: z.string().optional(),
  MessageGroupId: z.string().optional(),
  SenderId: z.string(),
  SentTimestamp: z.string(),
  SequenceNumber: z.string().optional(),
  AWSTraceHeader: z.string().optional(),
  DeadLetterQueueSourceArn: z.string().optional(),
});

export const SqsRecordSchema = z.object({
  messageId: z.string(),
  receiptHandle: z.string(),
  body: z.string(),
  attributes: SqsAttributesSchema,
  messageAttributes: z.record(z.string(), SqsMsgAttributeSchema),
  md5OfBody: z.string(),
  md5OfMessageAttributes: z.string().optional().nullable(),
  eventSource: z.literal('aws:sqs'),
  eventSourceARN: z.string(),
  awsRegion: z.string(),
});

export const SqsSchema = z.object({ Records: z.array(SqsRecordSchema).nonempty() });

const APIGatewayCert = z.object({
  clientCertPem: z.string(),
  subjectDN: z.string(),
  issuerDN: z.string(),
  serialNumber: z.string(),
  validity: z.object({ notBefore: z.string(), notAfter: z.string() }),
});
const APIGatewayRecord = z.record(z.string(), z.string());
const APIGatewayStringArray = z.array(z.string());
const APIGatewayHttpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

const APIGatewayRequestAuthorizerV2Schema = z.object({
  jwt: z.object({ claims: z.record(z.string(), z.any()), scopes: APIGatewayStringArray.nullable() }).optional(),
  iam: z
    .object({
      accessKey: z.string().optional(),
      accountId: z.string().optional(),
      callerId: z.string().optional(),
      principalOrgId: z.string().nullish(),
      userArn: z.string().optional(),
      userId: z.string().optional(),
      cognitoIdentity: z.object({ amr: APIGatewayStringArray, identityId: z.string(), identityPoolId: z.string() }).nullish(),
    })
    .optional(),
  lambda: z.record(z.string(), z.any()).nullish(),
});

const APIGatewayRequestContextV2Schema = z.object({
  accountId: z.string(),
  apiId: z.string(),
  authorizer: APIGatewayRequestAuthorizerV2Schema.optional(),
  authentication: z.object({ clientCert: APIGatewayCert.optional() }).nullish(),
  domainName: z.string(),
  domainPrefix: z.string(),
  http: z.object({
    method: APIGatewayHttpMethod,
    path: z.string(),
    protocol: z.string(),
    sourceIp: z.union([z.ipv4(), z.ipv6()]),
    userAgent: z.string(),
  }),
  requestId: z.string(),
  routeKey: z.string(),
  stage: z.string(),
  time: z.string(),
  timeEpoch: z.number(),
});

export const APIGatewayProxyEventV2Schema = z.object({
  version: z.string(),
  routeKey: z.string(),
  rawPath: z.string(),
  rawQueryString: z.string(),
  cookies: APIGatewayStringArray.optional(),
  headers: APIGatewayRecord,
  queryStringParameters: APIGatewayRecord.optional(),
  requestContext: APIGatewayRequestContextV2Schema,
  body: z.string().optional(),
  pathParameters: APIGatewayRecord.nullish(),
  isBase64Encoded: z.boolean(),
  stageVariables: APIGatewayRecord.nullish(),
});
