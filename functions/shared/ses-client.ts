import { SESv2Client } from '@aws-sdk/client-sesv2';
import { tracer } from './powertools.js';
import { markHandedToHttp, providerOptionsFromEnvironment } from './provider-clients.js';

// Created once per runtime: one attempt per call, a connection each (provider-clients.ts).
export const ses = tracer.captureAWSv3Client(new SESv2Client(providerOptionsFromEnvironment()));
markHandedToHttp(ses);
