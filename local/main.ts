import { startEmulators } from './emulators/emulators.js';

/** `npm start`: the local twin in the foreground until Ctrl-C or SIGTERM. */
const port = Number(process.env.BREACH_NOTICE_PORT ?? 4566);
const timeScale = Number(process.env.BREACH_NOTICE_TIME_SCALE ?? 60);
const customers = Number(process.env.BREACH_NOTICE_CUSTOMERS ?? 1000);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`BREACH_NOTICE_PORT must be a port number, got ${process.env.BREACH_NOTICE_PORT}`);
if (!(timeScale >= 1)) throw new Error(`BREACH_NOTICE_TIME_SCALE must be >= 1, got ${process.env.BREACH_NOTICE_TIME_SCALE}`);
if (!Number.isInteger(customers) || customers < 0)
  throw new Error(`BREACH_NOTICE_CUSTOMERS must be a whole number, got ${process.env.BREACH_NOTICE_CUSTOMERS}`);
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

// DynamoDB Local's JVM is the slowest to boot: it starts before the rest of the twin is even loaded.
const emulators = startEmulators();
async function load() {
  const { appConfigSchema } = await import('../infra/config.js');
  const { DEMO_CONFIG, startTwin } = await import('./twin/twin.js');
  // The same keys as the CDK context (without the prefix), as JSON: e.g. '{"updateCadenceHours":1}'.
  const config = appConfigSchema.parse({ ...DEMO_CONFIG, ...(JSON.parse(process.env.BREACH_NOTICE_SETTINGS ?? '{}') as object) });
  return { startTwin, config };
}
const { startTwin, config } = await load().catch(async (error: unknown) => {
  await emulators.then(
    ({ dynamodb, ses }) => Promise.all([ses.stop(), dynamodb.stop()]),
    () => undefined,
  );
  throw error;
});
const loaded = performance.now();

// BREACH_NOTICE_METER=1 (npm run bench): /_twin/usage counts what each request would cost in AWS.
const twin = await startTwin({ port, timeScale, config, customers, emulators, meter: process.env.BREACH_NOTICE_METER === '1' });
const seconds = (ms: number) => (ms / 1000).toFixed(1);
console.log(
  `ready in ${seconds(performance.now())} s: edge ${twin.edgeUrl} (AWS endpoint: SFN, EventBridge, SNS, SES v2, DynamoDB) · console ${twin.edgeUrl}/ · mailbox ${twin.mailboxUrl} · approvals ${twin.edgeUrl}/approvals/ · time x${timeScale}`,
);
console.log(`start-up, s since launch: ${[['modules', loaded] as const, ...twin.startup].map(([step, at]) => `${step} ${seconds(at)}`).join(' · ')}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    twin.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
