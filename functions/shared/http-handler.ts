import type { APIGatewayProxyEventV2 } from '@aws-lambda-powertools/parser/types';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { APIGatewayProxyEventV2Schema } from './event-schemas.js';
import { instrumentedHandler } from './handler.js';

/**
 * A function behind HTTP API routes: API Gateway's payload format 2.0 event in, its structured result
 * out. A failure is API Gateway's 500; the log names it as a step's would.
 */
export function httpHandler(logic: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>) {
  return instrumentedHandler(APIGatewayProxyEventV2Schema, logic);
}
