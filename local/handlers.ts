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

type Lookup = (entry: string) => LambdaHandler;
let served: Lookup | undefined;

/**
 * Makes `loadHandler` hand out a running system's functions (local/system.ts runs each in a sandbox of
 * its own), so the edge and tests call the function the system runs. Returns what stops it.
 */
export function serveHandlersFrom(lookup: Lookup): () => void {
  served = lookup;
  return () => {
    if (served === lookup) served = undefined;
  };
}

/** The function the running system runs for `entry`; with none running, the module loaded in this process. */
export async function loadHandler(entry: keyof typeof loaders): Promise<LambdaHandler> {
  return served ? served(entry) : importHandler(entry);
}

/** The handler module loaded in this process, which reads its configuration from this process's environment at load. */
export async function importHandler(entry: string): Promise<LambdaHandler> {
  const load = loaders[entry as FunctionName];
  if (!load) throw new Error(`No handler module ${entry} under functions/handlers/`);
  return (await load()).handler as LambdaHandler;
}
