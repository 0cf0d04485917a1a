import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CONTEXT_PREFIX, type AppConfig } from '../../infra/config.js';
import { BreachNoticeFunction } from '../../infra/constructs/breach-notice-function.js';
import { BreachNoticeStack } from '../../infra/stack.js';
import { writeStackAtomically, type CfnResource, type SynthesizedStack } from './from-stack.js';

/**
 * Synthesizes the real stack (bundling skipped) with the twin's settings: its resources as
 * CloudFormation receives them, and the handler module each function bundles (which the template
 * itself does not name, only an asset).
 */
export function synthesizeStack(config: AppConfig): SynthesizedStack {
  const outdir = mkdtempSync(join(tmpdir(), 'breach-notice-twin-'));
  try {
    // Path metadata (set by the CDK CLI, not by default) names each resource by its construct path.
    const context: Record<string, unknown> = { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true };
    for (const [k, v] of Object.entries(config)) if (v !== undefined) context[`${CONTEXT_PREFIX}${k}`] = v;
    const app = new App({ outdir, context });
    const stack = new BreachNoticeStack(app, 'BreachNotice', { config });
    const template = app.synth().getStackByName('BreachNotice').template as { Resources: Record<string, CfnResource> };
    const handlers = Object.fromEntries(
      stack.node
        .findAll()
        .filter((c): c is BreachNoticeFunction => c instanceof BreachNoticeFunction)
        .map((fn) => [stack.getLogicalId(fn.node.defaultChild as CfnFunction), fn.handlerName]),
    );
    return { resources: template.Resources, handlers };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

// As a script (from-stack.ts runs it on a cache miss): the settings as JSON on stdin, the synthesized stack written to the file named.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file] = process.argv.slice(2);
  if (!file) throw new Error('usage: synth-stack.ts STACK_FILE < settings.json');
  writeStackAtomically(file, synthesizeStack(JSON.parse(readFileSync(0, 'utf8')) as AppConfig));
}
