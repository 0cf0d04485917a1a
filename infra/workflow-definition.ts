import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS, type FunctionDescriptor, type FunctionName } from './functions.js';

export const DEFINITION_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'statemachines', 'incident-response.asl.json');

/** The functions the workflow invokes: those whose descriptor (infra/functions.ts) is a `workflowStep`. */
export type WorkflowStep = { [N in FunctionName]: (typeof FUNCTIONS)[N] extends { readonly workflowStep: true } ? N : never }[FunctionName];

export const WORKFLOW_STEPS: readonly WorkflowStep[] = (Object.keys(FUNCTIONS) as FunctionName[]).filter(
  (name): name is WorkflowStep => (FUNCTIONS[name] as FunctionDescriptor).workflowStep === true,
);

/**
 * The definition's placeholder for a step's ARN (`assess-impact` -> `AssessImpactFunctionArn`): what
 * `lambdaTask` writes and the stack and the twin fill.
 */
export function substitutionKey(step: WorkflowStep): string {
  return `${pascalCase(step)}FunctionArn`;
}

/** `assess-impact` -> `AssessImpact`. */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

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
