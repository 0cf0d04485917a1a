import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { DeliveriesLedger } from '../../functions/adapters/deliveries-ledger.js';
import { EvidenceStore } from '../../functions/adapters/evidence-store.js';
import { SnsMessaging } from '../../functions/adapters/messaging.js';
import { incidentStores } from '../../functions/adapters/stores.js';
import { QuestionStore } from '../../functions/adapters/question-store.js';
import { listQuestions } from '../../functions/steps/answer-question.js';
import { StepFunctionsCallbacks } from '../../functions/adapters/workflow.js';
import { systemClock } from '../../functions/shared/clock.js';
import { editFacts } from '../../functions/steps/edit-facts.js';
import { closeIncidentNow, decideScope, requestRedraft } from '../../functions/steps/team-decisions.js';
import { resumeSending } from '../../functions/steps/resume-sending.js';
import { operatorConsole } from '../console/operator-console.js';
import { alarmPatterns } from '../../infra/alarm-patterns.js';
import { appConfigSchema, type AppConfig } from '../../infra/config.js';
import { demoDirectory } from './demo-directory.js';
import { closeServer, LOCAL_CREDENTIALS, startEmulators, type Emulators } from '../emulators/emulators.js';
import { createEdge } from './edge.js';
import { specFromStack } from './from-stack.js';
import { lambdaBundles } from './lambda-bundles.js';
import { countRequests, type RequestCounts } from './request-counts.js';
import type { Usage } from './usage.js';
import { smsSegments } from '../../functions/domain/sms-segments.js';
import { SnsRecorder } from '../emulators/sns-recorder.js';
import { sentEmails } from '../emulators/ses-store.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, provision, startLocalSystem, type LocalSystem } from './system.js';
import { keepIdleConnections } from './http-util.js';

export interface TwinOptions {
  /** Edge port; 0 picks a free one. @default 4566 */
  port?: number;
  /** How many times faster than real time waits and timeouts run. @default 60 */
  timeScale?: number;
  /** Demo customers to seed. @default 1000 */
  customers?: number;
  config?: AppConfig;
  /** Count what each request costs in AWS, served at /_twin/usage (DynamoDB is then asked for its ConsumedCapacity). @default false */
  meter?: boolean;
  /** Emulators already booting (`npm start` starts them before loading the rest). @default started here */
  emulators?: Promise<Emulators>;
}

export interface Twin {
  edgeUrl: string;
  mailboxUrl: string;
  system: LocalSystem;
  readyMs: number;
  /** Each start-up step and when it finished, as performance.now() (ms since the process started). */
  startup: [step: string, at: number][];
  stop(): Promise<void>;
}

export const DEMO_CONFIG: AppConfig = appConfigSchema.parse({
  senderAddress: 'security-notices@example.com',
  approverEmails: 'approver@example.com',
  backupApproverEmails: 'backup-approver@example.com',
  companyName: 'Example Co.',
  companyContact: 'security-help@example.com',
});

const scaled = (seconds: number, scale: number) => String(Math.max(1, Math.ceil(seconds / scale)));

/**
 * The whole system on this machine: emulators, the workflow with its real handlers, the approval
 * pages and one AWS-speaking edge. Only endpoints and settings differ from AWS.
 */
export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  const started = performance.now();
  const config = options.config ?? DEMO_CONFIG;
  const scale = options.timeScale ?? 60;
  const startup: Twin['startup'] = [];
  const mark = (step: string) => void startup.push([step, performance.now()]);
  const booting = options.emulators ?? startEmulators();
  let handlers: string[];
  try {
    // While the emulators boot: a cache miss synthesizes now, and provisioning finds the spec in memory.
    handlers = Object.values(specFromStack(config).functions).map((fn) => fn.handler);
    mark('stack spec');
  } catch (error) {
    await booting.then(
      ({ dynamodb, ses }) => Promise.all([ses.stop(), dynamodb.stop()]),
      () => undefined,
    );
    throw error;
  }
  // The functions' bundles too (esbuild works in its own process), built only when a file they read changed.
  // A warm-up only: a build that fails here fails again, with its error, when the system starts.
  const bundling = lambdaBundles(handlers).catch(() => undefined);
  const { dynamodb, ses } = await booting;
  mark('emulators');
  await bundling;
  mark('function bundles');
  const requests = countRequests({ dynamodb: dynamodb.url, ses: ses.url });
  const sns = new SnsRecorder(LOCAL_REGION, LOCAL_ACCOUNT);
  let system: LocalSystem | undefined;
  let edge: Server | undefined;
  try {
    const holder: { system?: LocalSystem } = {};
    edge = createEdgeLate(holder, sns, ses.url, dynamodb.url, config, requests.counts);
    await new Promise<void>((resolve, reject) => {
      edge!.once('error', reject);
      edge!.listen(options.port ?? 4566, '127.0.0.1', resolve);
    });
    const edgeUrl = `http://127.0.0.1:${(edge.address() as AddressInfo).port}`;
    const endpoints = { dynamodb: dynamodb.url, ses: ses.url, sns: edgeUrl };
    // Tables first, so the demo customers load while the handlers' modules do.
    const provisioned = await provision({ endpoints, config, namePrefix: 'breach-notice' });
    mark('tables, templates, topics');
    await Promise.all([
      seedDemoCustomers(dynamodb.url, provisioned.tables.customers, options.customers ?? 1000).then(() => mark('demo customers')),
      startLocalSystem({
        endpoints,
        config,
        namePrefix: 'breach-notice',
        provisioned,
        meterRequests: options.meter ?? false,
        approvalBaseUrl: edgeUrl,
        // The sweeper's one-minute schedule, scaled like every other wait.
        sweepIntervalMs: Math.max(1000, Math.ceil(60_000 / scale)),
        // Regulators' clocks run `scale` times faster too (72 h in 72 min at 60), swept (with the promised update times) every minute scaled.
        regulatorClockIntervalMs: Math.max(1000, Math.ceil(60_000 / scale)),
        // CloudWatch evaluates an alarm about once a minute: here every minute scaled, over periods scaled too.
        alarms: { timeScale: scale, intervalMs: Math.max(1000, Math.ceil(60_000 / scale)) },
        // Lambda's retries of a failed asynchronous event (a minute, then two) race the evidence window, scaled with it.
        asyncInvokeTimeScale: scale,
        // Unfinished slices wait 5 min to 1 h before the next round (steps/confirm-sent.ts); here every round waits 5 min scaled.
        waitTimeOverrides: { 'Wait to resume sending notices': Math.ceil(300_000 / scale), 'Wait to resume sending update': Math.ceil(300_000 / scale) },
        envOverrides: {
          UPDATE_CADENCE_SECONDS: scaled(config.updateCadenceHours * 3600, scale),
          ...(config.updateLeadMinutes === undefined ? {} : { UPDATE_LEAD_SECONDS: scaled(config.updateLeadMinutes * 60, scale) }),
          APPROVAL_TIMEOUT_SECONDS: scaled(config.approvalTimeoutMinutes * 60, scale),
          ESCALATION_TIMEOUT_SECONDS: scaled(config.escalationTimeoutMinutes * 60, scale),
          TEAM_REMINDER_SECONDS: scaled(config.teamReminderMinutes * 60, scale),
          EVIDENCE_WINDOW_SECONDS: scaled(config.evidenceWindowMinutes * 60, scale),
          REGULATOR_CLOCK_SCALE: String(scale),
          EXECUTION_CONSOLE_URL: `${edgeUrl}/#{executionArn}`,
          AWS_ENDPOINT_URL_SNS: edgeUrl,
        },
      }).then((started) => {
        system = started;
        mark('handlers');
      }),
    ]);
    const running = system!;
    holder.system = running;
    const server = edge;
    return {
      edgeUrl,
      mailboxUrl: `${ses.url}/`,
      system: running,
      readyMs: performance.now() - started,
      startup,
      stop: async () => {
        await running.stop();
        await closeServer(server);
        requests.stop();
        await Promise.all([ses.stop(), dynamodb.stop()]);
      },
    };
  } catch (error) {
    await system?.stop();
    if (edge?.listening) await closeServer(edge);
    requests.stop();
    await Promise.all([ses.stop(), dynamodb.stop()]);
    throw error;
  }
}

async function seedDemoCustomers(dynamodbUrl: string, table: string, count: number): Promise<void> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodbUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  await new CustomersRepository(doc, table).putCustomers(demoDirectory(count));
  doc.destroy();
}

/** The edge answers 503 until the system behind it is ready. */
function createEdgeLate(
  holder: { system?: LocalSystem },
  sns: SnsRecorder,
  sesUrl: string,
  dynamodbUrl: string,
  config: AppConfig,
  requests: RequestCounts,
): Server {
  let edge: Server | undefined;
  const rules = alarmPatterns(config);
  return keepIdleConnections(
    createServer((req, res) => {
      if (!holder.system) {
        // SNS is needed during provisioning (CreateTopic) and start (the SMS delivery status settings); everything else waits for ready.
        if (req.url?.startsWith('/_twin/sns/')) return void sns.handle(req, res);
        if (req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
          return void sns.handle(req, res);
        return void res.writeHead(503, { 'retry-after': '1' }).end();
      }
      edge ??= createEdge({
        workflow: holder.system.workflow,
        sns,
        sesUrl,
        dynamodbUrl,
        events: holder.system.events,
        incidentPagesDir: holder.system.incidentPagesDir,
        rules,
        region: LOCAL_REGION,
        accountId: LOCAL_ACCOUNT,
        requests,
        usage: () => usageOf(holder.system!, sns),
        extra: consoleFor(holder.system, config, sesUrl, dynamodbUrl),
        queues: () => new Map([...holder.system!.queues.values()].map((q) => [q.arn.split(':').at(-1)!, q])),
        functionNamed: (name) => holder.system!.functionNamed(name),
      });
      edge.emit('request', req, res);
    }),
  );
}

/** The system's usage with SNS's (topic publishes, SMS and their billed parts) and SES's (emails sent) from the twin's own recorders. */
function usageOf(system: LocalSystem, sns: SnsRecorder): Usage {
  const usage = { ...system.usage(), sns: { topicPublishes: 0, sms: 0, smsParts: 0 } };
  for (const m of sns.messages) {
    if (m.phoneNumber) {
      usage.sns.sms += 1;
      usage.sns.smsParts += smsSegments(m.message).segments;
    } else usage.sns.topicPublishes += 1;
  }
  // SES bills each recipient of a message as an email (https://aws.amazon.com/ses/pricing/): counted as sent, dropped from the mailbox or not.
  return { ...usage, ses: { emails: sentEmails().billedRecipients } };
}

/**
 * The operator console over the twin's stores. Facts are saved through the same edit step and
 * adapters the deployed system uses: Step Functions and SNS through their endpoints, as the CLI does.
 */
function consoleFor(system: LocalSystem, config: AppConfig, sesUrl: string, dynamodbUrl: string) {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  // Facts are written through this client: an optional field left out must not fail the write.
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...common, endpoint: dynamodbUrl }), { marshallOptions: { removeUndefinedValues: true } });
  const stores = incidentStores(doc, system.tables.incidents, systemClock);
  const workflow = new StepFunctionsCallbacks(new SFNClient({ ...common, endpoint: system.sfnUrl }));
  const messaging = new SnsMessaging(new SNSClient({ ...common, endpoint: system.env.AWS_ENDPOINT_URL_SNS }));
  const alertTeam = async (event: string, subject: string, message: string) => {
    await messaging.publish(system.responseTeamTopicArn, subject, message, { event });
  };
  const evidence = new EvidenceStore(doc, system.tables.deliveries, systemClock);
  const ledger = new DeliveriesLedger(doc, system.tables.deliveries, systemClock, 1);
  return operatorConsole({
    workflow: system.workflow,
    metrics: system.metrics,
    ...(system.alarms ? { alarms: () => system.alarms!.all() } : {}),
    ...stores,
    ledger,
    locales: config.locales,
    operator: process.env.OPERATOR ?? process.env.USER ?? 'operator',
    editFacts: (input) => editFacts(input, { ...stores, workflow, alertTeam, locales: config.locales }),
    teamActions: {
      listScopeDecisions: (incidentId) => stores.team.listScopeDecisions(incidentId),
      decideScope: (input) => decideScope(input, { ...stores, workflow, alertTeam }),
      close: (input) => closeIncidentNow(input, { ...stores, workflow, alertTeam }),
      redraft: (input) => requestRedraft(input, { ...stores, workflow, alertTeam }),
    },
    reputation: { evidence, resume: (input) => resumeSending(input, { ...stores, evidence, clock: systemClock }) },
    mailboxUrl: `${sesUrl}/`,
    unreachable: { evidence, ledger },
    listQuestions: (incidentId) => listQuestions(incidentId, { questions: new QuestionStore(doc, system.tables.incidents, systemClock) }),
  });
}
