import { randomUUID } from 'node:crypto';
import type { FunctionSpec, StackSpec } from '../from-stack.js';
import type { Principal, Refusal } from './gate.js';
import { functionPolicies, refusedServiceCalls, serviceCalls } from './service-calls.js';
import { decide, resourcePolicies, roleGrants } from './policies.js';
import type { RequestNames } from './requests.js';
import { StackResolver, type TwinNames } from './resources.js';
import { FunctionError } from '../lambda-runtime.js';
import type { LambdaHandler } from '../workflow-engine.js';

/**
 * IAM on the twin, from the synthesized stack: each sandboxed function's principal (its key, role
 * session and the role's policies), the resource policies, what a request names only in part, and the
 * state machine's own role for the functions it invokes. Refusals are collected in `refusals`.
 */
export function twinIam(spec: StackSpec, names: TwinNames, sandboxed: { fn: FunctionSpec; accessKeyId: string }[]) {
  const { region, account, tables, stateMachineArn } = names;
  const resolver = new StackResolver(spec.resources, names);
  const { policies, encryptionKeys } = resourcePolicies(spec.resources, resolver);
  const sessionOf = (role: string, session: string) => `arn:aws:sts::${account}:assumed-role/${resolver.ref(role)}/${session}`;
  const principals = new Map<string, Principal>(
    sandboxed.map(({ fn, accessKeyId }) => {
      const functionName = names.functions[fn.logicalId]!;
      return [accessKeyId, { functionName, sessionArn: sessionOf(fn.role, functionName), grants: roleGrants(spec.resources, fn.role, resolver) }];
    }),
  );
  const requestNames: RequestNames = {
    region,
    account,
    tableKeys: new Map(
      Object.entries(spec.tables).map(([key, table]) => [
        tables[key]!,
        {
          hash: table.KeySchema!.find((k) => k.KeyType === 'HASH')!.AttributeName!,
          indexes: new Map((table.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName!, i.KeySchema!.find((k) => k.KeyType === 'HASH')!.AttributeName!])),
        },
      ]),
    ),
    secretArn: (id) => (id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${region}:${account}:secret:${id}`),
    // The twin runs one state machine: every task token is one of its executions'.
    stateMachineOfToken: () => stateMachineArn,
    encryptionKeys,
  };
  const refusals: Refusal[] = [];
  const machine = Object.values(spec.resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const machineRole = (machine?.Properties?.RoleArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
  if (!machineRole) throw new Error('The state machine has no role in the template: the twin cannot tell what it may invoke');
  const machineGrants = roleGrants(spec.resources, machineRole, resolver);
  /**
   * Step Functions invokes each function as the state machine's role: without lambda:InvokeFunction the task
   * fails as in AWS, Lambda.AWSLambdaException with Lambda's refusal as the cause (e.g. https://github.com/awslabs/aws-deployment-framework/issues/460).
   */
  const invokedByStateMachine =
    (handler: LambdaHandler, functionArn: string): LambdaHandler =>
    async (event, context) => {
      const action = 'lambda:InvokeFunction';
      // One session name for the decision, so it is cached; AWS names each session itself.
      const decision = await decide(sessionOf(machineRole, 'states'), machineGrants, { action, resource: functionArn }, undefined, account);
      if (decision === 'Allowed') return handler(event, context);
      const session = sessionOf(machineRole, randomUUID().replaceAll('-', ''));
      const why =
        decision === 'ExplicitlyDenied' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
      const message = `User: ${session} is not authorized to perform: ${action} on resource: ${functionArn} ${why}`;
      refusals.push({ functionName: 'states', service: 'lambda', operation: 'Invoke', action, resource: functionArn, decision, message });
      throw new FunctionError(
        'Lambda.AWSLambdaException',
        `${message} (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: ${randomUUID()}; Proxy: null)`,
      );
    };
  /** The calls services make on the stack's behalf (rules, alarms, routes) that their targets' policies refuse. */
  const refusedServiceCallsOf = () =>
    refusedServiceCalls(serviceCalls(spec.resources, resolver, encryptionKeys), new Map([...policies, ...functionPolicies(spec.resources, resolver)]), account);
  /**
   * Lambda reads a queue as the function's role, and refuses to create the mapping when the role may not
   * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions): the messages would never be read.
   */
  const refusedQueueReads = async (): Promise<string[]> => {
    const refused: string[] = [];
    for (const mapping of spec.queueMappings) {
      const fn = spec.functions[mapping.functionLogicalId]!;
      const queueArn = resolver.getAtt(mapping.queue, 'Arn');
      const grants = roleGrants(spec.resources, fn.role, resolver);
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
        const decision = await decide(
          sessionOf(fn.role, names.functions[fn.logicalId]!),
          grants,
          { action, resource: queueArn, context: { 'aws:SecureTransport': 'true' } },
          policies.get(queueArn),
          account,
        );
        if (decision !== 'Allowed')
          refused.push(`event source mapping ${mapping.logicalId}: ${names.functions[fn.logicalId]} may not ${action} on ${queueArn} (${decision})`);
      }
    }
    return refused;
  };
  /**
   * Lambda sends a discarded event's invocation record to the on-failure queue as the function's role
   * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): without
   * sqs:SendMessage the record is dropped (the DestinationDeliveryFailures metric) and the event is lost.
   */
  const refusedFailureDestinations = async (): Promise<string[]> => {
    const refused: string[] = [];
    for (const fn of Object.values(spec.functions)) {
      if (!fn.asyncInvoke.onFailure) continue;
      const queueArn = resolver.getAtt(fn.asyncInvoke.onFailure, 'Arn');
      const decision = await decide(
        sessionOf(fn.role, names.functions[fn.logicalId] ?? fn.handler),
        roleGrants(spec.resources, fn.role, resolver),
        { action: 'sqs:SendMessage', resource: queueArn, context: { 'aws:SecureTransport': 'true' } },
        policies.get(queueArn),
        account,
      );
      if (decision !== 'Allowed') refused.push(`on-failure destination of ${fn.handler}: its role may not sqs:SendMessage on ${queueArn} (${decision})`);
    }
    return refused;
  };
  return {
    principals,
    names: requestNames,
    resourcePolicies: policies,
    refusals,
    invokedByStateMachine,
    refusedServiceCalls: refusedServiceCallsOf,
    refusedQueueReads,
    refusedFailureDestinations,
    resolver,
  };
}
