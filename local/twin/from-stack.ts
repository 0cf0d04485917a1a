import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import type { EmailTemplate } from '../../functions/domain/email-templates.js';
import type { EventPattern } from '../../infra/alarm-patterns.js';
import type { AppConfig } from '../../infra/config.js';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: { 'aws:cdk:path'?: string };
}

/** The stack as synthesized: its resources by logical id, and the handler module of each function (the template names only an asset). */
export interface SynthesizedStack {
  resources: Record<string, CfnResource>;
  /** Logical id of an AWS::Lambda::Function -> its module under functions/handlers/, without extension. */
  handlers: Record<string, string>;
}

/** Edits the synthesized stack before the twin reads it (a test removes a grant, a timeout, a statement). */
export type StackTransform = (stack: SynthesizedStack) => void;

/** One Lambda function as the template declares it. */
export interface FunctionSpec {
  logicalId: string;
  /** Its module under functions/handlers/, without extension. */
  handler: string;
  timeoutSeconds: number;
  memoryMB: number;
  reservedConcurrency?: number;
  /** Environment.Variables as synthesized: plain strings, or intrinsics that name the stack's resources. */
  environment: Record<string, unknown>;
  /** Logical id of its execution role. */
  role: string;
  /** How Lambda handles its asynchronous invocations: the template's AWS::Lambda::EventInvokeConfig, else Lambda's defaults. */
  asyncInvoke: AsyncInvokeSpec;
}

/** An EventInvokeConfig (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html). */
export interface AsyncInvokeSpec {
  /** Retries after a function error: 0 to 2. */
  retryAttempts: number;
  /** How long Lambda keeps an event in its queue before discarding it. */
  maxEventAgeSeconds: number;
  /** Logical id of the queue the invocation record goes to once the event is discarded. @default none: the event is lost */
  onFailure?: string;
}

/** A target of a rule: a function, a topic or a queue of the stack, given the whole event or its InputTransformer's output. */
export interface RuleTargetSpec {
  kind: 'function' | 'topic' | 'queue';
  /** Logical id of the function, topic or queue. */
  logicalId: string;
  /** As synthesized: the template may hold intrinsics the twin resolves when it starts. */
  inputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: unknown };
}

/** An EventBridge rule with an event pattern (schedules run on the twin's own timers). */
export interface EventRuleSpec {
  logicalId: string;
  /** Its construct id (GuardDutyFindings, RunEndedBadly): its name on the twin. */
  name: string;
  pattern: EventPattern;
  enabled: boolean;
  targets: RuleTargetSpec[];
}

/** A CloudWatch Logs subscription filter that hands a log group's events to a function of the stack. */
export interface LogSubscriptionSpec {
  logicalId: string;
  /** Logical id of the AWS::Logs::LogGroup. */
  logGroup: string;
  /** Logical id of the function. */
  functionLogicalId: string;
}

/** A standard SQS queue of the stack, with what SQS does by itself: visibility, retention, redrive. */
export interface QueueSpec {
  logicalId: string;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  /** After `maxReceiveCount` receives a message moves to this queue (logical id). */
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

/** Lambda reading a queue of the stack in batches (AWS::Lambda::EventSourceMapping). */
export interface QueueMappingSpec {
  logicalId: string;
  queue: string;
  functionLogicalId: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** ScalingConfig.MaximumConcurrency: batches at once; absent, Lambda scales up to 1,250 (the function's reserved concurrency bounds it). */
  maxConcurrency?: number;
  enabled: boolean;
}

/** An SES configuration set and its EventBridge event destinations, as synthesized. */
export interface ConfigurationSetSpec {
  logicalId: string;
  /** Its construct id: the twin names the set after it. */
  name: string;
  eventBridgeDestinations: { logicalId: string; enabled: boolean; matchingEventTypes: string[]; eventBusArn: unknown }[];
}

/** What the twin builds, read from the synthesized CloudFormation template (see synth-stack.ts). */
export interface StackSpec {
  /** Construct id in lower case (incidents, customers, deliveries, idempotency) -> CreateTable input without a name. */
  tables: Record<string, Omit<CreateTableCommandInput, 'TableName'> & { ttlAttribute?: string }>;
  templates: EmailTemplate[];
  /** Every rule with an event pattern, each with the targets it delivers to. */
  rules: EventRuleSpec[];
  /** The SES configuration sets. */
  configurationSets: ConfigurationSetSpec[];
  /** The log subscriptions (SNS's SMS delivery status groups to record-sms-status). */
  logSubscriptions: LogSubscriptionSpec[];
  /** The queues, by logical id, and the functions reading them. */
  queues: Record<string, QueueSpec>;
  queueMappings: QueueMappingSpec[];
  /** Logical ids of the roles SNS may assume: the SMS delivery status role the deploy step names in the account's SMS settings. */
  snsRoles: string[];
  /** Substitution keys the deployed state machine fills. */
  substitutionKeys: string[];
  /** Substitution key -> logical id of the function it names. */
  substitutions: Record<string, string>;
  /** Every function with a handler module, by logical id. */
  functions: Record<string, FunctionSpec>;
  /** Every resource of the template, for the roles, policies and the intrinsics in them. */
  resources: Record<string, CfnResource>;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Ignored by git and thrown away with node_modules. */
const SPEC_CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'breach-notice');
/** Synthesized stacks kept, newest first: every test file's own settings add one. */
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
    ...importClosure(root, ['local/twin/synth-stack.ts']),
  ]);
  const inputs: Record<string, string> = {};
  for (const file of [...files].sort()) inputs[file] = sha256(readFileSync(join(root, file)));
  const { packages } = lockSchema.parse(JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')));
  for (const name of ['aws-cdk-lib', 'constructs']) inputs[`package-lock.json:${name}`] = packages[`node_modules/${name}`]?.version ?? 'absent';
  return inputs;
}

const settingsOf = (config: AppConfig) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(config)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
  );

export function specKey(inputs: Record<string, string>, config: AppConfig): string {
  return sha256(JSON.stringify({ inputs, settings: settingsOf(config) })).slice(0, 32);
}

const stackSchema = z.object({
  resources: z.record(z.string(), z.looseObject({ Type: z.string() })),
  handlers: z.record(z.string(), z.string()),
});

/** A file that is absent or does not parse is a miss: synthesis writes it again. */
function readCached(file: string): SynthesizedStack | undefined {
  try {
    const parsed = stackSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? (parsed.data as SynthesizedStack) : undefined;
  } catch {
    return undefined;
  }
}

/** Readers never see a half-written stack: write aside, then rename over. */
export function writeStackAtomically(file: string, stack: SynthesizedStack): void {
  mkdirSync(dirname(file), { recursive: true });
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, JSON.stringify(stack));
  renameSync(aside, file);
}

function pruneCache(): void {
  const entries = readdirSync(SPEC_CACHE_DIR)
    .filter((f) => f.startsWith('synth-') && f.endsWith('.json'))
    .map((f) => ({ file: join(SPEC_CACHE_DIR, f), at: statSync(join(SPEC_CACHE_DIR, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { file } of entries.slice(KEEP)) rmSync(file, { force: true });
}

// Synthesis loads aws-cdk-lib (~2 s) and takes seconds more: a child does it, so a cache hit pays neither,
// and the callers (provisioning, tests) keep a synchronous call.
function synthesizeInChild(config: AppConfig, file: string): void {
  try {
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'local', 'twin', 'synth-stack.ts'), file], {
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
const memory = new Map<string, SynthesizedStack>();

/**
 * The spec of the real stack with these settings, so the twin creates exactly what deploys. The
 * synthesized stack is cached on disk under a hash of every input (specInputs) and the settings; a
 * miss synthesizes and writes it. `transform` edits a copy before it is read.
 */
export function specFromStack(config: AppConfig, transform?: StackTransform): StackSpec {
  const settings = settingsOf(config);
  let stack = memory.get(settings);
  if (!stack) {
    // Hashed once per process: the twin and each test file run in a fresh one.
    inputs ??= specInputs();
    const file = join(SPEC_CACHE_DIR, `synth-${specKey(inputs, config)}.json`);
    stack = readCached(file);
    if (!stack) {
      synthesizeInChild(config, file);
      stack = readCached(file);
      if (!stack) throw new Error(`Synthesis wrote no readable stack to ${file}`);
      pruneCache();
    }
    memory.set(settings, stack);
  }
  if (!transform) return readSpec(stack);
  const copy = structuredClone(stack);
  transform(copy);
  return readSpec(copy);
}

const pathOf = (r: CfnResource) => r.Metadata?.['aws:cdk:path'] ?? '';

/** Lambda's defaults for a function that sets neither (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html). */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
const LAMBDA_DEFAULT_MEMORY_MB = 128;
/** Without an EventInvokeConfig Lambda retries an asynchronous event twice and keeps it 6 hours (invocation-async-error-handling.html). */
const LAMBDA_DEFAULT_ASYNC_INVOKE: AsyncInvokeSpec = { retryAttempts: 2, maxEventAgeSeconds: 21_600 };

/** Reads what the twin needs from the synthesized stack: tables with their keys, indexes and TTL, the SES templates and configuration sets, the rules with their targets, the functions and the state machine's substitutions. */
export function readSpec(stack: SynthesizedStack): StackSpec {
  const resources = Object.values(stack.resources);
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
    // Absent settings stay absent (not `undefined`): the spec reads the same fresh or from the cache's JSON.
    tables[name] = {
      KeySchema: p.KeySchema,
      AttributeDefinitions: p.AttributeDefinitions,
      ...(p.GlobalSecondaryIndexes && { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes }),
      ...(p.BillingMode && { BillingMode: p.BillingMode }),
      ...(p.TimeToLiveSpecification?.Enabled && { ttlAttribute: p.TimeToLiveSpecification.AttributeName }),
    };
  }
  const templates = resources
    .filter((x) => x.Type === 'AWS::SES::Template')
    .map((r) => {
      const t = (r.Properties as { Template: { TemplateName: string; SubjectPart: string; HtmlPart: string; TextPart: string } }).Template;
      return { name: t.TemplateName, subject: t.SubjectPart, html: t.HtmlPart, text: t.TextPart };
    });
  const functions: StackSpec['functions'] = {};
  for (const [logicalId, r] of Object.entries(stack.resources)) {
    const handler = stack.handlers[logicalId];
    // Only the stack's own functions have a handler module; none other is deployed today.
    if (r.Type !== 'AWS::Lambda::Function' || !handler) continue;
    const p = r.Properties as {
      Timeout?: number;
      MemorySize?: number;
      ReservedConcurrentExecutions?: number;
      Environment?: { Variables?: Record<string, unknown> };
      Role?: unknown;
      DeadLetterConfig?: unknown;
    };
    if (p.DeadLetterConfig)
      throw new Error(`Function ${logicalId} (${handler}) has a DeadLetterConfig: the twin models EventInvokeConfig's on-failure destination only`);
    const role = (p.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
    if (!role || stack.resources[role]?.Type !== 'AWS::IAM::Role')
      throw new Error(`Function ${logicalId} (${handler}) has no execution role in the template: the twin cannot give it one`);
    functions[logicalId] = {
      logicalId,
      handler,
      timeoutSeconds: p.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS,
      memoryMB: p.MemorySize ?? LAMBDA_DEFAULT_MEMORY_MB,
      ...(p.ReservedConcurrentExecutions !== undefined ? { reservedConcurrency: p.ReservedConcurrentExecutions } : {}),
      environment: p.Environment?.Variables ?? {},
      role,
      asyncInvoke: LAMBDA_DEFAULT_ASYNC_INVOKE,
    };
  }
  const queues = readQueues(stack.resources);
  readAsyncInvokeConfigs(stack.resources, functions, queues);
  const queueMappings = readQueueMappings(stack.resources, functions, queues);
  const rules = readRules(stack.resources, functions, queues);
  const configurationSets = readConfigurationSets(stack.resources);
  const logSubscriptions = readLogSubscriptions(stack.resources, functions);
  const snsRoles = Object.entries(stack.resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties?.AssumeRolePolicyDocument ?? {}).includes('"sns.amazonaws.com"'))
    .map(([id]) => id);
  const machine = resources.find((x) => x.Type === 'AWS::StepFunctions::StateMachine');
  const substitutions: StackSpec['substitutions'] = {};
  for (const [key, value] of Object.entries((machine?.Properties?.DefinitionSubstitutions as Record<string, unknown>) ?? {})) {
    const target = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
    if (!target || !functions[target]) throw new Error(`The state machine substitutes ${key} with ${JSON.stringify(value)}, not one of the stack's functions`);
    substitutions[key] = target;
  }
  const substitutionKeys = Object.keys(substitutions).sort();
  if (Object.keys(tables).length === 0 || templates.length === 0 || rules.length === 0 || substitutionKeys.length === 0) {
    throw new Error('The synthesized stack lacks tables, templates, rules or a state machine: the twin cannot mirror it');
  }
  return {
    tables,
    templates,
    rules,
    configurationSets,
    logSubscriptions,
    queues,
    queueMappings,
    snsRoles,
    substitutionKeys,
    substitutions,
    functions,
    resources: stack.resources,
  };
}

/** The subscription filters; one the twin cannot honour (another destination, a filter pattern) stops it, naming the filter. */
function readLogSubscriptions(resources: Record<string, CfnResource>, functions: StackSpec['functions']): LogSubscriptionSpec[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Logs::SubscriptionFilter')
    .map(([logicalId, r]) => {
      const p = r.Properties as { LogGroupName?: { Ref?: string }; DestinationArn?: { 'Fn::GetAtt'?: [string, string] }; FilterPattern?: string };
      const logGroup = p.LogGroupName?.Ref;
      const fn = p.DestinationArn?.['Fn::GetAtt']?.[0];
      if (!logGroup || resources[logGroup]?.Type !== 'AWS::Logs::LogGroup' || !fn || !functions[fn])
        throw new Error(`Subscription filter ${logicalId} is not from a log group of the stack to a function of it: the twin cannot deliver its events`);
      if (p.FilterPattern) throw new Error(`Subscription filter ${logicalId} has the filter pattern ${p.FilterPattern}: the twin delivers every event only`);
      return { logicalId, logGroup, functionLogicalId: fn };
    });
}

/** The construct id of a resource: `BreachNotice/AlarmIntake/GuardDutyFindings/Resource` -> `GuardDutyFindings`. */
const constructIdOf = (r: CfnResource, logicalId: string) => {
  const parts = pathOf(r).split('/');
  return parts.at(-1) === 'Resource' ? parts.at(-2)! : logicalId;
};

/**
 * The rules with an event pattern and where each delivers: a target the twin does not run (a queue, a
 * state machine, another account's bus) or an input it does not model stops the twin, naming the rule,
 * rather than dropping its events without a word.
 */
function readRules(resources: Record<string, CfnResource>, functions: StackSpec['functions'], queues: StackSpec['queues']): EventRuleSpec[] {
  const rules: EventRuleSpec[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    if (r.Type !== 'AWS::Events::Rule' || !p.EventPattern) continue;
    if (p.EventBusName !== undefined && p.EventBusName !== 'default')
      throw new Error(`Rule ${logicalId} is on event bus ${JSON.stringify(p.EventBusName)}: the twin runs the default bus only`);
    const targets = ((p.Targets as Record<string, unknown>[] | undefined) ?? []).map((t): RuleTargetSpec => {
      const unmodelled = ['Input', 'InputPath', 'RoleArn'].filter((key) => key in t);
      if (unmodelled.length > 0) throw new Error(`Rule ${logicalId}: target ${String(t.Id)} sets ${unmodelled.join(', ')}, which the twin does not model`);
      const arn = t.Arn as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
      const inputTransformer = t.InputTransformer as RuleTargetSpec['inputTransformer'];
      const fn = arn['Fn::GetAtt']?.[1] === 'Arn' ? arn['Fn::GetAtt'][0] : undefined;
      if (fn && functions[fn]) return { kind: 'function', logicalId: fn, ...(inputTransformer && { inputTransformer }) };
      if (arn.Ref && resources[arn.Ref]?.Type === 'AWS::SNS::Topic')
        return { kind: 'topic', logicalId: arn.Ref, ...(inputTransformer && { inputTransformer }) };
      if (fn && queues[fn]) {
        if (resources[fn]?.Properties?.KmsMasterKeyId)
          throw new Error(`Rule ${logicalId} targets queue ${fn}, encrypted with a KMS key: the twin models SQS-managed encryption only`);
        return { kind: 'queue', logicalId: fn, ...(inputTransformer && { inputTransformer }) };
      }
      throw new Error(
        `Rule ${logicalId} targets ${JSON.stringify(t.Arn)}, which is neither a function, a topic nor a queue of the stack: the twin cannot deliver its events`,
      );
    });
    rules.push({ logicalId, name: constructIdOf(r, logicalId), pattern: p.EventPattern as EventPattern, enabled: p.State !== 'DISABLED', targets });
  }
  return rules;
}

/** SQS's defaults (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html). */
const SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
const SQS_DEFAULT_RETENTION_SECONDS = 345_600;

/** The stack's queues; a FIFO queue, which the twin does not model, stops it. */
function readQueues(resources: Record<string, CfnResource>): StackSpec['queues'] {
  const queues: StackSpec['queues'] = {};
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::SQS::Queue') continue;
    const p = (r.Properties ?? {}) as {
      FifoQueue?: boolean;
      VisibilityTimeout?: number;
      MessageRetentionPeriod?: number;
      RedrivePolicy?: { deadLetterTargetArn?: { 'Fn::GetAtt'?: [string, string] }; maxReceiveCount?: number };
    };
    if (p.FifoQueue) throw new Error(`Queue ${logicalId} is a FIFO queue: the twin models standard queues only`);
    const deadLetterQueue = p.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
    if (p.RedrivePolicy && (!deadLetterQueue || resources[deadLetterQueue]?.Type !== 'AWS::SQS::Queue' || !p.RedrivePolicy.maxReceiveCount))
      throw new Error(`Queue ${logicalId} redrives to ${JSON.stringify(p.RedrivePolicy)}, not a queue of the stack: the twin cannot move its messages`);
    queues[logicalId] = {
      logicalId,
      visibilityTimeoutSeconds: p.VisibilityTimeout ?? SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
      retentionSeconds: p.MessageRetentionPeriod ?? SQS_DEFAULT_RETENTION_SECONDS,
      ...(p.RedrivePolicy && deadLetterQueue ? { redrive: { deadLetterQueue, maxReceiveCount: p.RedrivePolicy.maxReceiveCount! } } : {}),
    };
  }
  return queues;
}

/**
 * Each AWS::Lambda::EventInvokeConfig onto its function's spec: on $LATEST (what the twin invokes), its
 * on-failure destination a queue of the stack. Anything else (an alias, an on-success destination, a
 * topic, a bus or a function as destination) stops the twin, naming the config, rather than dropping records.
 */
function readAsyncInvokeConfigs(resources: Record<string, CfnResource>, functions: StackSpec['functions'], queues: StackSpec['queues']): void {
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Lambda::EventInvokeConfig') continue;
    const p = (r.Properties ?? {}) as {
      FunctionName?: { Ref?: string };
      Qualifier?: string;
      MaximumRetryAttempts?: number;
      MaximumEventAgeInSeconds?: number;
      DestinationConfig?: { OnFailure?: { Destination?: { 'Fn::GetAtt'?: [string, string] } }; OnSuccess?: unknown };
    };
    const fn = p.FunctionName?.Ref;
    if (!fn || !functions[fn] || p.Qualifier !== '$LATEST')
      throw new Error(`EventInvokeConfig ${logicalId} is not for $LATEST of a function of the stack: the twin invokes $LATEST only`);
    if (p.DestinationConfig?.OnSuccess) throw new Error(`EventInvokeConfig ${logicalId} has an on-success destination, which the twin does not model`);
    // What PutFunctionEventInvokeConfig accepts (API_PutFunctionEventInvokeConfig.html): one per function and qualifier, 0-2 retries.
    if (functions[fn].asyncInvoke !== LAMBDA_DEFAULT_ASYNC_INVOKE) throw new Error(`EventInvokeConfig ${logicalId} is a second one for ${fn}`);
    if (p.MaximumRetryAttempts !== undefined && ![0, 1, 2].includes(p.MaximumRetryAttempts))
      throw new Error(`EventInvokeConfig ${logicalId} retries ${p.MaximumRetryAttempts} times: Lambda allows 0 to 2`);
    const failure = p.DestinationConfig?.OnFailure?.Destination?.['Fn::GetAtt'];
    if (p.DestinationConfig?.OnFailure && (failure?.[1] !== 'Arn' || !queues[failure[0]]))
      throw new Error(
        `EventInvokeConfig ${logicalId} sends failures to ${JSON.stringify(p.DestinationConfig.OnFailure)}, not a queue of the stack: the twin cannot deliver its records`,
      );
    functions[fn] = {
      ...functions[fn],
      asyncInvoke: {
        retryAttempts: p.MaximumRetryAttempts ?? LAMBDA_DEFAULT_ASYNC_INVOKE.retryAttempts,
        maxEventAgeSeconds: p.MaximumEventAgeInSeconds ?? LAMBDA_DEFAULT_ASYNC_INVOKE.maxEventAgeSeconds,
        ...(failure ? { onFailure: failure[0] } : {}),
      },
    };
  }
}

/** Lambda's defaults for an SQS event source (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html). */
const SQS_DEFAULT_BATCH_SIZE = 10;

/** The event source mappings: each from a queue of the stack to a function of it; any other source, or a setting the twin does not model, stops it. */
function readQueueMappings(resources: Record<string, CfnResource>, functions: StackSpec['functions'], queues: StackSpec['queues']): QueueMappingSpec[] {
  const modelled = new Set([
    'FunctionName',
    'EventSourceArn',
    'BatchSize',
    'MaximumBatchingWindowInSeconds',
    'FunctionResponseTypes',
    'ScalingConfig',
    'Enabled',
  ]);
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping')
    .map(([logicalId, r]) => {
      const p = (r.Properties ?? {}) as {
        FunctionName?: { Ref?: string };
        EventSourceArn?: { 'Fn::GetAtt'?: [string, string] };
        BatchSize?: number;
        MaximumBatchingWindowInSeconds?: number;
        FunctionResponseTypes?: string[];
        ScalingConfig?: { MaximumConcurrency?: number };
        Enabled?: boolean;
      };
      const queue = p.EventSourceArn?.['Fn::GetAtt']?.[0];
      const fn = p.FunctionName?.Ref;
      if (!queue || !queues[queue] || !fn || !functions[fn])
        throw new Error(`Event source mapping ${logicalId} is not from a queue of the stack to a function of it: the twin cannot run it`);
      const unmodelled = Object.keys(p).filter((key) => !modelled.has(key));
      if (unmodelled.length > 0) throw new Error(`Event source mapping ${logicalId} sets ${unmodelled.join(', ')}, which the twin does not model`);
      // CreateEventSourceMapping refuses a queue that would hand a running batch to another poller (InvalidParameterValueException).
      const visibility = queues[queue]!.visibilityTimeoutSeconds;
      if (visibility < functions[fn]!.timeoutSeconds)
        throw new Error(
          `Event source mapping ${logicalId}: Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${functions[fn]!.timeoutSeconds} seconds`,
        );
      return {
        logicalId,
        queue,
        functionLogicalId: fn,
        batchSize: p.BatchSize ?? SQS_DEFAULT_BATCH_SIZE,
        maxBatchingWindowSeconds: p.MaximumBatchingWindowInSeconds ?? 0,
        reportBatchItemFailures: (p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
        ...(p.ScalingConfig?.MaximumConcurrency !== undefined ? { maxConcurrency: p.ScalingConfig.MaximumConcurrency } : {}),
        enabled: p.Enabled ?? true,
      };
    });
}

/** The configuration sets and their EventBridge destinations (the twin models no SNS, Firehose or CloudWatch destination). */
function readConfigurationSets(resources: Record<string, CfnResource>): ConfigurationSetSpec[] {
  const destinations = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SES::ConfigurationSetEventDestination');
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::SES::ConfigurationSet')
    .map(([logicalId, r]) => ({
      logicalId,
      name: constructIdOf(r, logicalId),
      eventBridgeDestinations: destinations.flatMap(([id, d]) => {
        const p = d.Properties as {
          ConfigurationSetName?: { Ref?: string };
          EventDestination: { Enabled?: boolean; MatchingEventTypes: string[]; EventBridgeDestination?: { EventBusArn: unknown } };
        };
        if (p.ConfigurationSetName?.Ref !== logicalId || !p.EventDestination.EventBridgeDestination) return [];
        return [
          {
            logicalId: id,
            // CDK always writes it; absent is read as the SES v2 API's unset boolean, false.
            enabled: p.EventDestination.Enabled ?? false,
            matchingEventTypes: p.EventDestination.MatchingEventTypes,
            eventBusArn: p.EventDestination.EventBridgeDestination.EventBusArn,
          },
        ];
      }),
    }));
}
