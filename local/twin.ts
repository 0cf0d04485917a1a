import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CustomersRepository } from '../functions/adapters/customers-repository.js';
import { alarmPatterns } from '../infra/alarm-patterns.js';
import { appConfigSchema, type AppConfig } from '../infra/config.js';
import { demoDirectory } from './demo-directory.js';
import { closeServer, freePort, LOCAL_CREDENTIALS, startDynamoDbLocal, startSesEmulator } from './emulators.js';
import { createEdge } from './edge.js';
import { escapeHtml } from '../functions/domain/preview.js';
import { SnsRecorder } from './sns-recorder.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalSystem, type LocalSystem } from './system.js';

export interface TwinOptions {
  /** Edge port; 0 picks a free one. @default 4566 */
  port?: number;
  /** How many times faster than real time waits and timeouts run. @default 60 */
  timeScale?: number;
  /** Demo customers to seed. @default 1000 */
  customers?: number;
  config?: AppConfig;
}

export interface Twin {
  edgeUrl: string;
  mailboxUrl: string;
  system: LocalSystem;
  readyMs: number;
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
  const [dynamodb, ses] = await Promise.all([startDynamoDbLocal(await freePort()), startSesEmulator(await freePort())]);
  const sns = new SnsRecorder(LOCAL_REGION, LOCAL_ACCOUNT);
  let system: LocalSystem | undefined;
  let edge: Server | undefined;
  try {
    const holder: { system?: LocalSystem } = {};
    edge = createEdgeLate(holder, sns, ses.url, dynamodb.url, config);
    await new Promise<void>((resolve, reject) => {
      edge!.once('error', reject);
      edge!.listen(options.port ?? 4566, '127.0.0.1', resolve);
    });
    const edgeUrl = `http://127.0.0.1:${(edge.address() as AddressInfo).port}`;
    system = await startLocalSystem({
      endpoints: { dynamodb: dynamodb.url, ses: ses.url, sns: edgeUrl },
      config,
      namePrefix: 'breach-notice',
      approvalBaseUrl: edgeUrl,
      envOverrides: {
        UPDATE_CADENCE_SECONDS: scaled(config.updateCadenceHours * 3600, scale),
        APPROVAL_TIMEOUT_SECONDS: scaled(config.approvalTimeoutMinutes * 60, scale),
        ESCALATION_TIMEOUT_SECONDS: scaled(config.escalationTimeoutMinutes * 60, scale),
        EXECUTION_CONSOLE_URL: `${edgeUrl}/#{executionArn}`,
        AWS_ENDPOINT_URL_SNS: edgeUrl,
      },
    });
    holder.system = system;
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodb.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    await new CustomersRepository(doc, system.tables.customers).putCustomers(demoDirectory(options.customers ?? 1000));
    doc.destroy();
    const running = system;
    const server = edge;
    return {
      edgeUrl,
      mailboxUrl: `${ses.url}/`,
      system: running,
      readyMs: performance.now() - started,
      stop: async () => {
        await running.stop();
        await closeServer(server);
        await Promise.all([ses.stop(), dynamodb.stop()]);
      },
    };
  } catch (error) {
    await system?.stop();
    if (edge?.listening) await closeServer(edge);
    await Promise.all([ses.stop(), dynamodb.stop()]);
    throw error;
  }
}

/** The edge answers 503 until the system behind it is ready. */
function createEdgeLate(holder: { system?: LocalSystem }, sns: SnsRecorder, sesUrl: string, dynamodbUrl: string, config: AppConfig): Server {
  let edge: Server | undefined;
  const rules = alarmPatterns(config);
  return createServer((req, res) => {
    if (!holder.system) {
      // SNS is needed during provisioning (CreateTopic); everything else waits for ready.
      if (req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return void sns.handle(req, res);
      return void res.writeHead(503, { 'retry-after': '1' }).end();
    }
    edge ??= createEdge({
      workflow: holder.system.workflow,
      sns,
      sesUrl,
      dynamodbUrl,
      intake: holder.system.intake,
      approvalPage: holder.system.approvalPage,
      rules,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      extra: async (r, s) => consolePage(holder.system!, sesUrl, r, s),
    });
    edge.emit('request', req, res);
  });
}

/** A first operator page: executions with their status and current state. The full console is not built yet. */
async function consolePage(system: LocalSystem, sesUrl: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' || (req.url !== '/' && req.url !== '/index.html')) return false;
  const rows = [...system.workflow.executions.values()]
    .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
    .map((e) => {
      const current = e.events.filter((ev) => ev.type === 'StateEntered').at(-1)?.stateName ?? '';
      return `<tr><td>${escapeHtml(e.name)}</td><td>${e.status}</td><td>${e.startDate.toISOString()}</td><td>${escapeHtml(current)}</td></tr>`;
    })
    .join('');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }).end(
    `<!doctype html><meta charset="utf-8"><title>breach-notice local twin</title><style>body{font-family:system-ui;margin:2rem}td,th{padding:.3rem .8rem;text-align:left}</style>` +
      `<h1>breach-notice: incidents</h1><p><a href="${sesUrl}/">Mailbox</a> · <a href="/_aws/ses">/_aws/ses</a> · <a href="/_aws/sns/sms-messages">/_aws/sns/sms-messages</a></p>` +
      `<table><tr><th>Incident (execution)</th><th>Status</th><th>Started</th><th>Current state</th></tr>${rows || '<tr><td colspan="4">No incident yet: npm run alarm -- guardduty</td></tr>'}</table>`,
  );
  return true;
}
