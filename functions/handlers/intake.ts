import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { configSchema } from '../../infra/functions.js';
import { EventBridgeSchema } from '../shared/event-schemas.js';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type * as z from 'zod';
import { incidentStores } from '../adapters/stores.js';
import { SnsMessaging } from '../adapters/messaging.js';
import { StepFunctionsWorkflow } from '../adapters/workflow.js';
import { systemClock } from '../shared/clock.js';
import { dynamo } from '../shared/dynamo-client.js';
import { sfn } from '../shared/sfn-client.js';
import { sns } from '../shared/sns-client.js';
import { parseConfig } from '../shared/config.js';
import { shortHash } from '../shared/crypto.js';
import { MalformedAlarmError, UnknownAlarmError } from '../shared/errors.js';
import { countMetrics, EARLY_TIMEOUT_MS } from '../shared/handler.js';
import { logger, metrics, tracer } from '../shared/powertools.js';
import { intakeAlarm, rejectAlarm, type IntakeResult } from '../steps/intake.js';

const config = parseConfig(configSchema('intake'));

const deps = {
  ...incidentStores(dynamo, config.INCIDENTS_TABLE, systemClock),
  workflow: new StepFunctionsWorkflow(sfn, config.STATE_MACHINE_ARN),
  messaging: new SnsMessaging(sns),
  clock: systemClock,
  alarmSettings: { manualSource: config.MANUAL_ALARM_SOURCE, cloudWatchAlarmSeverity: config.CLOUDWATCH_ALARM_SEVERITY, drillMode: config.DRILL_MODE },
  workflowSettings: {
    approvalTimeoutSeconds: config.APPROVAL_TIMEOUT_SECONDS,
    escalationTimeoutSeconds: config.ESCALATION_TIMEOUT_SECONDS,
    teamReminderSeconds: config.TEAM_REMINDER_SECONDS,
    updateCyclesPerExecution: config.UPDATE_CYCLES_PER_EXECUTION,
  },
  responseTeamTopicArn: config.RESPONSE_TEAM_TOPIC_ARN,
};

export type IntakeResponse = { outcome: 'accepted'; incidents: IntakeResult[] } | { outcome: 'rejected'; error: string; reason: string };

type Parsed = ParsedResult<unknown, z.infer<typeof EventBridgeSchema>>;

/**
 * A bad alarm is not retried: retrying cannot fix it. It is kept, reported, counted, and the
 * invocation ends with its named error in the result and the log. Infrastructure errors do throw,
 * so Lambda's async retries and the dead-letter queue keep the event.
 */
const intake = async (parsed: Parsed): Promise<IntakeResponse> => {
  const raw = JSON.stringify(parsed.success ? parsed.data : parsed.originalEvent);
  const eventId = parsed.success ? parsed.data.id : eventIdOf(parsed.originalEvent);
  try {
    if (!parsed.success) throw new MalformedAlarmError(`Not an EventBridge event: ${parsed.error.message}`);
    const incidents = await intakeAlarm(parsed.data, raw, deps);
    countMetrics({ alarmsAccepted: 1 });
    logger.info('Alarm accepted', { eventId, incidents });
    return { outcome: 'accepted', incidents };
  } catch (error) {
    if (!(error instanceof MalformedAlarmError) && !(error instanceof UnknownAlarmError)) throw error;
    await rejectAlarm(eventId, error.name, error.message, raw, deps);
    countMetrics({ alarmsRejected: 1 });
    logger.error('Alarm rejected', { eventId, error: error.name, reason: error.message });
    return { outcome: 'rejected', error: error.name, reason: error.message };
  }
};

function eventIdOf(event: unknown): string {
  const id = (event as { id?: unknown } | null)?.id;
  // Without an id, a content hash still keeps retries of the same bad event to one record.
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : `unidentified-${shortHash(JSON.stringify(event) ?? 'null', 32)}`;
}

export const handler = middy<Parsed, IntakeResponse>({ timeoutEarlyInMillis: EARLY_TIMEOUT_MS })
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(parser({ schema: EventBridgeSchema, safeParse: true }))
  .handler(intake);
