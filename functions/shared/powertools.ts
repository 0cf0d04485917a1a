import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

// One instance each per runtime; POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE come from the stack.
export const logger = new Logger();
export const metrics = new Metrics();
export const tracer = new Tracer();
