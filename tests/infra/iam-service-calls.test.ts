import { describe, expect, it } from 'vitest';
import { appConfigSchema } from '../../infra/config.js';
import type { StackTransform } from '../../local/twin/from-stack.js';
import { specFromStack } from '../../local/twin/from-stack.js';
import { twinIam } from '../../local/twin/iam/twin-iam.js';

// The calls services make for the stack (EventBridge rules, CloudWatch alarm actions, API Gateway routes)
// are signed by no role: the target's resource policy decides, and the key's for an encrypted topic. The
// twin evaluates each from the synthesized stack and refuses to start a stack whose own policies drop one
// (local/twin/system.ts). Each case takes one statement out and names the call AWS would drop.

const config = appConfigSchema.parse({
  senderAddress: 's@example.com',
  approverEmails: 'a@example.com',
  backupApproverEmails: 'b@example.com',
  guardDutySeverityThreshold: 5,
});

type Statement = { Sid?: string; Action: string | string[]; Principal?: { Service?: string | string[] } };

const names = {
  region: 'us-east-1',
  account: '000000000000',
  tables: {},
  topics: {},
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:twin',
  buckets: {},
  secrets: {},
  functions: {},
};

async function refusedWith(transform?: StackTransform) {
  const spec = specFromStack(config, transform);
  return (await twinIam(spec, names, []).refusedServiceCalls()).map((d) => d.message);
}

/** Every alarm of the stack: each pages the team through the encrypted topic. */
const alarmIds = () =>
  Object.entries(specFromStack(config).resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .map(([id]) => id)
    .sort();

const statementsOf = (policy: unknown) => (policy as { Statement: Statement[] }).Statement;

describe("calls between services, decided by the target's policies", () => {
  it('the stack as synthesized: every rule, alarm action and route reaches its target', async () => {
    expect(await refusedWith()).toEqual([]);
  });

  it("without the team topic's statements for CloudWatch, no alarm pages anybody (the dead letters' nor the operators')", async () => {
    const refused = await refusedWith((stack) => {
      for (const r of Object.values(stack.resources).filter((x) => x.Type === 'AWS::SNS::TopicPolicy')) {
        const doc = r.Properties!.PolicyDocument as { Statement: Statement[] };
        doc.Statement = statementsOf(doc).filter((st) => JSON.stringify(st.Principal ?? {}) !== JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }));
      }
    });
    const alarms = alarmIds();
    expect(alarms).toEqual(expect.arrayContaining([expect.stringMatching(/^AlarmIntakeDeadLetters/), expect.stringMatching(/^OperationsWorkflowFailed/)]));
    expect(refused.sort()).toEqual(
      alarms.map((alarm) =>
        expect.stringMatching(
          new RegExp(
            `^alarm ${alarm}: cloudwatch\\.amazonaws\\.com is not authorized to perform: sns:Publish on resource: arn:aws:sns:.* because no resource-based policy allows the sns:Publish action$`,
          ),
        ),
      ),
    );
  });

  it("without CloudWatch in the data key's policy, the alarm cannot use the encrypted topic's key", async () => {
    const refused = await refusedWith((stack) => {
      for (const key of Object.values(stack.resources).filter((r) => r.Type === 'AWS::KMS::Key')) {
        for (const st of statementsOf(key.Properties!.KeyPolicy)) {
          const services = st.Principal?.Service;
          if (Array.isArray(services)) st.Principal!.Service = services.filter((s) => s !== 'cloudwatch.amazonaws.com');
        }
      }
    });
    expect(refused.sort()).toEqual(
      alarmIds().flatMap((alarm) =>
        ['Decrypt', 'GenerateDataKey'].map((action) =>
          expect.stringMatching(
            new RegExp(`^alarm ${alarm}: cloudwatch\\.amazonaws\\.com is not authorized to perform: kms:${action} on resource: arn:aws:kms:`),
          ),
        ),
      ),
    );
  });

  it('without the Lambda permission for the GuardDuty rule, GuardDuty findings never reach the intake', async () => {
    const refused = await refusedWith((stack) => {
      for (const [id, r] of Object.entries(stack.resources))
        if (r.Type === 'AWS::Lambda::Permission' && id.startsWith('AlarmIntakeGuardDutyFindings')) delete stack.resources[id];
    });
    expect(refused).toEqual([
      expect.stringMatching(
        /^rule AlarmIntakeGuardDutyFindings\w+: events\.amazonaws\.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:Intake\w+ because no resource-based policy allows the lambda:InvokeFunction action$/,
      ),
    ]);
  });

  it("without the Lambda permission for the SMS failures' log group, CloudWatch Logs hands its records to nobody", async () => {
    const refused = await refusedWith((stack) => {
      for (const [id, r] of Object.entries(stack.resources))
        if (r.Type === 'AWS::Lambda::Permission' && id.startsWith('SmsDeliveryStatusFailuresToFunction')) delete stack.resources[id];
    });
    expect(refused).toEqual([
      expect.stringMatching(
        /^subscription SmsDeliveryStatusFailuresToFunction\w+: logs\.amazonaws\.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:SmsDeliveryStatusFunction\w+ because no resource-based policy allows/,
      ),
    ]);
  });

  it('a permission naming another rule does not admit this one: the source ARN is checked', async () => {
    const refused = await refusedWith((stack) => {
      const permission = Object.entries(stack.resources).find(
        ([id, r]) => r.Type === 'AWS::Lambda::Permission' && id.startsWith('AlarmIntakeMacieFindings'),
      )![1];
      const other = Object.keys(stack.resources).find(
        (id) => id.startsWith('AlarmIntakeGuardDutyFindings') && stack.resources[id]!.Type === 'AWS::Events::Rule',
      )!;
      permission.Properties!.SourceArn = { 'Fn::GetAtt': [other, 'Arn'] };
    });
    expect(refused).toEqual([
      expect.stringMatching(/^rule AlarmIntakeMacieFindings\w+: events\.amazonaws\.com is not authorized to perform: lambda:InvokeFunction/),
    ]);
  });

  it("without the approval page's permissions, API Gateway invokes it on none of its routes (CDK's permissions admit any method, so one is enough)", async () => {
    const refused = await refusedWith((stack) => {
      for (const [id, r] of Object.entries(stack.resources))
        if (r.Type === 'AWS::Lambda::Permission' && id.startsWith('ApprovalsApi') && id.includes('approvals')) delete stack.resources[id];
    });
    expect(refused).toEqual(
      ['GET', 'HEAD', 'POST'].map((method) =>
        expect.stringMatching(
          new RegExp(
            `^route ${method} /approvals/\\{linkId\\}: apigateway\\.amazonaws\\.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:ApprovalPage\\w+ because the resource has no resource-based policy$`,
          ),
        ),
      ),
    );
  });

  it("without the function role's sqs:SendMessage on its dead-letter queue, Lambda cannot keep a failed batch of SMS statuses: the twin does not start", async () => {
    const undeliverable = (transform?: StackTransform) => twinIam(specFromStack(config, transform), names, []).refusedFailureDestinations();
    expect(await undeliverable()).toEqual([]);
    const refused = await undeliverable((stack) => {
      for (const r of Object.values(stack.resources)) {
        if (r.Type !== 'AWS::IAM::Policy') continue;
        const document = r.Properties!.PolicyDocument as { Statement: Statement[] };
        document.Statement = document.Statement.filter(
          (s) => !JSON.stringify(s).includes('SmsDeliveryStatusDeadLetterQueue') || ![s.Action].flat().includes('sqs:SendMessage'),
        );
      }
    });
    expect(refused).toEqual([
      expect.stringMatching(
        /^on-failure destination of record-sms-status: its role may not sqs:SendMessage on arn:aws:sqs:us-east-1:000000000000:SmsDeliveryStatusDeadLetterQueue\w+ \(ImplicitlyDenied\)$/,
      ),
    ]);
  });
});
