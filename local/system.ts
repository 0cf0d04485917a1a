import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { AlreadyExistsException, CreateEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { functionEnvironment, type AppConfig, type ResourceNames } from '../infra/config.js';
import { unionEnvironment } from '../infra/functions.js';
import type { EventPattern } from '../infra/alarm-patterns.js';
import { TABLES, type TableName } from '../infra/tables.js';
import { readDefinition, substitute, WORKFLOW_STEPS, type WorkflowStepKey } from '../infra/workflow-definition.js';
import { specFromStack } from './from-stack.js';
import { closeServer, LOCAL_CREDENTIALS } from './emulators.js';
import { loadAllHandlers, loadHandler } from './handlers.js';
import { startPageBucket } from './page-bucket.js';
import { startSecretStore } from './secret-store.js';
import { lambdaContext } from './http-api.js';
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
  /** How often the undelivered-decisions sweeper runs, as its EventBridge schedule does in AWS; 0 turns it off. @default 60000 */
  sweepIntervalMs?: number;
  /** How often regulators' clocks are swept, as their EventBridge schedule does in AWS; 0 turns it off. @default 300000 */
  regulatorClockIntervalMs?: number;
  /** The folder the incident pages are written to (the bucket's stand-in). @default a new folder under the OS temp dir */
  pagesDir?: string;
  /** What `provision` already created on these endpoints (the twin provisions first to seed customers meanwhile). @default provisioned here */
  provisioned?: Provisioned;
}

export type Provisioned = Awaited<ReturnType<typeof provision>>;

export interface LocalSystem {
  workflow: LocalWorkflow;
  sfnUrl: string;
  env: Record<string, string>;
  tables: Record<TableName, string>;
  /** The alarm rules' patterns, as synthesized. */
  rules: Record<string, EventPattern>;
  responseTeamTopicArn: string;
  publicChannelsTopicArn: string;
  intake: LambdaHandler;
  approvalPage: LambdaHandler;
  /** The operator API's function (facts of an incident, IAM-authorized in AWS); the edge serves this same module. */
  operatorApi: LambdaHandler;
  /** Writes and announces an incident's page (the function the workflow calls after a notice is sent). */
  publishIncidentPage: LambdaHandler;
  /** The public question form (GET/POST /questions/{incidentId}), served by the edge as API Gateway serves it. */
  questionForm: LambdaHandler;
  /** Where the pages are written; the edge serves them at /pages/<incidentId>/<locale>.html. */
  pagesDir: string;
  /** One run of the scheduled sweeper that re-sends decisions whose callback did not land. */
  sweep(): Promise<unknown>;
  /** The step the workflow calls once the scope is known: adds the regulators' obligations that apply. */
  startRegulatorClocks: LambdaHandler;
  /** One run of the scheduled sweep of regulators' clocks (reminders, MISSED pages). */
  sweepRegulatorClocks(): Promise<unknown>;
  stop(): Promise<void>;
}

export const localFunctionArn = (entry: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:breach-notice-${entry}`;

/**
 * The variables of every function at once, from the stack's descriptors and values: in one process
 * the handlers share `process.env`, so the twin sets the union of what each deployed function gets.
 */
export function handlersEnvironment(config: AppConfig, names: ResourceNames): Record<string, string> {
  return unionEnvironment(functionEnvironment(config, names));
}

/**
 * Creates on the emulators the tables, templates and topics of the synthesized stack (see
 * from-stack.ts), so the twin cannot drift from what deploys. Idempotent.
 */
export async function provision(options: Pick<LocalSystemOptions, 'endpoints' | 'config' | 'namePrefix'>) {
  const spec = specFromStack(options.config);
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...common, endpoint: options.endpoints.dynamodb });
  const ses = new SESv2Client({ ...common, endpoint: options.endpoints.ses });
  const sns = new SNSClient({ ...common, endpoint: options.endpoints.sns });
  const tables = {} as Record<TableName, string>;
  const createTable = async (key: TableName) => {
    const table = spec.tables[key];
    if (!table) throw new Error(`The synthesized stack has no ${key} table`);
    const { ttlAttribute, ...input } = table;
    const name = `${options.namePrefix}-${key}`;
    tables[key] = name;
    try {
      await dynamo.send(new CreateTableCommand({ ...input, TableName: name }));
      if (ttlAttribute) {
        await dynamo.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }));
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  };
  const createTemplate = async (t: (typeof spec.templates)[number]) => {
    try {
      await ses.send(new CreateEmailTemplateCommand({ TemplateName: t.name, TemplateContent: { Subject: t.subject, Html: t.html, Text: t.text } }));
    } catch (error) {
      // The emulator's errors carry no type header, so the SDK cannot name AlreadyExists: check the status instead.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (!(error instanceof AlreadyExistsException) && status !== 400 && status !== 409) throw error;
    }
  };
  const createTopic = async (suffix: string) => (await sns.send(new CreateTopicCommand({ Name: `${options.namePrefix}-${suffix}` }))).TopicArn!;
  // All at once: nothing here depends on anything else here, and the twin's start-up waits for it.
  try {
    const [responseTeamTopicArn, publicChannelsTopicArn] = await Promise.all([
      createTopic('response-team'),
      createTopic('public-channels'),
      ...(Object.keys(TABLES) as TableName[]).map(createTable),
      ...spec.templates.map(createTemplate),
    ]);
    return { tables, responseTeamTopicArn, publicChannelsTopicArn, spec };
  } finally {
    dynamo.destroy();
    ses.destroy();
    sns.destroy();
  }
}

/**
 * The workflow with its real handlers, in this process, over the given emulators: the same
 * definition file with the same substitution keys the stack fills, and the same environment names.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { tables, responseTeamTopicArn, publicChannelsTopicArn, spec } = options.provisioned ?? (await provision(options));
  let workflow: LocalWorkflow | undefined;
  const sfnServer: Server = createServer((req, res) => {
    if (!workflow) return void res.writeHead(503).end();
    void sfnRequestHandler(workflow)(req, res);
  });
  await new Promise<void>((resolve) => sfnServer.listen(options.sfnPort ?? 0, '127.0.0.1', resolve));
  const sfnUrl = `http://127.0.0.1:${(sfnServer.address() as AddressInfo).port}`;
  const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${options.namePrefix}-incident-response`;
  const pagesDir = options.pagesDir ?? mkdtempSync(join(tmpdir(), 'breach-notice-pages-'));
  const pagesBucket = `${options.namePrefix}-incident-pages`;
  const pageBucket = await startPageBucket(pagesDir, pagesBucket);
  const questionFormSecretId = `${options.namePrefix}-question-form-key`;
  const secrets = await startSecretStore(questionFormSecretId);

  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: options.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SESV2: options.endpoints.ses,
    AWS_ENDPOINT_URL_SNS: options.endpoints.sns,
    AWS_ENDPOINT_URL_SFN: sfnUrl,
    AWS_ENDPOINT_URL_S3: pageBucket.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    POWERTOOLS_SERVICE_NAME: 'breach-notice',
    POWERTOOLS_METRICS_NAMESPACE: 'BreachNotice',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...handlersEnvironment(options.config, {
      incidentsTable: tables.incidents,
      customersTable: tables.customers,
      deliveriesTable: tables.deliveries,
      idempotencyTable: tables.idempotency,
      responseTeamTopicArn,
      stateMachineArn,
      approvalBaseUrl: options.approvalBaseUrl,
      publicChannelsTopicArn,
      incidentPagesBucket: pagesBucket,
      questionFormSecretId,
      // The edge serves the folder there (local/page-bucket.ts), as CloudFront serves the bucket.
      incidentPagesUrl: `${options.approvalBaseUrl.replace(/\/+$/, '')}/pages`,
    }),
    ...options.envOverrides,
  };
  Object.assign(process.env, env);
  await loadAllHandlers();

  // Imported only now: each handler reads its configuration once, at load, as in Lambda.
  const handlers = new Map<string, LambdaHandler>();
  const substitutions: Record<string, string> = {};
  // The keys the deployed state machine fills, each bound to the handler module its function runs.
  for (const key of spec.substitutionKeys) {
    const entry = WORKFLOW_STEPS[key as WorkflowStepKey];
    if (!entry) throw new Error(`The stack substitutes ${key}, which no workflow step provides`);
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
  const operatorApi = await loadHandler('operator-api');
  const publishIncidentPage = await loadHandler('publish-incident-page');
  const questionForm = await loadHandler('question-form');
  const sweeper = await loadHandler('redeliver-decisions');
  const sweep = () =>
    sweeper(
      { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: LOCAL_ACCOUNT, time: new Date().toISOString(), region: LOCAL_REGION, resources: [], detail: {} },
      lambdaContext('breach-notice-redeliver-decisions'),
    );
  // Like the schedule: runs never overlap, and a failed run is retried by the next one.
  let sweeping = false;
  const sweepTimer = (options.sweepIntervalMs ?? 60_000) > 0
    ? setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        void sweep().catch(() => undefined).finally(() => (sweeping = false));
      }, options.sweepIntervalMs ?? 60_000)
    : undefined;
  sweepTimer?.unref();
  const startRegulatorClocks = await loadHandler('start-regulator-clocks');
  const clockSweeper = await loadHandler('regulator-clocks');
  const sweepRegulatorClocks = () =>
    clockSweeper(
      { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: LOCAL_ACCOUNT, time: new Date().toISOString(), region: LOCAL_REGION, resources: [], detail: {} },
      lambdaContext('breach-notice-regulator-clocks'),
    );
  let sweepingClocks = false;
  const clockTimer = (options.regulatorClockIntervalMs ?? 300_000) > 0
    ? setInterval(() => {
        if (sweepingClocks) return;
        sweepingClocks = true;
        void sweepRegulatorClocks().catch(() => undefined).finally(() => (sweepingClocks = false));
      }, options.regulatorClockIntervalMs ?? 300_000)
    : undefined;
  clockTimer?.unref();
  const running = workflow;
  return {
    workflow: running,
    sfnUrl,
    env,
    tables,
    rules: spec.rules,
    responseTeamTopicArn,
    publicChannelsTopicArn,
    intake,
    approvalPage,
    operatorApi,
    publishIncidentPage,
    questionForm,
    pagesDir,
    sweep,
    startRegulatorClocks,
    sweepRegulatorClocks,
    stop: async () => {
      clearInterval(sweepTimer);
      clearInterval(clockTimer);
      running.stopAll();
      await closeServer(sfnServer);
      await closeServer(pageBucket.server);
      await closeServer(secrets.server);
    },
  };
}
