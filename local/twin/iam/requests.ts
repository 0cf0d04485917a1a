import type { IncomingHttpHeaders } from 'node:http';
import type { Authorization } from './policies.js';

export type Service = 'dynamodb' | 'sns' | 'sesv2' | 'sfn' | 's3' | 'secretsmanager';

export interface ServiceRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the twin knows of its resources that a request names only in part. */
export interface RequestNames {
  region: string;
  account: string;
  /** Table name -> its partition key attribute and each index's. */
  tableKeys: Map<string, { hash: string; indexes: Map<string, string> }>;
  /** A SecretId (name or ARN) -> the secret's ARN. */
  secretArn(secretId: string): string;
  /** The state machine a task token belongs to. */
  stateMachineOfToken(taskToken: string): string;
  /** Topic or secret ARN -> the KMS key it is encrypted with. */
  encryptionKeys: Map<string, string>;
}

/**
 * What IAM checks for one request: every requirement must be met, each by any one of its
 * alternatives (a sender's address or its domain, whichever identity SES sends from).
 */
export interface RequestAuthorization {
  operation: string;
  requirements: Authorization[][];
  /** Resource ARN -> the ARN whose resource policy applies to it (an object's bucket). */
  policyOf?: (resource: string) => string;
}

/** A request the twin cannot map to IAM actions: its mapping needs the operation added, not an AWS refusal. */
export class UnmappedRequestError extends Error {}

/** Actions IAM's catalogue lists with no resource type: authorized on "*". */
const ACCOUNT_LEVEL = '*';

type AttributeValue = { S?: string; N?: string; B?: string };
const keyValue = (value: AttributeValue | undefined) => (value === undefined ? undefined : String(value.S ?? value.N ?? value.B ?? JSON.stringify(value)));

export function authorize(service: Service, req: ServiceRequest, names: RequestNames): RequestAuthorization {
  switch (service) {
    case 'dynamodb':
      return dynamodb(req, names);
    case 'sns':
      return sns(req, names);
    case 'sesv2':
      return sesv2(req, names);
    case 'sfn':
      return sfn(req, names);
    case 's3':
      return s3(req);
    case 'secretsmanager':
      return secretsManager(req, names);
  }
}

const json = (req: ServiceRequest) => JSON.parse(req.body || '{}') as Record<string, unknown>;
const targetOf = (req: ServiceRequest, prefix: string) => {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (!target.startsWith(prefix)) throw new UnmappedRequestError(`Expected an X-Amz-Target ${prefix}<Operation>, got '${target}'`);
  return target.slice(prefix.length);
};
const one = (a: Authorization): Authorization[] => [a];

/**
 * DynamoDB: the operation names the action and the table (or index) the resource; the partition keys
 * the request touches are dynamodb:LeadingKeys. A transaction is authorized item by item, each as the
 * single-item action it performs (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html);
 * a batch per table, with every item's key.
 */
function dynamodb(req: ServiceRequest, names: RequestNames): RequestAuthorization {
  const operation = targetOf(req, 'DynamoDB_20120810.');
  const body = json(req);
  const arn = (table: string, index?: string) => `arn:aws:dynamodb:${names.region}:${names.account}:table/${table}${index ? `/index/${index}` : ''}`;
  const hashOf = (table: string, index?: string) => {
    const keys = names.tableKeys.get(table);
    return index ? keys?.indexes.get(index) : keys?.hash;
  };
  const access = (action: string, table: string, leadingKeys: (string | undefined)[], index?: string, request: ItemRequest = body): Authorization => {
    const keys = leadingKeys.filter((k): k is string => k !== undefined);
    const attributes = attributesNamed(action, request);
    const context: Record<string, string | string[]> = {};
    if (keys.length > 0) context['dynamodb:LeadingKeys'] = [...new Set(keys)];
    if (attributes.length > 0) context['dynamodb:Attributes'] = [...new Set(attributes)];
    if (typeof request.ReturnValues === 'string') context['dynamodb:ReturnValues'] = request.ReturnValues;
    if (typeof request.Select === 'string') context['dynamodb:Select'] = request.Select;
    return { action: `dynamodb:${action}`, resource: arn(table, index), context };
  };
  const itemKey = (table: string, item: Record<string, AttributeValue> | undefined) => {
    const hash = hashOf(table);
    return hash ? keyValue(item?.[hash]) : undefined;
  };
  const table = body.TableName as string | undefined;
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return { operation, requirements: [one(access(operation, table!, [itemKey(table!, body.Key as Record<string, AttributeValue>)]))] };
    case 'PutItem':
      return { operation, requirements: [one(access(operation, table!, [itemKey(table!, body.Item as Record<string, AttributeValue>)]))] };
    case 'Query': {
      const index = body.IndexName as string | undefined;
      const hash = hashOf(table!, index);
      return { operation, requirements: [one(access(operation, table!, [hash ? queryPartitionKey(body, hash) : undefined], index))] };
    }
    case 'Scan':
      return { operation, requirements: [one(access(operation, table!, [], body.IndexName as string | undefined))] };
    case 'BatchGetItem':
      return {
        operation,
        requirements: Object.entries(body.RequestItems as Record<string, ItemRequest & { Keys: Record<string, AttributeValue>[] }>).map(([t, r]) =>
          one(
            access(
              operation,
              t,
              r.Keys.map((k) => itemKey(t, k)),
              undefined,
              r,
            ),
          ),
        ),
      };
    case 'BatchWriteItem':
      return {
        operation,
        requirements: Object.entries(
          body.RequestItems as Record<
            string,
            { PutRequest?: { Item: Record<string, AttributeValue> }; DeleteRequest?: { Key: Record<string, AttributeValue> } }[]
          >,
        ).map(([t, writes]) =>
          one(
            access(
              operation,
              t,
              writes.map((w) => itemKey(t, w.PutRequest?.Item ?? w.DeleteRequest?.Key)),
              undefined,
              { Item: Object.assign({}, ...writes.map((w) => w.PutRequest?.Item ?? {})) as Record<string, AttributeValue> },
            ),
          ),
        ),
      };
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const actions: Record<string, string> = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
        Get: 'GetItem',
      };
      return {
        operation,
        requirements: (body.TransactItems as Record<string, ItemRequest & { TableName: string; Key?: Record<string, AttributeValue> }>[]).map((item) => {
          const [kind, spec] = Object.entries(item)[0]!;
          return one(access(actions[kind] ?? kind, spec.TableName, [itemKey(spec.TableName, spec.Key ?? spec.Item)], undefined, spec));
        }),
      };
    }
    case 'ListTables':
      return { operation, requirements: [one({ action: 'dynamodb:ListTables', resource: ACCOUNT_LEVEL })] };
    default:
      if (!table) throw new UnmappedRequestError(`DynamoDB ${operation} names no table: the twin does not know what IAM checks for it`);
      return { operation, requirements: [one(access(operation, table, []))] };
  }
}

/** The parts of a DynamoDB request (or of one item of a batch or transaction) that name attributes. */
interface ItemRequest {
  Item?: Record<string, AttributeValue>;
  ProjectionExpression?: string;
  AttributesToGet?: string[];
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ReturnValues?: unknown;
  Select?: unknown;
  [other: string]: unknown;
}

/**
 * dynamodb:Attributes, the top-level attributes a request names: those it reads (ProjectionExpression,
 * AttributesToGet), writes (an item's) or updates (UpdateExpression); absent when it names none, as a
 * read of whole items does (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
 */
function attributesNamed(action: string, request: ItemRequest): string[] {
  const names = request.ExpressionAttributeNames ?? {};
  const top = (path: string) => {
    const head = path.trim().split(/[.[]/)[0]!;
    return names[head] ?? head;
  };
  if (request.ProjectionExpression) return splitTopLevel(request.ProjectionExpression).map(top);
  if (request.AttributesToGet) return request.AttributesToGet;
  if (action === 'PutItem' || action === 'BatchWriteItem') return Object.keys(request.Item ?? {});
  if (!request.UpdateExpression) return [];
  const named: string[] = [];
  for (const [, verb, clause] of request.UpdateExpression.matchAll(/\b(SET|REMOVE|ADD|DELETE)\b([\s\S]*?)(?=\b(?:SET|REMOVE|ADD|DELETE)\b|$)/gi)) {
    for (const item of splitTopLevel(clause!)) {
      const [target, ...value] = verb!.toUpperCase() === 'SET' ? item.split('=') : [item.trim().split(/\s+/)[0]!];
      named.push(top(target!));
      // Attributes a SET reads (list_append(notified, :who), if_not_exists(#n, :v)); values and functions are not attributes.
      for (const [token] of value.join('=').matchAll(/[#:]?[A-Za-z_][\w#]*(?:\.[\w#]+|\[\d+\])*\s*\(?/g)) {
        if (!token.startsWith(':') && !token.endsWith('(')) named.push(top(token));
      }
    }
  }
  return named;
}

/** `a, list_append(b, :c)` -> ['a', 'list_append(b, :c)']: commas inside parentheses do not separate. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The partition key value a query's key condition fixes (`#pk = :pk`, or the legacy KeyConditions). */
function queryPartitionKey(body: Record<string, unknown>, hash: string): string | undefined {
  const legacy = body.KeyConditions as Record<string, { AttributeValueList?: AttributeValue[] }> | undefined;
  if (legacy) return keyValue(legacy[hash]?.AttributeValueList?.[0]);
  const names = (body.ExpressionAttributeNames as Record<string, string> | undefined) ?? {};
  const values = (body.ExpressionAttributeValues as Record<string, AttributeValue> | undefined) ?? {};
  for (const clause of String(body.KeyConditionExpression ?? '').split(/\s+and\s+/i)) {
    const m = /^\s*\(?\s*([#:]?[\w.]+)\s*=\s*([#:]?[\w.]+)\s*\)?\s*$/.exec(clause);
    if (!m) continue;
    const [name, value] = m[1]!.startsWith(':') ? [m[2]!, m[1]!] : [m[1]!, m[2]!];
    if (value.startsWith(':') && (names[name] ?? name) === hash) return keyValue(values[value]);
  }
  return undefined;
}

/**
 * SNS (awsQuery): Action and the topic; a message to a phone number has no ARN, so only a statement on
 * "*" matches it. Publishing to a topic encrypted with a KMS key needs kms:GenerateDataKey* and
 * kms:Decrypt on that key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
 */
function sns(req: ServiceRequest, names: RequestNames): RequestAuthorization {
  const form = new URLSearchParams(req.body);
  const operation = form.get('Action') ?? '';
  if (!operation) throw new UnmappedRequestError('An SNS request without an Action');
  const topic = form.get('TopicArn') ?? form.get('TargetArn');
  const phone = form.get('PhoneNumber');
  const action = `sns:${operation === 'PublishBatch' ? 'Publish' : operation}`;
  if (operation === 'CreateTopic')
    return { operation, requirements: [one({ action, resource: `arn:aws:sns:${names.region}:${names.account}:${form.get('Name')}` })] };
  if (topic) {
    const requirements = [one({ action, resource: topic, context: { 'aws:SecureTransport': 'true' } })];
    const key = names.encryptionKeys.get(topic);
    if (key && action === 'sns:Publish') requirements.push(...kmsUse(['kms:GenerateDataKey', 'kms:Decrypt'], key, 'sns', names));
    return { operation, requirements };
  }
  if (phone) return { operation, requirements: [one({ action, resource: phone, unlisted: true })] };
  return { operation, requirements: [one({ action, resource: ACCOUNT_LEVEL })] };
}

const kmsUse = (actions: string[], key: string, via: string, names: RequestNames): Authorization[][] =>
  actions.map((action) =>
    one({ action, resource: key, context: { 'kms:ViaService': `${via}.${names.region}.amazonaws.com`, 'kms:CallerAccount': names.account } }),
  );

/** The address in a From header (`Name <a@example.com>`, or the bare address). */
const addressOf = (from: string) => (/<([^>]+)>\s*$/.exec(from)?.[1] ?? from).trim();

/**
 * SES v2 (REST): the path names the operation. A send is authorized on the sending identity, the
 * configuration set and the template it uses (https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html);
 * the identity is the address or its domain, whichever SES sends from (both verified on the twin).
 */
function sesv2(req: ServiceRequest, names: RequestNames): RequestAuthorization {
  const path = req.url.split('?')[0]!.replace(/\/+$/, '');
  const arn = (kind: string, name: string) => `arn:aws:ses:${names.region}:${names.account}:${kind}/${name}`;
  const ses = (operation: string, ...resources: Authorization[][]): RequestAuthorization => ({
    operation,
    requirements: resources.length > 0 ? resources : [one({ action: `ses:${operation}`, resource: ACCOUNT_LEVEL })],
  });
  const send = (operation: 'SendEmail' | 'SendBulkEmail') => {
    const body = json(req) as {
      FromEmailAddress?: string;
      FromEmailAddressIdentityArn?: string;
      ConfigurationSetName?: string;
      Content?: { Template?: { TemplateName?: string; TemplateArn?: string } };
      DefaultContent?: { Template?: { TemplateName?: string; TemplateArn?: string } };
    };
    const action = `ses:${operation}`;
    const address = addressOf(body.FromEmailAddress ?? '');
    const identities = body.FromEmailAddressIdentityArn
      ? [body.FromEmailAddressIdentityArn]
      : [arn('identity', address), arn('identity', address.split('@')[1] ?? address)];
    const requirements = [identities.map((resource) => ({ action, resource }))];
    if (body.ConfigurationSetName) requirements.push(one({ action, resource: arn('configuration-set', body.ConfigurationSetName) }));
    const template = (body.Content ?? body.DefaultContent)?.Template;
    if (template) requirements.push(one({ action, resource: template.TemplateArn ?? arn('template', template.TemplateName ?? '') }));
    return { operation, requirements };
  };
  const route = `${req.method} ${path}`;
  if (route === 'POST /v2/email/outbound-emails') return send('SendEmail');
  if (route === 'POST /v2/email/outbound-bulk-emails') return send('SendBulkEmail');
  if (route === 'GET /v2/email/account') return ses('GetAccount');
  if (route === 'GET /v2/email/suppression/addresses') return ses('ListSuppressedDestinations');
  if (route === 'PUT /v2/email/suppression/addresses') return ses('PutSuppressedDestination');
  if (route === 'GET /v2/email/templates') return ses('ListEmailTemplates');
  if (route === 'POST /v2/email/templates')
    return ses('CreateEmailTemplate', one({ action: 'ses:CreateEmailTemplate', resource: arn('template', String(json(req).TemplateName)) }));
  const template = /^\/v2\/email\/templates\/([^/]+)$/.exec(path)?.[1];
  const verbs: Record<string, string> = { GET: 'Get', PUT: 'Update', DELETE: 'Delete' };
  if (template && verbs[req.method]) {
    const operation = `${verbs[req.method]}EmailTemplate`;
    return ses(operation, one({ action: `ses:${operation}`, resource: arn('template', decodeURIComponent(template)) }));
  }
  const suppressed = /^\/v2\/email\/suppression\/addresses\/([^/]+)$/.exec(path)?.[1];
  if (suppressed && (req.method === 'GET' || req.method === 'DELETE')) return ses(`${verbs[req.method]}SuppressedDestination`);
  const identity = /^\/v2\/email\/identities\/([^/]+)$/.exec(path)?.[1];
  if (identity && req.method === 'GET')
    return ses('GetEmailIdentity', one({ action: 'ses:GetEmailIdentity', resource: arn('identity', decodeURIComponent(identity)) }));
  throw new UnmappedRequestError(`SES v2 ${route}: the twin does not know which IAM action it is`);
}

/**
 * Step Functions: executions and state machines by their ARNs. A task token's callbacks are checked
 * against the token's state machine, as AWS does though IAM's catalogue lists no resource for them
 * (its refusals name the state machine, e.g. https://github.com/NOAA-OWP/hydrovis/issues/837).
 */
function sfn(req: ServiceRequest, names: RequestNames): RequestAuthorization {
  const operation = targetOf(req, 'AWSStepFunctions.');
  const body = json(req);
  const action = `states:${operation}`;
  if (typeof body.taskToken === 'string')
    return { operation, requirements: [one({ action, resource: names.stateMachineOfToken(body.taskToken), unlisted: true })] };
  const resource = (body.executionArn ?? body.stateMachineArn) as string | undefined;
  return { operation, requirements: [one({ action, resource: resource ?? ACCOUNT_LEVEL })] };
}

/** S3 path-style requests: objects by bucket and key (the bucket's policy applies to them), the bucket itself for a listing. */
function s3(req: ServiceRequest): RequestAuthorization {
  const [, bucket = '', ...rest] = decodeURIComponent(req.url.split('?')[0]!).split('/');
  const key = rest.join('/');
  const objectActions: Record<string, string> = { PUT: 'PutObject', GET: 'GetObject', HEAD: 'GetObject', DELETE: 'DeleteObject' };
  const operation = key ? objectActions[req.method] : req.method === 'GET' ? 'ListBucket' : undefined;
  if (!operation) throw new UnmappedRequestError(`S3 ${req.method} ${req.url}: the twin does not know which IAM action it is`);
  return {
    operation,
    requirements: [
      one({
        action: `s3:${operation}`,
        resource: key ? `arn:aws:s3:::${bucket}/${key}` : `arn:aws:s3:::${bucket}`,
        context: { 'aws:SecureTransport': 'true' },
      }),
    ],
    policyOf: () => `arn:aws:s3:::${bucket}`,
  };
}

/**
 * Secrets Manager: the secret by its ARN; reading a secret encrypted with a customer managed key also
 * needs kms:Decrypt on that key through Secrets Manager (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
 */
function secretsManager(req: ServiceRequest, names: RequestNames): RequestAuthorization {
  const operation = targetOf(req, 'secretsmanager.');
  const body = json(req);
  if (typeof body.SecretId !== 'string') throw new UnmappedRequestError(`Secrets Manager ${operation} names no SecretId`);
  const secret = names.secretArn(body.SecretId);
  const requirements = [one({ action: `secretsmanager:${operation}`, resource: secret })];
  const key = names.encryptionKeys.get(secret);
  if (key && operation === 'GetSecretValue') requirements.push(...kmsUse(['kms:Decrypt'], key, 'secretsmanager', names));
  return { operation, requirements };
}
