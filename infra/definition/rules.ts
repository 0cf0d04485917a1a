/*
 * What Step Functions refuses (or this project forbids) in a JSONPath definition that the twin's
 * engine, aws-local-stepfunctions, and asl-validator accept: the engine resolves `$$` in any path
 * field, so only these checks tell whether AWS would take the definition. Pure, no CDK: the tests
 * and the twin (local/twin/workflow-engine.ts) both hold the definition to them.
 */

export type RuleId =
  | 'path-from-state-input'
  | 'reference-path'
  | 'callback-timeout'
  | 'states-all-last'
  | 'transition-target'
  | 'payload-template-path'
  | 'heartbeat-below-timeout'
  | 'state-name-length'
  | 'unique-state-names';

export interface DefinitionRule {
  summary: string;
  /** False for this project's own rules, which Step Functions would accept. */
  refusedByStepFunctions: boolean;
  doc: string;
}

export const DEFINITION_RULES: Record<RuleId, DefinitionRule> = {
  // The context object may be read only from InputPath, OutputPath, ItemsPath, Choice Variable and
  // variable-to-variable comparisons, ResultSelector, Parameters (and ItemSelector); these fields read the state's input.
  'path-from-state-input': {
    summary:
      'TimeoutSecondsPath, HeartbeatSecondsPath, ResultPath, SecondsPath, TimestampPath and MaxConcurrencyPath are reference paths into the state input, never the context object ($$)',
    refusedByStepFunctions: true,
    doc: 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html, https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html',
  },
  'reference-path': {
    summary: "a reference path selects one node: $ followed by .name, [n] or ['name'] only (no @ .. , : ? * or functions)",
    refusedByStepFunctions: true,
    doc: 'https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html',
  },
  'callback-timeout': {
    summary: 'a .waitForTaskToken task sets TimeoutSeconds(Path) or HeartbeatSeconds(Path), or it waits up to a year',
    refusedByStepFunctions: false,
    doc: 'https://docs.aws.amazon.com/step-functions/latest/dg/sfn-stuck-execution.html',
  },
  'states-all-last': {
    summary: 'States.ALL appears alone in its ErrorEquals, in the last retrier or catcher',
    refusedByStepFunctions: true,
    doc: 'https://states-language.net/spec.html#retrying-after-error',
  },
  'transition-target': {
    summary: 'StartAt, Next, Default and every Choices/Catch Next name a state of the same scope',
    refusedByStepFunctions: true,
    doc: 'https://states-language.net/spec.html#transition',
  },
  'payload-template-path': {
    summary: 'a Parameters, ResultSelector or ItemSelector key ending in .$ has a path ($...) or an intrinsic function (States.X(...)) as its value',
    refusedByStepFunctions: true,
    doc: 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html',
  },
  'heartbeat-below-timeout': {
    summary: 'HeartbeatSeconds is smaller than TimeoutSeconds',
    refusedByStepFunctions: true,
    doc: 'https://states-language.net/spec.html#task-state',
  },
  'state-name-length': {
    // The current States Language spec allows 128; every history event names its state in at most 80.
    summary: 'a state name is at most 80 characters',
    refusedByStepFunctions: false,
    doc: 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_StateExitedEventDetails.html',
  },
  'unique-state-names': {
    summary: 'state names are unique across the whole machine, nested states included',
    refusedByStepFunctions: true,
    doc: 'https://states-language.net/spec.html#states-fields',
  },
};

export interface RuleViolation {
  /** The state's name, or `(machine)` for the top level. */
  state: string;
  rule: RuleId;
  message: string;
}

export class InvalidDefinitionError extends Error {
  constructor(readonly violations: RuleViolation[]) {
    super(`InvalidDefinition: ${violations.map((v) => `state '${v.state}': ${v.rule}: ${v.message}`).join('; ')}`);
    this.name = 'InvalidDefinitionError';
  }
}

type Obj = Record<string, unknown>;
interface Scope {
  StartAt?: unknown;
  States?: Record<string, Obj>;
}

const INPUT_PATH_FIELDS = ['TimeoutSecondsPath', 'HeartbeatSecondsPath', 'ResultPath', 'SecondsPath', 'TimestampPath', 'MaxConcurrencyPath'] as const;
/** Reference paths that may read the context object (documented for ItemsPath). */
const CONTEXT_REFERENCE_FIELDS = ['ItemsPath'] as const;
const PAYLOAD_TEMPLATES = ['Parameters', 'ResultSelector', 'ItemSelector'] as const;
const MAX_STATE_NAME = 80;

/** `$`, then `.name` (backslash escapes allowed, as the spec's examples show), `[n]` or `['name']`. */
const REFERENCE_PATH = /^\$(?:\.(?:\\.|[^.[\]@,:?*()'"\\])+|\[\d+\]|\['[^']*'\])*$/;
const INTRINSIC = /^States\.[A-Za-z]+\(.*\)$/s;

/** Every rule the definition breaks; empty when Step Functions would take it. */
export function checkDefinitionRules(definition: unknown): RuleViolation[] {
  const out: RuleViolation[] = [];
  const seen = new Set<string>();
  visitScope(definition as Scope, '(machine)', out, seen);
  return out;
}

/** Throws InvalidDefinitionError naming each state and rule, as CreateStateMachine refuses with InvalidDefinition. */
export function assertDefinitionRules(definition: unknown): void {
  const violations = checkDefinitionRules(definition);
  if (violations.length > 0) throw new InvalidDefinitionError(violations);
}

function visitScope(scope: Scope, owner: string, out: RuleViolation[], seen: Set<string>): void {
  const states = scope.States ?? {};
  const names = new Set(Object.keys(states));
  const target = (state: string, field: string, next: unknown) => {
    if (typeof next === 'string' && !names.has(next))
      out.push({ state, rule: 'transition-target', message: `${field} '${next}' is not a state of this scope` });
  };
  target(owner, 'StartAt', scope.StartAt);
  for (const [name, state] of Object.entries(states)) {
    if (seen.has(name)) out.push({ state: name, rule: 'unique-state-names', message: 'another state has this name' });
    seen.add(name);
    if ([...name].length > MAX_STATE_NAME) out.push({ state: name, rule: 'state-name-length', message: `${[...name].length} characters` });
    target(name, 'Next', state.Next);
    target(name, 'Default', state.Default);
    for (const choice of arrayOf(state.Choices)) target(name, 'Choices Next', choice.Next);
    for (const catcher of arrayOf(state.Catch)) target(name, 'Catch Next', catcher.Next);
    checkPaths(name, state, out);
    checkErrorHandlers(name, state, out);
    checkTimeouts(name, state, out);
    for (const field of PAYLOAD_TEMPLATES) checkPayloadTemplate(name, field, state[field], out);
    for (const inner of [state.ItemProcessor, state.Iterator, ...arrayOf(state.Branches)])
      if (inner && typeof inner === 'object') visitScope(inner as Scope, name, out, seen);
  }
}

function checkPaths(name: string, state: Obj, out: RuleViolation[]): void {
  const inputPaths: [string, unknown][] = [
    ...INPUT_PATH_FIELDS.map((f): [string, unknown] => [f, state[f]]),
    ...arrayOf(state.Catch).map((c): [string, unknown] => ['Catch ResultPath', c.ResultPath]),
  ];
  for (const [field, path] of inputPaths) {
    if (typeof path !== 'string') continue;
    if (path.startsWith('$$'))
      out.push({
        state: name,
        rule: 'path-from-state-input',
        message: `${field} '${path}' reads the context object; carry the value in the state input (an earlier Parameters or ResultSelector may copy it from $$) and reference it there`,
      });
    else if (!REFERENCE_PATH.test(path)) out.push({ state: name, rule: 'reference-path', message: `${field} '${path}' is not a reference path` });
  }
  for (const field of CONTEXT_REFERENCE_FIELDS) {
    const path = state[field];
    if (typeof path === 'string' && !REFERENCE_PATH.test(path.replace(/^\$\$/, '$')))
      out.push({ state: name, rule: 'reference-path', message: `${field} '${path}' is not a reference path` });
  }
}

function checkErrorHandlers(name: string, state: Obj, out: RuleViolation[]): void {
  for (const field of ['Retry', 'Catch'] as const) {
    const handlers = arrayOf(state[field]);
    handlers.forEach((handler, i) => {
      const errors = Array.isArray(handler.ErrorEquals) ? (handler.ErrorEquals as unknown[]) : [];
      if (errors.includes('States.ALL') && (errors.length > 1 || i < handlers.length - 1)) {
        out.push({
          state: name,
          rule: 'states-all-last',
          message: `${field}[${i}] names States.ALL ${errors.length > 1 ? 'with other errors' : 'before the last entry'}`,
        });
      }
    });
  }
}

function checkTimeouts(name: string, state: Obj, out: RuleViolation[]): void {
  if (state.Type !== 'Task') return;
  const bounded = ['TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath'].some((f) => state[f] !== undefined);
  if (typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken') && !bounded) {
    out.push({ state: name, rule: 'callback-timeout', message: 'no TimeoutSeconds(Path) or HeartbeatSeconds(Path)' });
  }
  const { TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat } = state;
  if (typeof timeout === 'number' && typeof heartbeat === 'number' && heartbeat >= timeout) {
    out.push({ state: name, rule: 'heartbeat-below-timeout', message: `HeartbeatSeconds ${heartbeat} is not below TimeoutSeconds ${timeout}` });
  }
}

function checkPayloadTemplate(name: string, field: string, template: unknown, out: RuleViolation[]): void {
  if (Array.isArray(template)) {
    for (const item of template) checkPayloadTemplate(name, field, item, out);
    return;
  }
  if (!template || typeof template !== 'object') return;
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && !(typeof value === 'string' && (value.startsWith('$') || INTRINSIC.test(value)))) {
      out.push({ state: name, rule: 'payload-template-path', message: `${field} '${key}' is ${JSON.stringify(value)}, not a path or an intrinsic function` });
    } else {
      checkPayloadTemplate(name, field, value, out);
    }
  }
}

function arrayOf(value: unknown): Obj[] {
  return Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Obj[]) : [];
}
