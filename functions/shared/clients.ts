import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from './config.js';
import { CLIENT_VARIABLES, pick } from './environment.js';
import { tracer } from './powertools.js';
import { markHandedToHttp, providerClientOptions } from './provider-clients.js';
import { retryTransactionConflicts } from './transaction-conflicts.js';

const config = parseConfig(pick(...CLIENT_VARIABLES));

const providerOptions = providerClientOptions({ connectMs: config.PROVIDER_CONNECT_TIMEOUT_MS, requestMs: config.PROVIDER_REQUEST_TIMEOUT_MS });

// Created once per runtime and reused across invocations. Endpoints come from the standard
// AWS_ENDPOINT_URL_* variables, which is how the local twin redirects them: no code path differs.
// DynamoDB and Step Functions keep the SDK's retries: every write the ledger makes is idempotent or
// recognises its own earlier success; a transaction cancelled only by a conflict is run again.
const dynamoClient = tracer.captureAWSv3Client(new DynamoDBClient({}));
retryTransactionConflicts(dynamoClient);
export const dynamo = DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } });
export const ses = tracer.captureAWSv3Client(new SESv2Client(providerOptions));
export const sns = tracer.captureAWSv3Client(new SNSClient(providerOptions));
for (const client of [ses, sns]) markHandedToHttp(client);
export const sfn = tracer.captureAWSv3Client(new SFNClient({}));
