import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, signedFor } from './http-util.js';
import type { LocalQueue } from './queues.js';

/**
 * SQS at the twin's edge, for what an operator does with the stack's queues (read a dead-letter queue,
 * delete what was handled, see a queue's depth): ListQueues, GetQueueUrl, GetQueueAttributes,
 * SendMessage, ReceiveMessage and DeleteMessage, in both of SQS's protocols: the query protocol
 * (form-encoded `Action=`, XML answers: Debian's awscli 2.9) and the JSON protocol (`X-Amz-Target:
 * AmazonSQS.<Operation>`: current SDKs and CLIs), https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html.
 * A queue's URL is `<edge>/<account>/<name>`. The queues' own readers (Lambda's pollers) take messages as
 * before: an operator receiving from a queue a function reads competes with it, as in AWS.
 */
export class SqsRequestError extends Error {
  constructor(
    readonly code: string,
    readonly jsonType: string,
    message: string,
  ) {
    super(message);
  }
}

type Params = Record<string, unknown>;
const NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';
/** The attributes the twin reports (GetQueueAttributes); SQS has more. */
const QUEUE_ATTRIBUTES = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn'] as const;
const MESSAGE_ATTRIBUTES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'] as const;

const noQueue = () => new SqsRequestError('AWS.SimpleQueueService.NonExistentQueue', 'QueueDoesNotExist', 'The specified queue does not exist.');

/** One SQS operation on the twin's queues; `queues` by name, `baseUrl` the edge's. */
export function sqsOperation(queues: ReadonlyMap<string, LocalQueue>, baseUrl: string, account: string, operation: string, params: Params): Params {
  const urlOf = (name: string) => `${baseUrl}/${account}/${name}`;
  const queueAt = (url: unknown): LocalQueue => {
    const name = /\/(\d{12})\/([^/?]+)$/.exec(String(url ?? ''));
    const queue = name && name[1] === account ? queues.get(name[2]!) : undefined;
    if (!queue) throw noQueue();
    return queue;
  };
  const names = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  switch (operation) {
    case 'ListQueues': {
      const prefix = String(params.QueueNamePrefix ?? '');
      const urls = [...queues.keys()]
        .filter((n) => n.startsWith(prefix))
        .sort()
        .map(urlOf);
      return urls.length > 0 ? { QueueUrls: urls } : {};
    }
    case 'GetQueueUrl': {
      const name = String(params.QueueName ?? '');
      if (!queues.has(name)) throw noQueue();
      return { QueueUrl: urlOf(name) };
    }
    case 'GetQueueAttributes': {
      const queue = queueAt(params.QueueUrl);
      const asked = names(params.AttributeNames);
      const all = {
        ApproximateNumberOfMessages: String(queue.depth.visible),
        ApproximateNumberOfMessagesNotVisible: String(queue.depth.inFlight),
        QueueArn: queue.arn,
      };
      const wanted = asked.includes('All') ? QUEUE_ATTRIBUTES : QUEUE_ATTRIBUTES.filter((a) => asked.includes(a));
      return { Attributes: Object.fromEntries(wanted.map((a) => [a, all[a]])) };
    }
    case 'SendMessage': {
      const body = String(params.MessageBody ?? '');
      if (body.length === 0) throw new SqsRequestError('MissingParameter', 'MissingParameter', 'The request must contain the parameter MessageBody.');
      const queue = queueAt(params.QueueUrl);
      return { MessageId: queue.send(body, account), MD5OfMessageBody: createHash('md5').update(body).digest('hex') };
    }
    case 'ReceiveMessage': {
      const queue = queueAt(params.QueueUrl);
      const max = params.MaxNumberOfMessages === undefined ? 1 : Number(params.MaxNumberOfMessages);
      if (!Number.isInteger(max) || max < 1 || max > 10)
        throw new SqsRequestError(
          'InvalidParameterValue',
          'InvalidParameterValue',
          `Value ${String(params.MaxNumberOfMessages)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
        );
      const asked = [...names(params.AttributeNames), ...names(params.MessageSystemAttributeNames)];
      const wanted = asked.includes('All') ? MESSAGE_ATTRIBUTES : MESSAGE_ATTRIBUTES.filter((a) => asked.includes(a));
      const messages = queue.receive(max).map((m) => {
        const attributes: Record<string, string> = {
          SenderId: m.senderId,
          SentTimestamp: String(m.sentAt),
          ApproximateReceiveCount: String(m.receiveCount),
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
        };
        return {
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: m.md5OfBody,
          Body: m.body,
          ...(wanted.length > 0 && { Attributes: Object.fromEntries(wanted.map((a) => [a, attributes[a]!])) }),
        };
      });
      return messages.length > 0 ? { Messages: messages } : {};
    }
    case 'DeleteMessage': {
      const queue = queueAt(params.QueueUrl);
      const handle = String(params.ReceiptHandle ?? '');
      if (!handle) throw new SqsRequestError('MissingParameter', 'MissingParameter', 'The request must contain the parameter ReceiptHandle.');
      queue.delete([handle]);
      return {};
    }
    default:
      throw new SqsRequestError(
        'AWS.SimpleQueueService.UnsupportedOperation',
        'UnsupportedOperation',
        `The twin does not serve ${operation || 'that operation'}.`,
      );
  }
}

/** The query protocol's parameters as the JSON protocol names them: `AttributeName.1` -> AttributeNames. */
function fromQuery(form: URLSearchParams): { operation: string; params: Params } {
  const params: Params = {};
  const lists: Record<string, string[]> = { AttributeName: [], MessageSystemAttributeName: [] };
  for (const [key, value] of form) {
    const listed = /^(AttributeName|MessageSystemAttributeName)\.\d+$/.exec(key);
    if (listed) lists[listed[1]!]!.push(value);
    else if (key !== 'Action' && key !== 'Version') params[key] = value;
  }
  if (lists.AttributeName!.length > 0) params.AttributeNames = lists.AttributeName;
  if (lists.MessageSystemAttributeName!.length > 0) params.MessageSystemAttributeNames = lists.MessageSystemAttributeName;
  return { operation: form.get('Action') ?? '', params };
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#xD;');

/** An answer in the query protocol's XML: `<OpResponse><OpResult>…</OpResult><ResponseMetadata>…`. */
function toQuery(operation: string, result: Params): string {
  const element = (name: string, value: string) => `<${name}>${xml(value)}</${name}>`;
  const attributes = (attrs: unknown) =>
    Object.entries((attrs as Record<string, string> | undefined) ?? {})
      .map(([name, value]) => `<Attribute>${element('Name', name)}${element('Value', value)}</Attribute>`)
      .join('');
  let inner = '';
  if (operation === 'ListQueues') inner = ((result.QueueUrls as string[] | undefined) ?? []).map((u) => element('QueueUrl', u)).join('');
  if (operation === 'GetQueueUrl') inner = element('QueueUrl', String(result.QueueUrl));
  if (operation === 'GetQueueAttributes') inner = attributes(result.Attributes);
  if (operation === 'SendMessage') inner = element('MD5OfMessageBody', String(result.MD5OfMessageBody)) + element('MessageId', String(result.MessageId));
  if (operation === 'ReceiveMessage')
    inner = ((result.Messages as Params[] | undefined) ?? [])
      .map(
        (m) =>
          `<Message>${element('MessageId', String(m.MessageId))}${element('ReceiptHandle', String(m.ReceiptHandle))}${element('MD5OfBody', String(m.MD5OfBody))}${element('Body', String(m.Body))}${attributes(m.Attributes)}</Message>`,
      )
      .join('');
  const metadata = `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
  const body = operation === 'DeleteMessage' ? metadata : `<${operation}Result>${inner}</${operation}Result>${metadata}`;
  return `<?xml version="1.0"?><${operation}Response xmlns="${NAMESPACE}">${body}</${operation}Response>`;
}

/** A request for SQS: its JSON target, or a form-encoded call signed for the `sqs` service (the edge's other form-encoded service is SNS). */
export function isSqsRequest(req: IncomingMessage): boolean {
  if (String(req.headers['x-amz-target'] ?? '').startsWith('AmazonSQS.')) return true;
  return req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') && signedFor(req, 'sqs');
}

/** Node request handler for SQS at the edge; `queues()` by name, read at each request. Queue URLs name the edge as the caller reached it. */
export function sqsRequestHandler(queues: () => ReadonlyMap<string, LocalQueue>, account: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const json = target.startsWith('AmazonSQS.');
    const text = await readBody(req);
    let operation = '';
    try {
      let params: Params;
      if (json) {
        operation = target.slice('AmazonSQS.'.length);
        try {
          params = JSON.parse(text || '{}') as Params;
        } catch {
          throw new SqsRequestError('SerializationException', 'SerializationException', 'The request body is not valid JSON.');
        }
      } else {
        ({ operation, params } = fromQuery(new URLSearchParams(text)));
      }
      const result = sqsOperation(queues(), `http://${req.headers.host ?? '127.0.0.1'}`, account, operation, params);
      if (json) return void res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(result));
      res.writeHead(200, { 'content-type': 'text/xml' }).end(toQuery(operation, result));
    } catch (error) {
      const e = error instanceof SqsRequestError ? error : new SqsRequestError('InternalError', 'InternalError', String(error));
      const status = e.code === 'InternalError' ? 500 : 400;
      if (json)
        return void res
          .writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${e.code};Sender` })
          .end(JSON.stringify({ __type: `com.amazonaws.sqs#${e.jsonType}`, message: e.message }));
      res
        .writeHead(status, { 'content-type': 'text/xml' })
        .end(
          `<?xml version="1.0"?><ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${xml(e.code)}</Code><Message>${xml(e.message)}</Message><Detail/></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
    }
  };
}
