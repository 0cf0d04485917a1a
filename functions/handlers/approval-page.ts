import { configSchema } from '../../infra/functions.js';
import type { APIGatewayProxyEventV2 } from '@aws-lambda-powertools/parser/types';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { incidentStores } from '../adapters/stores.js';
import { QuestionStore } from '../adapters/question-store.js';
import { approvalPageLocale } from '../domain/approval-text.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { StepFunctionsCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { sfn } from '../shared/sfn-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { httpHandler } from '../shared/http-handler.js';
import { incidentPageRepublisher } from '../shared/incident-page-publishing.js';
import { logger } from '../shared/powertools.js';
import { CSRF_COOKIE, decideApproval, showApproval, type ApprovalPageResponse } from '../http/approval-page.js';

const config = parseConfig(configSchema('approval-page'));
const messaging = new SnsMessaging(sns);
const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  // SendTaskSuccess/Failure take the token alone; the state machine ARN is not needed here.
  workflow: new StepFunctionsCallbacks(sfn),
  // FAQ decisions publish the answer and re-render the page at once, or refuse it; no Step Functions call.
  faq: { questions: new QuestionStore(dynamo, config.INCIDENTS_TABLE, systemClock), republish: incidentPageRepublisher() },
  clock: systemClock,
  locales: config.LOCALES,
  smsPrice: { perSegment: config.SMS_PRICE_PER_SEGMENT, currency: config.SMS_PRICE_CURRENCY },
  alertTeam: async (event: string, subject: string, message: string) => {
    await messaging.publish(config.RESPONSE_TEAM_TOPIC_ARN, subject, message, { event });
  },
};

const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

function respond(page: ApprovalPageResponse, withBody = true): APIGatewayProxyStructuredResultV2 {
  return { statusCode: page.status, headers: SECURITY_HEADERS, cookies: page.cookies, body: withBody ? page.html : '' };
}

/** Payload format 2.0 hands cookies over as `name=value` strings. */
function cookie(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return (event.cookies ?? [])
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

function formBody(event: APIGatewayProxyEventV2): URLSearchParams {
  const raw = event.body ?? '';
  return new URLSearchParams(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
}

/** GET/HEAD show the page and decide nothing; only POST decides. The link id is never logged. */
export const handler = httpHandler(async (event) => {
  const linkId = event.pathParameters?.linkId ?? '';
  const method = event.requestContext.http.method;
  const meta = {
    sourceIp: event.requestContext.http.sourceIp,
    userAgent: event.requestContext.http.userAgent ?? '',
    csrfCookie: cookie(event, CSRF_COOKIE),
    locale: approvalPageLocale(event.headers['accept-language']),
  };
  logger.info('Approval page request', { method, sourceIp: meta.sourceIp });
  if (method === 'POST') return respond(await decideApproval(linkId, formBody(event), meta, deps));
  if (method === 'GET' || method === 'HEAD') return respond(await showApproval(linkId, meta, deps), method === 'GET');
  return { statusCode: 405, headers: { ...SECURITY_HEADERS, allow: 'GET, HEAD, POST' }, body: '' };
});
