import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './powertools.js';

// Created once per runtime and reused across invocations. Endpoints come from the standard
// AWS_ENDPOINT_URL_* variables, which is how the local twin redirects them: no code path differs.
export const dynamo = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});
export const ses = tracer.captureAWSv3Client(new SESv2Client({}));
export const sns = tracer.captureAWSv3Client(new SNSClient({}));
export const sfn = tracer.captureAWSv3Client(new SFNClient({}));
