import { appConfigSchema } from '../infra/config.js';
import { DEMO_CONFIG, startTwin } from './twin.js';

/** `npm start`: the local twin in the foreground until Ctrl-C or SIGTERM. */
const port = Number(process.env.BREACH_NOTICE_PORT ?? 4566);
const timeScale = Number(process.env.BREACH_NOTICE_TIME_SCALE ?? 60);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`BREACH_NOTICE_PORT must be a port number, got ${process.env.BREACH_NOTICE_PORT}`);
if (!(timeScale >= 1)) throw new Error(`BREACH_NOTICE_TIME_SCALE must be >= 1, got ${process.env.BREACH_NOTICE_TIME_SCALE}`);
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// The same keys as the CDK context (without the prefix), as JSON: e.g. '{"updateCadenceHours":1}'.
const config = appConfigSchema.parse({ ...DEMO_CONFIG, ...(JSON.parse(process.env.BREACH_NOTICE_SETTINGS ?? '{}') as object) });

const twin = await startTwin({ port, timeScale, config });
console.log(
  `ready in ${(twin.readyMs / 1000).toFixed(1)} s: edge ${twin.edgeUrl} (AWS endpoint: SFN, EventBridge, SNS, SES v2, DynamoDB) · console ${twin.edgeUrl}/ · mailbox ${twin.mailboxUrl} · approvals ${twin.edgeUrl}/approvals/ · time x${timeScale}`,
);

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
