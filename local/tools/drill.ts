import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { incidentStores } from '../../functions/adapters/stores.js';
import { DEFAULT_DRILL_TARGETS, drillReport, drillReportLines, drillTargetsSchema } from '../../functions/domain/drill-report.js';
import { incidentIdFor, incidentIdSchema } from '../../functions/domain/incident.js';
import { catalogues, supportedLocales, type Locale } from '../../functions/domain/locales.js';
import { finalReportRegulatorLines } from '../../functions/domain/obligations/record.js';
import { systemClock } from '../../functions/shared/clock.js';
import { sha256Hex } from '../../functions/shared/crypto.js';
import { DEMO_RESOURCES } from '../twin/demo-directory.js';
import { manualReport } from './sample-alarms.js';

/**
 * `npm run drill`: reports a drill incident (a manual report with `"drill": true`) on a resource the
 * demo directory maps, and prints its id and what to do next. `npm run drill -- --report ID` prints
 * the drill report: each step's time against the playbook's targets (DRILL_TARGETS, JSON; default
 * the deploy setting's defaults) and the regulators' clocks. Against the twin by default; for AWS,
 * AWS_ENDPOINT_URL= (empty), EVENT_BUS_NAME (default: the default bus), INCIDENTS_TABLE, and the
 * manual source if not breach-notice.manual (MANUAL_ALARM_SOURCE), as `npm run alarm` and `npm run incident`.
 */
const endpoint = process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${process.env.BREACH_NOTICE_PORT ?? 4566}`;
const region = process.env.AWS_REGION ?? 'us-east-1';
const clientOptions = { ...(endpoint !== '' ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}), region };
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions), { marshallOptions: { removeUndefinedValues: true } });
const stores = incidentStores(doc, process.env.INCIDENTS_TABLE ?? 'breach-notice-incidents', systemClock);
const locale: Locale = (supportedLocales as readonly string[]).includes(process.env.REPORT_LOCALE ?? '') ? (process.env.REPORT_LOCALE as Locale) : 'en';

async function startDrill(): Promise<number> {
  const reportId = `drill-${randomUUID()}`;
  const event = manualReport([DEMO_RESOURCES.bucket], reportId) as {
    source: string;
    'detail-type': string;
    detail: Record<string, unknown>;
    resources: string[];
  };
  const occurredAt = new Date().toISOString();
  Object.assign(event.detail, {
    title: 'Drill: customer data bucket exposed',
    description: 'A rehearsal of the response playbook: no incident happened.',
    occurredAt,
    drill: true,
  });
  const client = new EventBridgeClient(clientOptions);
  const out = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: process.env.MANUAL_ALARM_SOURCE ?? event.source,
          DetailType: event['detail-type'],
          Detail: JSON.stringify(event.detail),
          Resources: event.resources,
          ...(process.env.EVENT_BUS_NAME ? { EventBusName: process.env.EVENT_BUS_NAME } : {}),
        },
      ],
    }),
  );
  const entry = out.Entries?.[0];
  if (out.FailedEntryCount || !entry?.EventId) {
    console.error(`The drill report was not accepted: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`);
    return 1;
  }
  // Intake names the incident after the finding, the event and its first sighting (domain/incident.ts).
  const incidentId = incidentIdFor(`manual:${reportId}`, entry.EventId, new Date(Date.parse(occurredAt)).toISOString(), sha256Hex);
  let opened = false;
  for (let i = 0; i < 30 && !opened; i++) {
    opened = await stores.incidents.getIncident(incidentId).then(
      (inc) => inc.drill === true,
      () => false,
    );
    if (!opened) await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(
    [
      `Drill incident ${incidentId} ${opened ? 'opened' : 'reported (not seen in the incidents table yet: check intake)'} on resource ${DEMO_RESOURCES.bucket}.`,
      'Every message is marked as a drill; customer emails go to the SES mailbox simulator, SMS to drillSmsSink or nowhere.',
      'Next:',
      '  1. Approve the first notice: open the approval email in the mailbox (twin: the mailbox URL printed by npm start, or http://127.0.0.1:4566/_aws/ses) and decide with the code.',
      `  2. When it is sent, close the drill: npm run incident -- close ${incidentId} "drill over"`,
      `  3. Read the drill report (also in the final report): npm run drill -- --report ${incidentId}`,
    ].join('\n'),
  );
  return 0;
}

async function printReport(rawId: string | undefined): Promise<number> {
  const parsed = incidentIdSchema.safeParse(rawId);
  if (!parsed.success) {
    console.error('usage: npm run drill -- [--report INCIDENT_ID]');
    return 2;
  }
  const incidentId = parsed.data;
  const targets = process.env.DRILL_TARGETS
    ? { ...DEFAULT_DRILL_TARGETS, ...drillTargetsSchema.parse(JSON.parse(process.env.DRILL_TARGETS)) }
    : DEFAULT_DRILL_TARGETS;
  const incident = await stores.incidents.getIncident(incidentId);
  const timeline = await stores.incidents.listTimeline(incidentId);
  const notices = await stores.notices.listNotices(incidentId);
  const now = systemClock.now();
  const report = drillReport(incident, timeline, notices, targets, now);
  const words = catalogues[locale].finalReport;
  console.log(
    [
      `Incident ${incidentId}${report.drill ? ' (drill)' : ' (NOT a drill)'}: ${incident.title}; alarm first seen ${report.alarmFirstSeenAt}`,
      ...drillReportLines(report, words),
      `${words.regulators}:`,
      ...finalReportRegulatorLines(await stores.obligations.listObligations(incidentId), now, words).map((l) => `- ${l}`),
    ].join('\n'),
  );
  return 0;
}

async function main(args: string[]): Promise<number> {
  const at = args.indexOf('--report');
  if (at >= 0) return printReport(args[at + 1]);
  if (args.length === 0) return startDrill();
  console.error('usage: npm run drill -- [--report INCIDENT_ID]');
  return 2;
}

process.exit(await main(process.argv.slice(2)));
