import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { AlreadyExistsException, CreateEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { allEmailTemplates } from '../functions/domain/email-templates.js';
import { functionEnvironment, type AppConfig } from '../infra/config.js';
import { TABLES, type TableName, type TableSpec } from '../infra/tables.js';
import { readDefinition, substitute, WORKFLOW_STEPS } from '../infra/workflow-definition.js';
import { closeServer, LOCAL_CREDENTIALS } from './emulators.js';
import { loadHandler } from './handlers.js';
import { sfnRequestHandler } from './sfn-api.js';
import { LocalWorkflow, type LambdaHandler } from './workflow-engine.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export interface LocalSystemOptions {
  endpoints: { dynamodb: string; ses: string; sns: string };
  config: AppConfig;
  /** Prefix of table and topic names, so several systems can share one set of emulators. */
  namePrefix: string;
  approvalBaseUrl: string;
  /** Port of the Step Functions endpoint; 0 picks a free one. */
  sfnPort?: number;
  /** Environment values that win over those derived from `config` (e.g. seconds-long timeouts for tests). */
  envOverrides?: Record<string, string>;
  waitTimeOverrides?: Record<string, number>;
  retryIntervalOverrides?: Record<string, number | number[]>;
}

export interface LocalSystem {
  workflow: LocalWorkflow;
  sfnUrl: string;
  env: Record<string, string>;
  tables: Record<TableName, string>;
  responseTeamTopicArn: string;
  publicChannelsTopicArn: string;
  intake: LambdaHandler;
  approvalPage: LambdaHandler;
  stop(): Promise<void>;
}

export const localFunctionArn = (entry: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:breach-notice-${entry}`;

function createTableInput(name: string, spec: TableSpec): CreateTableCommandInput {
  const keys = new Set([spec.partitionKey, spec.sortKey, ...(spec.indexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])].filter((k): k is string => Boolean(k)));
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...keys].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }, ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' as const }] : [])],
    GlobalSecondaryIndexes: spec.indexes?.map((i) => ({
      IndexName: i.name,
      KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' }, ...(i.sortKey ? [{ AttributeName: i.sortKey, KeyType: 'RANGE' as const }] : [])],
      Projection: i.include ? { ProjectionType: 'INCLUDE', NonKeyAttributes: i.include } : { ProjectionType: 'ALL' },
    })),
  };
}

/** Creates the tables, templates and topics the stack would, on the emulators. Idempotent. */
export async function provision(options: Pick<LocalSystemOptions, 'endpoints' | 'config' | 'namePrefix'>) {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...common, endpoint: options.endpoints.dynamodb });
  const ses = new SESv2Client({ ...common, endpoint: options.endpoints.ses });
  const sns = new SNSClient({ ...common, endpoint: options.endpoints.sns });
  const tables = {} as Record<TableName, string>;
  for (const [key, spec] of Object.entries(TABLES) as [TableName, TableSpec][]) {
    const name = `${options.namePrefix}-${key}`;
    tables[key] = name;
    try {
      await dynamo.send(new CreateTableCommand(createTableInput(name, spec)));
      if (spec.ttlAttribute) {
        await dynamo.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true } }));
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  for (const t of allEmailTemplates(options.config.templatePrefix)) {
    try {
      await ses.send(new CreateEmailTemplateCommand({ TemplateName: t.name, TemplateContent: { Subject: t.subject, Html: t.html, Text: t.text } }));
    } catch (error) {
      // The emulator's errors carry no type header, so the SDK cannot name AlreadyExists: check the status instead.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (!(error instanceof AlreadyExistsException) && status !== 400 && status !== 409) throw error;
    }
  }
  const responseTeamTopicArn = (await sns.send(new CreateTopicCommand({ Name: `${options.namePrefix}-response-team` }))).TopicArn!;
  const publicChannelsTopicArn = (await sns.send(new CreateTopicCommand({ Name: `${options.namePrefix}-public-channels` }))).TopicArn!;
  dynamo.destroy();
  ses.destroy();
  sns.destroy();
  return { tables, responseTeamTopicArn, publicChannelsTopicArn };
}

/**
 * The workflow with its real handlers, in this process, over the given emulators: the same
 * definition file with the same substitution keys the stack fills, and the same environment names.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { tables, responseTeamTopicArn, publicChannelsTopicArn } = await provision(options);
  let workflow: LocalWorkflow | undefined;
  const sfnServer: Server = createServer((req, res) => {
    if (!workflow) return void res.writeHead(503).end();
    void sfnRequestHandler(workflow)(req, res);
  });
  await new Promise<void>((resolve) => sfnServer.listen(options.sfnPort ?? 0, '127.0.0.1', resolve));
  const sfnUrl = `http://127.0.0.1:${(sfnServer.address() as AddressInfo).port}`;
  const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${options.namePrefix}-incident-response`;

  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: options.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SESV2: options.endpoints.ses,
    AWS_ENDPOINT_URL_SNS: options.endpoints.sns,
    AWS_ENDPOINT_URL_SFN: sfnUrl,
    POWERTOOLS_SERVICE_NAME: 'breach-notice',
    POWERTOOLS_METRICS_NAMESPACE: 'BreachNotice',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...functionEnvironment(options.config, {
      incidentsTable: tables.incidents,
      customersTable: tables.customers,
      deliveriesTable: tables.deliveries,
      idempotencyTable: tables.idempotency,
      responseTeamTopicArn,
      stateMachineArn,
      approvalBaseUrl: options.approvalBaseUrl,
    }),
    ...options.envOverrides,
  };
  Object.assign(process.env, env);

  // Imported only now: each handler reads its configuration once, at load, as in Lambda.
  const handlers = new Map<string, LambdaHandler>();
  const substitutions: Record<string, string> = {};
  for (const [key, entry] of Object.entries(WORKFLOW_STEPS)) {
    handlers.set(localFunctionArn(entry), await loadHandler(entry));
    substitutions[key] = localFunctionArn(entry);
  }
  workflow = new LocalWorkflow({
    definition: substitute(readDefinition(), substitutions),
    stateMachineArn,
    handlers,
    waitTimeOverrides: options.waitTimeOverrides,
    retryIntervalOverrides: options.retryIntervalOverrides,
  });
  const intake = await loadHandler('intake');
  const approvalPage = await loadHandler('approval-page');
  const running = workflow;
  return {
    workflow: running,
    sfnUrl,
    env,
    tables,
    responseTeamTopicArn,
    publicChannelsTopicArn,
    intake,
    approvalPage,
    stop: async () => {
      running.stopAll();
      await closeServer(sfnServer);
    },
  };
}
