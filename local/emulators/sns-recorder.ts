import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { smsStatusLogGroups } from '../../functions/domain/sms-delivery-status.js';
import { json, keepIdleConnections, readBody } from '../twin/http-util.js';
import { twinAccountSettings, type TwinAccountSettings } from './preflight-twin.js';
import { listFrom, listingSchema, parseQuery, RetrospectionQueryError } from './retrospection.js';

/**
 * A small SNS endpoint for the local twin and tests: speaks the awsQuery protocol the SDK and the
 * AWS CLI use (Publish, PublishBatch, CreateTopic, ListTopics, CheckIfPhoneNumberIsOptedOut,
 * ListPhoneNumbersOptedOut, OptInPhoneNumber) and records every message; the account's SMS settings,
 * origination numbers and topic subscriptions `npm run preflight` reads, as preflight-twin.ts sets
 * them. No usable SNS emulator exists on npm, so this is ours; it delivers nothing anywhere. Once
 * SetSMSAttributes names a DeliveryStatusIAMRole, each SMS gets a delivery status record, written to
 * the CloudWatch Logs of each twin registered at /_twin/sns/delivery-status-logs/<name>, as SNS writes
 * its own (domain/sms-delivery-status.ts): SUCCESS, or FAILURE for a number under TWIN_SMS_FAILING_PREFIX.
 */

/**
 * AWS has no SMS simulator for SNS Publish: on the twin an SMS to a number starting with this fails, as
 * a carrier's refusal does (a FAILURE status record, the reason below). No real number starts so: +1 555
 * is not an area code in use.
 */
export const TWIN_SMS_FAILING_PREFIX = '+15550';
export const TWIN_SMS_FAILURE_REASON = 'Unknown error attempting to reach phone';
/** How long after a Publish its status record is written: SNS hears from the carrier seconds later, never at once. */
const TWIN_SMS_DWELL_MS = 2_000;
/**
 * Status records are written to a group once a second, all of that second's in one PutLogEvents (at most
 * 250 events: at the twin's latency a batch of 1,000 would take record-sms-status near its 120 s timeout).
 * How SNS batches its own log writes is not documented; CloudWatch Logs hands a subscribed function a batch
 * of events (`logEvents`, an array: SubscriptionFilters.html#LambdaFunctionExample), so its function must
 * take many at once, and one write per SMS made the twin's CPU, not the function, the limit.
 */
const STATUS_WRITE_EVERY_MS = 1_000;
const STATUS_EVENTS_PER_WRITE = 250;
export interface RecordedMessage {
  messageId: string;
  topicArn?: string;
  phoneNumber?: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
  at: string;
}

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const querySchema = listingSchema.extend({ phoneNumber: z.string().min(1).optional(), topicArn: z.string().min(1).optional() });
const E164 = /^\+[1-9]\d{6,14}$/;

class SnsFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function xmlEscape(v: string): string {
  return v.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** Numbers per ListPhoneNumbersOptedOut call, as SNS answers them. */
const OPTED_OUT_PER_CALL = 100;

export class SnsRecorder {
  readonly messages: RecordedMessage[] = [];
  /** Messages per number and per topic, kept as they are recorded: a count is asked every 100 ms while a bench sends hundreds of thousands. */
  private readonly tallies = { phoneNumber: new Map<string, number>(), topicArn: new Map<string, number>() };
  private readonly totals = { phoneNumber: 0, topicArn: 0 };
  readonly topics = new Set<string>();
  /** Numbers whose holders replied STOP (on the twin: POST /_aws/sns/opt-outs). Sorted, so a list call continues where the last one ended. */
  readonly optedOut = new Set<string>();
  /**
   * SNS throttling SMS as it does when the account's SMS rate is spent: after `after` more Publishes
   * to numbers starting with `prefix`, the next `count` are answered 429 Throttled, then it passes again
   * (POST /_aws/sns/sms-limits {"throttleAfter": N, "throttled": M, "prefix": "+44…"}; DELETE lifts it).
   */
  smsThrottle: { after: number; count: number; prefix: string } | undefined;
  /** What SetSMSAttributes set (DeliveryStatusIAMRole, DeliveryStatusSuccessSamplingRate, ...): account-wide, as in AWS. */
  readonly smsAttributes: Record<string, string> = {};
  /** The CloudWatch Logs endpoints SMS delivery status is written to, by the twin that registered each. */
  readonly statusLogs = new Map<string, string>();
  /** Status records waiting for the next write, per log group. */
  private readonly pendingStatus = new Map<string, { timestamp: number; message: string }[]>();
  private statusWrite: NodeJS.Timeout | undefined;

  constructor(
    private readonly region = 'us-east-1',
    private readonly accountId = '000000000000',
    private readonly account: TwinAccountSettings = twinAccountSettings(),
  ) {}

  createTopic(name: string): string {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) throw new SnsFault('InvalidParameter', `Invalid parameter: Topic Name ${name}`);
    const arn = `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
    this.topics.add(arn);
    return arn;
  }

  /** Handles one awsQuery request body; returns the XML response. */
  handleQuery(params: URLSearchParams): string {
    const action = params.get('Action');
    switch (action) {
      case 'CreateTopic': {
        const arn = this.createTopic(params.get('Name') ?? '');
        return this.envelope('CreateTopic', `<TopicArn>${arn}</TopicArn>`);
      }
      case 'ListTopics':
        return this.envelope('ListTopics', `<Topics>${[...this.topics].map((t) => `<member><TopicArn>${t}</TopicArn></member>`).join('')}</Topics>`);
      case 'Publish': {
        const id = this.publish(params, '');
        return this.envelope('Publish', `<MessageId>${id}</MessageId>`);
      }
      case 'PublishBatch': {
        const topicArn = params.get('TopicArn') ?? '';
        const ok: string[] = [];
        const failed: string[] = [];
        for (let n = 1; params.has(`PublishBatchRequestEntries.member.${n}.Id`); n += 1) {
          const prefix = `PublishBatchRequestEntries.member.${n}.`;
          const entryId = params.get(`${prefix}Id`)!;
          const entry = new URLSearchParams({
            TopicArn: topicArn,
            Message: params.get(`${prefix}Message`) ?? '',
            Subject: params.get(`${prefix}Subject`) ?? '',
          });
          try {
            ok.push(`<member><Id>${xmlEscape(entryId)}</Id><MessageId>${this.publish(entry, '')}</MessageId></member>`);
          } catch (error) {
            const f = error as SnsFault;
            failed.push(
              `<member><Id>${xmlEscape(entryId)}</Id><Code>${f.code}</Code><Message>${xmlEscape(f.message)}</Message><SenderFault>true</SenderFault></member>`,
            );
          }
        }
        return this.envelope('PublishBatch', `<Successful>${ok.join('')}</Successful><Failed>${failed.join('')}</Failed>`);
      }
      case 'CheckIfPhoneNumberIsOptedOut':
        return this.envelope(action, `<isOptedOut>${this.optedOut.has(this.phoneParam(params))}</isOptedOut>`);
      case 'OptInPhoneNumber':
        this.optedOut.delete(this.phoneParam(params));
        return this.envelope(action, '');
      case 'ListPhoneNumbersOptedOut': {
        const all = [...this.optedOut].sort();
        const token = params.get('nextToken');
        const from = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
        if (!Number.isInteger(from) || from < 0) throw new SnsFault('InvalidParameter', 'Invalid parameter: nextToken');
        const listed = all.slice(from, from + OPTED_OUT_PER_CALL);
        const next =
          from + OPTED_OUT_PER_CALL < all.length ? `<nextToken>${Buffer.from(String(from + OPTED_OUT_PER_CALL)).toString('base64url')}</nextToken>` : '';
        return this.envelope(action, `<phoneNumbers>${listed.map((n) => `<member>${xmlEscape(n)}</member>`).join('')}</phoneNumbers>${next}`);
      }
      case 'GetSMSSandboxAccountStatus':
        return this.envelope(action, `<IsInSandbox>${this.account.TWIN_SNS_SANDBOX}</IsInSandbox>`);
      case 'SetSMSAttributes': {
        for (let n = 1; params.has(`attributes.entry.${n}.key`); n += 1)
          this.smsAttributes[params.get(`attributes.entry.${n}.key`)!] = params.get(`attributes.entry.${n}.value`) ?? '';
        return this.envelope(action, '');
      }
      case 'GetSMSAttributes': {
        const known: Record<string, string> = {
          MonthlySpendLimit: this.account.TWIN_SNS_MONTHLY_SPEND_LIMIT,
          DefaultSMSType: 'Transactional',
          ...this.smsAttributes,
        };
        const asked = [...params].filter(([k]) => k.startsWith('attributes.member.')).map(([, v]) => v);
        const entries = (asked.length > 0 ? asked.filter((k) => k in known) : Object.keys(known)).map(
          (k) => `<entry><key>${k}</key><value>${known[k]}</value></entry>`,
        );
        return this.envelope(action, `<attributes>${entries.join('')}</attributes>`);
      }
      case 'ListOriginationNumbers': {
        // Stand-in numbers under +999, a code ITU leaves unassigned: one active SMS number per country.
        const numbers = this.account.TWIN_SNS_ORIGINATION_COUNTRIES.map(
          (country, i) =>
            `<member><PhoneNumber>+9990000${String(i).padStart(4, '0')}</PhoneNumber><Status>ACTIVE</Status><Iso2CountryCode>${country}</Iso2CountryCode><RouteType>Transactional</RouteType><NumberCapabilities><member>SMS</member></NumberCapabilities><CreatedAt>2024-01-01T00:00:00Z</CreatedAt></member>`,
        );
        return this.envelope(action, `<PhoneNumbers>${numbers.join('')}</PhoneNumbers>`);
      }
      case 'ListSubscriptionsByTopic': {
        const topicArn = params.get('TopicArn') ?? '';
        if (!this.topics.has(topicArn)) throw new SnsFault('NotFound', 'Topic does not exist', 404);
        const state = this.account.TWIN_SNS_SUBSCRIPTION;
        // As SNS lists a subscription whose endpoint has not confirmed yet: its ARN is "PendingConfirmation".
        const arn = state === 'pending' ? 'PendingConfirmation' : `${topicArn}:00000000-0000-4000-8000-000000000001`;
        const member = `<member><TopicArn>${topicArn}</TopicArn><Protocol>email</Protocol><SubscriptionArn>${arn}</SubscriptionArn><Owner>${this.accountId}</Owner><Endpoint>response-team@example.com</Endpoint></member>`;
        return this.envelope(action, `<Subscriptions>${state === 'none' ? '' : member}</Subscriptions>`);
      }
      default:
        throw new SnsFault('InvalidAction', `The action ${action} is not valid for this endpoint.`);
    }
  }

  private phoneParam(params: URLSearchParams): string {
    const phone = params.get('phoneNumber') ?? '';
    if (!E164.test(phone)) throw new SnsFault('InvalidParameter', `Invalid parameter: PhoneNumber Reason: ${phone} is not valid`);
    return phone;
  }

  private publish(params: URLSearchParams, prefix: string): string {
    const topicArn = params.get(`${prefix}TopicArn`) || params.get(`${prefix}TargetArn`) || undefined;
    const phoneNumber = params.get(`${prefix}PhoneNumber`) || undefined;
    const message = params.get(`${prefix}Message`);
    if (!message) throw new SnsFault('InvalidParameter', 'Invalid parameter: Empty message');
    if (!topicArn && !phoneNumber)
      throw new SnsFault('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn or PhoneNumber Reason: no value for required parameter');
    if (phoneNumber && !E164.test(phoneNumber))
      throw new SnsFault('InvalidParameter', `Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`);
    if (topicArn && !this.topics.has(topicArn)) throw new SnsFault('NotFound', 'Topic does not exist', 404);
    const throttle = this.smsThrottle;
    if (phoneNumber && throttle && phoneNumber.startsWith(throttle.prefix)) {
      if (throttle.after > 0) throttle.after -= 1;
      else if (throttle.count > 0) {
        throttle.count -= 1;
        throw new SnsFault('Throttled', 'Rate exceeded', 429);
      }
    }
    const attributes: Record<string, string> = {};
    for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n += 1) {
      attributes[params.get(`MessageAttributes.entry.${n}.Name`)!] = params.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
    }
    const messageId = randomUUID();
    for (const [key, value] of [
      ['phoneNumber', phoneNumber],
      ['topicArn', topicArn],
    ] as const)
      if (value !== undefined) {
        this.tallies[key].set(value, (this.tallies[key].get(value) ?? 0) + 1);
        this.totals[key] += 1;
      }
    this.messages.push({
      messageId,
      topicArn,
      phoneNumber,
      subject: params.get(`${prefix}Subject`) || undefined,
      message,
      attributes,
      at: new Date().toISOString(),
    });
    if (phoneNumber) setTimeout(() => void this.logDeliveryStatus(messageId, phoneNumber), TWIN_SMS_DWELL_MS).unref();
    return messageId;
  }

  /**
   * SNS's delivery status record for one SMS, written to each registered twin's logs (SUCCESS records
   * sampled at DeliveryStatusSuccessSamplingRate). Fields as SNS writes them; the number goes in the
   * record, as it does in AWS, never in a message here.
   */
  private async logDeliveryStatus(messageId: string, phoneNumber: string): Promise<void> {
    if (!this.smsAttributes.DeliveryStatusIAMRole || this.statusLogs.size === 0) return;
    const failed = phoneNumber.startsWith(TWIN_SMS_FAILING_PREFIX);
    if (!failed && Math.random() * 100 >= Number(this.smsAttributes.DeliveryStatusSuccessSamplingRate ?? '0')) return;
    const now = new Date();
    const published = new Date(now.getTime() - TWIN_SMS_DWELL_MS);
    const record = {
      notification: { messageId, timestamp: published.toISOString().replace('T', ' ').replace('Z', '') },
      delivery: {
        destination: phoneNumber,
        smsType: 'Transactional',
        providerResponse: failed ? TWIN_SMS_FAILURE_REASON : 'Message has been accepted by phone carrier',
        dwellTimeMs: TWIN_SMS_DWELL_MS,
      },
      status: failed ? 'FAILURE' : 'SUCCESS',
    };
    const groups = smsStatusLogGroups(this.region, this.accountId);
    const group = failed ? groups.failure : groups.success;
    const pending = this.pendingStatus.get(group) ?? [];
    this.pendingStatus.set(group, pending);
    pending.push({ timestamp: now.getTime(), message: JSON.stringify(record) });
    if (pending.length >= STATUS_EVENTS_PER_WRITE) await this.writeStatus();
    else this.statusWrite ??= setTimeout(() => void this.writeStatus(), STATUS_WRITE_EVERY_MS).unref();
  }

  /** Writes the waiting status records, one PutLogEvents per group, to each registered twin's logs. */
  private async writeStatus(): Promise<void> {
    clearTimeout(this.statusWrite);
    this.statusWrite = undefined;
    const batches = [...this.pendingStatus].filter(([, events]) => events.length > 0);
    this.pendingStatus.clear();
    await Promise.all(batches.map(([group, events]) => this.putStatusEvents(group, events)));
  }

  private async putStatusEvents(logGroupName: string, logEvents: { timestamp: number; message: string }[]): Promise<void> {
    const body = JSON.stringify({ logGroupName, logStreamName: randomUUID(), logEvents });
    for (const [name, url] of this.statusLogs) {
      const put = () =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.PutLogEvents' }, body }).catch(
          (error: unknown) => ({ ok: false, status: 0, statusText: `${String(error)} ${String((error as Error).cause ?? '')}` }),
        );
      // As SNS keeps trying to write its logs: a connection dropped on a busy machine is not a lost record (recording is idempotent).
      let answer = await put();
      for (let attempt = 1; !answer.ok && answer.status === 0 && attempt < 5; attempt += 1) {
        await new Promise((r) => setTimeout(r, 250 * attempt));
        answer = await put();
      }
      if (!answer.ok)
        console.error(`${logEvents.length} SMS delivery status records not written to the logs of ${name}: ${answer.status} ${answer.statusText}`);
    }
  }

  private envelope(action: string, result: string): string {
    return `<?xml version="1.0"?><${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  }

  /**
   * LocalStack's `/_aws/sns/sms-messages`: GET lists SMS by number, `phoneNumber` filters; DELETE removes
   * them (all, or one number's). `/_aws/sns/topic-messages` is ours, the same by topic (`topicArn`).
   * Both limit and count as retrospection.ts describes.
   */
  private retrospect(req: IncomingMessage, res: ServerResponse): void {
    const sms = req.url!.startsWith('/_aws/sns/sms-messages');
    const key = sms ? 'phoneNumber' : 'topicArn';
    const q = parseQuery(req.url!, querySchema);
    const filter = q[key];
    const match = (m: RecordedMessage) => m[key] !== undefined && (filter === undefined || m[key] === filter);
    if (req.method === 'DELETE') {
      let kept = 0;
      for (const m of this.messages) if (!match(m)) this.messages[kept++] = m;
      this.messages.length = kept;
      this.totals[key] -= filter === undefined ? this.totals[key] : (this.tallies[key].get(filter) ?? 0);
      if (filter === undefined) this.tallies[key].clear();
      else this.tallies[key].delete(filter);
      return void res.writeHead(204).end();
    }
    if (q.count === 'true') {
      const tally = this.tallies[key];
      const count = filter === undefined ? this.totals[key] : (tally.get(filter) ?? 0);
      const distinct = filter === undefined ? tally.size : count > 0 ? 1 : 0;
      json(res, { region: this.region, count, [sms ? 'phoneNumbers' : 'topics']: distinct });
      return;
    }
    const listed: { items: RecordedMessage[]; next?: string } =
      q.limit !== undefined || q.next !== undefined
        ? listFrom(this.messages, match, (m) => m.messageId, q.limit, q.next)
        : { items: this.messages.filter(match) };
    // As LocalStack: a filtered number is named even when it has no messages.
    const grouped: Record<string, RecordedMessage[]> = filter ? { [filter]: [] } : {};
    for (const m of listed.items) (grouped[m[key]!] ??= []).push(m);
    json(res, { region: this.region, [sms ? 'sms_messages' : 'topic_messages']: grouped, ...(listed.next ? { next: listed.next } : {}) });
  }

  /**
   * The twin's stand-ins for what happens outside the API: `/_aws/sns/opt-outs` (GET lists, POST
   * `{"phoneNumber"}` opts a number out as a STOP reply would) and `/_aws/sns/sms-limits` (see
   * `smsThrottle`).
   */
  private async controls(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = req.method === 'POST' ? (JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>) : {};
    if (req.url!.startsWith('/_aws/sns/opt-outs')) {
      if (req.method === 'POST') {
        const phone = String(body.phoneNumber ?? '');
        if (!E164.test(phone)) return json(res, { message: 'phoneNumber must be an E.164 number' }, 400);
        this.optedOut.add(phone);
      }
      return json(res, { phoneNumbers: [...this.optedOut].sort() });
    }
    if (req.method === 'DELETE') this.smsThrottle = undefined;
    else if (req.method === 'POST') {
      const after = Number(body.throttleAfter ?? 0);
      const count = Number(body.throttled ?? Number.MAX_SAFE_INTEGER);
      if (![after, count].every((n) => Number.isInteger(n) && n >= 0))
        return json(res, { message: 'throttleAfter and throttled must be whole numbers >= 0' }, 400);
      this.smsThrottle = { after, count, prefix: String(body.prefix ?? '+') };
    }
    json(res, { smsThrottle: this.smsThrottle ?? null });
  }

  /** Node request handler: POST / (awsQuery) and the retrospection endpoints. */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.url?.startsWith('/_twin/sns/delivery-status-logs/')) {
      const name = decodeURIComponent(req.url.slice('/_twin/sns/delivery-status-logs/'.length));
      if (req.method === 'DELETE') this.statusLogs.delete(name);
      else {
        const url = String((JSON.parse((await readBody(req)) || '{}') as { url?: unknown }).url ?? '');
        if (!/^https?:\/\//.test(url)) return json(res, { message: 'url must be the CloudWatch Logs endpoint' }, 400);
        this.statusLogs.set(name, url);
      }
      return json(res, { registered: [...this.statusLogs.keys()] });
    }
    if (req.url?.startsWith('/_aws/sns/opt-outs') || req.url?.startsWith('/_aws/sns/sms-limits')) {
      try {
        return await this.controls(req, res);
      } catch (error) {
        return json(res, { message: String(error) }, 400);
      }
    }
    if (req.url?.startsWith('/_aws/sns/sms-messages') || req.url?.startsWith('/_aws/sns/topic-messages')) {
      try {
        return this.retrospect(req, res);
      } catch (error) {
        if (!(error instanceof RetrospectionQueryError)) throw error;
        return json(res, { message: error.message }, 400);
      }
    }
    const body = await readBody(req);
    try {
      const xml = this.handleQuery(new URLSearchParams(body));
      res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
    } catch (error) {
      const fault = error instanceof SnsFault ? error : new SnsFault('InternalError', String(error), 500);
      res
        .writeHead(fault.status, { 'content-type': 'text/xml' })
        .end(
          `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${xmlEscape(fault.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
    }
  };

  listen(port: number, host = '127.0.0.1'): Promise<Server> {
    const server = keepIdleConnections(createServer((req, res) => void this.handle(req, res)));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  }
}
