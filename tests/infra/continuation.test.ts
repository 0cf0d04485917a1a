import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../infra/config.js';
import { updateCyclesPerExecution } from '../../infra/definition/continuation.js';
import { incidentResponse } from '../../infra/definition/incident-response.js';
import { BreachNoticeStack } from '../../infra/stack.js';

/** The stack and definition around "Continue in a new execution?" (functions/steps/start-next-execution.ts). */
function template(extra: Record<string, string> = {}): Template {
  const app = new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      'breach-notice:senderAddress': 'notices@example.com',
      'breach-notice:approverEmails': 'a1@example.com',
      'breach-notice:backupApproverEmails': 'b1@example.com',
      ...extra,
    },
  });
  return Template.fromStack(new BreachNoticeStack(app, 'Test', { config: parseAppConfig((k) => app.node.tryGetContext(k)) }));
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

function roleOf(t: Template, logicalIdPrefix: string): string {
  const [fn] = Object.entries(t.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith(logicalIdPrefix));
  return (fn![1].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

function statementsOf(t: Template, role: string): Statement[] {
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('continuing an incident in a new execution', () => {
  const t = template();
  const machine = Object.keys(t.findResources('AWS::StepFunctions::StateMachine'))[0]!;

  it("lets the continuation step start executions of this state machine only, and write the incident's items only", () => {
    const statements = statementsOf(t, roleOf(t, 'WorkflowStartNextExecution'));
    const states = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('states:')));
    expect(states.map((s) => [s.Effect, s.Action, s.Resource])).toEqual([['Allow', 'states:StartExecution', { Ref: machine }]]);
    const items = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(items.map((s) => [[s.Action].flat().sort(), s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']])).toEqual([
      [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], ['INC#*']],
    ]);
  });

  it('lets nobody else start executions but intake and the machine itself (its Distributed Map)', () => {
    const starters = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.PolicyDocument.Statement as Statement[]).some((s) => [s.Action].flat().includes('states:StartExecution')))
      .flatMap((p) => (p.Properties.Roles as { Ref: string }[]).map((r) => r.Ref))
      .sort();
    const machineRole = (t.findResources('AWS::StepFunctions::StateMachine')[machine]!.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
    expect(starters).toEqual([roleOf(t, 'Intake'), roleOf(t, 'WorkflowStartNextExecution'), machineRole].sort());
  });

  it.each([
    [undefined, 168],
    ['1', 1],
    ['2160', 2160],
  ])('gives intake the cycles per execution for the cadence (updateCadenceHours %s)', (setting, hours) => {
    // An hourly cadence needs a lead shorter than the hour (the default, from 4 h + 4 h of approvals, is not).
    const stack = setting === undefined ? t : template({ 'breach-notice:updateCadenceHours': setting, 'breach-notice:updateLeadMinutes': '45' });
    const [intake] = Object.entries(stack.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('Intake'));
    expect(intake![1].Properties.Environment.Variables.UPDATE_CYCLES_PER_EXECUTION).toBe(String(updateCyclesPerExecution(hours)));
  });

  it('routes every notice cycle through the count before the next update, and a continued execution straight to it', () => {
    const states = incidentResponse.States as Record<
      string,
      { Type: string; Next?: string; Default?: string; Choices?: { Next: string }[]; Catch?: { Next: string }[] }
    >;
    const into = (target: string) =>
      Object.entries(states)
        .filter(([, s]) => [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)].includes(target))
        .map(([name]) => name)
        .sort();
    expect(into('Plan next update')).toEqual(['Continue in a new execution?', 'Continued from an earlier execution?']);
    expect(into('Count update cycles')).toEqual([
      'Page response team: incident page not published',
      'Page response team: update not approved',
      'Publish incident page',
    ]);
    expect(incidentResponse.StartAt).toBe('Start counting update cycles');
    expect(states['Start the next execution']?.Next).toBe('Continued in a new execution');
    expect(states['Continued in a new execution']?.Type).toBe('Succeed');
  });
});
