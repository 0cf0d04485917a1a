import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { FactsStore } from '../../functions/adapters/facts-store.js';
import { IncidentStore } from '../../functions/adapters/incident-store.js';
import { keys } from '../../functions/adapters/keys.js';
import { SnsMessaging } from '../../functions/adapters/messaging.js';
import { ObligationStore } from '../../functions/adapters/obligation-store.js';
import type { ImpactSummary, Incident, SeverityLevel } from '../../functions/domain/incident.js';
import { ObligationStateError, ReportVersionConflictError } from '../../functions/domain/obligations/errors.js';
import type { Sector } from '../../functions/domain/obligations/table.js';
import type { Clock } from '../../functions/shared/clock.js';
import {
  approveReport,
  markNotApplicable,
  readReport,
  recordFiling,
  recordMateriality,
  recordMoment,
  saveReportEdit,
} from '../../functions/steps/regulator-actions.js';
import { sweepRegulatorClocks } from '../../functions/steps/regulator-clocks.js';
import { startRegulatorClocks } from '../../functions/steps/start-regulator-clocks.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { endpoints, testConfig, topicMessages, uniquePrefix } from '../support/local.js';

const prefix = uniquePrefix('clk');
const common = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
const HOUR = 3600;
let doc: DynamoDBDocumentClient;
let table: string;
let topicArn: string;
let counter = 0;

class FakeClock implements Clock {
  constructor(public current = new Date('2026-11-20T08:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(seconds: number) {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

beforeAll(async () => {
  const provisioned = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  table = provisioned.tables.incidents;
  topicArn = provisioned.responseTeamTopicArn;
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...common, endpoint: endpoints().dynamodb }), { marshallOptions: { removeUndefinedValues: true } });
});

function impact(countries: Record<string, number>, categories: string[]): ImpactSummary {
  const total = Object.values(countries).reduce((n, c) => n + c, 0);
  return {
    affectedCustomers: total,
    byJurisdiction: countries,
    byDataCategory: Object.fromEntries(categories.map((c) => [c, total])),
    byLocale: { en: total },
    byChannel: { email: total },
  };
}

/** A world over DynamoDB Local and the SNS recorder: an incident opened at the clock's time with `countries` affected. */
async function world(options: { countries: Record<string, number>; categories?: string[]; severity?: SeverityLevel; sectors?: Sector[] }) {
  const clock = new FakeClock();
  counter += 1;
  const incidentId = `inc-20261120-${prefix.slice(1, 7).replace(/[^0-9a-f]/g, '0')}${String(counter).padStart(6, '0')}`;
  const incidents = new IncidentStore(doc, table, clock);
  const obligations = new ObligationStore(doc, table, clock);
  const facts = new FactsStore(doc, table, clock);
  const severity = options.severity ?? 'HIGH';
  const incident: Incident = {
    incidentId,
    source: 'manual',
    findingKey: `manual:${incidentId}`,
    alarmSeverity: 8,
    title: 'Customer bucket readable from the internet',
    description: '',
    affectedResources: ['customer-data'],
    firstSeenAt: '2026-11-20T07:55:00.000Z',
    status: 'OPEN',
    scope: 'PENDING',
    severity,
    createdAt: clock.now().toISOString(),
  };
  await incidents.openIncident(incident, `e-${incidentId}`, '{}');
  const assess = (countries: Record<string, number>) =>
    incidents.saveAssessment(incidentId, { scope: 'KNOWN', severity, impact: impact(countries, options.categories ?? ['email', 'password']), chunks: [] });
  await assess(options.countries);
  const messaging = new SnsMessaging(new SNSClient({ ...common, endpoint: endpoints().sns }));
  const deps = { incidents, obligations, facts, clock, sectors: options.sectors ?? [], clockScale: 1, reportLocale: 'en' as const };
  const sweepDeps = {
    obligations,
    incidents,
    clock,
    alertTeam: async (event: string, subject: string, message: string) => {
      await messaging.publish(topicArn, subject, message, { event });
    },
  };
  const pages = async (obligationId: string) => (await topicMessages(topicArn)).filter((m) => m.subject?.includes(`${obligationId} (${incidentId})`));
  return { clock, incidentId, incidents, obligations, facts, deps, sweepDeps, assess, pages, actionDeps: { incidents, obligations, facts } };
}

describe('start-regulator-clocks on DynamoDB Local', () => {
  it('adds the obligations that apply, once; a wider scope adds more and keeps the existing ones with their records', async () => {
    // Prepare
    const w = await world({ countries: { DE: 3, CN: 1 }, sectors: ['public-company-us'] });
    // Act
    const first = await startRegulatorClocks(w.incidentId, w.deps);
    await w.obligations.claimReminder(w.incidentId, 'eu-gdpr-art33', '50%');
    const before = await w.obligations.getObligation(w.incidentId, 'eu-gdpr-art33');
    const again = await Promise.all([startRegulatorClocks(w.incidentId, w.deps), startRegulatorClocks(w.incidentId, w.deps)]);
    w.clock.advance(2 * HOUR);
    await w.assess({ DE: 3, CN: 1, SG: 600 });
    const widened = await startRegulatorClocks(w.incidentId, w.deps);
    // Assess
    expect(first).toEqual({ obligations: 4, added: 4 });
    expect(again.map((r) => r.added)).toEqual([0, 0]);
    expect(widened).toEqual({ obligations: 5, added: 1 });
    const stored = await w.obligations.listObligations(w.incidentId);
    expect(stored.map((o) => o.obligationId).sort()).toEqual(['cn-pipl-art57', 'eu-gdpr-art33', 'eu-gdpr-art34', 'sg-pdpa-26d', 'us-sec-8k-1-05']);
    expect(await w.obligations.getObligation(w.incidentId, 'eu-gdpr-art33')).toEqual(before);
    expect(before).toMatchObject({
      status: 'RUNNING',
      startedAt: '2026-11-20T08:00:00.000Z',
      deadline: '2026-11-23T08:00:00.000Z',
      remindersSent: { '50%': expect.any(String) },
    });
    // Singapore's clock starts at its assessment: when the wider scope was found.
    expect(stored.find((o) => o.obligationId === 'sg-pdpa-26d')).toMatchObject({ startedAt: '2026-11-20T10:00:00.000Z', deadline: '2026-11-23T10:00:00.000Z' });
    const timeline = await w.incidents.listTimeline(w.incidentId);
    expect(timeline.filter((e) => e.action === 'regulator-obligation-added')).toHaveLength(5);
    // Every obligation comes with a first draft of its report.
    expect((await readReport(w.incidentId, 'eu-gdpr-art33', w.actionDeps)).text).toMatch(/Affected customers: 4[\s\S]*By country: DE: 3; CN: 1/);
  });

  it('never restarts a started clock: the SEC clock keeps its materiality start when the step runs again', async () => {
    // Prepare
    const w = await world({ countries: { US: 2 }, sectors: ['public-company-us'] });
    await startRegulatorClocks(w.incidentId, w.deps);
    // Act
    const started = await recordMateriality(w.incidentId, '2026-11-23T15:00:00.000Z', 'cfo', w.actionDeps);
    w.clock.advance(24 * HOUR);
    await startRegulatorClocks(w.incidentId, w.deps);
    // Assess
    expect(started.map((o) => o.obligationId)).toEqual(['us-sec-8k-1-05']);
    expect(await w.obligations.getObligation(w.incidentId, 'us-sec-8k-1-05')).toMatchObject({
      status: 'RUNNING',
      startedAt: '2026-11-23T15:00:00.000Z',
      deadline: '2026-11-30T22:30:00.000Z',
    });
    await expect(recordMateriality(w.incidentId, '2026-11-24T15:00:00.000Z', 'cfo', w.actionDeps)).rejects.toBeInstanceOf(ObligationStateError);
    expect((await w.incidents.listTimeline(w.incidentId)).find((e) => e.action === 'materiality-determined')?.actor).toBe('cfo');
  });

  it('an extortion payment recorded by a person starts both NYDFS 500.17(c) clocks: 24 hours and 30 days', async () => {
    // Prepare
    const w = await world({ countries: { US: 2 }, sectors: ['financial-services-ny'] });
    await startRegulatorClocks(w.incidentId, w.deps);
    // Act
    const started = await recordMoment(w.incidentId, 'extortion-payment', '2026-11-21T10:00:00.000Z', 'cfo', w.actionDeps);
    // Assess
    expect(started.map((o) => [o.obligationId, o.deadline]).sort()).toEqual([
      ['us-nydfs-500-17c-explanation', '2026-12-21T10:00:00.000Z'],
      ['us-nydfs-500-17c-payment', '2026-11-22T10:00:00.000Z'],
    ]);
    expect(await w.obligations.getObligation(w.incidentId, 'us-nydfs-500-17')).toMatchObject({ status: 'RUNNING', startedAt: '2026-11-20T08:00:00.000Z' });
    expect((await w.incidents.listTimeline(w.incidentId)).find((e) => e.action === 'extortion-payment-recorded')?.actor).toBe('cfo');
    await expect(recordMoment(w.incidentId, 'extortion-payment', '2026-11-21T11:00:00.000Z', 'cfo', w.actionDeps)).rejects.toBeInstanceOf(ObligationStateError);
  });

  it("drafts the CAC report in Chinese and keeps the row's language on the stored obligation", async () => {
    // Prepare
    const w = await world({ countries: { CN: 2 }, severity: 'CRITICAL', sectors: ['cn-network-operator'] });
    // Act
    await startRegulatorClocks(w.incidentId, w.deps);
    // Assess
    expect((await w.obligations.getObligation(w.incidentId, 'cn-cac-incident-4h'))?.reportLanguage).toBe('zh-CN');
    expect((await readReport(w.incidentId, 'cn-cac-incident-4h', w.actionDeps)).text).toMatch(/^草稿：[\s\S]*报告时限：2026-11-20 20:00（北京时间）/);
    expect((await readReport(w.incidentId, 'cn-pipl-art57', w.actionDeps)).text).toMatch(/^草稿：/);
  });

  it("starts NIS2's final report when the 72-hour notification is filed", async () => {
    // Prepare
    const w = await world({ countries: { DE: 1 }, sectors: ['essential-entity-eu'] });
    await startRegulatorClocks(w.incidentId, w.deps);
    // Act
    const waiting = await w.obligations.getObligation(w.incidentId, 'eu-nis2-final-report');
    const started = await recordFiling(w.incidentId, 'eu-nis2-notification', { at: '2026-11-22T09:00:00.000Z', ref: 'CSIRT-7', by: 'legal' }, w.actionDeps);
    // Assess
    expect(waiting?.status).toBe('WAITING');
    expect(started.map((o) => o.obligationId)).toEqual(['eu-nis2-final-report']);
    expect(await w.obligations.getObligation(w.incidentId, 'eu-nis2-final-report')).toMatchObject({ status: 'RUNNING', deadline: '2026-12-22T09:00:00.000Z' });
  });
});

describe('the regulator-clocks sweep on DynamoDB Local', () => {
  it('sends each reminder once under two concurrent runs, pages MISSED at the deadline and again a day later, and stops when filed', async () => {
    // Prepare
    const w = await world({ countries: { DE: 5 } });
    await startRegulatorClocks(w.incidentId, w.deps);
    const sweepTwice = () => Promise.all([sweepRegulatorClocks(w.sweepDeps), sweepRegulatorClocks(w.sweepDeps)]);
    const subjects = async () => (await w.pages('eu-gdpr-art33')).map((m) => m.subject);

    // Act: before 50%, at 55% (twice, concurrently), at 76%
    w.clock.advance(35 * HOUR);
    await sweepTwice();
    const beforeHalf = await subjects();
    w.clock.advance(5 * HOUR);
    await sweepTwice();
    await sweepTwice();
    const afterHalf = await subjects();
    w.clock.advance(15 * HOUR);
    await sweepTwice();
    const afterThreeQuarters = await subjects();
    // Assess
    expect(beforeHalf).toEqual([]);
    expect(afterHalf).toEqual([`[Regulator deadline] 50% of the time gone: eu-gdpr-art33 (${w.incidentId})`]);
    expect(afterThreeQuarters).toHaveLength(2);
    expect(afterThreeQuarters[1]).toMatch(/75% of the time gone/);

    // Act: the deadline passes without a filing
    w.clock.current = new Date('2026-11-23T08:05:00Z');
    await sweepTwice();
    const missed = (await subjects()).filter((s) => s?.startsWith('[MISSED]'));
    w.clock.advance(HOUR);
    await sweepTwice();
    const hourLater = (await subjects()).filter((s) => s?.startsWith('[MISSED]'));
    w.clock.advance(24 * HOUR);
    await sweepTwice();
    const dayLater = (await subjects()).filter((s) => s?.startsWith('[MISSED]'));
    // Assess
    expect(missed).toEqual([`[MISSED] Regulator deadline passed, not filed: eu-gdpr-art33 (${w.incidentId})`]);
    expect(hourLater).toHaveLength(1);
    expect(dayLater).toHaveLength(2);
    const record = await w.obligations.getObligation(w.incidentId, 'eu-gdpr-art33');
    // 90% and 1 h before were passed over by the late run: recorded as passed, one message only for the latest.
    expect(Object.keys(record!.remindersSent).sort()).toEqual(['50%', '75%']);
    expect(record!.escalations).toBe(2);
    expect((await w.incidents.listTimeline(w.incidentId)).filter((e) => e.action === 'regulator-deadline-missed').map((e) => e.actor)).toEqual([
      'regulator-clocks',
      'regulator-clocks',
    ]);

    // Act: filed (late); the next days page no more
    await recordFiling(w.incidentId, 'eu-gdpr-art33', { at: w.clock.now().toISOString(), ref: 'BfDI-2026-1', by: 'legal' }, w.actionDeps);
    w.clock.advance(48 * HOUR);
    await sweepTwice();
    // Assess
    expect((await subjects()).filter((s) => s?.startsWith('[MISSED]'))).toHaveLength(2);
    const marker = await doc.send(new GetCommand({ TableName: table, Key: keys.runningClock(w.incidentId, 'eu-gdpr-art33') }));
    expect(marker.Item).toBeUndefined();
  });

  it('a clock filed in time sends nothing more, and a clock marked not applicable neither', async () => {
    // Prepare
    const w = await world({ countries: { DE: 5, AU: 2 } });
    await startRegulatorClocks(w.incidentId, w.deps);
    // Act
    w.clock.advance(10 * HOUR);
    await recordFiling(w.incidentId, 'eu-gdpr-art33', { at: w.clock.now().toISOString(), ref: 'DPC-9', by: 'legal' }, w.actionDeps);
    await markNotApplicable(w.incidentId, 'au-ndb-assessment', 'legal', 'Assessed: no likely serious harm (hashed passwords, emails only)', w.actionDeps);
    w.clock.advance(40 * 24 * HOUR);
    await sweepRegulatorClocks(w.sweepDeps);
    // Assess
    expect(await w.pages('eu-gdpr-art33')).toEqual([]);
    expect(await w.pages('au-ndb-assessment')).toEqual([]);
    await expect(
      recordFiling(w.incidentId, 'au-ndb-assessment', { at: w.clock.now().toISOString(), ref: 'x', by: 'legal' }, w.actionDeps),
    ).rejects.toBeInstanceOf(ObligationStateError);
    await expect(markNotApplicable(w.incidentId, 'eu-gdpr-art33', 'legal', '   ', w.actionDeps)).rejects.toBeInstanceOf(ObligationStateError);
    const timeline = await w.incidents.listTimeline(w.incidentId);
    expect(timeline.find((e) => e.action === 'regulator-filed')).toMatchObject({ actor: 'legal', detail: { obligationId: 'eu-gdpr-art33', ref: 'DPC-9' } });
    expect(timeline.find((e) => e.action === 'regulator-not-applicable')).toMatchObject({ actor: 'legal', detail: { obligationId: 'au-ndb-assessment' } });
  });
});

describe('regulator reports on DynamoDB Local', () => {
  it('keeps every version; refuses an edit on a stale version and approving an old one; records who approved which', async () => {
    // Prepare
    const w = await world({ countries: { DE: 5 } });
    await startRegulatorClocks(w.incidentId, w.deps);
    // Act
    const v2 = await saveReportEdit(w.incidentId, 'eu-gdpr-art33', 'Our notification, edited by legal.', 'legal-a', w.actionDeps);
    // Each awaited where it is made: a rejection left pending while another is awaited is reported as unhandled.
    const stale = saveReportEdit(w.incidentId, 'eu-gdpr-art33', 'Another edit from version 1.', 'legal-b', w.actionDeps, 1);
    // Assess
    await expect(stale).rejects.toBeInstanceOf(ReportVersionConflictError);
    await expect(approveReport(w.incidentId, 'eu-gdpr-art33', 'dpo', w.actionDeps, 1)).rejects.toBeInstanceOf(ReportVersionConflictError);
    expect(await approveReport(w.incidentId, 'eu-gdpr-art33', 'dpo', w.actionDeps)).toBe(2);
    expect(v2.version).toBe(2);
    expect((await readReport(w.incidentId, 'eu-gdpr-art33', w.actionDeps, 1)).text).toMatch(/^DRAFT/);
    expect((await readReport(w.incidentId, 'eu-gdpr-art33', w.actionDeps)).text).toBe('Our notification, edited by legal.');
    expect((await w.obligations.getObligation(w.incidentId, 'eu-gdpr-art33'))?.approval).toMatchObject({ version: 2, by: 'dpo' });
    const timeline = await w.incidents.listTimeline(w.incidentId);
    expect(timeline.filter((e) => e.action === 'regulator-report-saved').map((e) => e.actor)).toEqual(['legal-a']);
    expect(timeline.find((e) => e.action === 'regulator-report-approved')).toMatchObject({ actor: 'dpo', detail: { version: 2 } });
  });
});
