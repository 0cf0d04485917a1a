import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { DependencyError, isDependencyFailure } from './errors.js';
import { logger, metrics, tracer } from './powertools.js';

/**
 * What every function shares: tracing, structured logs with the Lambda context, metrics (flushed when
 * the invocation ends, failed or not, with a cold-start metric), the input parsed by `schema` before
 * the logic runs, and every AWS or network failure named DependencyError. Each kind of function has its
 * builder over it: stepHandler here, httpHandler (http-handler.ts), scheduledHandler (scheduled-handler.ts).
 */
export function instrumentedHandler<S extends z.ZodType, R>(schema: S, logic: (input: z.infer<S>, context: Context) => Promise<R>) {
  return (
    middy<z.infer<S>, R>({ timeoutEarlyInMillis: EARLY_TIMEOUT_MS })
      // A response can carry what must stay out of X-Ray (the approval page's cookie path holds the link id).
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { clearState: true }))
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
      .use(parser({ schema }))
      .use(dependencyErrors)
      .handler(logic)
  );
}

/**
 * How long before Lambda's timeout middy ends the handler with its TimeoutError (a DependencyError
 * here, which the state machine retries), leaving the logs and metrics time to flush. Middy's default,
 * 5 ms, is less than a busy event loop's lag, so Lambda's own timeout could win the race (Sandbox.Timedout,
 * nothing flushed).
 */
export const EARLY_TIMEOUT_MS = 500;

/**
 * A workflow step: its input from the state machine, parsed by `schema` (a ParseError otherwise, which
 * the state machine routes to its failure path); a DependencyError is retried by the state's Retry.
 */
export function stepHandler<S extends z.ZodType, R>(schema: S, logic: (input: z.infer<S>, context: Context) => Promise<R>) {
  return instrumentedHandler(schema, logic);
}

/** Counts for this invocation; the handler's logMetrics middleware flushes them as it ends, also when it fails. */
export function countMetrics(values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) metrics.addMetric(name, MetricUnit.Count, value);
}

/** Gives every AWS or network failure one name, DependencyError: the one a step's Retry retries. */
const dependencyErrors = {
  onError: async (request: { error: unknown }) => {
    if (isDependencyFailure(request.error)) {
      const e = request.error as Error;
      request.error = new DependencyError(`${e.name}: ${e.message}`, { cause: e });
    }
  },
};

/** Same wiring plus Powertools idempotency, for steps whose side effect must not repeat on a retry. */
export function idempotentStepHandler<S extends z.ZodType, R>(schema: S, idempotencyTable: string, logic: (input: z.infer<S>, context: Context) => Promise<R>) {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: idempotencyTable });
  const config = new IdempotencyConfig({ expiresAfterSeconds: 7 * 86_400 });
  return stepHandler(schema, logic).use(makeHandlerIdempotent({ persistenceStore, config }));
}
