import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { CfnResource } from '../from-stack.js';
import type { StackResolver } from './resources.js';

type PolicyDocument = { Version?: string; Statement: unknown };

/** A role as the template defines it: its ARN and every identity policy attached to it. */
export interface RoleGrants {
  roleArn: string;
  identityPolicies: { name: string; policy: PolicyDocument }[];
  permissionsBoundary?: PolicyDocument;
}

/** An AWS managed policy, whose document the template does not hold: the twin cannot evaluate it. */
export class UnknownManagedPolicyError extends Error {}

const refOf = (value: unknown) => (value && typeof value === 'object' && 'Ref' in value ? String((value as { Ref: unknown }).Ref) : undefined);
const refsOf = (values: unknown) => (Array.isArray(values) ? values.map(refOf) : []);

/**
 * Everything IAM attaches to role `roleId` in the template: AWS::IAM::Policy and AWS::IAM::ManagedPolicy
 * resources that name it, its inline Policies, its ManagedPolicyArns (customer managed ones defined in
 * the template) and its permissions boundary, with the intrinsics resolved to the twin's ARNs.
 */
export function roleGrants(resources: Record<string, CfnResource>, roleId: string, resolver: StackResolver): RoleGrants {
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role of the template`);
  const resolve = (doc: unknown) => resolver.resolve(doc) as PolicyDocument;
  const managed = (value: unknown): PolicyDocument => {
    const id = refOf(value);
    const r = id ? resources[id] : undefined;
    if (r?.Type === 'AWS::IAM::ManagedPolicy') return resolve(r.Properties?.PolicyDocument);
    throw new UnknownManagedPolicyError(
      `Role ${roleId} attaches ${JSON.stringify(resolver.resolve(value))}, a managed policy the template does not define: the twin cannot evaluate it`,
    );
  };
  const identityPolicies: RoleGrants['identityPolicies'] = [];
  for (const [id, r] of Object.entries(resources)) {
    if ((r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') && refsOf(r.Properties?.Roles).includes(roleId)) {
      identityPolicies.push({ name: id, policy: resolve(r.Properties?.PolicyDocument) });
    }
  }
  const p = role.Properties ?? {};
  for (const inline of (p.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ?? []) {
    identityPolicies.push({ name: `${roleId}/${inline.PolicyName}`, policy: resolve(inline.PolicyDocument) });
  }
  for (const [i, arn] of ((p.ManagedPolicyArns as unknown[] | undefined) ?? []).entries()) {
    identityPolicies.push({ name: `${roleId}/ManagedPolicyArns/${i}`, policy: managed(arn) });
  }
  return {
    roleArn: resolver.getAtt(roleId, 'Arn'),
    identityPolicies,
    ...(p.PermissionsBoundary !== undefined && { permissionsBoundary: managed(p.PermissionsBoundary) }),
  };
}

/** The resource policies of the template (topics, buckets, secrets, keys, tables) by ARN, and the key each encrypted topic or secret uses. */
export interface ResourcePolicies {
  policies: Map<string, PolicyDocument>;
  /** Topic or secret ARN -> the ARN of the KMS key it is encrypted with. */
  encryptionKeys: Map<string, string>;
}

export function resourcePolicies(resources: Record<string, CfnResource>, resolver: StackResolver): ResourcePolicies {
  const policies = new Map<string, PolicyDocument>();
  const encryptionKeys = new Map<string, string>();
  const set = (arn: unknown, doc: unknown) => policies.set(String(arn), resolver.resolve(doc) as PolicyDocument);
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::SNS::TopicPolicy') for (const topic of p.Topics as unknown[]) set(resolver.resolve(topic), p.PolicyDocument);
    // Queues are named by URL (Ref) in the policy resource; IAM decides on the queue's ARN.
    if (r.Type === 'AWS::SQS::QueuePolicy')
      for (const queue of p.Queues as { Ref?: string }[]) if (queue.Ref) set(resolver.getAtt(queue.Ref, 'Arn'), p.PolicyDocument);
    if (r.Type === 'AWS::S3::BucketPolicy') set(`arn:aws:s3:::${String(resolver.resolve(p.Bucket))}`, p.PolicyDocument);
    if (r.Type === 'AWS::SecretsManager::ResourcePolicy') set(resolver.resolve(p.SecretId), p.ResourcePolicy);
    if (r.Type === 'AWS::KMS::Key') set(resolver.getAtt(id, 'Arn'), p.KeyPolicy);
    if (r.Type === 'AWS::DynamoDB::Table' && p.ResourcePolicy)
      set(resolver.getAtt(id, 'Arn'), (p.ResourcePolicy as { PolicyDocument: unknown }).PolicyDocument);
    if (r.Type === 'AWS::SNS::Topic' && p.KmsMasterKeyId) encryptionKeys.set(resolver.ref(id), keyArn(resolver.resolve(p.KmsMasterKeyId), resolver));
    if (r.Type === 'AWS::SecretsManager::Secret' && p.KmsKeyId) encryptionKeys.set(resolver.ref(id), keyArn(resolver.resolve(p.KmsKeyId), resolver));
  }
  return { policies, encryptionKeys };
}

/** A key given by id or ARN, as its ARN. */
function keyArn(value: unknown, resolver: StackResolver): string {
  const key = String(value);
  return key.startsWith('arn:') ? key : `arn:aws:kms:${resolver.ref('AWS::Region')}:${resolver.ref('AWS::AccountId')}:key/${key}`;
}

/** One authorization IAM makes for a request: an action on a resource, with the request's context keys. */
export interface Authorization {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /**
   * The resource is one IAM's service catalogue does not list for the action, yet AWS checks it (task
   * tokens on their state machine) or has no ARN (a phone number): evaluated by pattern alone.
   */
  unlisted?: boolean;
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** The twin's own evaluation failed (a request it maps wrongly, a policy IAM would not accept): not AWS's answer. */
export class IamEvaluationError extends Error {}

/**
 * Decides as IAM does, with @cloud-copilot/iam-simulate: the role's identity policies and boundary,
 * the resource's policy if it has one (same account: either may allow, an explicit deny in any wins).
 */
export async function decide(
  principal: string,
  grants: RoleGrants,
  authorization: Authorization,
  resourcePolicy: PolicyDocument | undefined,
  account: string,
): Promise<Decision> {
  // Policies do not change while the twin runs: the same request by the same principal gets the same answer.
  // Only the context keys some policy reads can change it (a condition, or a ${...} variable), so the rest
  // (each DynamoDB item's leading key, for a role granted the whole table) stay out of the cache key. A key
  // only string operators compare with fixed patterns (a leading-key grant's `INC#*`) enters the key as which
  // of those patterns each value matches: every item key of a prefix is then one entry, not one evaluation each.
  const { read, classes } = keysRead(grants, resourcePolicy);
  let abstracted = false;
  const context = Object.entries(authorization.context ?? {})
    .filter(([k]) => read.has(k.toLowerCase()))
    .map(([k, v]) => {
      const patterns = classes.get(k.toLowerCase());
      if (!patterns) return [k, v];
      abstracted = true;
      // A list stays a list: a single-valued operator given one never matches, whatever it holds.
      const signature = (value: string) => patterns.map((p) => (p.test(value) ? 1 : 0)).join('');
      return [k, Array.isArray(v) ? v.map(signature) : signature(v)];
    });
  const key = JSON.stringify([principal, authorization.action, authorization.resource, context, resourcePolicy !== undefined]);
  const entry = decisions.get(grants)?.get(key);
  const cached = entry?.decision;
  // Each class's first reuse, then one in VERIFY_EVERY: a class used twice is checked as surely as a busy one.
  if (entry && !(abstracted && (++entry.hits === 1 || entry.hits % VERIFY_EVERY === 0))) return entry.decision;
  evaluations += 1;
  const decision = await evaluate(principal, grants, authorization, resourcePolicy, account);
  // A sample of the answers the patterns stood in for, evaluated whole: a wrong equivalence fails loudly.
  if (cached && cached !== decision)
    throw new IamEvaluationError(`${authorization.action} on ${authorization.resource}: cached ${cached} for its pattern class, IAM decides ${decision}`);
  let byKey = decisions.get(grants);
  if (!byKey) decisions.set(grants, (byKey = new Map()));
  if (entry) return decision;
  if (byKey.size >= MAX_CACHED) byKey.delete(byKey.keys().next().value!);
  byKey.set(key, { decision, hits: 0 });
  return decision;
}

const decisions = new WeakMap<RoleGrants, Map<string, { decision: Decision; hits: number }>>();
let evaluations = 0;
/** One cached answer in this many for a pattern class (and its first reuse) is evaluated again and compared. */
const VERIFY_EVERY = 64;
/** Decisions evaluated rather than taken from the cache, since the twin started. */
export const evaluationsMade = () => evaluations;
const MAX_CACHED = 10_000;

/** What IAM's string operators compare (ForAllValues:/ForAnyValue: and IfExists aside), and how. */
const STRING_OPERATORS: Record<string, { like: boolean; ignoreCase: boolean }> = {
  StringEquals: { like: false, ignoreCase: false },
  StringNotEquals: { like: false, ignoreCase: false },
  StringEqualsIgnoreCase: { like: false, ignoreCase: true },
  StringNotEqualsIgnoreCase: { like: false, ignoreCase: true },
  StringLike: { like: true, ignoreCase: false },
  StringNotLike: { like: true, ignoreCase: false },
};

/** A condition value as IAM compares it: exact, or `*` any run and `?` any one character (StringLike). */
function patternOf(value: string, how: { like: boolean; ignoreCase: boolean }): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const body = how.like
    ? value
        .split('*')
        .map((run) => run.split('?').map(literal).join('.'))
        .join('.*')
    : literal(value);
  return new RegExp(`^${body}$`, how.ignoreCase ? 'i' : '');
}

/**
 * Every condition key the role's policies and the resource's policy name, lower-cased as IAM compares them,
 * and of those the keys only string operators (or Null) read, with fixed patterns: their patterns.
 */
function keysRead(grants: RoleGrants, resourcePolicy: PolicyDocument | undefined): { read: Set<string>; classes: Map<string, RegExp[]> } {
  const forRole = keysByRole.get(grants) ?? keysByRole.set(grants, new Map()).get(grants)!;
  const cached = forRole.get(resourcePolicy ?? NO_POLICY);
  if (cached) return cached;
  const read = new Set<string>();
  const patterns = new Map<string, RegExp[]>();
  const whole = new Set<string>();
  const condition = (operator: string, key: string, values: unknown): void => {
    const name = key.toLowerCase();
    read.add(name);
    const base = operator.replace(/^(ForAllValues|ForAnyValue):/, '').replace(/IfExists$/, '');
    // Null reads whether the key is present, not its value.
    if (base === 'Null') return void (patterns.has(name) || patterns.set(name, []));
    const how = STRING_OPERATORS[base];
    const list = (Array.isArray(values) ? values : [values]).map(String);
    if (!how || list.some((v) => v.includes('${'))) return void whole.add(name);
    patterns.set(name, [...(patterns.get(name) ?? []), ...list.map((v) => patternOf(v, how))]);
  };
  const visit = (node: unknown, inCondition: boolean): void => {
    // ${key} or ${key, 'default'}: the value itself is substituted, so it is compared whole.
    if (typeof node === 'string')
      for (const [, name] of node.matchAll(/\$\{([^},]+)[^}]*\}/g)) {
        read.add(name!.trim().toLowerCase());
        whole.add(name!.trim().toLowerCase());
      }
    else if (Array.isArray(node)) for (const item of node) visit(item, false);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        // Condition: { Operator: { key: values } }: the keys one level below the operators.
        if (inCondition && v && typeof v === 'object' && !Array.isArray(v)) for (const [name, values] of Object.entries(v)) condition(k, name, values);
        visit(v, k === 'Condition');
      }
  };
  for (const doc of [...grants.identityPolicies.map((p) => p.policy), grants.permissionsBoundary, resourcePolicy]) visit(doc, false);
  for (const name of whole) patterns.delete(name);
  const result = { read, classes: patterns };
  forRole.set(resourcePolicy ?? NO_POLICY, result);
  return result;
}

const keysByRole = new WeakMap<RoleGrants, Map<PolicyDocument, ReturnType<typeof keysRead>>>();
const NO_POLICY: PolicyDocument = { Statement: [] };

async function evaluate(
  principal: string,
  grants: RoleGrants,
  authorization: Authorization,
  resourcePolicy: PolicyDocument | undefined,
  account: string,
): Promise<Decision> {
  const simulation: Simulation = {
    request: {
      principal,
      action: authorization.action,
      resource: { resource: authorization.resource, accountId: account },
      contextVariables: authorization.context ?? {},
    },
    identityPolicies: grants.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy && { resourcePolicy }),
    ...(grants.permissionsBoundary && { permissionBoundaryPolicies: [{ name: 'boundary', policy: grants.permissionsBoundary }] }),
  };
  if (!resourcePolicy) {
    // The engine itself, without the request's validation against IAM's catalogue: a gate serves thousands of
    // requests a second (a transaction is one authorization per item), and the catalogue lists no resource for
    // some that AWS checks (a task token's state machine) or has no ARN (a phone number).
    return runUnsafeSimulation(simulation, {});
  }
  if (authorization.unlisted)
    throw new IamEvaluationError(`${authorization.action} on ${authorization.resource}: a resource policy on a resource IAM's catalogue does not list`);
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new IamEvaluationError(`${authorization.action} on ${authorization.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}
