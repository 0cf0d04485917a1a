import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

// One instance each per runtime; POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE come from the stack.
export const logger = new Logger();
export const tracer = new Tracer();

/**
 * What Metrics warns when logMetrics flushes an invocation that counted nothing. Most steps count
 * nothing, so it would be most of their log; a custom logger is Powertools' way to silence it
 * (https://docs.aws.amazon.com/powertools/typescript/latest/features/metrics/#customizing-the-logger).
 */
const NOTHING_COUNTED = 'No application metrics to publish';

/** Metrics' own messages go to the function's log through the logger, all but that one. */
export const metrics = new Metrics({
  logger: {
    debug: (message: string) => logger.debug(message),
    info: (message: string) => logger.info(message),
    warn: (message: string) => {
      if (!message.startsWith(NOTHING_COUNTED)) logger.warn(message);
    },
    error: (message: string) => logger.error(message),
  },
});
