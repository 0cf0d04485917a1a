import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../../emulators/emulators.js';
import { decide, type Authorization, type Decision, type RoleGrants } from './policies.js';
import { authorize, UnmappedRequestError, type RequestNames, type Service } from './requests.js';
import { withConsumedCapacity, type RequestMeter } from '../usage.js';
import { keepIdleConnections } from '../http-util.js';

/** An identity allowed every action, to tell which policy a refusal comes from. */
const ALLOWED_EVERYTHING: RoleGrants = {
  roleArn: '',
  identityPolicies: [{ name: 'everything', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
};

/** A function's sandbox, known by the access key it signs with. */
export interface Principal {
  functionName: string;
  /** The role session Lambda's credentials stand for: arn:aws:sts::<account>:assumed-role/<role>/<function>. */
  sessionArn: string;
  grants: RoleGrants;
}

/** A request the gate refused as IAM would have. */
export interface Refusal {
  /** The function that made the call ('states' for Step Functions invoking one). */
  functionName: string;
  service: Service | 'lambda';
  operation: string;
  action: string;
  resource: string;
  decision: Exclude<Decision, 'Allowed'>;
  message: string;
}

export interface IamGateOptions {
  service: Service;
  /** Where allowed requests go: the emulator, or the twin's own endpoint. */
  upstream: string;
  names: RequestNames;
  principals: ReadonlyMap<string, Principal>;
  /** The twin's own credential (tests, operator tools): never checked, as an administrator's would pass. */
  adminAccessKeyId: string;
  /** Resource ARN -> its resource policy. */
  resourcePolicies: ReadonlyMap<string, { Version?: string; Statement: unknown }>;
  /** Every refusal is appended here. */
  refusals: Refusal[];
  /** Counts what the functions' allowed requests cost (a benchmark's bill); DynamoDB is then asked for its ConsumedCapacity. @default none */
  meter?: RequestMeter;
}

/** The access key id a SigV4-signed request names (Authorization header or presigned query). */
export function accessKeyIdOf(req: IncomingMessage): string | undefined {
  const header = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
  return header ?? new URL(req.url ?? '/', 'http://twin').searchParams.get('X-Amz-Credential')?.split('/')[0];
}

/**
 * A signing-aware proxy in front of one service the functions call: the access key names the
 * function's role, the request names IAM actions, resources and context keys (requests.ts), and
 * the role's policies with the resource's decide (policies.ts). Allowed requests go upstream
 * untouched; a failure there (a reset, a lost answer) reaches the caller as the same failure.
 */
export async function startIamGate(options: IamGateOptions): Promise<{ url: string; close(): Promise<void> }> {
  // SES and SNS calls keep a connection each, as the functions' provider clients do, so a fault upstream
  // (a reset, a lost answer) meets one call; the other services' connections are reused.
  const agent = options.service === 'sesv2' || options.service === 'sns' ? false : new Agent({ keepAlive: true });
  const server = keepIdleConnections(
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        check(options, req, body).then(
          (refusal) => {
            if (refusal) return answer(res, options.service, refusal.code, refusal.message);
            const operation = options.meter && options.service === 'dynamodb' ? String(req.headers['x-amz-target'] ?? '').split('.')[1] : undefined;
            if (!operation) return forward(options.upstream, agent, req, res, body);
            const meter = options.meter!;
            forward(options.upstream, agent, req, res, withConsumedCapacity(body), (status, text) => meter.consumed(operation, status, text));
          },
          (error: Error) => {
            const code = error instanceof UnmappedRequestError ? 'UnmappedOperation' : 'InternalFailure';
            answer(res, options.service, code, `The twin's IAM gate: ${error.message}`);
          },
        );
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      if (agent) agent.destroy();
      await closeServer(server);
    },
  };
}

type RefusalCode = 'AccessDenied' | 'KmsAccessDenied' | 'InvalidClientTokenId' | 'UnmappedOperation' | 'InternalFailure';

async function check(options: IamGateOptions, req: IncomingMessage, body: Buffer): Promise<{ code: RefusalCode; message: string } | undefined> {
  const key = accessKeyIdOf(req);
  if (key === options.adminAccessKeyId) return undefined;
  const principal = key ? options.principals.get(key) : undefined;
  if (!principal) return { code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
  const request = authorize(
    options.service,
    { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: body.toString('utf8') },
    options.names,
  );
  const account = options.names.account;
  for (const alternatives of request.requirements) {
    let denial: { authorization: Authorization; decision: Exclude<Decision, 'Allowed'>; inResource: boolean } | undefined;
    for (const authorization of alternatives) {
      const policy = options.resourcePolicies.get(request.policyOf?.(authorization.resource) ?? authorization.resource);
      const decision = await decide(principal.sessionArn, principal.grants, authorization, policy, account);
      if (decision === 'Allowed') {
        denial = undefined;
        break;
      }
      // Which kind of policy decided, for the message AWS gives: an explicit deny the identity's policies do not hold is the
      // resource's; a refusal that an identity allowed everything would still get (a key policy that does not delegate) too.
      const inResource =
        policy !== undefined &&
        (decision === 'ExplicitlyDenied'
          ? (await decide(principal.sessionArn, principal.grants, authorization, undefined, account)) !== 'ExplicitlyDenied'
          : (await decide(principal.sessionArn, ALLOWED_EVERYTHING, authorization, policy, account)) !== 'Allowed');
      denial ??= { authorization, decision, inResource };
    }
    if (!denial) continue;
    const { action, resource } = denial.authorization;
    // AWS's wording (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
    const kind = denial.inResource ? 'resource-based' : 'identity-based';
    const why =
      denial.decision === 'ExplicitlyDenied'
        ? `with an explicit deny in a${kind === 'identity-based' ? 'n' : ''} ${kind} policy`
        : `because no ${kind} policy allows the ${action} action`;
    const message = `User: ${principal.sessionArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
    options.refusals.push({
      functionName: principal.functionName,
      service: options.service,
      operation: request.operation,
      action,
      resource,
      decision: denial.decision,
      message,
    });
    // A key the service uses on the caller's behalf refuses as KMS does, inside the service's own answer.
    if (action.startsWith('kms:'))
      return {
        code: 'KmsAccessDenied',
        message: `${message} (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: ${randomUUID()}; Proxy: null)`,
      };
    return { code: 'AccessDenied', message };
  }
  options.meter?.allowed(options.service, key!, request.operation, request.requirements.flat());
  return undefined;
}

function forward(
  upstream: string,
  agent: Agent | false,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  onAnswer?: (status: number, text: string) => void,
  retried = false,
): void {
  const target = new URL(req.url ?? '/', upstream);
  const { connection: _connection, 'keep-alive': _keepAlive, ...headers } = req.headers;
  if (onAnswer) headers['content-length'] = String(body.length);
  const call = httpRequest(target, { method: req.method, headers: { ...headers, host: target.host }, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    if (onAnswer) {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => onAnswer(answer.statusCode ?? 502, Buffer.concat(chunks).toString('utf8')));
    }
    answer.pipe(res);
    answer.on('aborted', () => res.destroy());
  });
  call.on('error', (error: NodeJS.ErrnoException) => {
    // A kept-alive connection the upstream closed while idle, reset as it was reused: it closed for want of
    // requests, so it read none (Node's documented remedy, https://nodejs.org/api/http.html#requestreusedsocket).
    // This hop exists only on the twin; the provider calls (SES, SNS) never reuse a connection here.
    if (!retried && call.reusedSocket && error.code === 'ECONNRESET' && !res.headersSent) {
      return forward(upstream, agent, req, res, body, onAnswer, true);
    }
    // The upstream reset or dropped the call: the caller's connection ends the same way, with no answer.
    res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) call.destroy();
  });
  call.end(body);
}

/** A refusal in the service's own protocol, as the SDK parses it into the named exception. */
function answer(res: ServerResponse, service: Service, code: RefusalCode, message: string): void {
  const requestId = randomUUID();
  const jsonType: Record<RefusalCode, string> = {
    AccessDenied: 'AccessDeniedException',
    KmsAccessDenied: 'AccessDeniedException',
    InvalidClientTokenId: 'UnrecognizedClientException',
    UnmappedOperation: 'UnmappedOperationException',
    InternalFailure: 'InternalFailure',
  };
  const status =
    code === 'InternalFailure'
      ? 500
      : code === 'UnmappedOperation' || code === 'KmsAccessDenied'
        ? 400
        : service === 'sns' || service === 'sesv2' || service === 's3'
          ? 403
          : 400;
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  switch (service) {
    case 'dynamodb':
    case 'sfn':
    case 'secretsmanager': {
      const type = service === 'secretsmanager' ? jsonType[code] : `com.amazon.coral.service#${jsonType[code]}`;
      const contentType = service === 'secretsmanager' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
      res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': requestId }).end(JSON.stringify({ __type: type, message, Message: message }));
      return;
    }
    case 'sesv2':
      res
        .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': jsonType[code], 'x-amzn-requestid': requestId })
        .end(JSON.stringify({ message }));
      return;
    case 'sns': {
      // SNS names an IAM refusal AuthorizationError, a refusal of the topic's key KMSAccessDenied (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors).
      const snsCode: Record<RefusalCode, string> = {
        AccessDenied: 'AuthorizationError',
        KmsAccessDenied: 'KMSAccessDenied',
        InvalidClientTokenId: 'InvalidClientTokenId',
        UnmappedOperation: 'InvalidAction',
        InternalFailure: 'InternalError',
      };
      res
        .writeHead(status, { 'content-type': 'text/xml' })
        .end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${snsCode[code]}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      return;
    }
    case 's3': {
      const s3Code: Record<RefusalCode, string> = {
        AccessDenied: 'AccessDenied',
        KmsAccessDenied: 'AccessDenied',
        InvalidClientTokenId: 'InvalidAccessKeyId',
        UnmappedOperation: 'NotImplemented',
        InternalFailure: 'InternalError',
      };
      res
        .writeHead(status, { 'content-type': 'application/xml' })
        .end(`<Error><Code>${s3Code[code]}</Code><Message>${xml(message)}</Message><RequestId>${requestId}</RequestId></Error>`);
      return;
    }
  }
}
