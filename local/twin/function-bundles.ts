import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { FUNCTION_BUNDLING } from '../../infra/constructs/breach-notice-function.js';
import { FUNCTIONS, type FunctionName } from '../../infra/functions.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface FunctionBundle {
  name: FunctionName;
  /** The bundled handler module. */
  file: string;
  bytes: number;
  /** Bytes of it that are the AWS SDK (@aws-sdk/*, @smithy/*), from esbuild's metafile. */
  sdkBytes: number;
  /** The largest packages (or source folders) in it, biggest first. */
  largest: [string, number][];
  /** Every package (or source folder) with code in it. */
  packages: string[];
}

/**
 * FUNCTION_BUNDLING as esbuild options, the way CDK's NodejsFunction turns them into esbuild's command
 * line (aws-lambda-nodejs/lib/bundling.js). An option this does not translate is refused, so the
 * construct cannot gain one the size test would silently ignore; tests/infra/bundle-size.test.ts checks the
 * translation against the bundle CDK itself stages.
 */
export function esbuildOptions(bundling: BundlingOptions = FUNCTION_BUNDLING): BuildOptions {
  const known = new Set(['format', 'target', 'minify', 'esbuildArgs', 'sourceMap', 'keepNames', 'externalModules', 'mainFields', 'banner', 'sourcesContent']);
  const unknown = Object.keys(bundling).filter((key) => !known.has(key));
  if (unknown.length > 0)
    throw new Error(`local/twin/function-bundles.ts does not translate bundling option(s) ${unknown.join(', ')}: add them to esbuildOptions`);
  return {
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format as BuildOptions['format'],
    minify: bundling.minify,
    charset: esbuildCharset(bundling.esbuildArgs),
    sourcemap: bundling.sourceMap,
    // CDK passes --sources-content=false only when it is false.
    sourcesContent: bundling.sourcesContent ?? true,
    keepNames: bundling.keepNames,
    external: bundling.externalModules,
    mainFields: bundling.mainFields,
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    logLevel: 'error',
  };
}

/** The one raw esbuild argument the stack passes (`--charset`); any other would be built differently here than by CDK. */
function esbuildCharset(args: BundlingOptions['esbuildArgs']): BuildOptions['charset'] {
  const { '--charset': charset, ...others } = args ?? {};
  if (Object.keys(others).length > 0)
    throw new Error(`local/twin/function-bundles.ts does not translate esbuild argument(s) ${Object.keys(others).join(', ')}`);
  return charset === undefined ? undefined : (String(charset) as BuildOptions['charset']);
}

/**
 * Every function's bundle, built into `outdir/<name>/index.mjs` with the stack's options, all in one
 * esbuild run (a few seconds; CDK runs esbuild once per function, minutes for all of them). One run
 * names minified variables differently, so sizes may differ from `cdk synth`'s by a few hundred bytes
 * (one function built alone is byte for byte what CDK stages).
 */
export async function bundleFunctions(
  outdir: string,
  names: FunctionName[] = Object.keys(FUNCTIONS) as FunctionName[],
  bundling: BundlingOptions = FUNCTION_BUNDLING,
): Promise<FunctionBundle[]> {
  const { metafile } = await build({
    ...esbuildOptions(bundling),
    entryPoints: names.map((name) => ({ in: `functions/handlers/${name}.ts`, out: join(name, 'index') })),
    outdir,
    outExtension: { '.js': '.mjs' },
    absWorkingDir: ROOT,
    metafile: true,
  });
  return names.map((name) => {
    const file = join(outdir, name, 'index.mjs');
    const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(`${name}/index.mjs`))?.[1];
    if (!output) throw new Error(`${name}: esbuild wrote no ${file}`);
    return { name, file, bytes: statSync(file).size, ...composition(output) };
  });
}

function composition(output: Metafile['outputs'][string]): Pick<FunctionBundle, 'sdkBytes' | 'largest' | 'packages'> {
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  const sdkBytes = [...byPackage].filter(([key]) => key.startsWith('@aws-sdk/') || key.startsWith('@smithy/')).reduce((sum, [, bytes]) => sum + bytes, 0);
  return {
    sdkBytes,
    largest: [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6),
    packages: [...byPackage].filter(([, bytes]) => bytes > 0).map(([key]) => key),
  };
}
