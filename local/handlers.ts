import type { FunctionName } from '../infra/functions.js';
import type { LambdaHandler } from './workflow-engine.js';

type Loader = () => Promise<{ handler: unknown }>;

/**
 * The handler modules Lambda runs, loaded lazily: each reads its configuration at load, so the
 * environment must be in place first. Typed by the function descriptors, so a new function cannot be missed.
 */
const loaders: Record<FunctionName, Loader> = {
  'assess-impact': () => import('../functions/handlers/assess-impact.js'),
  'page-response-team': () => import('../functions/handlers/page-response-team.js'),
  'draft-notice': () => import('../functions/handlers/draft-notice.js'),
  'request-approval': () => import('../functions/handlers/request-approval.js'),
  'plan-sending': () => import('../functions/handlers/plan-sending.js'),
  'send-notices': () => import('../functions/handlers/send-notices.js'),
  'confirm-sending': () => import('../functions/handlers/confirm-sending.js'),
  'plan-next-update': () => import('../functions/handlers/plan-next-update.js'),
  'await-team': () => import('../functions/handlers/await-team.js'),
  'send-final-report': () => import('../functions/handlers/send-final-report.js'),
  'continue-execution': () => import('../functions/handlers/continue-execution.js'),
  intake: () => import('../functions/handlers/intake.js'),
  'approval-page': () => import('../functions/handlers/approval-page.js'),
  'redeliver-decisions': () => import('../functions/handlers/redeliver-decisions.js'),
  'operator-api': () => import('../functions/handlers/operator-api.js'),
  'start-regulator-clocks': () => import('../functions/handlers/start-regulator-clocks.js'),
  'regulator-clocks': () => import('../functions/handlers/regulator-clocks.js'),
  'publish-incident-page': () => import('../functions/handlers/publish-incident-page.js'),
  'question-form': () => import('../functions/handlers/question-form.js'),
  'confirm-address': () => import('../functions/handlers/confirm-address.js'),
};

/** Every handler module at once, so their loading overlaps; `loadHandler` then finds each in the module cache. */
export async function loadAllHandlers(): Promise<void> {
  await Promise.all(Object.values(loaders).map((load) => load()));
}

export async function loadHandler(entry: keyof typeof loaders): Promise<LambdaHandler> {
  return (await loaders[entry]()).handler as LambdaHandler;
}

/**
 * The libraries the handler modules import, loaded ahead while the emulators boot (the process
 * mostly waits for the JVM then). Only a warm-up: none of them reads the handlers' configuration,
 * and one missing here costs start-up time, nothing else.
 */
export async function preloadHandlerLibraries(): Promise<void> {
  await Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/logger'),
    import('@aws-lambda-powertools/metrics'),
    import('@aws-lambda-powertools/parser/middleware'),
    import('@aws-lambda-powertools/idempotency'),
    import('@aws-lambda-powertools/idempotency/dynamodb'),
    import('@middy/core'),
    import('@aws-sdk/client-sesv2'),
  ]);
}
