import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import type { EmailTemplate } from '../functions/domain/email-templates.js';
import type { EventPattern } from '../infra/alarm-patterns.js';
import type { AppConfig } from '../infra/config.js';

/** What the twin builds, read from the synthesized CloudFormation template (see synth-stack.ts). */
export interface StackSpec {
  /** Construct id in lower case (incidents, customers, deliveries, idempotency) -> CreateTable input without a name. */
  tables: Record<string, Omit<CreateTableCommandInput, 'TableName'> & { ttlAttribute?: string }>;
  templates: EmailTemplate[];
  /** Rules that target the intake, by construct id. */
  rules: Record<string, EventPattern>;
  /** Substitution keys the deployed state machine fills. */
  substitutionKeys: string[];
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Ignored by git and thrown away with node_modules. */
const SPEC_CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'breach-notice');
/** Specs kept, newest first: every test file's own settings add one. */
const KEEP = 20;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every repository module `entries` reach through relative imports: what synthesis can read. */
function importClosure(root: string, entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(join(root, file), 'utf8').matchAll(IMPORT)) {
      visit(relative(root, resolve(root, dirname(file), spec!.replace(/\.js$/, '.ts'))));
    }
  };
  entries.forEach(visit);
  return [...seen];
}

const lockSchema = z.object({ packages: z.record(z.string(), z.object({ version: z.string().optional() })) });

/**
 * Everything that can change the synthesized spec, as path -> content hash: the stack's whole module
 * graph (infra/, the templates and their locales, the twin's reader), the definition files, and the
 * CDK versions in package-lock.json.
 */
export function specInputs(root = ROOT): Record<string, string> {
  const files = new Set([
    ...filesUnder(root, 'infra'),
    'functions/domain/email-templates.ts',
    ...filesUnder(root, 'functions/domain/locales'),
    ...filesUnder(root, 'statemachines').filter((f) => f.endsWith('.asl.json')),
    ...importClosure(root, ['local/synth-stack.ts']),
  ]);
  const inputs: Record<string, string> = {};
  for (const file of [...files].sort()) inputs[file] = sha256(readFileSync(join(root, file)));
  const { packages } = lockSchema.parse(JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')));
  for (const name of ['aws-cdk-lib', 'constructs']) inputs[`package-lock.json:${name}`] = packages[`node_modules/${name}`]?.version ?? 'absent';
  return inputs;
}

const settingsOf = (config: AppConfig) => JSON.stringify(Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))));

export function specKey(inputs: Record<string, string>, config: AppConfig): string {
  return sha256(JSON.stringify({ inputs, settings: settingsOf(config) })).slice(0, 32);
}

const specSchema = z.object({
  tables: z.record(z.string(), z.looseObject({ KeySchema: z.array(z.unknown()), AttributeDefinitions: z.array(z.unknown()) })),
  templates: z.array(z.object({ name: z.string(), subject: z.string(), html: z.string(), text: z.string() })),
  rules: z.record(z.string(), z.record(z.string(), z.unknown())),
  substitutionKeys: z.array(z.string()).min(1),
});

/** A file that is absent or does not parse is a miss: synthesis writes it again. */
function readCached(file: string): StackSpec | undefined {
  try {
    const parsed = specSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? (parsed.data as StackSpec) : undefined;
  } catch {
    return undefined;
  }
}

/** Readers never see a half-written spec: write aside, then rename over. */
export function writeSpecAtomically(file: string, spec: StackSpec): void {
  mkdirSync(dirname(file), { recursive: true });
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, JSON.stringify(spec));
  renameSync(aside, file);
}

function pruneCache(): void {
  const entries = readdirSync(SPEC_CACHE_DIR)
    .filter((f) => f.startsWith('stack-spec-') && f.endsWith('.json'))
    .map((f) => ({ file: join(SPEC_CACHE_DIR, f), at: statSync(join(SPEC_CACHE_DIR, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { file } of entries.slice(KEEP)) rmSync(file, { force: true });
}

// Synthesis loads aws-cdk-lib (~2 s) and takes seconds more: a child does it, so a cache hit pays neither,
// and the callers (provisioning, tests) keep a synchronous call.
function synthesizeInChild(config: AppConfig, file: string): void {
  try {
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'local', 'synth-stack.ts'), file], {
      cwd: ROOT,
      input: JSON.stringify(config),
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
  } catch (error) {
    throw new Error(`Synthesizing the stack for the twin failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`, { cause: error });
  }
}

let inputs: Record<string, string> | undefined;
const memory = new Map<string, StackSpec>();

/**
 * The spec of the real stack with these settings, so the twin creates exactly what deploys. Cached on
 * disk under a hash of every input (specInputs) and the settings; a miss synthesizes and writes it.
 */
export function specFromStack(config: AppConfig): StackSpec {
  const settings = settingsOf(config);
  const remembered = memory.get(settings);
  if (remembered) return remembered;
  // Hashed once per process: the twin and each test file run in a fresh one.
  inputs ??= specInputs();
  const file = join(SPEC_CACHE_DIR, `stack-spec-${specKey(inputs, config)}.json`);
  let spec = readCached(file);
  if (!spec) {
    synthesizeInChild(config, file);
    spec = readCached(file);
    if (!spec) throw new Error(`Synthesis wrote no readable spec to ${file}`);
    pruneCache();
  }
  memory.set(settings, spec);
  return spec;
}
