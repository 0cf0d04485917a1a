import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { EventBridgeSchema } from './event-schemas.js';
import { instrumentedHandler } from './handler.js';

/** A function an EventBridge schedule invokes (the sweepers): the scheduled event in, its counts out. */
export function scheduledHandler<R>(logic: (event: z.infer<typeof EventBridgeSchema>, context: Context) => Promise<R>) {
  return instrumentedHandler(EventBridgeSchema, logic);
}
