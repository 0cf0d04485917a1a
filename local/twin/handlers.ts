import { FUNCTIONS, type FunctionName } from '../../infra/functions.js';
import type { LambdaHandler } from './workflow-engine.js';

type Lookup = (entry: string) => LambdaHandler;
let served: Lookup | undefined;

/**
 * Makes `loadHandler` hand out a running system's functions (local/twin/system.ts runs each in a sandbox of
 * its own), so the edge and tests call the function the system runs. Returns what stops it.
 */
export function serveHandlersFrom(lookup: Lookup): () => void {
  served = lookup;
  return () => {
    if (served === lookup) served = undefined;
  };
}

/** The function the running system runs for `entry`; with none running, the module loaded in this process. */
export async function loadHandler(entry: FunctionName): Promise<LambdaHandler> {
  return served ? served(entry) : importHandler(entry);
}

/**
 * The handler module Lambda runs for `entry` (functions/handlers/<entry>.ts, a function of infra/functions.ts),
 * loaded in this process: it reads its configuration from this process's environment at load, so the
 * environment must be in place first.
 */
export async function importHandler(entry: string): Promise<LambdaHandler> {
  if (!Object.hasOwn(FUNCTIONS, entry)) throw new Error(`No function ${entry} in infra/functions.ts, so no handler module under functions/handlers/`);
  return ((await import(`../../functions/handlers/${entry}.ts`)) as { handler: LambdaHandler }).handler;
}
