import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { EventPattern } from '../../infra/alarm-patterns.js';
import { deployedRules } from './event-patterns.js';
import { EventsRequestError, type LocalEventBus } from './event-bus.js';
import { loadHandler } from './handlers.js';
import { forwardToHttpApi, httpApiHandlerFor } from './http-api.js';
import { isLambdaInvoke, lambdaInvokeHandler, type InvokableFunction } from './lambda-api.js';
import type { LocalQueue } from './queues.js';
import { sfnRequestHandler } from './sfn-api.js';
import { isSqsRequest, sqsRequestHandler } from './sqs-api.js';
import { isLoopbackHost, json, keepIdleConnections, readBody } from './http-util.js';
import { sesMailbox } from '../emulators/ses-mailbox.js';
import { serveIncidentPage } from '../emulators/incident-page-bucket.js';
import { emailIdentity, ruleDisabled, twinAccountSettings } from '../emulators/preflight-twin.js';
import type { RequestCounts } from './request-counts.js';
import type { Usage } from './usage.js';
import type { SnsRecorder } from '../emulators/sns-recorder.js';
import type { LocalWorkflow } from './workflow-engine.js';

export interface EdgeTargets {
  workflow: LocalWorkflow;
  sns: SnsRecorder;
  sesUrl: string;
  dynamodbUrl: string;
  /** The system's default bus: PutEvents routes through it to each rule's own targets. */
  events: LocalEventBus;
  /** Rule name -> pattern, as ListRules and DescribeRule describe the stack's alarm rules. */
  rules: Record<string, EventPattern>;
  region: string;
  accountId: string;
  /** Calls made to the emulators, served at /_twin/requests for benchmarks. */
  requests: RequestCounts;
  /** What the system has used as AWS bills it, served at /_twin/usage for benchmarks. */
  usage?: () => Usage;
  /** The folder of the incident pages, served at /pages/ as CloudFront serves the bucket. */
  incidentPagesDir?: string;
  /** Optional extra routes (the operator console), tried before the AWS protocols. */
  extra?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** The stack's queues by name, for SQS at the edge. @default none */
  queues?: () => ReadonlyMap<string, LocalQueue>;
  /** The stack's functions by name, for Lambda's Invoke at the edge. @default none */
  functionNamed?: (name: string) => InvokableFunction | undefined;
}

/** Forwards a request unchanged to an emulator and streams the answer back. */
function proxy(req: IncomingMessage, res: ServerResponse, base: string): void {
  const target = new URL(req.url ?? '/', base);
  const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
    const status = answer.statusCode ?? 502;
    if (status < 400 || answer.headers['x-amzn-errortype']) {
      res.writeHead(status, answer.headers);
      return void answer.pipe(res);
    }
    // aws-ses-v2-local names its errors in the body's `type` only; the SDK reads the name from this header.
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let type: unknown;
      try {
        type = (JSON.parse(text) as { type?: unknown }).type;
      } catch {
        type = undefined;
      }
      const headers: Record<string, string | string[] | undefined> = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
      if (typeof type === 'string') headers['x-amzn-errortype'] = type;
      res.writeHead(status, headers).end(text);
    });
  });
  upstream.on('error', (error) => json(res, { __type: 'ServiceUnavailable', message: String(error) }, 503));
  req.pipe(upstream);
}

function eventsError(res: ServerResponse, type: string, message: string, status = 400): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type }).end(JSON.stringify({ __type: type, message }));
}

/**
 * One endpoint speaking the AWS wire protocols the project uses, so the AWS SDK and CLI work against
 * the twin with an endpoint URL alone: Step Functions and EventBridge (JSON with X-Amz-Target),
 * DynamoDB (forwarded to DynamoDB Local), SES v2 (REST, forwarded to aws-ses-v2-local), SNS
 * (awsQuery), SQS (query and JSON) and Lambda's Invoke for operators, plus LocalStack-style retrospection under /_aws (filtered, limited and counted: emulators/ses-mailbox.ts,
 * emulators/sns-recorder.ts), the approval pages and the operator API (its IAM authorizer as http-api.ts stands in for it).
 */
export function createEdge(targets: EdgeTargets): Server {
  const sfn = sfnRequestHandler(targets.workflow);
  const ses = sesMailbox(targets.region);
  const sqs = sqsRequestHandler(targets.queues ?? (() => new Map()), targets.accountId);
  const invoke = lambdaInvokeHandler((name) => targets.functionNamed?.(name), targets.region, targets.accountId);

  // The account as `npm run preflight` reads it (emulators/preflight-twin.ts), fixed at start like the rest.
  const account = twinAccountSettings();
  const rules = () => deployedRules(targets.rules, targets.region, targets.accountId, (name) => ruleDisabled(account, name));
  const listRules = (body: { NamePrefix?: string }) => ({ Rules: rules().filter((r) => r.Name.startsWith(body.NamePrefix ?? '')) });
  const describeRule = (body: { Name?: string; EventBusName?: string }) => {
    const rule = (body.EventBusName ?? 'default') === 'default' ? rules().find((r) => r.Name === body.Name) : undefined;
    if (!rule)
      throw Object.assign(new Error(`Rule ${body.Name} does not exist on EventBus ${body.EventBusName ?? 'default'}.`), { type: 'ResourceNotFoundException' });
    return rule;
  };

  return keepIdleConnections(
    createServer((req, res) => {
      void (async () => {
        try {
          // Loopback names only: a page whose DNS name was rebound to 127.0.0.1 must not reach the
          // twin's DynamoDB or Step Functions through the browser (the console checks the same).
          if (!isLoopbackHost(req.headers.host)) {
            res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'The twin answers on its loopback address only.' }));
            return;
          }
          if (targets.incidentPagesDir && serveIncidentPage(targets.incidentPagesDir, req, res)) return;
          if (targets.extra && (await targets.extra(req, res))) return;
          const target = String(req.headers['x-amz-target'] ?? '');
          const url = req.url ?? '/';
          if (target.startsWith('AWSStepFunctions.')) return void (await sfn(req, res));
          if (target.startsWith('DynamoDB_20120810.')) return proxy(req, res, targets.dynamodbUrl);
          if (target.startsWith('AWSEvents.')) {
            const operation = target.slice('AWSEvents.'.length);
            const body = JSON.parse((await readBody(req)) || '{}') as {
              Entries?: Record<string, unknown>[];
              Name?: string;
              NamePrefix?: string;
              EventBusName?: string;
            };
            try {
              if (operation === 'PutEvents') return json(res, targets.events.putEvents(body));
              if (operation === 'ListRules') return json(res, listRules(body));
              if (operation === 'DescribeRule') return json(res, describeRule(body));
              return eventsError(res, 'UnknownOperationException', `Operation ${operation} is not supported by the local twin`);
            } catch (error) {
              const type = error instanceof EventsRequestError ? error.type : ((error as { type?: string }).type ?? 'InternalException');
              return eventsError(res, type, (error as Error).message);
            }
          }
          if (targets.queues && isSqsRequest(req)) return void (await sqs(req, res));
          if (targets.functionNamed && isLambdaInvoke(req)) return void (await invoke(req, res));
          const identity = /^\/v2\/email\/identities\/([^/?]+)$/.exec(url);
          if (identity && req.method === 'GET') {
            const answer = emailIdentity(decodeURIComponent(identity[1]!), account);
            const type = answer.status === 200 ? {} : { 'x-amzn-errortype': String(answer.body.__type) };
            return void res.writeHead(answer.status, { 'content-type': 'application/json', ...type }).end(JSON.stringify(answer.body));
          }
          if (url.startsWith('/v2/email')) return proxy(req, res, targets.sesUrl);
          if (url.startsWith('/_aws/ses')) return void (await ses(req, res));
          if (url.startsWith('/_aws/sns') || url.startsWith('/_twin/sns/')) return void (await targets.sns.handle(req, res));
          if (url === '/_twin/requests' && req.method === 'GET') return json(res, targets.requests);
          if (url === '/_twin/usage' && req.method === 'GET' && targets.usage) return json(res, targets.usage());
          // The HTTP API's functions, as the system runs them.
          const httpApiHandler = httpApiHandlerFor(url);
          if (httpApiHandler) return void (await forwardToHttpApi(await loadHandler(httpApiHandler), req, res));
          if (req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
            return void (await targets.sns.handle(req, res));
          }
          json(res, { message: `No local service answers ${req.method} ${url}` }, 404);
        } catch (error) {
          if (!res.headersSent) json(res, { __type: 'InternalFailure', message: String(error) }, 500);
        }
      })();
    }),
  );
}
