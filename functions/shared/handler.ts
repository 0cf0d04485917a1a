import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { DependencyError, isDependencyFailure } from './errors.js';
import { METRICS, type ChannelMetricKey, type MetricKey } from './metric-catalogue.js';
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

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Metrics of the catalogue without dimensions of their own. */
type UndimensionedKey = { [K in MetricKey]: (typeof METRICS)[K]['dimensions'] extends readonly [] ? K : never }[MetricKey];

/**
 * Values for this invocation, by their catalogue key (shared/metric-catalogue.ts); the handler's
 * logMetrics middleware flushes them as it ends, also when it fails.
 */
export function countMetrics(values: Partial<Record<UndimensionedKey, number | undefined>>): void {
  for (const [key, value] of Object.entries(values) as [UndimensionedKey, number | undefined][]) {
    if (value === undefined) continue;
    const metric = METRICS[key];
    metrics.addMetric(metric.name, metric.unit as Unit, value);
  }
}

/**
 * Counts of one channel for metrics with a `channel` dimension, each written at once (Powertools'
 * single metric): one EMF document carries one set of dimension values.
 */
export function countPerChannel(channel: string, values: Partial<Record<ChannelMetricKey, number>>): void {
  for (const [key, value] of Object.entries(values) as [ChannelMetricKey, number][]) {
    // One instance per metric: publishing clears the instance's dimensions.
    metrics
      .singleMetric()
      .addDimension('channel', channel)
      .addMetric(METRICS[key].name, METRICS[key].unit as Unit, value);
  }
}

/** What recording kept SMS statuses found (steps/record-sms-status.ts), as the SMS channel's delivery counts. */
export function countEarlyRecorded(recorded: { Delivery: number; Undelivered: number }): void {
  if (recorded.Delivery + recorded.Undelivered > 0) countPerChannel('sms', { noticesDelivered: recorded.Delivery, noticesBounced: recorded.Undelivered });
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
