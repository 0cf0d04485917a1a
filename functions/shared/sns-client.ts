import { SNSClient } from '@aws-sdk/client-sns';
import { tracer } from './powertools.js';
import { markHandedToHttp, providerOptionsFromEnvironment } from './provider-clients.js';

// Created once per runtime: one attempt per call, a connection each (provider-clients.ts).
export const sns = tracer.captureAWSv3Client(new SNSClient(providerOptionsFromEnvironment()));
markHandedToHttp(sns);
