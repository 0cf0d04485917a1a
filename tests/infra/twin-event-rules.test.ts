import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { appConfigSchema } from '../../infra/config.js';
import { LocalEventBus } from '../../local/twin/event-bus.js';
import { specFromStack, type StackTransform } from '../../local/twin/from-stack.js';
import { StackResolver } from '../../local/twin/iam/resources.js';
import { LocalQueue } from '../../local/twin/queues.js';
import { busRule } from '../../local/twin/system.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';

// The twin's default bus routes as EventBridge does, from the synthesized template: each rule delivers a
// matching event to its own targets (a function of the stack, or a topic through the target's
// InputTransformer), and a rule whose target the twin does not run stops the twin with the rule named.

const config = appConfigSchema.parse({ senderAddress: 's@example.com', approverEmails: 'a@example.com', backupApproverEmails: 'b@example.com' });
const TEAM_TOPIC = 'arn:aws:sns:us-east-1:000000000000:team';

/** A rule for `test.routing` events whose target is the decision sweeper's function. */
const routingRule: StackTransform = (stack) => {
  const sweeper = Object.entries(stack.handlers).find(([, handler]) => handler === 'return-decisions')![0];
  stack.resources.RoutingRule = {
    Type: 'AWS::Events::Rule',
    Properties: { EventPattern: { source: ['test.routing'] }, State: 'ENABLED', Targets: [{ Arn: { 'Fn::GetAtt': [sweeper, 'Arn'] }, Id: 'Target0' }] },
    Metadata: { 'aws:cdk:path': 'BreachNotice/Routing/Rule/Resource' },
  };
};

/** The bus the twin builds from the stack, with every function and the SNS client replaced by recorders. */
function busFor(transform?: StackTransform) {
  const spec = specFromStack(config, transform);
  const resolver = new StackResolver(spec.resources, {
    region: 'us-east-1',
    account: '000000000000',
    tables: {},
    topics: { ResponseTeamTopic: TEAM_TOPIC },
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:twin',
    buckets: {},
    secrets: {},
    functions: {},
  });
  const invoked: { handler: string; event: unknown }[] = [];
  const published: PublishCommand['input'][] = [];
  const sns = { send: async (command: PublishCommand) => void published.push(command.input) } as unknown as SNSClient;
  const queues = new Map(Object.values(spec.queues).map((q) => [q.logicalId, new LocalQueue(resolver.getAtt(q.logicalId, 'Arn'), q)]));
  const rules = spec.rules
    .filter((rule) => rule.enabled)
    .map((rule) =>
      busRule(rule, resolver, {
        functionOf: (logicalId) => {
          const { handler } = spec.functions[logicalId]!;
          return { name: `breach-notice-${handler}`, handler: async (event) => void invoked.push({ handler, event }) };
        },
        queueOf: (logicalId) => queues.get(logicalId)!,
        sns,
      }),
    );
  return { bus: new LocalEventBus(rules, 'us-east-1', '000000000000'), invoked, published, queues, resolver, spec };
}

const entry = (event: { source: string; 'detail-type': string; detail: unknown }) => ({
  Source: event.source,
  DetailType: event['detail-type'],
  Detail: JSON.stringify(event.detail),
});
const settle = () => new Promise((r) => setTimeout(r, 20));

describe("the twin's default bus routes each rule to its own targets", () => {
  it("a rule added to the template invokes the function it names, and no other rule's target", async () => {
    // Prepare
    const { bus, invoked, published } = busFor(routingRule);
    // Act
    const answer = bus.putEvents({ Entries: [entry({ source: 'test.routing', 'detail-type': 'Routed', detail: { n: 1 } })] });
    await settle();
    // Assess
    expect(answer.FailedEntryCount).toBe(0);
    expect(invoked).toEqual([{ handler: 'return-decisions', event: expect.objectContaining({ source: 'test.routing', detail: { n: 1 } }) }]);
    expect(published).toEqual([]);
  });

  it('an alarm reaches the intake; a failed execution reaches the team topic through the rule’s InputTransformer', async () => {
    // Prepare
    const { bus, invoked, published } = busFor();
    const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:twin';
    // Act
    bus.putEvents({
      Entries: [
        entry(guardDutyFinding({ severity: 8 })),
        entry({
          source: 'aws.states',
          'detail-type': 'Step Functions Execution Status Change',
          detail: { status: 'FAILED', stateMachineArn, name: 'inc-1', executionArn: `${stateMachineArn.replace('stateMachine', 'execution')}:inc-1` },
        }),
      ],
    });
    await settle();
    // Assess
    expect(invoked.map((i) => i.handler)).toEqual(['intake']);
    expect(published).toEqual([
      { TopicArn: TEAM_TOPIC, Message: '"Incident execution inc-1 ended FAILED in us-east-1: arn:aws:states:us-east-1:000000000000:execution:twin:inc-1"' },
    ]);
  });

  it('a rule whose target the twin does not run stops the twin, naming the rule and the target', () => {
    expect(() =>
      specFromStack(config, (stack) => {
        routingRule(stack);
        (stack.resources.RoutingRule!.Properties!.Targets as { Arn: unknown }[])[0]!.Arn = { 'Fn::GetAtt': ['SomeQueue', 'Arn'] };
      }),
    ).toThrow(/^Rule RoutingRule targets \{"Fn::GetAtt":\["SomeQueue","Arn"\]\}, which is neither a function, a topic nor a queue of the stack/);
  });
});
