import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackTransform } from '../../local/twin/from-stack.js';
import { startLocalSystem, type LocalSystem } from '../../local/twin/system.js';
import { endpoints, testConfig, topicMessages, uniquePrefix, until } from '../support/local.js';

/**
 * The delivery-evidence queue on one twin: an SES event the function cannot read is received again until
 * the redrive policy moves it to the dead-letter queue, whose alarm pages the team; nothing is lost.
 * The template's 180 s visibility timeout (six times the function's 30 s) would make five receives take
 * 15 minutes: here the queue waits 2 s and the function may run 2 s, so the twin still accepts the mapping
 * (a visibility timeout below the function's timeout is refused, as AWS refuses it).
 */
const prefix = uniquePrefix('evq');
const config = testConfig(prefix);
const quicker: StackTransform = (stack) => {
  for (const [id, r] of Object.entries(stack.resources)) {
    if (r.Type === 'AWS::SQS::Queue' && id.startsWith('DeliveryEvidenceQueue')) r.Properties = { ...r.Properties, VisibilityTimeout: 2 };
    if (r.Type === 'AWS::Lambda::Function' && id.startsWith('DeliveryEvidenceFunction')) r.Properties = { ...r.Properties, Timeout: 2 };
  }
};
let system: LocalSystem;

beforeAll(async () => {
  system = await startLocalSystem({
    endpoints: endpoints(),
    config,
    namePrefix: prefix,
    approvalBaseUrl: 'https://approvals.example.com',
    transformStack: quicker,
    alarms: { timeScale: 60, intervalMs: 500 },
  });
});

afterAll(async () => {
  await system?.stop();
});

const queue = (prefixOfId: string) => [...system.queues].find(([id]) => id.startsWith(prefixOfId))![1];

describe('the delivery-evidence queue', () => {
  it('keeps an SES event the function cannot read in the dead-letter queue after five receives, and pages', async () => {
    // Prepare: an event of the configuration set with no message id: the rule matches it, the function's schema refuses it.
    const [evidence, deadLetters] = [queue('DeliveryEvidenceQueue'), queue('DeliveryEvidenceDeadLetterQueue')];
    const alarm = system.alarms!.alarms.find((a) => a.namespace === 'AWS/SQS' && String(a.dimensions.QueueName).startsWith('DeliveryEvidenceDeadLetterQueue'))!;
    // Act
    system.events.putEvents({
      Entries: [
        {
          Source: 'aws.ses',
          DetailType: 'Email Delivered',
          Detail: JSON.stringify({ eventType: 'Delivery', mail: { tags: { 'ses:configuration-set': [system.configurationSet] } } }),
        },
      ],
    });
    // Assess: received and refused five times, then moved whole; nothing left in the queue; the team paged.
    await until(async () => deadLetters.depth.visible === 1, 'the event in the dead-letter queue', 60_000);
    expect(evidence.depth).toEqual({ visible: 0, inFlight: 0 });
    expect([...system.queuePollers.values()][0]!.batches).toMatchObject({ invoked: 5, failed: 0, partiallyFailed: 5 });
    expect(JSON.parse(deadLetters.bodies()[0]!)).toMatchObject({ source: 'aws.ses', 'detail-type': 'Email Delivered' });
    const page = await until(
      async () => (await topicMessages(system.responseTeamTopicArn)).find((m) => m.subject === `ALARM: "${alarm.name}" in US East (N. Virginia)`),
      'the dead-letter page',
      30_000,
    );
    expect(JSON.parse(page.message)).toMatchObject({ AlarmName: alarm.name, NewStateValue: 'ALARM' });
  }, 90_000);

  it('is refused, as Lambda refuses the mapping, when its visibility timeout is shorter than the function may run', () => {
    const tooShort: StackTransform = (stack) => {
      quicker(stack);
      for (const [id, r] of Object.entries(stack.resources))
        if (r.Type === 'AWS::Lambda::Function' && id.startsWith('DeliveryEvidenceFunction')) r.Properties = { ...r.Properties, Timeout: 3 };
    };
    return expect(
      startLocalSystem({
        endpoints: endpoints(),
        config,
        namePrefix: `${prefix}x`,
        approvalBaseUrl: 'https://approvals.example.com',
        transformStack: tooShort,
      }),
    ).rejects.toThrow(/Queue visibility timeout: 2 seconds is less than Function timeout: 3 seconds/);
  });
});
