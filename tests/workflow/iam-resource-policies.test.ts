import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackTransform, SynthesizedStack } from '../../local/twin/from-stack.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { executionArnOf, makeCustomers, sendAlarm, startScenario, waitForStatus, type Scenario } from '../support/scenario.js';

// Where one service acts for another, a policy other than the caller's decides: a KMS key's policy for
// the topics it encrypts, the state machine's role for the functions it invokes. Each test runs the twin
// on a stack with one statement taken out and shows the workflow failing as it would in AWS.

type Statement = { Action: string | string[]; Resource?: unknown; Principal?: unknown };

function start(label: string, transform: StackTransform, retryIntervalOverrides: Record<string, number[]>) {
  const prefix = uniquePrefix(label);
  const bucket = `${label}-${prefix}`;
  const state: { s?: Scenario; bucket: string } = { bucket };
  beforeAll(async () => {
    state.s = await startScenario(prefix, testConfig(prefix), { transformStack: transform, retryIntervalOverrides });
    await state.s.customers.putCustomers(makeCustomers(bucket, bucket, 2));
  });
  afterAll(async () => {
    await state.s?.system.stop();
  });
  return state;
}

/** The key policy of the key the topics are encrypted with, without its statement that lets IAM policies of the account grant its use. */
const withoutKeyDelegation: StackTransform = (stack: SynthesizedStack) => {
  for (const key of Object.values(stack.resources).filter((r) => r.Type === 'AWS::KMS::Key')) {
    const policy = key.Properties!.KeyPolicy as { Statement: Statement[] };
    policy.Statement = policy.Statement.filter((st) => st.Action !== 'kms:*');
  }
};

/** The state machine's role without the statement that lets it invoke the draft step's function. */
const withoutDraftInvoke: StackTransform = (stack: SynthesizedStack) => {
  const [draft] = Object.entries(stack.handlers).find(([, h]) => h === 'draft-notice')!;
  const machine = Object.values(stack.resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
  const role = (machine.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  for (const policy of Object.values(stack.resources).filter(
    (r) => r.Type === 'AWS::IAM::Policy' && (r.Properties!.Roles as { Ref: string }[]).some((ref) => ref.Ref === role),
  )) {
    const document = policy.Properties!.PolicyDocument as { Statement: Statement[] };
    document.Statement = document.Statement.filter((st) => !(st.Action === 'lambda:InvokeFunction' && JSON.stringify(st.Resource).includes(`"${draft}"`)));
  }
};

describe("a KMS key's policy decides for the topics it encrypts", () => {
  const state = start('iamk', withoutKeyDelegation, { 'Page response team': [10, 10], 'Page response team: workflow failed': [10, 10] });

  it("without the statement that delegates to IAM, publishing to the team's topic is refused as KMS refuses (KMSAccessDenied), though the role allows the key", async () => {
    const s = state.s!;
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket: state.bucket }))).incidents![0]!.incidentId;
    expect(await waitForStatus(s, incidentId, ['FAILED', 'SUCCEEDED'])).toBe('FAILED');
    const refused = s.system.iam.refusals.filter((r) => r.functionName === 'breach-notice-page-response-team');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ service: 'sns', operation: 'Publish', action: 'kms:GenerateDataKey', decision: 'ImplicitlyDenied' });
    expect(refused[0]!.message).toMatch(/because no resource-based policy allows the kms:GenerateDataKey action$/);
    const failed = s.system.workflow.executions
      .get(executionArnOf(s, incidentId))!
      .events.find((e) => e.type === 'StateFailed' && e.stateName === 'Page response team');
    expect(failed?.error).toBe('DependencyError');
    expect(failed?.cause).toContain('KMSAccessDenied');
    expect((await topicMessages(s.system.responseTeamTopicArn)).filter((m) => m.message.includes(incidentId))).toEqual([]);
  });
});

describe("the state machine's role decides which functions it invokes", () => {
  const state = start('iams', withoutDraftInvoke, { 'Draft first notice': [10, 10] });

  it('without lambda:InvokeFunction on the draft step, its task fails with Lambda.AWSLambdaException (retried as one), and the catch pages the team', async () => {
    const s = state.s!;
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket: state.bucket }))).incidents![0]!.incidentId;
    expect(await waitForStatus(s, incidentId, ['FAILED', 'SUCCEEDED'])).toBe('FAILED');
    const events = s.system.workflow.executions.get(executionArnOf(s, incidentId))!.events;
    const failures = events.filter((e) => e.type === 'StateFailed' && e.stateName === 'Draft first notice');
    // The standard retrier for Lambda's service errors: 4 retries, then the catch.
    expect(failures).toHaveLength(5);
    for (const failure of failures) {
      expect(failure.error).toBe('Lambda.AWSLambdaException');
      expect(failure.cause).toMatch(
        /^User: arn:aws:sts::000000000000:assumed-role\/\S+\/\S+ is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:breach-notice-draft-notice because no identity-based policy allows the lambda:InvokeFunction action \(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException/,
      );
    }
    const page = await until(
      async () =>
        (await topicMessages(s.system.responseTeamTopicArn)).find((m) => m.message.startsWith('Incident workflow failed') && m.message.includes(incidentId)),
      'the workflow-failed page',
    );
    expect(page.message).toContain('Error: Lambda.AWSLambdaException: User:');
  });
});

describe('a stack whose services cannot reach their targets', () => {
  it('is refused at start, naming each call AWS would drop (here GuardDuty findings to the intake)', async () => {
    const prefix = uniquePrefix('iamd');
    const withoutGuardDutyPermission: StackTransform = (stack) => {
      for (const [id, r] of Object.entries(stack.resources))
        if (r.Type === 'AWS::Lambda::Permission' && id.startsWith('AlarmIntakeGuardDutyFindings')) delete stack.resources[id];
    };
    await expect(startScenario(prefix, testConfig(prefix), { transformStack: withoutGuardDutyPermission })).rejects.toThrow(
      /^The stack's own policies refuse 1 service calls:\n- rule AlarmIntakeGuardDutyFindings\w+: events\.amazonaws\.com is not authorized to perform: lambda:InvokeFunction/,
    );
  });
});
