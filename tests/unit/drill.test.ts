import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '@aws-lambda-powertools/parser/types';
import { parseAlarm } from '../../functions/domain/alarms.js';
import type { ChannelRecipient } from '../../functions/domain/channels/channel.js';
import { DRILL_SMS_NOT_SENT, drillEmailAddress, drillSafeId } from '../../functions/domain/channels/drill.js';
import { markDrillContent } from '../../functions/domain/drill.js';
import { DEFAULT_DRILL_TARGETS, drillReport, drillReportLines } from '../../functions/domain/drill-report.js';
import { summariseImpact } from '../../functions/domain/impact.js';
import type { Notice } from '../../functions/domain/incident.js';
import { catalogues, supportedLocales } from '../../functions/domain/locales.js';
import { draftNotice } from '../../functions/domain/notice.js';
import { smsSegments } from '../../functions/domain/sms-segments.js';
import { intakeAlarm, type IntakeDeps } from '../../functions/steps/intake.js';
import { guardDutyFinding, manualReport } from '../../local/tools/sample-alarms.js';
import { testChannels } from '../support/channels.js';
import { FakeClock, FakeEmail, FakeIncidents, FakeMessaging, FakeWorkflow } from '../support/fakes.js';

const settings = { manualSource: 'breach-notice.manual', cloudWatchAlarmSeverity: 7 };
const asEvent = (e: unknown) => e as EventBridgeEvent;

function intakeWorld(drillMode: boolean) {
  const clock = new FakeClock(Date.parse('2026-11-20T08:20:00Z'));
  const incidents = new FakeIncidents(clock);
  const deps: IntakeDeps = {
    incidents,
    workflow: new FakeWorkflow(),
    messaging: new FakeMessaging(),
    clock,
    alarmSettings: { ...settings, drillMode },
    workflowSettings: { approvalTimeoutSeconds: 3600, escalationTimeoutSeconds: 1800, teamReminderSeconds: 3600, updateCyclesPerExecution: 24 },
    responseTeamTopicArn: 'arn:aws:sns:us-east-1:000000000000:response-team',
  };
  return { deps, incidents };
}

describe('drill at intake', () => {
  it('a manual report with "drill": true opens a drill incident, on the timeline at opening; without it, a real one', async () => {
    // Prepare
    const drill = manualReport(['laptop-42'], 'r-drill') as { detail: Record<string, unknown> };
    drill.detail.drill = true;
    const real = manualReport(['laptop-42'], 'r-real');
    const { deps, incidents } = intakeWorld(false);
    // Act
    const [opened] = await intakeAlarm(asEvent(drill), JSON.stringify(drill), deps);
    const [other] = await intakeAlarm(asEvent(real), JSON.stringify(real), deps);
    // Assess
    expect(incidents.incidents.get(opened!.incidentId)?.drill).toBe(true);
    expect(incidents.incidents.get(other!.incidentId)?.drill).toBeUndefined();
    expect((await incidents.listTimeline(opened!.incidentId)).map((e) => e.action)).toContain('drill-started');
    expect((await incidents.listTimeline(other!.incidentId)).map((e) => e.action)).not.toContain('drill-started');
  });

  it('drillMode makes every incident a drill, whatever the source', async () => {
    // Prepare
    const event = guardDutyFinding({ id: 'finding-drill', severity: 8 });
    const { deps, incidents } = intakeWorld(true);
    // Act
    const [opened] = await intakeAlarm(asEvent(event), JSON.stringify(event), deps);
    // Assess
    expect(incidents.incidents.get(opened!.incidentId)?.drill).toBe(true);
    expect(parseAlarm(asEvent(event), settings)[0]?.drill).toBeUndefined();
  });
});

const impact = summariseImpact([{ customerId: 'c1', locale: 'en-GB', country: 'GB', channels: ['email', 'sms'], dataCategories: ['email', 'password'] }]);
const drafted = (locale: (typeof supportedLocales)[number]) =>
  draftNotice(
    {
      kind: 'first-notice',
      sequence: 1,
      incident: { incidentId: 'inc-20261120-0123456789ab', source: 'manual', firstSeenAt: '2026-11-20T03:12:00Z', impact },
      facts: { measures: [], advice: [], remedies: [] },
      company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com/s' },
      nextUpdateAt: '2026-11-27T03:12:00Z',
    },
    locale,
  );

describe('drill marking', () => {
  it.each(supportedLocales)('%s: subject, headline and SMS start with the marker; the headline says it is a drill', (locale) => {
    // Prepare
    const content = drafted(locale);
    const { marker, sentence } = catalogues[locale].drill;
    // Act
    const marked = markDrillContent(content, locale);
    // Assess
    expect(marked.subject.startsWith(`${marker} `)).toBe(true);
    expect(marked.headline.startsWith(`${marker} ${sentence}`)).toBe(true);
    expect(marked.sms.startsWith(`${marker} `)).toBe(true);
    expect(marked.subject.endsWith(content.subject)).toBe(true);
    expect(markDrillContent(marked, locale)).toEqual(marked);
    // One segment more than the real SMS at most.
    expect(smsSegments(marked.sms).segments).toBeLessThanOrEqual(smsSegments(content.sms).segments + 1);
  });
});

describe('drill channels', () => {
  const recipients: ChannelRecipient[] = [
    { customerId: 'cust-0001', locale: 'en', address: 'ann@example.com', name: 'Ann', dataCategories: ['email'], timeZone: 'UTC' },
    { customerId: 'weird id/with+chars', locale: 'en', address: 'bob@example.com', name: 'Bob', dataCategories: ['email'], timeZone: 'UTC' },
  ];
  const notice = (drill: boolean) =>
    ({
      incidentId: 'inc-20261120-0123456789ab',
      noticeId: 'first-notice-1',
      kind: 'first-notice',
      sequence: 1,
      status: 'APPROVED',
      content: { en: drafted('en') },
      createdAt: '2026-11-20T00:00:00Z',
      promisedNextUpdateAt: '2026-11-27T00:00:00Z',
      version: 1,
      factsVersion: 0,
      contentHash: 'h',
      ...(drill ? { drill: true } : {}),
    }) as unknown as Notice;
  const world = (drillSmsSink?: string) => {
    const email = new FakeEmail();
    const messaging = new FakeMessaging();
    const channels = testChannels({ email, messaging, templatePrefix: 't', smsConcurrency: 2, ...(drillSmsSink ? { drillSmsSink } : {}) });
    return { email, messaging, channel: (name: string) => channels.find((c) => c.name === name)! };
  };

  it('a drill notice emails the SES mailbox simulator, one address per customer, never the customer', async () => {
    // Prepare
    const { email, channel } = world();
    // Act
    const results = await channel('email').prepare(notice(true), 'en', recipients)();
    // Assess
    const to = email.bulk.flatMap((b) => b.entries.map((e) => e.to));
    expect(to).toEqual(['success+cust-0001@simulator.amazonses.com', `success+${drillSafeId('weird id/with+chars')}@simulator.amazonses.com`]);
    expect(drillSafeId('weird id/with+chars')).toMatch(/^[0-9a-f]{16}$/);
    expect(results.every((r) => r.status === 'SENT')).toBe(true);
  });

  it('a real notice goes to the customers as before', async () => {
    const { email, channel } = world();
    await channel('email').prepare(notice(false), 'en', recipients)();
    expect(email.bulk.flatMap((b) => b.entries.map((e) => e.to))).toEqual(['ann@example.com', 'bob@example.com']);
  });

  it('a drill SMS goes to drillSmsSink, or without one is not sent and recorded FAILED with the reason', async () => {
    // Prepare
    const sms = recipients.map((r) => ({ ...r, address: '+447700900001' }));
    const sunk = world('+15005550006');
    const unsunk = world();
    // Act
    const toSink = await sunk.channel('sms').prepare(notice(true), 'en', sms)();
    const notSent = await unsunk.channel('sms').prepare(notice(true), 'en', sms)();
    // Assess
    expect(sunk.messaging.sms.map((m) => m.phoneNumber)).toEqual(['+15005550006', '+15005550006']);
    expect(toSink.every((r) => r.status === 'SENT')).toBe(true);
    expect(unsunk.messaging.sms).toEqual([]);
    expect(notSent).toEqual(sms.map(() => ({ status: 'FAILED', reason: DRILL_SMS_NOT_SENT })));
    expect(drillEmailAddress('x')).toBe('success+x@simulator.amazonses.com');
  });
});

describe('drill report', () => {
  const incident = { incidentId: 'inc-20261120-0123456789ab', firstSeenAt: '2026-11-20T00:00:00.000Z', createdAt: '2026-11-20T00:01:00.000Z', drill: true };
  const at = (minutes: number) => new Date(Date.parse(incident.firstSeenAt) + minutes * 60_000).toISOString();
  const timeline = [
    { at: at(10), action: 'response-team-paged', actor: 'p' },
    { at: at(20), action: 'response-team-paged', actor: 'p' },
    { at: at(31), action: 'approval-requested', actor: 'r' },
  ];

  it('each step: minutes from the previous and from the alarm; MET within its target, MISSED after it, PENDING before it', () => {
    // Prepare
    const notices = [{ kind: 'first-notice' as const, sequence: 1, createdAt: at(30), approvedAt: at(241), sentAt: undefined }];
    // Act
    const report = drillReport(incident, timeline, notices, DEFAULT_DRILL_TARGETS, new Date(at(300)));
    // Assess
    const by = Object.fromEntries(report.steps.map((s) => [s.milestone, s]));
    expect(by.opened).toMatchObject({ sinceAlarmMinutes: 1, stepMinutes: 1, targetMinutes: 15, verdict: 'MET' });
    expect(by.paged).toMatchObject({ at: at(10), sinceAlarmMinutes: 10, stepMinutes: 9, verdict: 'MET' });
    expect(by.drafted).toMatchObject({ sinceAlarmMinutes: 30, verdict: 'MET' });
    expect(by.approvalRequested).toMatchObject({ stepMinutes: 1, verdict: 'UNTARGETED' });
    expect(by.approved).toMatchObject({ sinceAlarmMinutes: 241, targetMinutes: 240, verdict: 'MISSED' });
    expect(by.sent).toMatchObject({ verdict: 'PENDING' });
    expect(by.sent?.at).toBeUndefined();
    expect([report.met, report.missed]).toEqual([3, 1]);
  });

  it('a step not done when its target has passed is MISSED; exactly on target is MET', () => {
    const notices = [{ kind: 'first-notice' as const, sequence: 1, createdAt: at(60), approvedAt: at(240), sentAt: undefined }];
    const report = drillReport(incident, [], notices, { ...DEFAULT_DRILL_TARGETS, paged: 15 }, new Date(at(16)));
    const by = Object.fromEntries(report.steps.map((s) => [s.milestone, s]));
    expect(by.paged?.verdict).toBe('MISSED');
    expect(by.drafted?.verdict).toBe('MET');
    expect(by.approved?.verdict).toBe('MET');
  });

  it.each(supportedLocales)('%s: the lines name every step and the tally', (locale) => {
    const report = drillReport(incident, timeline, [], DEFAULT_DRILL_TARGETS, new Date(at(5)));
    const lines = drillReportLines(report, catalogues[locale].finalReport);
    expect(lines).toHaveLength(report.steps.length + 2);
    expect(lines[0]).toContain(catalogues[locale].finalReport.drill);
    expect(lines.join('\n')).toContain(catalogues[locale].finalReport.drillStep.paged);
  });
});
