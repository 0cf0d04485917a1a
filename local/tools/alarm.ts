import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { cloudWatchAlarm, guardDutyFinding, macieFinding, manualReport, securityHubFindings } from './sample-alarms.js';
import { DEMO_RESOURCES } from '../twin/demo-directory.js';

/** `npm run alarm -- guardduty|securityhub|macie|cloudwatch|manual|FILE.json`: PutEvents through the edge. */
const samples: Record<string, () => { source: string; 'detail-type': string; detail: unknown; resources: string[] }> = {
  guardduty: () => guardDutyFinding({ bucket: DEMO_RESOURCES.bucket }),
  securityhub: () => securityHubFindings([DEMO_RESOURCES.database]),
  macie: () => macieFinding(DEMO_RESOURCES.exports),
  cloudwatch: () => cloudWatchAlarm('security-login-failures', DEMO_RESOURCES.authService),
  manual: () => manualReport([DEMO_RESOURCES.bucket]),
};

const arg = process.argv[2];
if (!arg) {
  console.error(`usage: npm run alarm -- ${Object.keys(samples).join('|')}|FILE.json`);
  process.exit(2);
}
const event = samples[arg]?.() ?? (JSON.parse(readFileSync(arg, 'utf8')) as ReturnType<(typeof samples)['guardduty']>);
const endpoint = process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${process.env.BREACH_NOTICE_PORT ?? 4566}`;
const client = new EventBridgeClient({
  endpoint,
  region: process.env.AWS_REGION ?? 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const out = await client.send(
  new PutEventsCommand({
    Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), Resources: event.resources }],
  }),
);
console.log(JSON.stringify(out.Entries));
process.exit(out.FailedEntryCount ? 1 : 0);
