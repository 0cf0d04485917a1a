import { configSchema } from '../../infra/functions.js';
import { SesEmailSender } from '../adapters/email-sender.js';
import { QuestionStore } from '../adapters/question-store.js';
import { incidentStores } from '../adapters/stores.js';
import { CONFIRM_CSRF_COOKIE, confirmationRequest } from '../http/address-confirmation.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { ses } from '../shared/ses-client.js';
import { parseConfig } from '../shared/config.js';
import { httpHandler } from '../shared/http-handler.js';
import { logger } from '../shared/powertools.js';

const config = parseConfig(configSchema('confirm-address'));
const { incidents } = incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock);
const deps = {
  questions: new QuestionStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  incidents,
  email: new SesEmailSender(ses, config.SENDER_ADDRESS, config.SES_CONFIGURATION_SET),
  clock: systemClock,
  drillMode: config.DRILL_MODE,
};

/** An asker confirms the address the answer goes to. The link id is never logged; the outcome is. */
export const handler = httpHandler(async (event) => {
  const { body, isBase64Encoded } = event;
  const out = await confirmationRequest(
    {
      method: event.requestContext.http.method,
      linkId: event.pathParameters?.linkId ?? '',
      body: body !== undefined && isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
      // Payload format 2.0 hands cookies over as `name=value` strings.
      csrfCookie: (event.cookies ?? [])
        .map((c) => c.trim())
        .find((c) => c.startsWith(`${CONFIRM_CSRF_COOKIE}=`))
        ?.slice(CONFIRM_CSRF_COOKIE.length + 1),
      acceptLanguage: event.headers['accept-language'],
    },
    deps,
  );
  logger.info('Address confirmation request', { method: event.requestContext.http.method, status: out.status, outcome: out.outcome });
  return { statusCode: out.status, headers: out.headers, cookies: out.cookies, body: event.requestContext.http.method === 'HEAD' ? '' : out.body };
});
