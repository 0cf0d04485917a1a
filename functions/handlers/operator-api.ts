import { APIGatewayProxyEventV2Schema } from '../shared/event-schemas.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { incidentStores } from '../adapters/stores.js';
import { StepFunctionsCallbacks } from '../adapters/workflow.js';
import { operatorRequest, type OperatorApiDeps, type OperatorResource } from '../http/operator-api.js';
import { systemClock } from '../shared/clock.js';
import { dynamo, sfn, sns } from '../shared/clients.js';
import { parseConfig } from '../shared/config.js';
import { pick } from '../shared/environment.js';
import { stepHandler } from '../shared/handler.js';
import { logger } from '../shared/powertools.js';

const config = parseConfig(pick('LOCALES', 'INCIDENTS_TABLE', 'RESPONSE_TEAM_TOPIC_ARN'));
const messaging = new SnsMessaging(sns);
const deps: OperatorApiDeps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  workflow: new StepFunctionsCallbacks(sfn),
  locales: config.LOCALES,
  alertTeam: async (event, subject, message) => {
    await messaging.publish(config.RESPONSE_TEAM_TOPIC_ARN, subject, message, { event });
  },
};

/** The route's last segment: `PUT /operator/incidents/{id}/scope` -> scope. */
function operatorResource(routeKey: string): OperatorResource {
  const last = routeKey.split('/').at(-1);
  return last === 'scope' || last === 'close' || last === 'redraft' ? last : 'facts';
}

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/** The facts arrive as the body: only the route, the incident and the outcome are logged, never the text. */
export const handler = stepHandler(APIGatewayProxyEventV2Schema, async (event) => {
  const { body, isBase64Encoded } = event;
  const out = await operatorRequest(
    {
      method: event.requestContext.http.method,
      resource: operatorResource(event.routeKey),
      incidentId: event.pathParameters?.id ?? '',
      version: event.queryStringParameters?.version,
      body: body !== undefined && isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
      caller: event.requestContext.authorizer?.iam?.userArn,
    },
    deps,
  );
  logger.info('Operator API request', { routeKey: event.routeKey, incidentId: event.pathParameters?.id, status: out.status, factsVersion: out.body.version });
  return { statusCode: out.status, headers: HEADERS, body: JSON.stringify(out.body) };
});
