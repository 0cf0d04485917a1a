import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { readBody } from './http-util.js';

/** Where a subscription filter hands its log group's events: a function of the stack, invoked asynchronously. */
export interface LogSubscription {
  /** The filter's name (its logical id), as the batch names it in `subscriptionFilters`. */
  name: string;
  logGroupName: string;
  /** For messages: `function breach-notice-record-sms-status`. */
  target: string;
  deliver(event: { awslogs: { data: string } }): Promise<unknown>;
}

/** A PutLogEvents request CloudWatch Logs refuses, with the error type it answers. */
export class LogsRequestError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface PutLogEventsBody {
  logGroupName?: string;
  logStreamName?: string;
  logEvents?: { timestamp?: number; message?: string }[];
}

/**
 * The twin's CloudWatch Logs, for what the stack subscribes to: PutLogEvents into a subscribed group
 * hands the events to each subscription's function as CloudWatch Logs does, one gzipped, base64 batch
 * under `awslogs.data` (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample),
 * asynchronously; a delivery's error is logged. Events are not stored: nothing on the twin reads them back.
 */
export class LocalLogs {
  constructor(
    private readonly subscriptions: LogSubscription[],
    private readonly account: string,
  ) {}

  /** PutLogEvents (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html). */
  putLogEvents(body: PutLogEventsBody): { rejectedLogEventsInfo?: object } {
    const group = String(body.logGroupName ?? '');
    const subscribed = this.subscriptions.filter((s) => s.logGroupName === group);
    if (subscribed.length === 0) throw new LogsRequestError('ResourceNotFoundException', 'The specified log group does not exist.');
    const events = (body.logEvents ?? []).map((e) => ({
      id: randomUUID().replaceAll('-', ''),
      timestamp: Number(e.timestamp),
      message: String(e.message ?? ''),
    }));
    if (events.length === 0 || events.length > 10_000) throw new LogsRequestError('InvalidParameterException', 'logEvents must hold 1 to 10,000 events');
    for (const s of subscribed) {
      const batch = {
        messageType: 'DATA_MESSAGE',
        owner: this.account,
        logGroup: group,
        logStream: String(body.logStreamName ?? ''),
        subscriptionFilters: [s.name],
        logEvents: events,
      };
      const data = gzipSync(Buffer.from(JSON.stringify(batch))).toString('base64');
      s.deliver({ awslogs: { data } }).catch((error: unknown) => {
        console.error(
          `subscription ${s.name}: ${s.target} failed for a batch of ${events.length} events: ${(error as Error).name}: ${(error as Error).message}`,
        );
      });
    }
    return {};
  }
}

/** CloudWatch Logs' JSON 1.1 protocol for PutLogEvents alone: the endpoint the SNS emulator writes SMS delivery status to. */
export function logsRequestHandler(logs: () => LocalLogs | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const answer = (status: number, body: unknown, type?: string): void => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(type ? { 'x-amzn-errortype': type } : {}) }).end(JSON.stringify(body));
    };
    const ready = logs();
    if (!ready) return answer(503, { __type: 'ServiceUnavailableException', message: 'CloudWatch Logs is starting' }, 'ServiceUnavailableException');
    const operation = String(req.headers['x-amz-target'] ?? '');
    if (operation !== 'Logs_20140328.PutLogEvents')
      return answer(400, { __type: 'UnknownOperationException', message: `${operation} is not served here` }, 'UnknownOperationException');
    try {
      answer(200, ready.putLogEvents(JSON.parse((await readBody(req)) || '{}') as PutLogEventsBody));
    } catch (error) {
      const type = error instanceof LogsRequestError ? error.type : 'ServiceUnavailableException';
      answer(400, { __type: type, message: (error as Error).message }, type);
    }
  };
}
