import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../functions/adapters/incident-store.js';
import { ObligationStore } from '../../functions/adapters/obligation-store.js';
import { systemClock } from '../../functions/shared/clock.js';
import { appConfigSchema } from '../../infra/config.js';
import { lambdaContext } from '../../local/twin/http-api.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { until } from '../support/local.js';

// Regulators' clocks on a running twin at 3,600 times real time: GDPR's 72 hours last 72 s, Singapore's 3 days 72 s.
const SCALE = 3600;
const credentials = { accessKeyId: 'e2e', secretAccessKey: 'e2e' };
const run = promisify(execFile);
let twin: Twin;
let incidentId: string;
let obligations: ObligationStore;
let incidents: IncidentStore;

/** The CLI as an operator runs it, against the twin's edge. Asynchronous: the twin runs in this process. */
async function cli(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run('npx', ['tsx', 'local/tools/incident.ts', ...args], {
      env: { ...process.env, AWS_ENDPOINT_URL: twin.edgeUrl, OPERATOR: 'legal-counsel', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    return { stdout, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: `${e.stdout}${e.stderr}`, code: e.code };
  }
}

async function teamPages(): Promise<string[]> {
  const res = await fetch(`${twin.edgeUrl}/_aws/sns/topic-messages?topicArn=${encodeURIComponent(twin.system.responseTeamTopicArn)}`);
  const body = (await res.json()) as { topic_messages: Record<string, { subject?: string }[]> };
  return (body.topic_messages[twin.system.responseTeamTopicArn] ?? []).map((m) => m.subject ?? '').filter((s) => s.includes(incidentId));
}

beforeAll(async () => {
  const config = appConfigSchema.parse({
    senderAddress: 'security-notices@example.com',
    approverEmails: 'approver@example.com',
    backupApproverEmails: 'backup-approver@example.com',
    companyName: 'Example Co.',
    companyContact: 'security-help@example.com',
    sectors: 'public-company-us',
  });
  twin = await startTwin({ port: 0, customers: 40, timeScale: SCALE, config });
  const events = new EventBridgeClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials });
  const detail = JSON.stringify({ reportId: 'reg-1', title: 'Customer export bucket was public', severity: 'HIGH', resources: ['customer-data'] });
  await events.send(new PutEventsCommand({ Entries: [{ Source: 'breach-notice.manual', DetailType: 'Security Incident Reported', Detail: detail }] }));
  incidentId = await until(async () => [...twin.system.workflow.executions.values()][0]?.name, 'the execution');
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials }));
  incidents = new IncidentStore(doc, 'breach-notice-incidents', systemClock);
  obligations = new ObligationStore(doc, 'breach-notice-incidents', systemClock);
  await until(async () => (await incidents.listTimeline(incidentId)).some((e) => e.action === 'impact-assessed'), 'the impact assessment');
}, 120_000);

afterAll(async () => {
  await twin?.stop();
});

describe("regulators' clocks on the twin", () => {
  it('the step adds the obligations the demo customers trigger; the CLI lists, files and starts the SEC clock; the sweep reminds, pages MISSED and stops for a filing', async () => {
    // Act: the state the workflow runs once the scope is known, called as Step Functions calls it
    const output = await twin.system.startRegulatorClocks({ incidentId }, lambdaContext('breach-notice-start-regulator-clocks'));
    const again = await twin.system.startRegulatorClocks({ incidentId }, lambdaContext('breach-notice-start-regulator-clocks'));
    // Assess: the demo customers live in GB, DE, FR, US, SG and CN
    const ids = (await obligations.listObligations(incidentId)).map((o) => o.obligationId);
    expect(ids).toEqual(expect.arrayContaining(['eu-gdpr-art33', 'cn-pipl-art57', 'sg-pdpa-26d', 'us-sec-8k-1-05', 'us-co-6-1-716']));
    expect(output).toEqual({ obligations: ids.length });
    expect(again).toEqual(output);

    // Act: the operator's list, and the materiality determination
    const listed = await cli('regulators', incidentId);
    const materiality = await cli('materiality', incidentId, '--at', new Date().toISOString());
    // Assess
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/eu-gdpr-art33 .* running/);
    expect(listed.stdout).toMatch(/us-sec-8k-1-05 .* waiting for materiality-determination/);
    expect(listed.stdout).toMatch(/Assistance, not legal advice/);
    expect(materiality.stdout).toMatch(/clock started: us-sec-8k-1-05, deadline/);

    // Act: wait for GDPR's 50% reminder, then file it; Singapore is left to run out
    await until(async () => (await teamPages()).some((s) => s.includes('50% of the time gone: eu-gdpr-art33')), 'the GDPR 50% reminder', 60_000);
    const filed = await cli('regulator-filed', incidentId, 'eu-gdpr-art33', '--ref', 'DPC-2026-118');
    const missed = await until(
      async () => (await teamPages()).find((s) => s.startsWith('[MISSED]') && s.includes('sg-pdpa-26d')),
      'the Singapore MISSED page',
      90_000,
    );
    // Wait past GDPR's deadline too (72 s after the incident opened), plus two sweeps.
    const gdpr = (await obligations.getObligation(incidentId, 'eu-gdpr-art33'))!;
    await until(async () => Date.now() > Date.parse(gdpr.deadline!) + 2500, 'past the GDPR deadline', 60_000);
    // Assess
    expect(filed.stdout).toMatch(/eu-gdpr-art33 of inc-\S+ recorded as filed at .* by legal-counsel: filed .* \(met\)/);
    expect(missed).toBe(`[MISSED] Regulator deadline passed, not filed: sg-pdpa-26d (${incidentId})`);
    expect((await teamPages()).filter((s) => s.includes('eu-gdpr-art33') && s.startsWith('[MISSED]'))).toEqual([]);
    const timeline = await incidents.listTimeline(incidentId);
    expect(timeline.find((e) => e.action === 'regulator-filed')).toMatchObject({
      actor: 'legal-counsel',
      detail: { obligationId: 'eu-gdpr-art33', ref: 'DPC-2026-118' },
    });
    expect(timeline.find((e) => e.action === 'materiality-determined')?.actor).toBe('legal-counsel');

    // Act: the console's incident page
    const page = await (await fetch(`${twin.edgeUrl}/incidents/${incidentId}`)).text();
    // Assess
    expect(page).toContain("<h2>Regulators' clocks</h2>");
    expect(page).toMatch(/sg-pdpa-26d<\/td>.*MISSED: not filed/);
    expect(page).toMatch(/eu-gdpr-art33<\/td>.*filed .* \(met\), ref DPC-2026-118/);
  }, 240_000);

  it("the console's front page shows the gauges the sweep printed as EMF from its sandbox (the metric catalogue's names)", async () => {
    // Act: one more sweep, after the obligations above: its EMF lines reach the twin's metric store
    await twin.system.sweepRegulatorClocks();
    const running = [...twin.system.workflow.executions.values()].filter((e) => e.status === 'RUNNING').length;
    // The lines cross from the sandbox's thread a moment after its answer.
    await until(async () => twin.system.metrics.latest('regulatorDeadlinesMissed'), "the sweep's metrics");
    const front = await (await fetch(`${twin.edgeUrl}/`)).text();
    // Assess
    expect(twin.system.metrics.latest('incidentsOpen')?.value).toBe(running);
    expect(front).toContain(`<tr><td>Incidents open: their workflow runs</td><td>${running}</td>`);
    expect(front).toMatch(/Regulators&#39; deadlines passed, not filed<\/td><td>[1-9]/);
  }, 60_000);
});
