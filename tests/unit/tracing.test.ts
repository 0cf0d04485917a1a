import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { stepHandler } from '../../functions/shared/handler.js';
import { httpHandler } from '../../functions/shared/http-handler.js';
import { tracer } from '../../functions/shared/powertools.js';
import { toHttpApiEvent } from '../../local/twin/http-api.js';

const context = {
  functionName: 'approval-page',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:approval-page',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/approval-page',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('tracing', () => {
  type Invoke = (event: never, context: Context) => Promise<unknown>;
  const builders: { kind: string; handler: () => Invoke; event: unknown }[] = [
    {
      kind: 'a step handler',
      handler: () => stepHandler(z.object({ linkId: z.string() }), async ({ linkId }) => ({ cookies: [`csrf=x; Path=/approvals/${linkId}`] })),
      event: { linkId: 'secret-link-id' },
    },
    {
      kind: 'an HTTP handler',
      handler: () => httpHandler(async (event) => ({ statusCode: 200, cookies: [`csrf=x; Path=/approvals/${event.pathParameters?.linkId}`] })),
      event: toHttpApiEvent({ method: 'GET', path: '/approvals/secret-link-id' }),
    },
  ];

  it.each(builders)('$kind never hands its response to X-Ray, even when the tracer would record it', async ({ handler, event }) => {
    // Prepare: tracing on, as in Lambda; the segment calls are stubbed so only the recording is observed.
    vi.spyOn(tracer, 'isTracingEnabled').mockReturnValue(true);
    vi.spyOn(tracer, 'getSegment').mockReturnValue(undefined);
    vi.spyOn(tracer, 'annotateColdStart').mockImplementation(() => undefined);
    vi.spyOn(tracer, 'addServiceNameAnnotation').mockImplementation(() => undefined);
    const recorded = vi.spyOn(tracer, 'addResponseAsMetadata').mockImplementation(() => undefined);

    // Act
    const response = (await handler()(event as never, context)) as { cookies: string[] };

    // Assess
    expect(response.cookies[0]).toContain('secret-link-id');
    expect(recorded).not.toHaveBeenCalled();
  });

  it('SDK calls traced by captureAWSv3Client record no message, phone number, token, template data or item', () => {
    // The X-Ray SDK records only the request and response parameters its whitelist names per service and operation.
    const xray = createRequire(import.meta.url).resolve('aws-xray-sdk-core');
    const whitelist = JSON.parse(readFileSync(xray.replace(/dist[/\\]lib[/\\]index\.js$/, 'dist/lib/resources/aws_whitelist.json'), 'utf8')) as {
      services: Record<string, { operations: Record<string, Record<string, unknown>> } | undefined>;
    };
    const sensitive = [
      'Message',
      'PhoneNumber',
      'Subject',
      'MessageAttributes',
      'taskToken',
      'output',
      'cause',
      'Content',
      'Destination',
      'DefaultContent',
      'BulkEmailEntries',
      'Item',
      'Key',
      'Items',
      'Attributes',
      'ExpressionAttributeValues',
      'TransactItems',
    ];
    const recorded = ['dynamodb', 'sns', 'sesv2', 'sfn'].flatMap((service) =>
      Object.values(whitelist.services[service]?.operations ?? {}).flatMap((op) => [
        ...((op.request_parameters as string[] | undefined) ?? []),
        ...((op.response_parameters as string[] | undefined) ?? []),
        ...Object.keys((op.request_descriptors as object | undefined) ?? {}).filter((k) => k !== 'RequestItems'),
        ...Object.keys((op.response_descriptors as object | undefined) ?? {}),
      ]),
    );
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.filter((p) => sensitive.includes(p))).toEqual([]);
  });
});
