import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { AlreadyExistsException, CreateEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, PublishCommand, SetSMSAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { functionEnvironment, type AppConfig, type ResourceNames } from '../../infra/config.js';
import { unionEnvironment } from '../../infra/functions.js';
import { TABLES, type TableName } from '../../infra/tables.js';
import { readDefinition, substitute } from '../../infra/workflow-definition.js';
import { specFromStack, type EventRuleSpec, type FunctionSpec, type StackSpec, type StackTransform } from './from-stack.js';
import { eventsRequestHandler, LocalEventBus, transformedInput, type BusRule, type BusTarget } from './event-bus.js';
import { LocalLogs, logsRequestHandler } from './log-subscriptions.js';
import { decide, roleGrants } from './iam/policies.js';
import type { ConfigurationSetRegistration } from '../emulators/ses-events.js';
import type { StackResolver } from './iam/resources.js';
import { closeServer, LOCAL_CREDENTIALS } from '../emulators/emulators.js';
import { importHandler, serveHandlersFrom } from './handlers.js';
import { holdBundles, lambdaBundles } from './lambda-bundles.js';
import type { InvokableFunction } from './lambda-api.js';
import { LocalLambda, type InvocationRecord } from './lambda-runtime.js';
import { MetricStore } from './metric-store.js';
import { AlarmEvaluator, readAlarms, TwinMetrics } from './alarms.js';
import { METRICS, METRICS_NAMESPACE } from '../../functions/shared/metric-catalogue.js';
import { startIamGate, type Refusal } from './iam/gate.js';
import type { Service } from './iam/requests.js';
import { RefusedServiceCallError } from './iam/service-calls.js';
import { twinIam } from './iam/twin-iam.js';
import { startIncidentPageBucket } from '../emulators/incident-page-bucket.js';
import { startSecretStore } from '../emulators/secret-store.js';
import { lambdaContext } from './http-api.js';
import { sfnRequestHandler } from './sfn-api.js';
import { LocalQueue, QueuePoller } from './queues.js';
import { RequestMeter, stepFunctionsUsage, type Usage } from './usage.js';
import { LocalWorkflow, type LambdaHandler } from './workflow-engine.js';
import { keepIdleConnections } from './http-util.js';

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
  /** How often the decision sweeper runs, as its EventBridge schedule does in AWS; 0 turns it off. @default 60000 */
  sweepIntervalMs?: number;
  /** How often regulators' clocks are swept, as their EventBridge schedule does in AWS; 0 turns it off. @default 300000 */
  regulatorClockIntervalMs?: number;
  /** The folder the incident pages are written to (the bucket's stand-in). @default a new folder under the OS temp dir */
  incidentPagesDir?: string;
  /** What `provision` already created on these endpoints (the twin provisions first to seed customers meanwhile). @default provisioned here */
  provisioned?: Provisioned;
  /** Edits the synthesized stack before the twin reads it: a test removes a grant, a timeout or a statement and sees the twin fail as AWS would. */
  transformStack?: StackTransform;
  /**
   * Handler modules run in this process instead of a sandbox of their own, for tests that inject faults
   * into their SDK clients (functions/shared/clients.ts): they share this process's environment and the
   * twin's own credential, and neither their timeout nor their memory applies. @default none
   */
  inProcess?: readonly string[];
  /** Count what the functions' requests cost (`usage()`): DynamoDB is then asked for its ConsumedCapacity on each request. @default false */
  meterRequests?: boolean;
  /**
   * Evaluate the stack's CloudWatch alarms every `intervalMs` on metrics `timeScale` times faster than real
   * time (local/twin/alarms.ts); an alarm going to ALARM publishes to its topics. @default not evaluated
   */
  alarms?: { timeScale: number; intervalMs: number };
  /** Lambda's waits between retries of a failed asynchronous event run this many times faster (not the events' maximum age). @default 1 */
  asyncInvokeTimeScale?: number;
}

export type Provisioned = Awaited<ReturnType<typeof provision>>;

export interface LocalSystem {
  workflow: LocalWorkflow;
  sfnUrl: string;
  env: Record<string, string>;
  tables: Record<TableName, string>;
  /** The default event bus: every rule of the template, each delivering to its own targets (the edge's PutEvents). */
  events: LocalEventBus;
  /** The stack's queues by logical id, and by the same id the pollers Lambda runs on those a function reads. */
  queues: Map<string, LocalQueue>;
  queuePollers: Map<string, QueuePoller>;
  /** The bus's PutEvents endpoint, where the SES emulator publishes this system's email events. */
  eventsUrl: string;
  /** The SES configuration set the functions send with (SES_CONFIGURATION_SET), registered on the SES emulator with its EventBridge destinations. */
  configurationSet?: string;
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
  incidentPagesDir: string;
  /** One run of the scheduled sweeper that re-sends decisions whose callback did not land. */
  sweep(): Promise<unknown>;
  /** The step the workflow calls once the scope is known: adds the regulators' obligations that apply. */
  startRegulatorClocks: LambdaHandler;
  /** One run of the scheduled sweep of regulators' clocks (reminders, MISSED pages). */
  sweepRegulatorClocks(): Promise<unknown>;
  /** The function whose handler module is `handler` (functions/handlers/<handler>.ts), as the twin runs it. */
  lambda(handler: string): LambdaHandler;
  /**
   * The function named `name` (breach-notice-<handler>), as Lambda's Invoke runs it: synchronously, or as an
   * asynchronous event (a function run in this process, `inProcess`, has no asynchronous path: it runs once).
   */
  functionNamed(name: string): InvokableFunction | undefined;
  /** What the system has used since it started, as AWS bills it (SNS and SES are the twin's: local/twin/twin.ts). */
  usage(): Omit<Usage, 'sns' | 'ses'>;
  /** What the sandboxed functions reported in the embedded metric format (functions run in this process report nothing). */
  metrics: MetricStore;
  /** The stack's alarms as the twin evaluates them (`alarms` option), or none. */
  alarms?: AlarmEvaluator;
  /** IAM as the twin applies it: the gate in front of each service the functions call, their keys, and every refusal. */
  iam: {
    endpoints: Record<Service, string>;
    /** The access key id a function signs with, which names its role. */
    accessKeyIdOf(handler: string): string;
    refusals: Refusal[];
  };
  stop(): Promise<void>;
}

/** The functions the twin runs on a timer (the decision and regulator-clock sweeps), `timeScale` times as often as their schedules in AWS. */
const SCHEDULED = new Set(['return-decisions', 'regulator-clocks']);

export const localFunctionArn = (entry: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:breach-notice-${entry}`;

/**
 * The twin's value of every variable any function gets, from the stack's descriptors and values: where
 * the template names a resource (a table, a topic, a URL), a function gets the twin's value from here.
 */
export function handlersEnvironment(config: AppConfig, names: ResourceNames): Record<string, string> {
  return unionEnvironment(functionEnvironment(config, names));
}

/**
 * Creates on the emulators the tables, templates and topics of the synthesized stack (see
 * from-stack.ts), so the twin cannot drift from what deploys. Idempotent.
 */
export async function provision(options: Pick<LocalSystemOptions, 'endpoints' | 'config' | 'namePrefix' | 'transformStack'>) {
  const spec = specFromStack(options.config, options.transformStack);
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

/** Variables the twin sets in every function, over the template's: its region, endpoints, credentials, log and telemetry settings. */
const RUNTIME_VARIABLE = /^(AWS_|POWERTOOLS_(LOG_LEVEL|TRACE_ENABLED|METRICS_DISABLED)$)/;
/** A function's endpoints and credentials are the twin's: an override redirects the service behind them instead. */
const SANDBOX_ONLY = /^AWS_(ENDPOINT_URL_|ACCESS_KEY_ID$|SECRET_ACCESS_KEY$|SESSION_TOKEN$)/;

/**
 * A function's whole environment, as Lambda gives it: the template's variables (where one names a
 * resource, the twin's value for it), the twin's runtime variables, credentials naming its role, and
 * the test's overrides of variables it has.
 */
export function environmentOf(
  fn: FunctionSpec,
  values: Record<string, string>,
  runtime: Record<string, string>,
  overrides: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environment)) {
    if (typeof value === 'string') env[key] = value;
    // A resource the twin does not run (the SES configuration set) leaves its variable unset.
    else if (values[key] !== undefined) env[key] = values[key];
  }
  Object.assign(env, runtime);
  for (const [key, value] of Object.entries(overrides)) if ((key in env || RUNTIME_VARIABLE.test(key)) && !SANDBOX_ONLY.test(key)) env[key] = value;
  return env;
}

/** An access key id per function: the twin knows a function, and so its role, by the key its requests are signed with. */
export const functionAccessKeyId = (functionLogicalId: string) =>
  `AKIATWIN${createHash('sha256').update(functionLogicalId).digest('hex').slice(0, 12).toUpperCase()}`;

/** The endpoint variable the AWS SDK (and functions/adapters/signed-request.ts) reads for each service the functions call. */
const ENDPOINT_VARIABLES: Record<Service, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sesv2: 'AWS_ENDPOINT_URL_SESV2',
  sns: 'AWS_ENDPOINT_URL_SNS',
  sfn: 'AWS_ENDPOINT_URL_SFN',
  s3: 'AWS_ENDPOINT_URL_S3',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
};

/**
 * The workflow with its real handlers over the given emulators, each function as Lambda runs it (its
 * bundle in a sandbox of its own with the template's variables, timeout and memory, signing with a
 * credential that names its role): the same definition file with the same substitutions the stack fills.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { tables, responseTeamTopicArn, publicChannelsTopicArn } = options.provisioned ?? (await provision(options));
  const spec = specFromStack(options.config, options.transformStack);
  const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${options.namePrefix}-incident-response`;
  const incidentPagesDir = options.incidentPagesDir ?? mkdtempSync(join(tmpdir(), 'breach-notice-pages-'));
  const incidentPagesBucketName = `${options.namePrefix}-incident-pages`;
  const questionFormSecretId = `${options.namePrefix}-question-form-key`;
  const functions = Object.values(spec.functions);
  const inProcess = new Set(options.inProcess ?? []);
  for (const name of inProcess)
    if (!functions.some((fn) => fn.handler === name)) throw new Error(`inProcess names ${name}, which no function of the stack runs`);
  // IAM: each sandbox signs with a key naming its function, and every call it makes passes a gate that
  // evaluates its role's policies from the template (and the resource's own) before the service sees it.
  const functionNames = Object.fromEntries(functions.map((fn) => [fn.logicalId, `breach-notice-${fn.handler}`]));
  const [configurationSetSpec, ...moreSets] = spec.configurationSets;
  if (moreSets.length > 0) throw new Error(`The stack has ${spec.configurationSets.length} SES configuration sets: the twin runs one`);
  // CloudFormation names an unnamed set after it with a random suffix; the suffix also keeps apart systems sharing one emulator.
  const configurationSet = configurationSetSpec && `${options.namePrefix}-${configurationSetSpec.name}-${randomUUID().slice(0, 8)}`;
  const iam = twinIam(
    spec,
    {
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      tables,
      topics: { ResponseTeamTopic: responseTeamTopicArn, PublicChannelsTopic: publicChannelsTopicArn },
      stateMachineArn,
      buckets: { Pages: incidentPagesBucketName },
      secrets: { QuestionFormKey: questionFormSecretId },
      functions: functionNames,
      configurationSets: configurationSetSpec && configurationSet ? { [configurationSetSpec.name]: configurationSet } : {},
    },
    functions.filter((fn) => !inProcess.has(fn.handler)).map((fn) => ({ fn, accessKeyId: functionAccessKeyId(fn.logicalId) })),
  );

  // AWS deploys a stack whose services cannot reach their targets and drops each such call; the twin refuses to start it.
  const refused = await iam.refusedServiceCalls();
  if (refused.length > 0)
    throw new RefusedServiceCallError(`The stack's own policies refuse ${refused.length} service calls:\n${refused.map((d) => `- ${d.message}`).join('\n')}`);
  const unread = await iam.refusedQueueReads();
  if (unread.length > 0) throw new RefusedServiceCallError(`Lambda would refuse to read the stack's queues:\n${unread.map((m) => `- ${m}`).join('\n')}`);
  const undeliverable = await iam.refusedFailureDestinations();
  if (undeliverable.length > 0)
    throw new RefusedServiceCallError(`Lambda could not keep the stack's failed events:\n${undeliverable.map((m) => `- ${m}`).join('\n')}`);
  // The queues, dead-letter queues first, so a queue can name where its messages move.
  const queues = new Map<string, LocalQueue>();
  const queueOf = (logicalId: string): LocalQueue => {
    const known = queues.get(logicalId);
    if (known) return known;
    const queueSpec = spec.queues[logicalId]!;
    const redrive = queueSpec.redrive && { deadLetterQueue: queueOf(queueSpec.redrive.deadLetterQueue), maxReceiveCount: queueSpec.redrive.maxReceiveCount };
    const queue = new LocalQueue(iam.resolver.getAtt(logicalId, 'Arn'), queueSpec, redrive);
    queues.set(logicalId, queue);
    return queue;
  };
  for (const logicalId of Object.keys(spec.queues)) queueOf(logicalId);

  let workflow: LocalWorkflow | undefined;
  const sfnServer: Server = keepIdleConnections(
    createServer((req, res) => {
      if (!workflow) return void res.writeHead(503).end();
      void sfnRequestHandler(workflow)(req, res);
    }),
  );
  await new Promise<void>((resolve) => sfnServer.listen(options.sfnPort ?? 0, '127.0.0.1', resolve));
  const sfnUrl = `http://127.0.0.1:${(sfnServer.address() as AddressInfo).port}`;
  let bus: LocalEventBus | undefined;
  const events = eventsRequestHandler(() => bus);
  const eventsServer: Server = keepIdleConnections(createServer((req, res) => void events(req, res)));
  await new Promise<void>((resolve) => eventsServer.listen(0, '127.0.0.1', resolve));
  const eventsUrl = `http://127.0.0.1:${(eventsServer.address() as AddressInfo).port}`;
  let logs: LocalLogs | undefined;
  const logsHandler = logsRequestHandler(() => logs);
  const logsServer: Server = keepIdleConnections(createServer((req, res) => void logsHandler(req, res)));
  await new Promise<void>((resolve) => logsServer.listen(0, '127.0.0.1', resolve));
  const logsUrl = `http://127.0.0.1:${(logsServer.address() as AddressInfo).port}`;
  const incidentPageBucket = await startIncidentPageBucket(incidentPagesDir, incidentPagesBucketName);
  const secrets = await startSecretStore(questionFormSecretId);
  // The configuration set and its destinations, as CloudFormation creates them, publishing to this system's bus.
  const sesEvents =
    configurationSetSpec && configurationSet
      ? await registerConfigurationSet(options.endpoints.ses, configurationSet, {
          eventBridgeEndpoint: eventsUrl,
          eventDestinations: configurationSetSpec.eventBridgeDestinations.map((d) => ({
            name: d.logicalId,
            enabled: d.enabled,
            matchingEventTypes: d.matchingEventTypes,
            eventBusArn: String(iam.resolver.resolve(d.eventBusArn)),
          })),
          // ses:caller-identity names the role a function's key signs for.
          callerIdentities: Object.fromEntries(functions.map((fn) => [functionAccessKeyId(fn.logicalId), iam.resolver.ref(fn.role)])),
        }).catch(async (error: unknown) => {
          await Promise.all([
            closeServer(sfnServer),
            closeServer(eventsServer),
            closeServer(logsServer),
            closeServer(incidentPageBucket.server),
            closeServer(secrets.server),
          ]);
          throw error;
        })
      : undefined;
  // The deploy step (docs/deploying.md): the account's SMS settings name the stack's delivery status role, and SNS writes to this system's logs.
  const smsStatus = await smsDeliveryStatus(spec, iam.resolver, options, logsUrl).catch(async (error: unknown) => {
    await Promise.all([
      closeServer(sfnServer),
      closeServer(eventsServer),
      closeServer(logsServer),
      closeServer(incidentPageBucket.server),
      closeServer(secrets.server),
      sesEvents?.unregister(),
    ]);
    throw error;
  });

  const overrides = options.envOverrides ?? {};
  // What the services behind the functions' gates are: the emulators and the twin's own endpoints (a test may redirect one).
  const upstreams: Record<Service, string> = {
    dynamodb: options.endpoints.dynamodb,
    sesv2: options.endpoints.ses,
    sns: options.endpoints.sns,
    sfn: sfnUrl,
    s3: incidentPageBucket.url,
    secretsmanager: secrets.url,
  };
  for (const [service, variable] of Object.entries(ENDPOINT_VARIABLES) as [Service, string][])
    if (overrides[variable]) upstreams[service] = overrides[variable];
  const runtime: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    // The twin runs on Node 20; the deployed functions on the newest runtime.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  };
  const values = handlersEnvironment(options.config, {
    incidentsTable: tables.incidents,
    customersTable: tables.customers,
    deliveriesTable: tables.deliveries,
    idempotencyTable: tables.idempotency,
    responseTeamTopicArn,
    stateMachineArn,
    approvalBaseUrl: options.approvalBaseUrl,
    publicChannelsTopicArn,
    incidentPagesBucket: incidentPagesBucketName,
    questionFormSecretId,
    // The edge serves the folder there (local/emulators/incident-page-bucket.ts), as CloudFront serves the bucket.
    incidentPagesUrl: `${options.approvalBaseUrl.replace(/\/+$/, '')}/pages`,
    configurationSet,
  });
  const env: Record<string, string> = {
    ...runtime,
    ...Object.fromEntries((Object.entries(ENDPOINT_VARIABLES) as [Service, string][]).map(([service, variable]) => [variable, upstreams[service]])),
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    POWERTOOLS_SERVICE_NAME: 'breach-notice',
    POWERTOOLS_METRICS_NAMESPACE: 'BreachNotice',
    ...values,
    ...overrides,
  };

  const meter = options.meterRequests ? new RequestMeter() : undefined;
  // Functions run in this process share it: they get the variables of all of them, as before sandboxes.
  if (inProcess.size > 0) Object.assign(process.env, env);
  const gates = Object.fromEntries(
    await Promise.all(
      (Object.keys(upstreams) as Service[]).map(async (service) => [
        service,
        await startIamGate({
          service,
          upstream: upstreams[service],
          names: iam.names,
          principals: iam.principals,
          adminAccessKeyId: LOCAL_CREDENTIALS.accessKeyId,
          resourcePolicies: iam.resourcePolicies,
          refusals: iam.refusals,
          meter,
        }),
      ]),
    ),
  ) as Record<Service, Awaited<ReturnType<typeof startIamGate>>>;
  const gateEndpoints = Object.fromEntries(
    (Object.entries(ENDPOINT_VARIABLES) as [Service, string][]).map(([service, variable]) => [variable, gates[service].url]),
  );
  const closeGates = () => Promise.all(Object.values(gates).map((gate) => gate.close()));

  // Every function's, whichever run here: one build serves every start of this stack.
  const bundles = await lambdaBundles(functions.map((fn) => fn.handler));
  const releaseBundles = holdBundles(bundles);
  const lambdas: LocalLambda[] = [];
  // The twin's CloudWatch: kept as long as the longest alarm looks back (its periods scaled).
  const alarmSpecs = readAlarms(spec.resources, iam.resolver).alarms;
  const alarmScale = options.alarms?.timeScale ?? 1;
  const cloudWatch = new TwinMetrics(
    Math.max(
      0,
      ...alarmSpecs.map((a) => (a.periodSeconds * 1000 * a.evaluationPeriods) / alarmScale + 2 * a.evaluationPeriods * (options.alarms?.intervalMs ?? 0)),
    ),
  );
  const metrics = new MetricStore(
    options.alarms ? (namespace, name, dimensions, value, at) => cloudWatch.put(namespace, name, dimensions, value, at) : undefined,
  );
  const byHandler = new Map<string, LambdaHandler>();
  // EventBridge invokes asynchronously: past a function's reserved concurrency its events wait, as in Lambda's queue.
  const asyncByHandler = new Map<string, LambdaHandler>();
  for (const fn of functions) {
    if (byHandler.has(fn.handler)) throw new Error(`Two functions of the stack run ${fn.handler}: the twin names functions by their handler module`);
    if (inProcess.has(fn.handler)) {
      byHandler.set(fn.handler, await importHandler(fn.handler));
      continue;
    }
    const lambda = new LocalLambda({
      functionName: `breach-notice-${fn.handler}`,
      functionArn: localFunctionArn(fn.handler),
      bundle: bundles.handlers[fn.handler]!,
      sandbox: bundles.sandbox,
      environment: environmentOf(
        fn,
        values,
        {
          ...runtime,
          ...gateEndpoints,
          AWS_ACCESS_KEY_ID: functionAccessKeyId(fn.logicalId),
          AWS_SECRET_ACCESS_KEY: 'twin',
          AWS_LAMBDA_FUNCTION_NAME: functionNames[fn.logicalId]!,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMB),
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
          // In a sandbox the metrics are read (onLogLine below); in this process they would only be printed.
          POWERTOOLS_METRICS_DISABLED: 'false',
        },
        overrides,
      ),
      timeoutSeconds: fn.timeoutSeconds,
      memoryMB: fn.memoryMB,
      ...(fn.reservedConcurrency !== undefined ? { reservedConcurrency: fn.reservedConcurrency } : {}),
      asyncInvoke: {
        retryAttempts: fn.asyncInvoke.retryAttempts,
        maxEventAgeSeconds: fn.asyncInvoke.maxEventAgeSeconds,
        timeScale: options.asyncInvokeTimeScale ?? 1,
        // The role's sqs:SendMessage on the queue was checked at start (refusedFailureDestinations).
        ...(fn.asyncInvoke.onFailure && {
          onFailure: (record: InvocationRecord) => queues.get(fn.asyncInvoke.onFailure!)!.send(JSON.stringify(record), functionNames[fn.logicalId]!),
        }),
      },
      // The metrics CloudWatch would read from the function's log (EMF) feed the console's dashboard; the rest is printed.
      onLogLine: (line) => {
        if (!metrics.ingest(line)) process.stdout.write(`${line}\n`);
      },
      // Lambda's own metrics of each invocation (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
      ...(options.alarms
        ? {
            onInvoked: (outcome: 'succeeded' | 'failed' | 'throttled') => {
              const dimensions = { FunctionName: functionNames[fn.logicalId]! };
              if (outcome === 'throttled') return cloudWatch.put('AWS/Lambda', 'Throttles', dimensions, 1);
              cloudWatch.put('AWS/Lambda', 'Errors', dimensions, outcome === 'failed' ? 1 : 0);
            },
          }
        : {}),
    });
    lambdas.push(lambda);
    byHandler.set(fn.handler, lambda.handler);
    asyncByHandler.set(fn.handler, lambda.asyncHandler);
  }
  const stopLambdas = () => Promise.all(lambdas.map((l) => l.stop()));
  // Cold starts as many at once as the machine has cores (more only contend); a function that fails to load fails the start, naming it.
  try {
    const queue = [...lambdas];
    await Promise.all(
      Array.from({ length: availableParallelism() }, async () => {
        for (let l = queue.shift(); l; l = queue.shift()) {
          await l.warm().catch((error: Error) => {
            throw new Error(`${l!.config.functionName} failed to start: ${error.name}: ${error.message}`, { cause: error });
          });
        }
      }),
    );
  } catch (error) {
    releaseBundles();
    await stopLambdas();
    await Promise.all([
      closeServer(sfnServer),
      closeServer(eventsServer),
      closeServer(logsServer),
      closeServer(incidentPageBucket.server),
      closeServer(secrets.server),
      closeGates(),
      sesEvents?.unregister(),
      smsStatus?.unregister(),
    ]);
    throw error;
  }
  const lambda = (handler: string): LambdaHandler => {
    const found = byHandler.get(handler);
    if (!found) throw new Error(`No function of the stack runs ${handler}`);
    return found;
  };
  const stopServing = serveHandlersFrom(lambda);
  // Services publish as themselves: their calls were checked against the targets' policies at start (refusedServiceCalls).
  const sns = new SNSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: options.endpoints.sns });
  bus = new LocalEventBus(
    spec.rules
      .filter((rule) => rule.enabled)
      .map((rule) =>
        busRule(rule, iam.resolver, {
          functionOf: (logicalId) => {
            const handler = spec.functions[logicalId]!.handler;
            return { name: functionNames[logicalId]!, handler: asyncByHandler.get(handler) ?? lambda(handler) };
          },
          queueOf: (logicalId) => queues.get(logicalId)!,
          sns,
        }),
      ),
    LOCAL_REGION,
    LOCAL_ACCOUNT,
  );
  logs = new LocalLogs(
    spec.logSubscriptions.map((sub) => {
      const fn = spec.functions[sub.functionLogicalId]!;
      return {
        name: sub.logicalId,
        logGroupName: iam.resolver.ref(sub.logGroup),
        target: `function ${functionNames[sub.functionLogicalId]!}`,
        deliver: (event) => (asyncByHandler.get(fn.handler) ?? lambda(fn.handler))(event, lambdaContext(functionNames[sub.functionLogicalId]!)),
      };
    }),
    LOCAL_ACCOUNT,
  );

  // Lambda's pollers on the queues functions read, each invoking its function synchronously with batches.
  const queuePollers = new Map(
    spec.queueMappings
      .filter((mapping) => mapping.enabled)
      .map((mapping) => {
        const fn = spec.functions[mapping.functionLogicalId]!;
        const invoke = lambda(fn.handler);
        const context = lambdaContext(functionNames[fn.logicalId]!);
        return [
          mapping.logicalId,
          new QueuePoller(queues.get(mapping.queue)!, mapping, (event) => invoke(event, context), LOCAL_REGION, fn.reservedConcurrency),
        ] as const;
      }),
  );
  for (const poller of queuePollers.values()) poller.start();

  // The keys the deployed state machine fills, each bound to the function the template names.
  const handlers = new Map<string, LambdaHandler>();
  const substitutions: Record<string, string> = {};
  for (const [key, logicalId] of Object.entries(spec.substitutions)) {
    const { handler } = spec.functions[logicalId]!;
    handlers.set(localFunctionArn(handler), iam.invokedByStateMachine(lambda(handler), localFunctionArn(handler)));
    substitutions[key] = localFunctionArn(handler);
  }
  workflow = new LocalWorkflow({
    definition: substitute(readDefinition(), substitutions),
    stateMachineArn,
    handlers,
    waitTimeOverrides: options.waitTimeOverrides,
    retryIntervalOverrides: options.retryIntervalOverrides,
    // Step Functions waits for a function's own timeout, which its sandbox enforces: the engine's bound for Tasks without one comes after every function's.
    lambdaTimeoutMs: (Math.max(...functions.map((fn) => fn.timeoutSeconds)) + 60) * 1000,
  });
  const scheduled = () => ({
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString(),
    region: LOCAL_REGION,
    resources: [],
    detail: {},
  });
  const sweep = () => lambda('return-decisions')(scheduled(), lambdaContext('breach-notice-return-decisions'));
  // Like the schedule: runs never overlap, and a failed run is retried by the next one.
  let sweeping = false;
  const sweepTimer =
    (options.sweepIntervalMs ?? 60_000) > 0
      ? setInterval(() => {
          if (sweeping) return;
          sweeping = true;
          void sweep()
            .catch(() => undefined)
            .finally(() => (sweeping = false));
        }, options.sweepIntervalMs ?? 60_000)
      : undefined;
  sweepTimer?.unref();
  const sweepRegulatorClocks = () => lambda('regulator-clocks')(scheduled(), lambdaContext('breach-notice-regulator-clocks'));
  let sweepingClocks = false;
  const clockTimer =
    (options.regulatorClockIntervalMs ?? 300_000) > 0
      ? setInterval(() => {
          if (sweepingClocks) return;
          sweepingClocks = true;
          void sweepRegulatorClocks()
            .catch(() => undefined)
            .finally(() => (sweepingClocks = false));
        }, options.regulatorClockIntervalMs ?? 300_000)
      : undefined;
  clockTimer?.unref();
  const running = workflow;
  const alarms = options.alarms && twinAlarmEvaluator(alarmSpecs, cloudWatch, options.alarms, running, bus, sns, queues, iam.resolver);
  const stopAlarms = alarms?.start();
  return {
    workflow: running,
    sfnUrl,
    env,
    tables,
    events: bus,
    queues,
    queuePollers,
    eventsUrl,
    configurationSet,
    responseTeamTopicArn,
    publicChannelsTopicArn,
    intake: lambda('intake'),
    approvalPage: lambda('approval-page'),
    operatorApi: lambda('operator-api'),
    publishIncidentPage: lambda('publish-incident-page'),
    questionForm: lambda('question-form'),
    incidentPagesDir,
    sweep,
    startRegulatorClocks: lambda('start-regulator-clocks'),
    sweepRegulatorClocks,
    lambda,
    functionNamed: (name) => {
      const handler = name.startsWith('breach-notice-') ? name.slice('breach-notice-'.length) : undefined;
      const sync = handler ? byHandler.get(handler) : undefined;
      if (!handler || !sync) return undefined;
      return { name, sync, async: asyncByHandler.get(handler) ?? sync };
    },
    usage: () => {
      const definition = JSON.parse(running.definitionText) as {
        States: Record<string, { Type: string; ItemProcessor?: { ProcessorConfig?: { Mode?: string } } }>;
      };
      const distributedMaps = new Set(
        Object.entries(definition.States)
          .filter(([, s]) => s.Type === 'Map' && s.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED')
          .map(([name]) => name),
      );
      const empty = new RequestMeter();
      return {
        lambda: Object.fromEntries(
          lambdas.map((l) => [
            l.config.functionName,
            { ...l.usage, ...(SCHEDULED.has(l.config.functionName.slice('breach-notice-'.length)) ? { scheduled: true } : {}) },
          ]),
        ),
        stepFunctions: stepFunctionsUsage(running.executions.values(), distributedMaps),
        dynamodb: (meter ?? empty).dynamodb,
        kms: (meter ?? empty).kms,
        s3: (meter ?? empty).s3,
        secretsManager: (meter ?? empty).secretsManager,
        events: { ...bus!.received },
        sqs: Object.fromEntries([...queues].map(([logicalId, queue]) => [logicalId, { ...queue.requests }])),
      };
    },
    metrics,
    ...(alarms ? { alarms } : {}),
    iam: {
      endpoints: Object.fromEntries(Object.entries(gates).map(([service, gate]) => [service, gate.url])) as Record<Service, string>,
      accessKeyIdOf: (handler) => {
        const fn = functions.find((f) => f.handler === handler);
        if (!fn) throw new Error(`No function of the stack runs ${handler}`);
        return functionAccessKeyId(fn.logicalId);
      },
      refusals: iam.refusals,
    },
    stop: async () => {
      await Promise.all([...queuePollers.values()].map((poller) => poller.stop()));
      for (const queue of queues.values()) queue.stop();
      clearInterval(sweepTimer);
      clearInterval(clockTimer);
      stopAlarms?.();
      running.stopAll();
      stopServing();
      releaseBundles();
      await stopLambdas();
      await closeGates();
      await closeServer(sfnServer);
      await closeServer(eventsServer);
      await closeServer(logsServer);
      await sesEvents?.unregister();
      await smsStatus?.unregister();
      sns.destroy();
      await closeServer(incidentPageBucket.server);
      await closeServer(secrets.server);
    },
  };
}

/** Step Functions' execution metrics (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html). */
const EXECUTION_METRICS: Partial<Record<string, string>> = { FAILED: 'ExecutionsFailed', TIMED_OUT: 'ExecutionsTimedOut' };

/**
 * The stack's alarms over the twin's CloudWatch, which also holds what the twin's services know as AWS
 * publishes it: each ended execution's ExecutionsFailed or ExecutionsTimedOut, and SES's account
 * reputation as bounces and complaints over emails sent since the twin started (SES computes it over a
 * representative volume of recent sending: https://docs.aws.amazon.com/ses/latest/dg/reputationdashboardmessages.html).
 * A notification is published as CloudWatch itself: the topic policy admitting it was checked at start (refusedServiceCalls).
 */
function twinAlarmEvaluator(
  alarmSpecs: ReturnType<typeof readAlarms>['alarms'],
  cloudWatch: TwinMetrics,
  settings: { timeScale: number; intervalMs: number },
  workflow: LocalWorkflow,
  bus: LocalEventBus,
  sns: SNSClient,
  queues: ReadonlyMap<string, LocalQueue>,
  resolver: StackResolver,
): AlarmEvaluator {
  const ses = { sent: 0, bounced: 0, complained: 0 };
  bus.observers.push((event) => {
    if (event.source !== 'aws.ses') return;
    if (event['detail-type'] === 'Email Sent') ses.sent += 1;
    else if (event['detail-type'] === 'Email Bounced') ses.bounced += 1;
    else if (event['detail-type'] === 'Email Complaint Received') ses.complained += 1;
  });
  const counted = new Set<string>();
  return new AlarmEvaluator(alarmSpecs, cloudWatch, {
    ...settings,
    secondsMetrics: new Set(Object.values(METRICS).flatMap((m) => (m.unit === 'Seconds' ? [`${METRICS_NAMESPACE}|${m.name}`] : []))),
    sample: (now) => {
      for (const [arn, execution] of workflow.executions) {
        const metric = EXECUTION_METRICS[execution.status];
        if (!metric || counted.has(arn)) continue;
        counted.add(arn);
        // Counted when seen (at most an evaluation after it ended), so a busy twin cannot drop it from a scaled period.
        cloudWatch.put('AWS/States', metric, { StateMachineArn: workflow.stateMachineArn }, 1, now);
      }
      // SQS's queue depth, as it reports it each minute (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
      for (const [logicalId, queue] of queues) {
        const dimensions = { QueueName: resolver.getAtt(logicalId, 'QueueName') };
        cloudWatch.put('AWS/SQS', 'ApproximateNumberOfMessagesVisible', dimensions, queue.depth.visible, now);
        // Scaled like the evidence window the alarm's threshold is drawn from (EVIDENCE_WINDOW_SECONDS runs `timeScale` times faster here).
        cloudWatch.put('AWS/SQS', 'ApproximateAgeOfOldestMessage', dimensions, (queue.oldestAgeMs(now) / 1000) * settings.timeScale, now);
      }
      if (ses.sent === 0) return;
      cloudWatch.put('AWS/SES', 'Reputation.BounceRate', {}, ses.bounced / ses.sent, now);
      cloudWatch.put('AWS/SES', 'Reputation.ComplaintRate', {}, ses.complained / ses.sent, now);
    },
    publish: (topicArn, subject, message) => sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message })),
    region: LOCAL_REGION,
    regionName: 'US East (N. Virginia)',
    account: LOCAL_ACCOUNT,
  });
}

/**
 * A rule of the template as the bus routes it: each target is the function, topic or queue the template names,
 * given the whole event or its InputTransformer's output, as EventBridge gives it.
 */
export function busRule(
  rule: EventRuleSpec,
  resolver: StackResolver,
  ports: { functionOf: (logicalId: string) => { name: string; handler: LambdaHandler }; queueOf: (logicalId: string) => LocalQueue; sns: SNSClient },
): BusRule {
  return {
    name: rule.name,
    // A pattern may name the stack's own resources (the state machine of RunEndedBadly).
    pattern: resolver.resolve(rule.pattern) as EventRuleSpec['pattern'],
    targets: rule.targets.map((target): BusTarget => {
      const transformer = target.inputTransformer && {
        InputPathsMap: target.inputTransformer.InputPathsMap,
        InputTemplate: String(resolver.resolve(target.inputTransformer.InputTemplate)),
      };
      if (target.kind === 'function') {
        const fn = ports.functionOf(target.logicalId);
        return {
          name: `function ${fn.name}`,
          deliver: (event) => fn.handler(transformer ? JSON.parse(transformedInput(event, transformer)) : event, lambdaContext(fn.name)),
        };
      }
      if (target.kind === 'queue') {
        const queue = ports.queueOf(target.logicalId);
        return {
          name: `queue ${queue.arn}`,
          // SenderId: AWS gives the sending principal's id; the twin names the service.
          deliver: async (event) => queue.send(transformer ? transformedInput(event, transformer) : JSON.stringify(event), 'events.amazonaws.com'),
        };
      }
      const topicArn = resolver.ref(target.logicalId);
      return {
        name: `topic ${topicArn}`,
        deliver: (event) =>
          ports.sns.send(new PublishCommand({ TopicArn: topicArn, Message: transformer ? transformedInput(event, transformer) : JSON.stringify(event) })),
      };
    }),
  };
}

/**
 * SMS delivery status as the deploy step sets it up: SetSMSAttributes names the stack's role (the one
 * SNS may assume) with every success logged, and the SNS emulator is told where this system's CloudWatch
 * Logs is. The role must let SNS write both groups, as in AWS, or the twin does not start. None without
 * subscriptions; what it returns removes the registration (the account's settings stay, as they would).
 */
async function smsDeliveryStatus(
  spec: StackSpec,
  resolver: StackResolver,
  options: LocalSystemOptions,
  logsUrl: string,
): Promise<{ unregister(): Promise<void> } | undefined> {
  if (spec.logSubscriptions.length === 0) return undefined;
  const [role, ...more] = spec.snsRoles;
  if (!role || more.length > 0)
    throw new Error(`The stack subscribes to SNS's SMS status logs with ${spec.snsRoles.length} roles SNS may assume: the twin needs one`);
  const grants = roleGrants(spec.resources, role, resolver);
  const session = `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${resolver.ref(role)}/sns`;
  for (const sub of spec.logSubscriptions) {
    const stream = `arn:aws:logs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:log-group:${resolver.ref(sub.logGroup)}:log-stream:twin`;
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents'])
      if ((await decide(session, grants, { action, resource: stream }, undefined, LOCAL_ACCOUNT)) !== 'Allowed')
        throw new RefusedServiceCallError(`SNS's delivery status role ${role} may not ${action} on ${stream}: SNS would log no SMS delivery status`);
  }
  const sns = new SNSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: options.endpoints.sns });
  try {
    await sns.send(
      new SetSMSAttributesCommand({ attributes: { DeliveryStatusIAMRole: resolver.getAtt(role, 'Arn'), DeliveryStatusSuccessSamplingRate: '100' } }),
    );
  } finally {
    sns.destroy();
  }
  const url = `${options.endpoints.sns}/_twin/sns/delivery-status-logs/${encodeURIComponent(options.namePrefix)}`;
  const answer = await fetch(url, { method: 'PUT', body: JSON.stringify({ url: logsUrl }) });
  if (!answer.ok) throw new Error(`The SNS emulator at ${options.endpoints.sns} refused the delivery status logs: ${answer.status} ${await answer.text()}`);
  return {
    unregister: async () => {
      await fetch(url, { method: 'DELETE' }).catch(() => undefined);
    },
  };
}

/** Registers a configuration set on the twin's SES emulator (local/emulators/ses-events.ts); what it returns removes it. */
async function registerConfigurationSet(sesUrl: string, name: string, registration: ConfigurationSetRegistration): Promise<{ unregister(): Promise<void> }> {
  const url = `${sesUrl}/_twin/ses/configuration-sets/${encodeURIComponent(name)}`;
  const answer = await fetch(url, { method: 'PUT', body: JSON.stringify(registration) });
  if (!answer.ok) throw new Error(`The SES emulator at ${sesUrl} refused configuration set ${name}: ${answer.status} ${await answer.text()}`);
  return {
    unregister: async () => {
      // The emulator may be stopping too: a set it no longer holds publishes nothing.
      await fetch(url, { method: 'DELETE' }).catch(() => undefined);
    },
  };
}
