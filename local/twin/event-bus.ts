import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventPattern } from '../../infra/alarm-patterns.js';
import { matchesPattern } from './event-patterns.js';
import { readBody } from './http-util.js';

/** An event as EventBridge delivers it to a target (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html). */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: object;
}

/** Where a rule sends what it matches: one of its targets, delivered to as EventBridge does (asynchronously). */
export interface BusTarget {
  /** For messages: `function breach-notice-intake`, `topic arn:aws:sns:…`. */
  name: string;
  deliver(event: BusEvent): Promise<unknown>;
}

/** A rule of the default bus as the twin routes it. */
export interface BusRule {
  name: string;
  pattern: EventPattern;
  targets: BusTarget[];
}

/** A PutEvents request EventBridge refuses as a whole, with the error type it answers. */
export class EventsRequestError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Entry = Record<string, unknown>;

/**
 * The twin's default event bus: PutEvents matched against every rule of the template with EventBridge
 * semantics; each matching rule delivers to each of its own targets asynchronously, a target's error is
 * logged (EventBridge's retries and dead-letter queues are not modelled); no match drops the event.
 */
export class LocalEventBus {
  /** Events put on the bus: AWS services' own (source aws.*) cost nothing, the others are custom events (https://aws.amazon.com/eventbridge/pricing/). */
  readonly received = { custom: 0, awsService: 0 };
  /** Called with every event put on the bus (the twin's CloudWatch counts SES's sends and bounces from them). */
  readonly observers: ((event: BusEvent) => void)[] = [];

  constructor(
    private readonly rules: BusRule[],
    private readonly region: string,
    private readonly account: string,
  ) {}

  /** PutEvents (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
  putEvents(body: { Entries?: Entry[] }): { FailedEntryCount: number; Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[] } {
    const entries = body.Entries ?? [];
    if (entries.length === 0 || entries.length > 10) throw new EventsRequestError('ValidationException', 'Entries must hold 1 to 10 events');
    const results = entries.map((entry) => {
      let detail: unknown;
      try {
        detail = JSON.parse(String(entry.Detail ?? ''));
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if (!entry.Source || !entry.DetailType || !detail || typeof detail !== 'object') {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter(s) Source, DetailType and Detail must be specified.' };
      }
      if (String(entry.Source).startsWith('aws.')) this.received.awsService += 1;
      else this.received.custom += 1;
      const time = entry.Time ? new Date(Number(entry.Time) * 1000 || String(entry.Time)) : new Date();
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': String(entry.DetailType),
        source: String(entry.Source),
        account: this.account,
        time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: this.region,
        resources: (entry.Resources as string[] | undefined) ?? [],
        detail,
      };
      for (const observe of this.observers) observe(event);
      for (const rule of this.rules) {
        if (!matchesPattern(event, rule.pattern)) continue;
        for (const target of rule.targets)
          target.deliver(event).catch((error: unknown) => {
            console.error(`rule ${rule.name}: ${target.name} failed for event ${event.id}: ${(error as Error).name}: ${(error as Error).message}`);
          });
      }
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }
}

/** EventBridge's JSON 1.1 protocol for PutEvents alone: the endpoint the SES emulator publishes to. */
export function eventsRequestHandler(bus: () => LocalEventBus | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const answer = (status: number, body: unknown, type?: string): void => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(type ? { 'x-amzn-errortype': type } : {}) }).end(JSON.stringify(body));
    };
    const ready = bus();
    if (!ready) return answer(503, { __type: 'ServiceUnavailable', message: 'The event bus is starting' }, 'ServiceUnavailable');
    const operation = String(req.headers['x-amz-target'] ?? '');
    if (operation !== 'AWSEvents.PutEvents')
      return answer(400, { __type: 'UnknownOperationException', message: `${operation} is not served here` }, 'UnknownOperationException');
    try {
      answer(200, ready.putEvents(JSON.parse((await readBody(req)) || '{}') as { Entries?: Entry[] }));
    } catch (error) {
      const type = error instanceof EventsRequestError ? error.type : 'InternalException';
      answer(400, { __type: type, message: (error as Error).message }, type);
    }
  };
}

/** The value at a simple JSONPath (`$`, `$.detail.name`), as InputPathsMap names it. */
function valueAt(event: unknown, path: string): unknown {
  if (!/^\$(\.[\w-]+)*$/.test(path)) throw new Error(`The twin reads InputPathsMap paths of the form $.a.b only, not ${path}`);
  return path
    .split('.')
    .slice(1)
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), event);
}

/**
 * A target's input through its InputTransformer: each `<name>` of the template replaced by the value its
 * path selects, inside a quoted string by its text, elsewhere by its JSON
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
 */
export function transformedInput(event: BusEvent, transformer: { InputPathsMap?: Record<string, string>; InputTemplate: string }): string {
  const values = new Map(Object.entries(transformer.InputPathsMap ?? {}).map(([name, path]) => [name, valueAt(event, path)]));
  const template = transformer.InputTemplate;
  return template.replace(/<([\w.-]+)>/g, (whole, name: string, offset: number) => {
    if (!values.has(name)) return whole;
    const value = values.get(name) ?? null;
    const quoted = (template.slice(0, offset).match(/(?<!\\)"/g) ?? []).length % 2 === 1;
    return quoted && typeof value === 'string' ? value : JSON.stringify(value);
  });
}
