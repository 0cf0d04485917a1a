import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionEnvironment, parseAppConfig } from '../../infra/config.js';
import { environmentOf, FUNCTIONS } from '../../infra/functions.js';
import { BreachNoticeStack } from '../../infra/stack.js';

const context = {
  'breach-notice:senderAddress': 'notices@example.com',
  'breach-notice:approverEmails': 'a1@example.com',
  'breach-notice:backupApproverEmails': 'b1@example.com',
  'breach-notice:sectors': 'public-company-us,essential-entity-eu',
};

const config = (extra: Record<string, unknown> = {}) => parseAppConfig((k) => (({ ...context, ...extra }) as Record<string, unknown>)[k]);
const names = {
  incidentsTable: 'i',
  customersTable: 'c',
  deliveriesTable: 'd',
  idempotencyTable: 'x',
  responseTeamTopicArn: 'arn:aws:sns:us-east-1:1:t',
  stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:m',
  approvalBaseUrl: 'https://example.com',
  publicChannelsTopicArn: 'arn:aws:sns:us-east-1:1:p',
  incidentPagesBucket: 'b',
  incidentPagesUrl: 'https://pages.example.com',
};

let template: Template;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  template = Template.fromStack(new BreachNoticeStack(app, 'Test', { config: parseAppConfig((k) => app.node.tryGetContext(k)) }));
});

describe("regulators' clocks in the stack", () => {
  const fnId = () => Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('RegulatorClocks'))!;

  it('runs the regulator-clocks function every minute, without EventBridge retries (the next run is the retry)', () => {
    // Assess
    expect(fnId()).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId(), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  it("gives the sweep only the clock markers, the incidents' items it updates and reads for the gauges, the executions' list, and the team topic", () => {
    // Prepare
    const fn = template.findResources('AWS::Lambda::Function')[fnId()]!;
    const role = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: Record<string, Record<string, unknown>> }[]);
    // Act
    const byPrefix: Record<string, string[]> = {};
    for (const st of statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))) {
      for (const prefix of [st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']].flat() as string[]) {
        byPrefix[prefix] = [...(byPrefix[prefix] ?? []), ...[st.Action].flat().map((a) => a.replace('dynamodb:', ''))].sort();
      }
    }
    const others = statements
      .flatMap((s) => [s.Action].flat())
      .filter((a) => !a.startsWith('dynamodb:') && !a.startsWith('kms:') && !a.startsWith('xray:') && !a.startsWith('logs:'));
    // Assess
    // Query on INC#*: the operators' gauges read each open incident's approvals and promises (shared/metric-catalogue.ts);
    // ListExecutions: which incidents are open.
    expect(byPrefix).toEqual({ 'CLOCK#*': ['DeleteItem', 'PutItem', 'Query'], 'INC#*': ['GetItem', 'PutItem', 'Query', 'UpdateItem'] });
    expect([...new Set(others)].sort()).toEqual(['sns:Publish', 'states:ListExecutions']);
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['INCIDENTS_TABLE', 'RESPONSE_TEAM_TOPIC_ARN']));
    expect(fn.Properties.Environment.Variables.SECTORS).toBeUndefined();
  });

  it('gives start-regulator-clocks the sectors and reminders of the settings, and only item grants', () => {
    // Act
    const env = environmentOf('start-regulator-clocks', functionEnvironment(config({ 'breach-notice:regulatorClockReminders': '50%,2h' }), names));
    // Assess
    expect(env).toMatchObject({ SECTORS: 'public-company-us,essential-entity-eu', REGULATOR_CLOCK_REMINDERS: '50%,2h', REGULATOR_CLOCK_SCALE: '1' });
    expect(FUNCTIONS['start-regulator-clocks'].grants.tables.incidents.flatMap((g) => g.prefixes)).toEqual(['INC#', 'CLOCK#']);
  });

  it.each([
    [{ 'breach-notice:sectors': 'us-bank,crypto' }, 'breach-notice:sectors'],
    [{ 'breach-notice:regulatorClockReminders': '50%,soon' }, 'breach-notice:regulatorClockReminders'],
  ])('refuses a bad setting %j naming %s', (extra, key) => {
    expect(() => config(extra)).toThrow(key);
  });
});
