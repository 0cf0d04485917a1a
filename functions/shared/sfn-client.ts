import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from './powertools.js';

// Created once per runtime; keeps the SDK's retries (callbacks and starts are idempotent by token or name).
export const sfn = tracer.captureAWSv3Client(new SFNClient({}));
