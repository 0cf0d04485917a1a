import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackTransform } from '../../local/twin/from-stack.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { emailsTo, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';
import { decide, makeCustomers, sendAlarm, startScenario, waitForState, type Scenario } from '../support/scenario.js';

/**
 * The twin's SES events on a running system: the functions send with the stack's configuration set,
 * the SES emulator publishes each message's events to the system's default bus, and a rule for
 * `aws.ses` (added to the template here, targeting the team topic through an InputTransformer, so
 * what it delivers shows in the SNS recorder) delivers them to its own target.
 */
const prefix = uniquePrefix('sesev');
const SIM = 'simulator.amazonses.com';
const approver = `bounce+approver-${prefix}@${SIM}`;
const config = testConfig(prefix, { approverEmails: [approver] });
const bucket = `ses-${prefix}`;
const customers = makeCustomers(bucket, bucket, 4).map((c, i) => ({
  ...c,
  profile: {
    ...c.profile,
    phone: undefined,
    channels: ['email'],
    email: [`success+${prefix}@${SIM}`, `complaint+${prefix}@${SIM}`, `suppressionlist+${prefix}@${SIM}`, `c3.${prefix}@example.com`][i],
  },
}));

const sesEventsToTeam: StackTransform = (stack) => {
  const topic = Object.entries(stack.resources).find(([, r]) => r.Metadata?.['aws:cdk:path']?.endsWith('/ResponseTeamTopic/Resource'))![0];
  stack.resources.SesEventsRule = {
    Type: 'AWS::Events::Rule',
    Properties: {
      EventPattern: { source: ['aws.ses'] },
      State: 'ENABLED',
      Targets: [
        {
          Arn: { Ref: topic },
          Id: 'Target0',
          InputTransformer: { InputPathsMap: { type: '$.detail-type', id: '$.detail.mail.messageId' }, InputTemplate: '"<type> <id>"' },
        },
      ],
    },
    Metadata: { 'aws:cdk:path': 'BreachNotice/Test/SesEvents/Resource' },
  };
};

let s: Scenario;

beforeAll(async () => {
  s = await startScenario(prefix, config, { transformStack: sesEventsToTeam });
  await s.customers.putCustomers(customers);
});

afterAll(async () => {
  await s?.system.stop();
});

/** What the rule delivered for `messageId` once `count` events have arrived, sorted: the topic's publishes may overtake each other. */
const delivered = (messageId: string, count: number) =>
  until(async () => {
    const mine = (await topicMessages(s.system.responseTeamTopicArn)).map((m) => m.message).filter((m) => m.endsWith(` ${messageId}"`));
    return mine.length >= count ? mine.sort() : undefined;
  }, `${count} events of ${messageId}`);
const messages = (messageId: string, types: string[]) => types.map((type) => `"${type} ${messageId}"`).sort();

describe('SES events on a running system', () => {
  it("the approval email and each customer's notice yield SES's events, through the bus, to the rule's own target", async () => {
    // Act
    const incidentId = (await sendAlarm(s, guardDutyFinding({ bucket }))).incidents![0]!.incidentId;
    await decide(s, approver, 'approve');
    await waitForState(s, incidentId, 'Wait for update approval');

    // Assess: every message the functions sent carries the configuration set, so each one's events arrive.
    expect(s.system.configurationSet).toMatch(new RegExp(`^${prefix}-ConfigurationSet-[0-9a-f]{8}$`));
    const approval = (await emailsTo(approver))[0]!.messageId;
    expect(await delivered(approval, 2)).toEqual(messages(approval, ['Email Sent', 'Email Bounced']));
    const expected = [
      ['Email Sent', 'Email Delivered'],
      ['Email Sent', 'Email Delivered', 'Email Complaint Received'],
      ['Email Sent', 'Email Bounced'],
      ['Email Sent', 'Email Delivered'],
    ];
    for (const [i, c] of customers.entries()) {
      const [notice] = await emailsTo(c.profile.email!);
      expect(notice, c.profile.email).toBeDefined();
      expect(await delivered(notice!.messageId, expected[i]!.length), c.profile.email).toEqual(messages(notice!.messageId, expected[i]!));
    }
  });
});
