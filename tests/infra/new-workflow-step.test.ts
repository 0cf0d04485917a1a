import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appConfigSchema } from '../../infra/config.js';
import { placeholdersIn } from '../../infra/workflow-definition.js';
import { readSpec, type SynthesizedStack } from '../../local/twin/from-stack.js';

// Adds a workflow step to a copy of the tree the way docs/extending.md tells a developer to, runs the
// generators, and checks the copy type-checks, synthesizes with the step wired into the state machine,
// and that the twin's loader runs the new handler: the files it took are what a new step touches.
const TREE = ['infra', 'functions', 'local', 'statemachines', 'docs'];
const root = mkdtempSync(join(tmpdir(), 'breach-notice-new-step-'));
const copy = join(root, 'repo');
mkdirSync(copy);
for (const dir of TREE) cpSync(dir, join(copy, dir), { recursive: true });
for (const file of ['package.json', 'package-lock.json', 'tsconfig.json']) cpSync(file, join(copy, file));
symlinkSync(realpathSync('node_modules'), join(copy, 'node_modules'));

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Path -> content hash of every file of the copied folders. */
function snapshot(): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of TREE) {
    for (const entry of readdirSync(join(copy, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      files.set(relative(copy, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  }
  return files;
}

/** `file` of the copy with `anchor` (which must occur exactly once) replaced by `edit(anchor)`. */
function edit(file: string, anchor: string, replacement: (anchor: string) => string): void {
  const path = join(copy, file);
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(anchor);
  if (at < 0 || text.indexOf(anchor, at + 1) >= 0) throw new Error(`${file}: expected "${anchor}" exactly once; the recipe below needs updating`);
  writeFileSync(path, text.slice(0, at) + replacement(anchor) + text.slice(at + anchor.length));
}

const run = (args: string[], input?: string) =>
  execFileSync(process.execPath, args, {
    cwd: copy,
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });

describe('a new workflow step', () => {
  it('takes the logic, the handler, its manifest entry and its state, plus the two generated files', () => {
    // Prepare
    const before = snapshot();

    // Act: the recipe. 1. The logic, over the ports it declares.
    writeFileSync(
      join(copy, 'functions/steps/note-closing.ts'),
      `import type { Clock } from '../shared/clock.js';

/** When the incident was closed and reported, for the record. */
export function noteClosing(incidentId: string, deps: { clock: Clock; reportLocale: string }) {
  return { incidentId, closedAt: deps.clock.now().toISOString(), reportLocale: deps.reportLocale };
}
`,
    );
    // 2. The thin handler: the variables its manifest entry lists, the ports, the logic.
    writeFileSync(
      join(copy, 'functions/handlers/note-closing.ts'),
      `import * as z from 'zod';
import { configSchema } from '../../infra/functions.js';
import { incidentIdSchema } from '../domain/incident.js';
import { systemClock } from '../shared/clock.js';
import { parseConfig } from '../shared/config.js';
import { stepHandler } from '../shared/handler.js';
import { noteClosing } from '../steps/note-closing.js';

const config = parseConfig(configSchema('note-closing'));
const deps = { clock: systemClock, reportLocale: config.REPORT_LOCALE };

export const handler = stepHandler(z.object({ incidentId: incidentIdSchema }), async ({ incidentId }) => noteClosing(incidentId, deps));
`,
    );
    // 3. Its entry in the manifest.
    edit('infra/functions.ts', '} as const satisfies Record<string, FunctionDescriptor>;', (anchor) =>
      [
        "  'note-closing': {",
        '    workflowStep: true,',
        '    // DynamoDB only.',
        '    timeoutSeconds: 30,',
        '    memoryMB: 512,',
        "    environment: ['REPORT_LOCALE'],",
        '    grants: {},',
        '  },',
        anchor,
      ].join('\n'),
    );
    // 4. Its state, between the final report and the end.
    const finalReport =
      "'Send final report': lambdaTask({ fn: 'send-final-report', payload: INCIDENT, resultPath: null, next: 'Incident closed and reported' }),";
    edit('infra/definition/incident-response.ts', finalReport, (anchor) =>
      [
        anchor.replace("next: 'Incident closed and reported'", "next: 'Note closing time'"),
        "    'Note closing time': lambdaTask({ fn: 'note-closing', payload: INCIDENT, resultPath: null, next: 'Incident closed and reported' }),",
      ].join('\n'),
    );
    // The generated files: the definition (npm run build:definition) and the diagram in docs/architecture.md.
    run(['--import', 'tsx', 'infra/definition/write.ts']);
    run(['--import', 'tsx', 'local/docs/docs-diagram.ts']);

    // Assess: what changed, by hand and by the generators.
    const after = snapshot();
    const changed = [...after].filter(([path, hash]) => before.get(path) !== hash).map(([path]) => path);
    const removed = [...before.keys()].filter((path) => !after.has(path));
    const generated = ['statemachines/incident-response.asl.json', 'docs/architecture.md'];
    const byHand = changed.filter((path) => !generated.includes(path));
    console.log(`A new workflow step: ${changed.length} files changed, ${byHand.length} by hand (${byHand.join(', ')}), ${generated.length} generated`);
    expect(removed).toEqual([]);
    expect(changed.sort()).toEqual([...byHand, ...generated].sort());
    expect(byHand.sort()).toEqual([
      'functions/handlers/note-closing.ts',
      'functions/steps/note-closing.ts',
      'infra/definition/incident-response.ts',
      'infra/functions.ts',
    ]);
    expect(byHand.length).toBeLessThanOrEqual(4);
  }, 60_000);

  it('type-checks with nothing else changed', () => {
    // Act / Assess: tsc exits non-zero, and execFileSync throws with its report, on any error.
    run([join(realpathSync('node_modules'), 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.']);
  }, 300_000);

  it('synthesizes with the step substituted into the state machine, and the twin binds and runs it', () => {
    // Prepare: the stack as the twin synthesizes it, from the copy.
    const config = appConfigSchema.parse({ senderAddress: 's@example.com', approverEmails: 'a@example.com', backupApproverEmails: 'b@example.com' });
    const file = join(root, 'stack.json');
    run(['--import', 'tsx', 'local/twin/synth-stack.ts', file], JSON.stringify(config));
    const spec = readSpec(JSON.parse(readFileSync(file, 'utf8')) as SynthesizedStack);

    // Act: the function the twin binds to the new placeholder, loaded by the twin's loader with the variables the stack gives it.
    const fn = spec.functions[spec.substitutions.NoteClosingFunctionArn ?? ''];
    if (!fn) throw new Error('The synthesized state machine binds NoteClosingFunctionArn to none of the stack functions');
    const environment = Object.fromEntries(Object.entries(fn.environment).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const script = join(root, 'invoke.mts');
    writeFileSync(
      script,
      `const { importHandler } = await import(${JSON.stringify(join(copy, 'local/twin/handlers.ts'))});
const { lambdaContext } = await import(${JSON.stringify(join(copy, 'local/twin/http-api.ts'))});
Object.assign(process.env, JSON.parse(process.argv[2]));
const handler = await importHandler('note-closing');
process.stdout.write(JSON.stringify(await handler({ incidentId: 'inc-20260101-0123456789ab' }, lambdaContext('breach-notice-note-closing'))));
`,
    );
    const result = JSON.parse(run(['--import', 'tsx', script, JSON.stringify(environment)])) as Record<string, unknown>;

    // Assess
    expect(fn).toMatchObject({ handler: 'note-closing', timeoutSeconds: 30, memoryMB: 512 });
    expect(Object.keys(environment)).toEqual(expect.arrayContaining(['REPORT_LOCALE']));
    expect(placeholdersIn(readFileSync(join(copy, 'statemachines/incident-response.asl.json'), 'utf8'))).toEqual(Object.keys(spec.substitutions).sort());
    expect(result).toMatchObject({ incidentId: 'inc-20260101-0123456789ab', reportLocale: config.reportLocale });
  }, 300_000);
});
