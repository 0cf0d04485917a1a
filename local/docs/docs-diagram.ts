import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFINITION_PATH } from '../../infra/workflow-definition.js';

/**
 * The workflow's top-level states as a Mermaid flowchart, written from the definition file into
 * docs/architecture.md between these markers, so the picture cannot drift from what deploys
 * (tests/infra/docs-diagram.test.ts regenerates it and compares).
 */
export const DIAGRAM_START = '<!-- state-diagram:start (generated from statemachines/incident-response.asl.json: npx tsx local/docs/docs-diagram.ts) -->';
export const DIAGRAM_END = '<!-- state-diagram:end -->';
export const ARCHITECTURE_DOC = fileURLToPath(new URL('../../docs/architecture.md', import.meta.url));

type Rule = Record<string, unknown> & { Variable?: string; Next?: string; And?: Rule[]; Or?: Rule[]; Not?: Rule };
interface Catcher {
  ErrorEquals: string[];
  Next: string;
}
interface State {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: Rule[];
  Catch?: Catcher[];
  ItemProcessor?: { ProcessorConfig?: { Mode?: string }; States: Record<string, unknown> };
}
export interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

const OPERATORS: Record<string, string> = {
  StringEquals: '=',
  NumericEquals: '=',
  TimestampEquals: '=',
  NumericLessThan: '<',
  NumericLessThanEquals: '≤',
  NumericGreaterThan: '>',
  NumericGreaterThanEquals: '≥',
  TimestampLessThan: '<',
  TimestampLessThanEquals: '≤',
  TimestampGreaterThan: '>',
  TimestampGreaterThanEquals: '≥',
  StringLessThan: '<',
  StringLessThanEquals: '≤',
  StringGreaterThan: '>',
  StringGreaterThanEquals: '≥',
};

/** A Choice rule in a few words: `$.team.closed`, `$.impact.scope = UNKNOWN`, `$.cycles.count ≥ $.settings.x`. */
export function ruleText(rule: Rule): string {
  if (rule.And) return rule.And.map(ruleText).join(' and ');
  if (rule.Or) return rule.Or.map(ruleText).join(' or ');
  if (rule.Not) return `not (${ruleText(rule.Not)})`;
  const variable = rule.Variable ?? '?';
  const [operator, value] = Object.entries(rule).find(([key]) => key !== 'Variable' && key !== 'Next') ?? ['?', undefined];
  if (operator === 'BooleanEquals') return value === true ? variable : `not ${variable}`;
  if (operator === 'IsPresent') return value === true ? `${variable} present` : `${variable} absent`;
  const base = operator.endsWith('Path') ? operator.slice(0, -'Path'.length) : operator;
  const symbol = OPERATORS[base];
  return symbol ? `${variable} ${symbol} ${String(value)}` : `${variable} ${operator} ${JSON.stringify(value)}`;
}

const quoted = (text: string) => `"${text.replaceAll('"', '#quot;')}"`;

function node(id: string, name: string, type: string): string {
  const label = quoted(name);
  switch (type) {
    case 'Choice':
      return `${id}{${label}}`;
    case 'Map':
      return `${id}[[${label}]]`;
    case 'Wait':
      return `${id}[/${label}/]`;
    case 'Pass':
      return `${id}(${label})`;
    case 'Succeed':
    case 'Fail':
      return `${id}([${label}])`;
    default:
      return `${id}[${label}]`;
  }
}

const catchesAll = (c: Catcher) => c.ErrorEquals.length === 1 && c.ErrorEquals[0] === 'States.ALL';

/** The state most `States.ALL` catchers go to: its edges are summarised in a note instead of drawn. */
function commonFailureTarget(states: Record<string, State>): string | undefined {
  const counts = new Map<string, number>();
  for (const state of Object.values(states)) for (const c of state.Catch ?? []) if (catchesAll(c)) counts.set(c.Next, (counts.get(c.Next) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The flowchart and its notes, between the markers. */
export function stateDiagram(definition: Definition): string {
  const names = Object.keys(definition.States);
  const id = (name: string) => `s${names.indexOf(name)}`;
  const failureTarget = commonFailureTarget(definition.States);
  const lines = ['```mermaid', 'flowchart TD', `  entry((start)) --> ${id(definition.StartAt)}`];
  for (const [name, state] of Object.entries(definition.States)) lines.push(`  ${node(id(name), name, state.Type)}`);
  const summarised: string[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Next) lines.push(`  ${id(name)} --> ${id(state.Next)}`);
    for (const rule of state.Choices ?? []) if (rule.Next) lines.push(`  ${id(name)} -->|${quoted(ruleText(rule))}| ${id(rule.Next)}`);
    if (state.Default) lines.push(`  ${id(name)} -->|"otherwise"| ${id(state.Default)}`);
    for (const c of state.Catch ?? []) {
      if (catchesAll(c) && c.Next === failureTarget) summarised.push(name);
      else lines.push(`  ${id(name)} -.->|${quoted(c.ErrorEquals.join(', '))}| ${id(c.Next)}`);
    }
  }
  lines.push('```');
  const notes = [
    'Solid arrows: `Next`, and `Choices` with their condition; dotted: `Catch`, with the errors caught. Rectangles are Task states,',
    'diamonds Choice, double-sided boxes Map, rounded boxes Pass, parallelograms Wait, stadiums Succeed and Fail.',
  ];
  if (failureTarget && summarised.length > 0) {
    notes.push(`Not drawn: ${summarised.length} states also catch \`States.ALL\` into "${failureTarget}".`);
  }
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Map' || !state.ItemProcessor) continue;
    const inner = Object.keys(state.ItemProcessor.States)
      .map((s) => `"${s}"`)
      .join(', ');
    notes.push(`"${name}" is a ${state.ItemProcessor.ProcessorConfig?.Mode ?? 'INLINE'} Map; each item runs ${inner}.`);
  }
  return [DIAGRAM_START, '', ...lines, '', notes.join('\n'), DIAGRAM_END].join('\n');
}

/** `document` with the block between the markers replaced by `block`; an error when the markers are missing. */
export function replaceDiagram(document: string, block: string): string {
  const start = document.indexOf(DIAGRAM_START);
  const end = document.indexOf(DIAGRAM_END);
  if (start < 0 || end < start) throw new Error(`docs/architecture.md has no ${DIAGRAM_START} ... ${DIAGRAM_END} block`);
  return document.slice(0, start) + block + document.slice(end + DIAGRAM_END.length);
}

export function readDefinitionFile(): Definition {
  return JSON.parse(readFileSync(DEFINITION_PATH, 'utf8')) as Definition;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const before = readFileSync(ARCHITECTURE_DOC, 'utf8');
  const after = replaceDiagram(before, stateDiagram(readDefinitionFile()));
  if (after === before) console.log('docs/architecture.md: the state diagram is current');
  else {
    writeFileSync(ARCHITECTURE_DOC, after);
    console.log('docs/architecture.md: state diagram rewritten from the definition');
  }
}
