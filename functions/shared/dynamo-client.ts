import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './powertools.js';
import { retryTransactionConflicts } from './transaction-conflicts.js';

// Created once per runtime and reused across invocations; the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB
// (how the local twin redirects it). It keeps the SDK's retries: every write the ledger makes is idempotent
// or recognises its own earlier success; a transaction cancelled only by a conflict is run again.
const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
retryTransactionConflicts(client);
export const dynamo = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/**
 * One attempt per request, for the one write that is not idempotent (a counter's ADD): an SDK retry of an
 * ADD that had landed would add twice. A failure is the caller's to report; the count stays short.
 */
export const dynamoOnce = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({ maxAttempts: 1 })), {
  marshallOptions: { removeUndefinedValues: true },
});
