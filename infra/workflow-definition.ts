import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFINITION_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'statemachines', 'incident-response.asl.json');

/**
 * The Lambda steps of the workflow: substitution key in the definition -> handler entry in
 * `functions/handlers/`. The stack and the local twin both build their substitutions from this map.
 */
export const WORKFLOW_STEPS = {
  AssessImpactFunctionArn: 'assess-impact',
  PageResponseTeamFunctionArn: 'page-response-team',
  DraftNoticeFunctionArn: 'draft-notice',
  RequestApprovalFunctionArn: 'request-approval',
  PlanSendingFunctionArn: 'plan-sending',
  SendNoticesFunctionArn: 'send-notices',
  ConfirmSendingFunctionArn: 'confirm-sending',
  PlanNextUpdateFunctionArn: 'plan-next-update',
  AwaitTeamFunctionArn: 'await-team',
  StartRegulatorClocksFunctionArn: 'start-regulator-clocks',
  PublishIncidentPageFunctionArn: 'publish-incident-page',
  SendFinalReportFunctionArn: 'send-final-report',
  ContinueExecutionFunctionArn: 'continue-execution',
} as const;

export type WorkflowStepKey = keyof typeof WORKFLOW_STEPS;
export type WorkflowStepEntry = (typeof WORKFLOW_STEPS)[WorkflowStepKey];

/** Every `${Name}` placeholder in the definition file. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]!))].sort();
}

/** Fills placeholders the way CloudFormation's DefinitionSubstitutions does; an unfilled one is an error. */
export function substitute(text: string, values: Record<string, string>): string {
  const missing = placeholdersIn(text).filter((p) => !(p in values));
  if (missing.length > 0) throw new Error(`No substitution for ${missing.join(', ')}`);
  return text.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name: string) => values[name]!);
}

export function readDefinition(): string {
  return readFileSync(DEFINITION_PATH, 'utf8');
}
