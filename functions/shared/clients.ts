import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HANDED_TO_HTTP } from '../domain/provider-failure.js';
import { parseConfig } from './config.js';
import { CLIENT_VARIABLES, pick } from './environment.js';
import { tracer } from './powertools.js';

const config = parseConfig(pick(...CLIENT_VARIABLES));

/**
 * Senders make exactly one attempt per call. An SDK retry after a lost response would deliver the
 * same batch twice while the ledger records one send; the ledger decides what may be sent again.
 * The request timeout throws (the SDK only warns by default), so a hung call ends as UNCERTAIN.
 * Each call opens its own connection: on a pooled one the server closed while it sat idle (its idle
 * timeout, a Lambda frozen between invocations) the request is written and then reset, which only
 * an SDK retry would hide, so its recipients would turn UNCERTAIN for nothing (measured on the twin:
 * 50-450 of 10,000 emails with pooled sockets, none without).
 */
const providerOptions = {
  maxAttempts: 1,
  requestHandler: {
    connectionTimeout: config.PROVIDER_CONNECT_TIMEOUT_MS,
    requestTimeout: config.PROVIDER_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
    httpAgent: { keepAlive: false },
    httpsAgent: { keepAlive: false },
  },
};

// Created once per runtime and reused across invocations. Endpoints come from the standard
// AWS_ENDPOINT_URL_* variables, which is how the local twin redirects them: no code path differs.
// DynamoDB and Step Functions keep the SDK's retries: every write the ledger makes is idempotent or
// recognises its own earlier success.
export const dynamo = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});
export const ses = tracer.captureAWSv3Client(new SESv2Client(providerOptions));
export const sns = tracer.captureAWSv3Client(new SNSClient(providerOptions));
// Innermost around the HTTP handler: whatever fails in there may have reached the provider; whatever
// fails before it (credentials, signing, serialization) did not (domain/provider-failure.ts).
for (const client of [ses, sns]) {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error && typeof error === 'object') Object.assign(error, { [HANDED_TO_HTTP]: true });
        throw error;
      }
    },
    { step: 'deserialize', name: 'markHandedToHttp', priority: 'low' },
  );
}
export const sfn = tracer.captureAWSv3Client(new SFNClient({}));
