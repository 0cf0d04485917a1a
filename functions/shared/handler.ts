import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { logger, metrics, tracer } from './powertools.js';

/**
 * The wiring every workflow step shares: tracing, structured logs with the Lambda context, metrics
 * flushed per invocation where the step emits any, and the input parsed by `schema` before the logic runs (a ParseError
 * otherwise, which the state machine routes to its failure path).
 */
export function stepHandler<S extends z.ZodType, R>(
  schema: S,
  logic: (input: z.infer<S>, context: Context) => Promise<R>,
  options: { publishesMetrics?: boolean } = {},
) {
  const chain = middy<z.infer<S>, R>().use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger, { clearState: true }));
  // Only steps that emit metrics flush them; an empty flush only logs a warning.
  if (options.publishesMetrics) chain.use(logMetrics(metrics));
  return chain.use(parser({ schema })).handler(logic);
}

/** Same wiring plus Powertools idempotency, for steps whose side effect must not repeat on a retry. */
export function idempotentStepHandler<S extends z.ZodType, R>(
  schema: S,
  idempotencyTable: string,
  logic: (input: z.infer<S>, context: Context) => Promise<R>,
) {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: idempotencyTable });
  const config = new IdempotencyConfig({ expiresAfterSeconds: 7 * 86_400 });
  return stepHandler(schema, logic).use(makeHandlerIdempotent({ persistenceStore, config }));
}
