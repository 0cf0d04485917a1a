import { configSchema } from '../../infra/functions.js';
import { addressKey } from '../domain/address-confirmation.js';
import { SesEmailSender } from '../adapters/email-sender.js';
import { EvidenceStore } from '../adapters/evidence-store.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { QuestionStore, RateLimiter } from '../adapters/question-store.js';
import { cachedFormKeys, secretStage } from '../adapters/secret-key.js';
import { ApprovalStore } from '../adapters/approval-store.js';
import { FactsStore } from '../adapters/facts-store.js';
import { IncidentStore } from '../adapters/incident-store.js';
import { NoticeStore } from '../adapters/notice-store.js';
import { TeamStore } from '../adapters/team-store.js';
import { StepFunctionsCallbacks } from '../adapters/workflow.js';
import { operatorRequest, type OperatorApiDeps, type OperatorResource } from '../http/operator-api.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { ses } from '../shared/ses-client.js';
import { sfn } from '../shared/sfn-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { httpHandler } from '../shared/http-handler.js';
import { logger } from '../shared/powertools.js';

const config = parseConfig(configSchema('operator-api'));
const messaging = new SnsMessaging(sns);
const formKeys = cachedFormKeys(
  secretStage(config.QUESTION_FORM_SECRET_ID, process.env.AWS_REGION ?? 'us-east-1', process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER),
  systemClock,
);
const deps: OperatorApiDeps = {
  // The stores it uses, not incidentStores' all: the obligations' would only weigh on the bundle (tests/infra/bundle-size.test.ts).
  incidents: new IncidentStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  notices: new NoticeStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  approvals: new ApprovalStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  facts: new FactsStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  team: new TeamStore(dynamo, config.INCIDENTS_TABLE, systemClock),
  workflow: new StepFunctionsCallbacks(sfn),
  evidence: new EvidenceStore(dynamo, config.DELIVERIES_TABLE, systemClock),
  clock: systemClock,
  locales: config.LOCALES,
  alertTeam: async (event, subject, message) => {
    // With approval codes by SMS this role may publish to no topic (see its descriptor): the timeline and the log carry it.
    if (config.APPROVAL_CODE_CHANNEL === 'sms')
      return void logger.error('Response team not paged: this function sends SMS and may publish to no topic', { event, subject });
    await messaging.publish(config.RESPONSE_TEAM_TOPIC_ARN, subject, message, { event });
  },
  // The deployment's approval settings, as wait-for-approval's: the caller chooses none of them.
  answers: {
    questions: new QuestionStore(dynamo, config.INCIDENTS_TABLE, systemClock),
    email: new SesEmailSender(ses, config.SENDER_ADDRESS, config.SES_CONFIGURATION_SET),
    messaging,
    clock: systemClock,
    limiter: new RateLimiter(dynamo, config.INCIDENTS_TABLE, systemClock),
    addressKey: async (address) => addressKey((await formKeys.get()).current.key, address),
    confirmBaseUrl: config.APPROVAL_BASE_URL,
    drillMode: config.DRILL_MODE,
    approvers: config.APPROVER_EMAILS,
    quorum: config.APPROVAL_QUORUM,
    approvalBaseUrl: config.APPROVAL_BASE_URL,
    codeChannel: config.APPROVAL_CODE_CHANNEL,
    phones: new Map(config.APPROVER_PHONES.map((pair) => pair.split('=') as [string, string])),
  },
};

/** The route's resource: `PUT /operator/incidents/{id}/scope` -> scope, `POST .../questions/{questionId}/answer` -> answer, `.../resume-sending` -> resume-sending. */
function operatorResource(routeKey: string): OperatorResource {
  const last = routeKey.split('/').at(-1);
  return last === 'scope' || last === 'close' || last === 'redraft' || last === 'answer' || last === 'resume-sending' ? last : 'facts';
}

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/** Facts and answers arrive as the body: only the route, the incident and the outcome are logged, never the text. */
export const handler = httpHandler(async (event) => {
  const { body, isBase64Encoded } = event;
  const out = await operatorRequest(
    {
      method: event.requestContext.http.method,
      resource: operatorResource(event.routeKey),
      incidentId: event.pathParameters?.id ?? '',
      questionId: event.pathParameters?.questionId,
      noticeId: event.pathParameters?.noticeId,
      version: event.queryStringParameters?.version,
      body: body !== undefined && isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
      caller: event.requestContext.authorizer?.iam?.userArn,
    },
    deps,
  );
  logger.info('Operator API request', { routeKey: event.routeKey, incidentId: event.pathParameters?.id, status: out.status, factsVersion: out.body.version });
  return { statusCode: out.status, headers: HEADERS, body: JSON.stringify(out.body) };
});
