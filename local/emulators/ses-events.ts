import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sesAnswer } from '../twin/http-util.js';

/**
 * SES event publishing for the twin's SES emulator (aws-ses-v2-local publishes nothing): after a
 * SendEmail or SendBulkEmail that names a configuration set with an enabled EventBridge destination
 * has been answered, the events SES would publish for each message go to that destination's event bus
 * as PutEvents calls, the same path and rule matching every other event takes on the twin.
 *
 * Shapes: the `detail` is SES's event record (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html,
 * examples https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-examples.html), under
 * `source: aws.ses` and SES's detail-types (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ses.html,
 * https://docs.aws.amazon.com/ses/latest/dg/monitoring-eventbridge.html).
 *
 * Outcomes: the mailbox simulator's addresses, `+label` included, as SES documents them
 * (https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html#send-email-simulator); an address on
 * the account's suppression list is accepted, counted as a send and not delivered: a Send, then a Bounce
 * `Permanent`/`OnAccountSuppressionList` (https://docs.aws.amazon.com/ses/latest/dg/sending-email-suppression-list.html,
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EventDestination.html); any other address is delivered.
 * The emulator's mailbox still stores every accepted message (see ses-suppression.ts).
 */

type EventType = 'Send' | 'Delivery' | 'Bounce' | 'Complaint';

const DETAIL_TYPES: Record<EventType, string> = {
  Send: 'Email Sent',
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
};

/** What happens to one recipient after SES accepted the message. */
export type RecipientOutcome = { kind: 'delivered'; complaint: boolean } | { kind: 'bounced'; subType: 'General' | 'OnAccountSuppressionList' };

const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

/** `Name <a@b>` -> `a@b`, lower-cased as SES compares addresses. */
export const bareAddress = (address: string) => (/<([^>]+)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();

/** The outcome SES gives `address`; `suppressed` says whether it is on the account's suppression list. */
export function outcomeFor(address: string, suppressed: boolean): RecipientOutcome {
  // The account's list applies to every address, simulator ones included.
  if (suppressed) return { kind: 'bounced', subType: 'OnAccountSuppressionList' };
  const [local = '', domain] = bareAddress(address).split('@');
  if (domain !== SIMULATOR_DOMAIN) return { kind: 'delivered', complaint: false };
  // bounce+label@ behaves as bounce@.
  switch (local.split('+')[0]) {
    case 'bounce':
      return { kind: 'bounced', subType: 'General' };
    case 'suppressionlist':
      return { kind: 'bounced', subType: 'OnAccountSuppressionList' };
    case 'complaint':
      return { kind: 'delivered', complaint: true };
    default:
      // success@, and ooto@ (delivered; SES's auto-reply to the sender is not modelled).
      return { kind: 'delivered', complaint: false };
  }
}

/** One message SES accepted: what its events describe. */
export interface AcceptedMessage {
  messageId: string;
  /** FromEmailAddress as sent. */
  from: string;
  /** To, Cc and Bcc, as sent. */
  destination: string[];
  /** The message's tags (DefaultEmailTags merged with the entry's ReplacementTags, or EmailTags). */
  tags: Record<string, string>;
  sentAt: Date;
}

/** What SES adds to every message's tags, and the account it was sent from. */
export interface SendingContext {
  configurationSet: string;
  callerIdentity: string;
  sourceIp: string;
  region: string;
  account: string;
}

export interface SesEvent {
  detailType: string;
  /** When it happened: the EventBridge event's `time`. */
  time: Date;
  detail: { eventType: EventType; mail: Record<string, unknown> } & Record<string, unknown>;
}

const feedbackId = () => `${randomBytes(8).toString('hex')}-${randomBytes(4).toString('hex')}-twin-000000`;
const REPORTING_MTA = 'twin.smtp-out.amazonses.com';
/** SES's wording for an address on the account's list (as its bounce records carry it). */
const SUPPRESSED_DIAGNOSTIC =
  'Amazon SES did not send the message to this address because it is on the suppression list for your account. For more information about removing addresses from the suppression list, see the Amazon SES Developer Guide at https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html';

/**
 * The events SES publishes for one accepted message, in the order it publishes them: its Send, then each
 * recipient's Delivery (and Complaint) or Bounce.
 */
export function eventsFor(message: AcceptedMessage, context: SendingContext, suppressed: (address: string) => boolean, now: Date): SesEvent[] {
  const fromAddress = bareAddress(message.from);
  const mail = {
    timestamp: message.sentAt.toISOString(),
    source: message.from,
    sourceArn: `arn:aws:ses:${context.region}:${context.account}:identity/${fromAddress}`,
    sendingAccountId: context.account,
    messageId: message.messageId,
    destination: message.destination,
    headersTruncated: false,
    tags: {
      'ses:configuration-set': [context.configurationSet],
      'ses:source-ip': [context.sourceIp],
      'ses:from-domain': [fromAddress.split('@')[1] ?? ''],
      'ses:caller-identity': [context.callerIdentity],
      ...Object.fromEntries(Object.entries(message.tags).map(([name, value]) => [name, [value]])),
    },
  };
  const at = now.toISOString();
  const event = (eventType: EventType, body: Record<string, unknown>, time = now): SesEvent => ({
    detailType: DETAIL_TYPES[eventType],
    time,
    detail: { eventType, mail, ...body },
  });
  const events: SesEvent[] = [event('Send', { send: {} }, message.sentAt)];
  for (const recipient of message.destination) {
    const outcome = outcomeFor(recipient, suppressed(bareAddress(recipient)));
    if (outcome.kind === 'bounced') {
      const bouncedRecipient =
        outcome.subType === 'General'
          ? { emailAddress: recipient, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }
          : { emailAddress: recipient, action: 'failed', status: '5.1.1', diagnosticCode: SUPPRESSED_DIAGNOSTIC };
      events.push(
        event('Bounce', {
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: outcome.subType,
            bouncedRecipients: [bouncedRecipient],
            timestamp: at,
            feedbackId: feedbackId(),
            reportingMTA: outcome.subType === 'General' ? `dsn; ${REPORTING_MTA}` : 'dns; amazonses.com',
          },
        }),
      );
      continue;
    }
    events.push(
      event('Delivery', {
        delivery: {
          timestamp: at,
          processingTimeMillis: now.getTime() - message.sentAt.getTime(),
          recipients: [recipient],
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA: REPORTING_MTA,
        },
      }),
    );
    if (outcome.complaint)
      events.push(
        event('Complaint', {
          complaint: {
            complainedRecipients: [{ emailAddress: recipient }],
            timestamp: at,
            feedbackId: feedbackId(),
            complaintFeedbackType: 'abuse',
            arrivalDate: at,
          },
        }),
      );
  }
  return events;
}

/** An event destination as the twin registers it: EventBridge only (the twin models no SNS, Firehose or CloudWatch destination). */
export interface EventBridgeDestination {
  name: string;
  enabled: boolean;
  /** As the template or the SES v2 API spells them: `send`, `deliveryDelay`, `SEND`, `DELIVERY_DELAY`. */
  matchingEventTypes: string[];
  eventBusArn: string;
}

/**
 * A configuration set as a running twin registers it: its EventBridge destinations, the PutEvents endpoint
 * that stands for the account's default bus (one emulator may serve several twins, each with its own
 * bus), and the IAM identity each access key signs for (`ses:caller-identity`).
 */
export interface ConfigurationSetRegistration {
  eventBridgeEndpoint: string;
  eventDestinations: EventBridgeDestination[];
  callerIdentities: Record<string, string>;
}

/** One PutEvents entry, as the SDK takes it. */
export interface BusEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  Time: Date;
}

/** Sends entries (at most 10) to the PutEvents endpoint at `endpoint`. */
export type PutEvents = (endpoint: string, entries: BusEntry[]) => Promise<void>;

const ROUTE = /^\/_twin\/ses\/configuration-sets\/([^/?]+)$/;
const SEND_PATHS = new Set(['/v2/email/outbound-emails', '/v2/email/outbound-bulk-emails']);
const typeKey = (t: string) => t.replaceAll('_', '').toLowerCase();

type Tag = { Name?: unknown; Value?: unknown };
const tagsOf = (list: unknown): Record<string, string> =>
  Object.fromEntries(((Array.isArray(list) ? list : []) as Tag[]).map((t) => [String(t.Name), String(t.Value)]));
const addressesOf = (d: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] } | undefined) => [
  ...(d?.ToAddresses ?? []),
  ...(d?.CcAddresses ?? []),
  ...(d?.BccAddresses ?? []),
];

interface SendBody {
  ConfigurationSetName?: string;
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  EmailTags?: Tag[];
  DefaultEmailTags?: Tag[];
  BulkEmailEntries?: { Destination?: SendBody['Destination']; ReplacementTags?: Tag[] }[];
}

/** The messages an answered send accepted: SendEmail's one, or SendBulkEmail's entries whose status is SUCCESS. */
export function acceptedMessages(path: string, body: SendBody, answer: unknown, sentAt: Date): AcceptedMessage[] {
  const from = body.FromEmailAddress ?? '';
  if (path === '/v2/email/outbound-emails') {
    const messageId = (answer as { MessageId?: unknown }).MessageId;
    return typeof messageId === 'string' ? [{ messageId, from, destination: addressesOf(body.Destination), tags: tagsOf(body.EmailTags), sentAt }] : [];
  }
  const results = ((answer as { BulkEmailEntryResults?: { Status?: string; MessageId?: string }[] }).BulkEmailEntryResults ?? []) as {
    Status?: string;
    MessageId?: string;
  }[];
  const defaults = tagsOf(body.DefaultEmailTags);
  return (body.BulkEmailEntries ?? []).flatMap((entry, i) => {
    const result = results[i];
    if (result?.Status !== 'SUCCESS' || !result.MessageId) return [];
    // An entry's tag wins over a default one of the same name.
    return [
      { messageId: result.MessageId, from, destination: addressesOf(entry.Destination), tags: { ...defaults, ...tagsOf(entry.ReplacementTags) }, sentAt },
    ];
  });
}

/**
 * The layer in front of the emulator: registers configuration sets (`PUT`/`DELETE
 * /_twin/ses/configuration-sets/{name}`, the twin's own route), refuses a send naming an unknown one
 * as SES does, and publishes the events of every send that names a registered one.
 */
export class SesEventPublisher {
  private readonly sets = new Map<string, ConfigurationSetRegistration>();

  constructor(
    private readonly options: {
      region: string;
      account: string;
      suppressed: (address: string) => boolean;
      putEvents: PutEvents;
      now?: () => Date;
    },
  ) {}

  /**
   * Handles the registration routes and the two sends (read here, then handed to `emulator` with the
   * body already parsed, as Express's body parser leaves a finished request's `req.body`); false for
   * any other request.
   */
  readonly handle = async (
    req: IncomingMessage & { body?: unknown },
    res: ServerResponse,
    emulator: (req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = ROUTE.exec(path);
    if (route) {
      await this.register(decodeURIComponent(route[1]!), req, res);
      return true;
    }
    if (req.method !== 'POST' || !SEND_PATHS.has(path)) return false;
    const text = await readBody(req);
    let body: SendBody | undefined;
    try {
      body = JSON.parse(text) as SendBody;
    } catch {
      body = undefined;
    }
    req.body = body;
    const name = body?.ConfigurationSetName;
    const set = name === undefined ? undefined : this.sets.get(name);
    if (name !== undefined && !set) {
      // https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html#API_SendEmail_Errors
      sesAnswer(res, 404, { message: `Configuration set <${name}> does not exist.` }, 'NotFoundException');
      return true;
    }
    if (!set || !body || name === undefined) {
      emulator(req, res);
      return true;
    }
    const sentAt = (this.options.now ?? (() => new Date()))();
    const chunks: Buffer[] = [];
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    // The answer's message ids are the events' `mail.messageId`: keep what the emulator writes.
    res.end = ((...args: unknown[]) => {
      const [chunk] = args;
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      return end(...args);
    }) as ServerResponse['end'];
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const keyId = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'anonymous';
    // As in AWS, the events follow the answer: published once it is written.
    res.once('finish', () => {
      if (res.statusCode !== 200) return;
      let answer: unknown;
      try {
        answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return;
      }
      const context = {
        configurationSet: name,
        callerIdentity: set.callerIdentities[keyId] ?? keyId,
        sourceIp,
        region: this.options.region,
        account: this.options.account,
      };
      const messages = acceptedMessages(path, body, answer, sentAt);
      setImmediate(() => {
        this.publish(set, messages, context).catch((error: unknown) => {
          console.error(`SES events for configuration set ${name} not published: ${String(error)}`);
        });
      });
    });
    emulator(req, res);
    return true;
  };

  private async publish(set: ConfigurationSetRegistration, messages: AcceptedMessage[], context: SendingContext): Promise<void> {
    const now = (this.options.now ?? (() => new Date()))();
    const events = messages.flatMap((m) => eventsFor(m, context, this.options.suppressed, now));
    // Sends first, as SES records the send before any outcome.
    const ordered = [...events.filter((e) => e.detail.eventType === 'Send'), ...events.filter((e) => e.detail.eventType !== 'Send')];
    for (const destination of set.eventDestinations) {
      if (!destination.enabled) continue;
      const enabled = new Set(destination.matchingEventTypes.map(typeKey));
      const entries = ordered
        .filter((e) => enabled.has(typeKey(e.detail.eventType)))
        .map((e) => ({ Source: 'aws.ses', DetailType: e.detailType, Detail: JSON.stringify(e.detail), Time: e.time }));
      for (let i = 0; i < entries.length; i += 10) await this.options.putEvents(set.eventBridgeEndpoint, entries.slice(i, i + 10));
    }
  }

  private async register(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'DELETE') {
      this.sets.delete(name);
      return sesAnswer(res, 200, {});
    }
    if (req.method !== 'PUT') return sesAnswer(res, 405, { message: `${req.method} is not supported here` }, 'BadRequestException');
    let registration: ConfigurationSetRegistration;
    try {
      registration = JSON.parse(await readBody(req)) as ConfigurationSetRegistration;
    } catch {
      return sesAnswer(res, 400, { message: 'The request body is not valid JSON.' }, 'BadRequestException');
    }
    const defaultBus = `arn:aws:events:${this.options.region}:${this.options.account}:event-bus/default`;
    // "Only the default bus is supported" (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EventBridgeDestination.html).
    const other = registration.eventDestinations?.find((d) => d.eventBusArn !== defaultBus);
    if (typeof registration.eventBridgeEndpoint !== 'string' || !Array.isArray(registration.eventDestinations) || other)
      return sesAnswer(
        res,
        400,
        {
          message: other
            ? `Event destination ${other.name} names ${other.eventBusArn}: only ${defaultBus} is supported.`
            : 'eventBridgeEndpoint and eventDestinations are required.',
        },
        'BadRequestException',
      );
    this.sets.set(name, { ...registration, callerIdentities: registration.callerIdentities ?? {} });
    sesAnswer(res, 200, {});
  }
}
