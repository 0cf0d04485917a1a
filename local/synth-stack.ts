import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import type { EventPattern } from '../infra/alarm-patterns.js';
import { CONTEXT_PREFIX, type AppConfig } from '../infra/config.js';
import { BreachNoticeStack } from '../infra/stack.js';
import { writeSpecAtomically, type StackSpec } from './from-stack.js';

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: { 'aws:cdk:path'?: string };
}

/**
 * Synthesizes the real stack (bundling skipped) with the twin's settings and reads back what the twin
 * needs, so the twin creates exactly what deploys: tables with their keys, indexes and TTL, the SES
 * templates, the alarm rules' patterns and the state machine's substitution keys.
 */
export function synthesizeSpec(config: AppConfig): StackSpec {
  const outdir = mkdtempSync(join(tmpdir(), 'breach-notice-twin-'));
  try {
    // Path metadata (set by the CDK CLI, not by default) names each resource by its construct path.
    const context: Record<string, unknown> = { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true };
    for (const [k, v] of Object.entries(config)) if (v !== undefined) context[`${CONTEXT_PREFIX}${k}`] = v;
    const app = new App({ outdir, context });
    new BreachNoticeStack(app, 'BreachNotice', { config });
    const template = app.synth().getStackByName('BreachNotice').template as { Resources: Record<string, CfnResource> };
    return readSpec(Object.values(template.Resources));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const pathOf = (r: CfnResource) => r.Metadata?.['aws:cdk:path'] ?? '';

function readSpec(resources: CfnResource[]): StackSpec {
  const tables: StackSpec['tables'] = {};
  for (const r of resources.filter((x) => x.Type === 'AWS::DynamoDB::Table')) {
    const name = pathOf(r).split('/').at(-2)!.toLowerCase();
    const p = r.Properties as {
      KeySchema: CreateTableCommandInput['KeySchema'];
      AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
      GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
      BillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
      TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
    };
    tables[name] = {
      KeySchema: p.KeySchema,
      AttributeDefinitions: p.AttributeDefinitions,
      GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
      BillingMode: p.BillingMode,
      ttlAttribute: p.TimeToLiveSpecification?.Enabled ? p.TimeToLiveSpecification.AttributeName : undefined,
    };
  }
  const templates = resources
    .filter((x) => x.Type === 'AWS::SES::Template')
    .map((r) => {
      const t = (r.Properties as { Template: { TemplateName: string; SubjectPart: string; HtmlPart: string; TextPart: string } }).Template;
      return { name: t.TemplateName, subject: t.SubjectPart, html: t.HtmlPart, text: t.TextPart };
    });
  const rules: StackSpec['rules'] = {};
  for (const r of resources.filter((x) => x.Type === 'AWS::Events::Rule' && pathOf(x).includes('/AlarmIntake/'))) {
    rules[pathOf(r).split('/').at(-2)!] = r.Properties.EventPattern as EventPattern;
  }
  const machine = resources.find((x) => x.Type === 'AWS::StepFunctions::StateMachine');
  const substitutionKeys = Object.keys((machine?.Properties.DefinitionSubstitutions as Record<string, unknown>) ?? {}).sort();
  if (Object.keys(tables).length === 0 || templates.length === 0 || Object.keys(rules).length === 0 || substitutionKeys.length === 0) {
    throw new Error('The synthesized stack lacks tables, templates, rules or a state machine: the twin cannot mirror it');
  }
  return { tables, templates, rules, substitutionKeys };
}

// As a script (from-stack.ts runs it on a cache miss): the settings as JSON on stdin, the spec written to the file named.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file] = process.argv.slice(2);
  if (!file) throw new Error('usage: synth-stack.ts SPEC_FILE < settings.json');
  writeSpecAtomically(file, synthesizeSpec(JSON.parse(readFileSync(0, 'utf8')) as AppConfig));
}
