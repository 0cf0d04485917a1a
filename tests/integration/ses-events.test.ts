import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateEmailTemplateCommand, PutSuppressedDestinationCommand, SendBulkEmailCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import type { ConfigurationSetRegistration } from '../../local/emulators/ses-events.js';
import { eventsRequestHandler, LocalEventBus, type BusEvent } from '../../local/twin/event-bus.js';
import { endpoints, uniquePrefix, until } from '../support/local.js';

/**
 * The SES emulator's event publishing through the real SDK: each send names a configuration set
 * registered with an EventBridge destination whose endpoint is a twin event bus (the same PutEvents
 * handler and rule matching the twin runs), with one rule for `aws.ses` that records what it delivers.
 */
const prefix = uniquePrefix('sesev');
const ALL = ['send', 'delivery', 'bounce', 'complaint', 'reject', 'deliveryDelay', 'renderingFailure'];
const SIM = 'simulator.amazonses.com';
const FROM = 'Security <notices@example.com>';
const received: BusEvent[] = [];
let server: Server;
let ses: SESv2Client;
const template = `${prefix}-template`;
const everything = `${prefix}-all`;
const sendAndBounceOnly = `${prefix}-some`;

async function register(name: string, matchingEventTypes: string[]): Promise<void> {
  const registration: ConfigurationSetRegistration = {
    eventBridgeEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    eventDestinations: [{ name: 'ToEventBridge', enabled: true, matchingEventTypes, eventBusArn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' }],
    callerIdentities: { [LOCAL_CREDENTIALS.accessKeyId]: 'twin-sender-role' },
  };
  const answer = await fetch(`${endpoints().ses}/_twin/ses/configuration-sets/${name}`, { method: 'PUT', body: JSON.stringify(registration) });
  expect(answer.status).toBe(200);
}

type Detail = { eventType: string; mail: { messageId: string; destination: string[]; timestamp: string; tags: Record<string, string[]> } } & Record<
  string,
  unknown
>;
const detailOf = (e: BusEvent) => e.detail as Detail;
const eventsOf = (messageId: string) => received.filter((e) => detailOf(e).mail.messageId === messageId);
/** What arrived for `messageId`, once `count` events have. */
const arrived = (messageId: string, count: number) =>
  until(async () => (eventsOf(messageId).length >= count ? eventsOf(messageId) : undefined), `${count} events for ${messageId}`, 10_000);
const typesOf = (events: BusEvent[]) => events.map((e) => [e['detail-type'], detailOf(e).eventType]);

beforeAll(async () => {
  const bus = new LocalEventBus(
    [{ name: 'SesEvents', pattern: { source: ['aws.ses'] }, targets: [{ name: 'recorder', deliver: async (e) => void received.push(e) }] }],
    'us-east-1',
    '000000000000',
  );
  const handle = eventsRequestHandler(() => bus);
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ses = new SESv2Client({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().ses });
  await ses.send(new CreateEmailTemplateCommand({ TemplateName: template, TemplateContent: { Subject: 'Notice {{n}}', Text: 'Hello {{n}}' } }));
  await register(everything, ALL);
  await register(sendAndBounceOnly, ['SEND', 'BOUNCE']);
});

afterAll(async () => {
  for (const name of [everything, sendAndBounceOnly]) await fetch(`${endpoints().ses}/_twin/ses/configuration-sets/${name}`, { method: 'DELETE' });
  ses?.destroy();
  if (server) await closeServer(server);
});

const bulk = (configurationSet: string | undefined, to: string[], replacementTags: (i: number) => { Name: string; Value: string }[] = () => []) =>
  ses.send(
    new SendBulkEmailCommand({
      FromEmailAddress: FROM,
      ConfigurationSetName: configurationSet,
      DefaultContent: { Template: { TemplateName: template, TemplateData: '{"n":"0"}' } },
      DefaultEmailTags: [
        { Name: 'incident', Value: 'inc-1' },
        { Name: 'channel', Value: 'email' },
      ],
      BulkEmailEntries: to.map((address, i) => ({
        Destination: { ToAddresses: [address] },
        ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify({ n: String(i) }) } },
        ReplacementTags: replacementTags(i),
      })),
    }),
  );

describe('SES events from the twin’s SES emulator', () => {
  it('each mailbox simulator address, +label included, and an ordinary one yield the documented events, tagged, with the message id the API answered', async () => {
    // Prepare
    const to = [
      `success+${prefix}@${SIM}`,
      `bounce+c42@${SIM}`,
      `ooto@${SIM}`,
      `complaint+${prefix}@${SIM}`,
      `suppressionlist@${SIM}`,
      `someone.${prefix}@example.com`,
    ];
    // Act
    const answer = await bulk(everything, to, (i) => [
      { Name: 'customer', Value: `c${i}` },
      // An entry's tag wins over the default of the same name.
      ...(i === 5 ? [{ Name: 'channel', Value: 'email-fallback' }] : []),
    ]);
    // Assess
    const ids = answer.BulkEmailEntryResults!.map((r) => r.MessageId!);
    expect(answer.BulkEmailEntryResults!.map((r) => r.Status)).toEqual(to.map(() => 'SUCCESS'));
    const sent = ['Email Sent', 'Send'];
    const delivered = ['Email Delivered', 'Delivery'];
    const bounced = ['Email Bounced', 'Bounce'];
    const expected = [
      [sent, delivered],
      [sent, bounced],
      [sent, delivered],
      [sent, delivered, ['Email Complaint Received', 'Complaint']],
      [sent, bounced],
      [sent, delivered],
    ];
    for (const [i, messageId] of ids.entries()) {
      const events = await arrived(messageId, expected[i]!.length);
      expect(typesOf(events), to[i]).toEqual(expected[i]);
      for (const e of events) {
        expect(e).toMatchObject({ source: 'aws.ses', account: '000000000000', region: 'us-east-1' });
        expect(detailOf(e).mail).toMatchObject({
          messageId,
          source: FROM,
          destination: [to[i]],
          tags: {
            'ses:configuration-set': [everything],
            'ses:source-ip': ['127.0.0.1'],
            'ses:from-domain': ['example.com'],
            'ses:caller-identity': ['twin-sender-role'],
            incident: ['inc-1'],
            customer: [`c${i}`],
            channel: [i === 5 ? 'email-fallback' : 'email'],
          },
        });
        expect(Date.parse(detailOf(e).mail.timestamp)).toBeGreaterThan(Date.now() - 60_000);
      }
    }
    expect(eventsOf(ids[1]!)[1]!.detail).toMatchObject({
      bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: to[1], action: 'failed', status: '5.1.1' }] },
    });
    expect(eventsOf(ids[4]!)[1]!.detail).toMatchObject({ bounce: { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' } });
    expect(eventsOf(ids[3]!)[2]!.detail).toMatchObject({ complaint: { complainedRecipients: [{ emailAddress: to[3] }] } });
    expect(eventsOf(ids[0]!)[1]!.detail).toMatchObject({ delivery: { recipients: [to[0]] } });
  });

  it("an address on the account's suppression list is sent (counted) and bounced OnAccountSuppressionList, never delivered", async () => {
    // Prepare
    const listed = `Listed.${prefix}@example.com`;
    await ses.send(new PutSuppressedDestinationCommand({ EmailAddress: listed.toLowerCase(), Reason: 'COMPLAINT' }));
    // Act
    const answer = await bulk(everything, [listed]);
    // Assess
    const messageId = answer.BulkEmailEntryResults![0]!.MessageId!;
    const events = await arrived(messageId, 2);
    expect(typesOf(events)).toEqual([
      ['Email Sent', 'Send'],
      ['Email Bounced', 'Bounce'],
    ]);
    expect(events[1]!.detail).toMatchObject({
      bounce: { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList', bouncedRecipients: [{ emailAddress: listed }] },
    });
  });

  it('SendEmail publishes too, with its EmailTags, for every recipient', async () => {
    // Act
    const answer = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: FROM,
        ConfigurationSetName: everything,
        Destination: { ToAddresses: [`success@${SIM}`], CcAddresses: [`bounce@${SIM}`] },
        Content: { Simple: { Subject: { Data: 'Approval' }, Body: { Text: { Data: 'Please approve' } } } },
        EmailTags: [{ Name: 'notice', Value: 'n-1' }],
      }),
    );
    // Assess: one Send for the message, then each recipient's outcome.
    const events = await arrived(answer.MessageId!, 3);
    expect(typesOf(events)).toEqual([
      ['Email Sent', 'Send'],
      ['Email Delivered', 'Delivery'],
      ['Email Bounced', 'Bounce'],
    ]);
    expect(detailOf(events[0]!).mail).toMatchObject({ destination: [`success@${SIM}`, `bounce@${SIM}`], tags: { notice: ['n-1'] } });
  });

  it('only the event types the destination enables are published', async () => {
    // Act
    const answer = await bulk(sendAndBounceOnly, [`complaint@${SIM}`, `bounce@${SIM}`]);
    // Assess: the bounce's two events arrive after the first message's; the first has its Send alone.
    const [first, second] = answer.BulkEmailEntryResults!.map((r) => r.MessageId!);
    await arrived(second!, 2);
    expect(typesOf(eventsOf(first!))).toEqual([['Email Sent', 'Send']]);
    expect(typesOf(eventsOf(second!))).toEqual([
      ['Email Sent', 'Send'],
      ['Email Bounced', 'Bounce'],
    ]);
  });

  it('a send without a configuration set publishes nothing; one naming an unknown set is refused as SES refuses it', async () => {
    // Act: the unmarked send first, then one whose events show the earlier ones would have arrived.
    const unmarked = await bulk(undefined, [`success@${SIM}`]);
    const marker = await bulk(everything, [`success@${SIM}`]);
    await arrived(marker.BulkEmailEntryResults![0]!.MessageId!, 2);
    // Assess
    expect(eventsOf(unmarked.BulkEmailEntryResults![0]!.MessageId!)).toEqual([]);
    await expect(bulk(`${prefix}-unknown`, [`success@${SIM}`])).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
  });
});
