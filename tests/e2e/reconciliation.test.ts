import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentStores } from '../../functions/adapters/stores.js';
import { systemClock } from '../../functions/shared/clock.js';
import { decideByEmail } from '../../local/tools/approval-client.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { until } from '../support/local.js';

// A first notice sent by the twin to 30 demo customers (10 also by SMS), reconciled through the console and the CLI and held against what the providers hold.
const credentials = { accessKeyId: 'e2e', secretAccessKey: 'e2e' };
const CUSTOMERS = 30;
let twin: Twin;
let incidentId: string;
const noticeId = 'first-notice-1';

interface Mail {
  Destination: { ToAddresses: string[] };
  Subject: string;
  Body: { text_part: string | null };
}
const mails = async () => ((await (await fetch(`${twin.edgeUrl}/_aws/ses`)).json()) as { messages: Mail[] }).messages;

beforeAll(async () => {
  twin = await startTwin({ port: 0, customers: CUSTOMERS });
  const events = new EventBridgeClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials });
  const finding = guardDutyFinding({ bucket: 'customer-data' });
  await events.send(
    new PutEventsCommand({
      Entries: [{ Source: finding.source, DetailType: finding['detail-type'], Detail: JSON.stringify(finding.detail), Resources: finding.resources }],
    }),
  );
  incidentId = await until(async () => [...twin.system.workflow.executions.values()][0]?.name, 'the execution');
  const approval = await until(async () => (await mails()).find((m) => m.Subject.startsWith('[Approval needed')), 'the approval email');
  expect((await decideByEmail(twin.edgeUrl, approval.Body.text_part ?? '', 'approve')).status).toBe(200);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials }));
  const { notices } = incidentStores(doc, 'breach-notice-incidents', systemClock);
  await until(async () => (await notices.listNotices(incidentId)).find((n) => n.noticeId === noticeId && n.status === 'SENT'), 'the first notice sent', 90_000);
}, 180_000);

afterAll(async () => {
  await twin?.stop();
});

describe('reconciliation on the twin', () => {
  it('the console, its CSV and the CLI agree with each other and with the mailbox and the SMS recorder', async () => {
    // Act
    const page = await (await fetch(`${twin.edgeUrl}/incidents/${incidentId}`)).text();
    const download = await fetch(`${twin.edgeUrl}/incidents/${incidentId}/notices/${noticeId}/deliveries.csv`);
    const csv = await download.text();
    const file = join(mkdtempSync(join(tmpdir(), 'recon-e2e-')), 'first-notice.csv');
    const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/tools/incident.ts', 'deliveries', incidentId, noticeId, '--csv', file], {
      env: { ...process.env, BREACH_NOTICE_PORT: new URL(twin.edgeUrl).port },
    });
    // Assess
    const figures = (channel: string) => {
      const row = new RegExp(`<td>${noticeId}</td><td>${channel}</td>((?:<td>\\d+</td>){6})`).exec(page);
      return row ? [...row[1]!.matchAll(/\d+/g)].map(Number) : undefined;
    };
    expect(figures('email')).toEqual([CUSTOMERS, CUSTOMERS, 0, 0, 0, 0]);
    expect(figures('sms')).toEqual([10, 10, 0, 0, 0, 0]);
    // The demo customers write in English and Chinese: one chunk per written locale.
    expect(page).toContain(
      `<tr><td>${noticeId}</td><td>email</td><td>${CUSTOMERS}</td><td>${CUSTOMERS}</td><td>0</td><td>0</td><td>0</td><td>0</td><td><a href="/incidents/${incidentId}/notices/${noticeId}/deliveries.csv" download>CSV</a> (2 of 2 chunks planned)`,
    );
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${incidentId}-${noticeId}-deliveries.csv"`);
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe('customer_id,channel,category,status,reason,provider_message_id,attempt,at');
    expect(
      rows
        .slice(1)
        .map((r) => r.split(',').slice(1, 4).join(' '))
        .sort(),
    ).toEqual([...Array(CUSTOMERS).fill('email sent SENT'), ...Array(10).fill('sms sent SENT')].sort());
    expect(csv).not.toMatch(/@|\+44/);
    expect(readFileSync(file, 'utf8')).toBe(csv);
    expect(cli.stdout).toMatch(/^email\s+30\s+30\s+0\s+0\s+0\s+0$/m);
    expect(cli.stdout).toMatch(/^sms\s+10\s+10\s+0\s+0\s+0\s+0$/m);
    // What the providers hold: one email per customer, one SMS per number, as the figures say.
    const customerMails = (await mails()).filter((m) => m.Destination.ToAddresses[0]!.endsWith('@customers.example.com'));
    expect(customerMails).toHaveLength(CUSTOMERS);
    const texts = ((await (await fetch(`${twin.edgeUrl}/_aws/sns/sms-messages`)).json()) as { sms_messages: Record<string, unknown[]> }).sms_messages;
    expect(Object.values(texts).map((list) => list.length)).toEqual(Array(10).fill(1));
  }, 60_000);
});
