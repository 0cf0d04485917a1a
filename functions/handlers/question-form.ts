import { configSchema } from '../../infra/functions.js';
import { QuestionStore, RateLimiter } from '../adapters/question-store.js';
import { cachedFormKeys, secretStage } from '../adapters/secret-key.js';
import { questionFormRequest } from '../http/question-form.js';
import { incidentPageLink } from '../domain/notice.js';
import { FORM_LIMITS } from '../domain/question-form.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { parseConfig } from '../shared/config.js';
import { httpHandler } from '../shared/http-handler.js';
import { logger } from '../shared/powertools.js';

const config = parseConfig(configSchema('question-form'));
const deps = {
  questions: new QuestionStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  limiter: new RateLimiter(dynamo, config.INCIDENTS_TABLE, systemClock),
  formKeys: cachedFormKeys(
    secretStage(config.QUESTION_FORM_SECRET_ID, process.env.AWS_REGION ?? 'us-east-1', process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER),
    systemClock,
  ),
  limits: FORM_LIMITS,
  clock: systemClock,
  locales: config.LOCALES,
  pageUrl: (incidentId: string, locale: (typeof config.LOCALES)[number]) => incidentPageLink(config.INCIDENT_PAGE_URL, incidentId, locale),
};

/** The question and the address are in the body: the log names the route, the incident, the outcome and the client's keyed hash only. */
export const handler = httpHandler(async (event) => {
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
  logger.info('Question form request', {
    routeKey: event.routeKey,
    incidentId: event.pathParameters?.incidentId,
    status: out.status,
    outcome: out.outcome,
    client: out.client,
  });
  return { statusCode: out.status, headers: out.headers, body: out.body };
});
