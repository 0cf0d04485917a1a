import type { CfnResource } from '../from-stack.js';
import { decide, type ResourcePolicies, type RoleGrants } from './policies.js';
import type { StackResolver } from './resources.js';

type PolicyDocument = { Version?: string; Statement: unknown };

/**
 * One call a service makes on the stack's behalf to another resource of it: EventBridge invoking a
 * function, publishing to a topic or sending to a queue, CloudWatch publishing an alarm, API Gateway invoking a route's
 * function, CloudWatch Logs invoking a subscription's function. No role signs these: the target's resource policy alone decides (and, for an encrypted
 * topic, the key's policy), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-service.html
 */
export interface ServiceCall {
  /** What sends, for the message: `rule WorkflowRunEndedBadly`, `alarm AlarmIntakeDeadLetters`, `route POST /approvals/{linkId}`. */
  source: string;
  principal: 'events.amazonaws.com' | 'cloudwatch.amazonaws.com' | 'apigateway.amazonaws.com' | 'logs.amazonaws.com';
  sourceArn: string;
  action: string;
  resource: string;
}

/** The stack makes a service call its own policies refuse: the twin will not run a stack that drops its alarms or pages. */
export class RefusedServiceCallError extends Error {}

/** A service call the target's policies refuse: AWS accepts the stack and drops every such call. */
export interface RefusedServiceCall extends ServiceCall {
  message: string;
}

/** The stack's resources read as a list of service-to-service calls, with the ARNs the twin gives them. */
export function serviceCalls(
  resources: Record<string, CfnResource>,
  resolver: StackResolver,
  encryptionKeys: ResourcePolicies['encryptionKeys'],
): ServiceCall[] {
  const region = resolver.ref('AWS::Region');
  const account = resolver.ref('AWS::AccountId');
  const out: ServiceCall[] = [];
  const isTopic = (arn: string) => arn.startsWith('arn:aws:sns:');
  const isFunction = (arn: string) => arn.startsWith('arn:aws:lambda:');
  const isQueue = (arn: string) => arn.startsWith('arn:aws:sqs:');
  const toTarget = (base: Omit<ServiceCall, 'action' | 'resource'>, arn: string) => {
    if (isFunction(arn)) out.push({ ...base, action: 'lambda:InvokeFunction', resource: arn });
    if (isQueue(arn)) out.push({ ...base, action: 'sqs:SendMessage', resource: arn });
    if (isTopic(arn)) {
      out.push({ ...base, action: 'sns:Publish', resource: arn });
      // A service publishing to an encrypted topic uses the topic's key as itself
      // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
      const key = encryptionKeys.get(arn);
      if (key) for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) out.push({ ...base, action, resource: key });
    }
  };
  const stageOf = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')?.Properties?.StageName;
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::Events::Rule' && p.State !== 'DISABLED') {
      const sourceArn = resolver.getAtt(id, 'Arn');
      for (const target of (p.Targets as { Arn: unknown; DeadLetterConfig?: { Arn: unknown } }[] | undefined) ?? []) {
        toTarget({ source: `rule ${id}`, principal: 'events.amazonaws.com', sourceArn }, String(resolver.resolve(target.Arn)));
        // What EventBridge cannot deliver it sends to the target's dead-letter queue, as itself
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms).
        if (target.DeadLetterConfig)
          toTarget(
            { source: `rule ${id} (dead letters)`, principal: 'events.amazonaws.com', sourceArn },
            String(resolver.resolve(target.DeadLetterConfig.Arn)),
          );
      }
    }
    // A subscription filter: CloudWatch Logs invokes the function for its log group's events.
    if (r.Type === 'AWS::Logs::SubscriptionFilter')
      toTarget(
        { source: `subscription ${id}`, principal: 'logs.amazonaws.com', sourceArn: resolver.getAtt(String((p.LogGroupName as { Ref: string }).Ref), 'Arn') },
        String(resolver.resolve(p.DestinationArn)),
      );
    if (r.Type === 'AWS::CloudWatch::Alarm') {
      const sourceArn = resolver.getAtt(id, 'Arn');
      const actions = [
        ...((p.AlarmActions as unknown[] | undefined) ?? []),
        ...((p.OKActions as unknown[] | undefined) ?? []),
        ...((p.InsufficientDataActions as unknown[] | undefined) ?? []),
      ];
      for (const action of new Set(actions.map((a) => String(resolver.resolve(a)))))
        toTarget({ source: `alarm ${id}`, principal: 'cloudwatch.amazonaws.com', sourceArn }, action);
    }
    if (r.Type === 'AWS::ApiGatewayV2::Route') {
      const [method, path] = String(p.RouteKey).split(' ') as [string, string];
      const integrationId = /^integrations\/(.+)$/.exec(String(resolver.resolve(p.Target)))?.[1];
      const integration = Object.entries(resources).find(
        ([iid, ir]) => ir.Type === 'AWS::ApiGatewayV2::Integration' && resolver.ref(iid) === integrationId,
      )?.[1];
      if (!integration) continue;
      // API Gateway's source ARN for a route: arn:aws:execute-api:region:account:api-id/stage/METHOD/path
      // (https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html).
      const sourceArn = `arn:aws:execute-api:${region}:${account}:${resolver.resolve(p.ApiId)}/${String(stageOf ?? '$default')}/${method}${path}`;
      toTarget(
        { source: `route ${String(p.RouteKey)}`, principal: 'apigateway.amazonaws.com', sourceArn },
        String(resolver.resolve(integration.Properties?.IntegrationUri)),
      );
    }
  }
  return out;
}

/** Each function's resource policy, as Lambda builds it from the template's AWS::Lambda::Permission resources. */
export function functionPolicies(resources: Record<string, CfnResource>, resolver: StackResolver): Map<string, PolicyDocument> {
  const statements = new Map<string, unknown[]>();
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::Lambda::Permission') continue;
    const p = resolver.resolve(r.Properties ?? {}) as { Action: string; FunctionName: string; Principal: string; SourceArn?: string; SourceAccount?: string };
    const principal = p.Principal.endsWith('.amazonaws.com') ? { Service: p.Principal } : { AWS: p.Principal };
    const condition = {
      ...(p.SourceArn && { ArnLike: { 'AWS:SourceArn': p.SourceArn } }),
      ...(p.SourceAccount && { StringEquals: { 'AWS:SourceAccount': p.SourceAccount } }),
    };
    const statement = {
      Effect: 'Allow',
      Principal: principal,
      Action: p.Action,
      Resource: p.FunctionName,
      ...(Object.keys(condition).length > 0 && { Condition: condition }),
    };
    statements.set(p.FunctionName, [...(statements.get(p.FunctionName) ?? []), statement]);
  }
  return new Map([...statements].map(([fn, list]) => [fn, { Version: '2012-10-17', Statement: list }]));
}

/**
 * Every service call the target's resource policy (or the key's) refuses, with IAM's wording. A service
 * principal has no identity policy: only an Allow in the resource's policy lets it in.
 */
export async function refusedServiceCalls(calls: ServiceCall[], policies: ReadonlyMap<string, PolicyDocument>, account: string): Promise<RefusedServiceCall[]> {
  const refused: RefusedServiceCall[] = [];
  // No identity policies; one object per stack, as decide() caches its answers per grants object.
  const none: RoleGrants = { roleArn: '', identityPolicies: [] };
  for (const d of calls) {
    const policy = policies.get(d.resource);
    // A service principal has no identity policy: the evaluator the gates use decides on the resource's alone.
    const allowed =
      policy !== undefined &&
      (await decide(
        d.principal,
        none,
        { action: d.action, resource: d.resource, context: { 'aws:SourceArn': d.sourceArn, 'aws:SourceAccount': account, 'aws:SecureTransport': 'true' } },
        policy,
        account,
      )) === 'Allowed';
    if (!allowed) {
      const why = policy === undefined ? 'because the resource has no resource-based policy' : `because no resource-based policy allows the ${d.action} action`;
      refused.push({ ...d, message: `${d.source}: ${d.principal} is not authorized to perform: ${d.action} on resource: ${d.resource} ${why}` });
    }
  }
  return refused;
}
