import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';
import { z } from 'zod';
import { FUNCTION_BUNDLING } from '../../infra/constructs/breach-notice-function.js';
import { esbuildOptions } from './function-bundles.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Ignored by git and thrown away with node_modules. */
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'breach-notice', 'lambda-bundles');
/** The sandbox's own entry point (local/twin/lambda-sandbox.ts), built with the functions. */
export const SANDBOX_ENTRY = 'lambda-sandbox';
/** A build nobody has touched for this long is removed when another is made; a running twin touches its own (holdBundles). */
const STALE_MS = 10 * 60_000;

export interface LambdaBundles {
  /** The build's folder. */
  dir: string;
  /** Handler module name -> its bundle. */
  handlers: Record<string, string>;
  /** The script every sandbox's worker thread runs. */
  sandbox: string;
}

const manifestSchema = z.object({
  key: z.string(),
  dir: z.string(),
  /** Every file the build read (path relative to the root) -> `mtimeMs:size`. */
  inputs: z.record(z.string(), z.string()),
});

const stamp = (file: string) => {
  const s = statSync(join(ROOT, file), { throwIfNoEntry: false });
  return s ? `${s.mtimeMs}:${s.size}` : 'absent';
};

const outputsOf = (dir: string, handlers: readonly string[]): LambdaBundles => ({
  dir,
  handlers: Object.fromEntries(handlers.map((h) => [h, join(dir, h, 'index.mjs')])),
  sandbox: join(dir, `${SANDBOX_ENTRY}.mjs`),
});

/**
 * Every function's bundle as Lambda runs it (FUNCTION_BUNDLING, the options CDK bundles the stack
 * with), plus the sandbox's entry, in one esbuild run. Kept under node_modules/.cache and built again
 * only when a file the last build read changed (by mtime and size); another list of handlers or other
 * options is another build. A worker thread loads a bundle in ~0.1 s; the same modules through a TypeScript
 * loader took ~0.5 s alone and ~11 s for 18 at once on two cores.
 */
export async function lambdaBundles(handlers: readonly string[]): Promise<LambdaBundles> {
  const sorted = [...new Set(handlers)].sort();
  const key = JSON.stringify({ root: ROOT, handlers: sorted, bundling: FUNCTION_BUNDLING, esbuild: esbuildVersion });
  // One manifest per checkout, set of handlers and options: checkouts sharing node_modules would otherwise take turns rebuilding.
  const manifest = join(CACHE_DIR, `manifest-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
  const cached = readManifest(manifest);
  if (cached && cached.key === key && Object.entries(cached.inputs).every(([file, s]) => stamp(file) === s)) {
    const outputs = outputsOf(cached.dir, sorted);
    if ([outputs.sandbox, ...Object.values(outputs.handlers)].every((f) => existsSync(f))) return outputs;
  }
  const dir = join(CACHE_DIR, randomUUID());
  const { metafile } = await build({
    ...esbuildOptions(FUNCTION_BUNDLING),
    entryPoints: [
      ...sorted.map((h) => ({ in: `functions/handlers/${h}.ts`, out: join(h, 'index') })),
      { in: `local/twin/${SANDBOX_ENTRY}.ts`, out: SANDBOX_ENTRY },
    ],
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    absWorkingDir: ROOT,
    metafile: true,
  });
  const inputs = Object.fromEntries(Object.keys(metafile.inputs).map((file) => [file, stamp(file)]));
  // Readers never see a half-written manifest: write aside, then rename over.
  const aside = `${manifest}.${process.pid}.tmp`;
  writeFileSync(aside, JSON.stringify({ key, dir, inputs }));
  renameSync(aside, manifest);
  pruneStaleBuilds(dir);
  return outputsOf(dir, sorted);
}

/**
 * Keeps a build from being removed while a twin may still start sandboxes from it (a function scales
 * out, or starts again after a timeout): its folder is touched until the returned function is called.
 */
export function holdBundles(bundles: LambdaBundles): () => void {
  const touch = () => {
    const now = fileSystemNow() / 1000;
    if (existsSync(bundles.dir)) utimesSync(bundles.dir, now, now);
  };
  touch();
  const timer = setInterval(touch, STALE_MS / 10);
  timer.unref();
  return () => clearInterval(timer);
}

function readManifest(file: string): z.infer<typeof manifestSchema> | undefined {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The time by the file system's clock (the kernel's), which every process sharing the cache reads the
 * same: a test run under a shifted clock (faketime, a year ahead) saw every other checkout's build as a
 * year stale and removed it from under a running twin.
 */
export function fileSystemNow(): number {
  mkdirSync(CACHE_DIR, { recursive: true });
  const marker = join(CACHE_DIR, `.now-${process.pid}`);
  writeFileSync(marker, '');
  const now = statSync(marker).mtimeMs;
  rmSync(marker, { force: true });
  return now;
}

/** Removes the builds nobody has touched for STALE_MS (none in use: a running twin touches its own), but `keep`. */
export function pruneStaleBuilds(keep?: string): void {
  const now = fileSystemNow();
  for (const entry of readdirSync(CACHE_DIR, { withFileTypes: true })) {
    const dir = join(CACHE_DIR, entry.name);
    if (!entry.isDirectory() || dir === keep) continue;
    // A folder touched in the future was touched under a shifted clock by an older twin: stale as well.
    if (Math.abs(now - statSync(dir).mtimeMs) > STALE_MS) rmSync(dir, { recursive: true, force: true });
  }
}
