import { APIGatewayProxyEventV2Schema } from '../shared/event-schemas.js';
import { QuestionStore, RateLimiter } from '../adapters/question-store.js';
import { secretString } from '../adapters/secret-key.js';
import { incidentStores } from '../adapters/stores.js';
import { questionFormRequest } from '../http/question-form.js';
import { incidentPageLink } from '../domain/notice.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/clients.js';
import { parseConfig } from '../shared/config.js';
import { pick } from '../shared/environment.js';
import { stepHandler } from '../shared/handler.js';
import { logger } from '../shared/powertools.js';

const config = parseConfig(pick('LOCALES', 'INCIDENTS_TABLE', 'INCIDENT_PAGE_URL', 'QUESTION_FORM_SECRET_ID'));
const { incidents } = incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock);
const deps = {
  incidents,
  questions: new QuestionStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  limiter: new RateLimiter(dynamo, config.INCIDENTS_TABLE, systemClock),
  formKey: secretString(config.QUESTION_FORM_SECRET_ID, process.env.AWS_REGION ?? 'us-east-1', process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER),
  clock: systemClock,
  locales: config.LOCALES,
  pageUrl: (incidentId: string, locale: (typeof config.LOCALES)[number]) => incidentPageLink(config.INCIDENT_PAGE_URL, incidentId, locale),
};

/** The question and the address are in the body: the log names the route, the incident and the outcome only. */
export const handler = stepHandler(APIGatewayProxyEventV2Schema, async (event) => {
  const { body, isBase64Encoded } = event;
  const out = await questionFormRequest(
    {
      method: event.requestContext.http.method,
      incidentId: event.pathParameters?.incidentId ?? '',
      locale: event.queryStringParameters?.locale,
      body: body !== undefined && isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
      sourceIp: event.requestContext.http.sourceIp,
    },
    deps,
  );
  logger.info('Question form request', { routeKey: event.routeKey, incidentId: event.pathParameters?.incidentId, status: out.status, outcome: out.outcome });
  return { statusCode: out.status, headers: out.headers, body: out.body };
});
