import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '@aws-lambda-powertools/parser/types';
import { intakeAlarm, rejectAlarm, type IntakeDeps } from '../../../functions/steps/intake.js';
import { guardDutyFinding, securityHubFindings } from '../../../local/tools/sample-alarms.js';
import { FakeClock, FakeIncidents, FakeMessaging, FakeWorkflow, namedError } from '../../support/fakes.js';

type Mutable = Record<string, unknown> & { detail: Record<string, unknown> };
const topicArn = 'arn:aws:sns:us-east-1:000000000000:response-team';
const settings = { approvalTimeoutSeconds: 3600, escalationTimeoutSeconds: 1800, teamReminderSeconds: 3600, updateCyclesPerExecution: 24 };

function world() {
  const clock = new FakeClock(Date.parse('2026-11-20T08:20:00Z'));
  const incidents = new FakeIncidents(clock);
  const workflow = new FakeWorkflow();
  const messaging = new FakeMessaging();
  const deps: IntakeDeps = {
    incidents,
    workflow,
    messaging,
    clock,
    alarmSettings: { manualSource: 'breach-notice.manual', cloudWatchAlarmSeverity: 7 },
    workflowSettings: settings,
    responseTeamTopicArn: topicArn,
  };
  return { deps, incidents, workflow, messaging };
}

const asEvent = (e: unknown) => e as EventBridgeEvent;
const raw = (e: unknown) => JSON.stringify(e);

describe('intakeAlarm', () => {
  it('accepted: opens an incident for a new finding and starts its execution under the incident id', async () => {
    // Prepare
    const { deps, incidents, workflow } = world();
    const event = guardDutyFinding({ id: 'finding-1', severity: 8 });
    // Act
    const results = await intakeAlarm(asEvent(event), raw(event), deps);
    // Assess
    expect(results).toHaveLength(1);
    const [{ incidentId, outcome }] = results as [{ incidentId: string; outcome: string }];
    expect(outcome).toBe('opened');
    expect(incidentId).toMatch(/^inc-20261120-[0-9a-f]{12}$/);
    expect(incidents.incidents.get(incidentId)).toMatchObject({
      source: 'guardduty',
      findingKey: 'guardduty:123456789012:eu-west-1:finding-1',
      status: 'OPEN',
      scope: 'PENDING',
      severity: 'HIGH',
      createdAt: '2026-11-20T08:20:00.000Z',
    });
    expect(incidents.rawEvents.get(incidentId)?.get(event.id)).toBe(raw(event));
    expect(workflow.executions.get(incidentId)).toEqual({ incidentId, settings });
    expect(incidents.timeline.map((e) => e.action)).toEqual(['incident-opened', 'workflow-started']);
    expect(incidents.timeline[1]!.detail).toEqual({ executionArn: expect.stringMatching(new RegExp(`:execution:.*:${incidentId}$`)) });
  });

  it('repeated finding: a new event of an open finding is noted on its incident and starts nothing new', async () => {
    // Prepare
    const { deps, incidents, workflow } = world();
    const first = guardDutyFinding({ id: 'finding-1' });
    const [opened] = await intakeAlarm(asEvent(first), raw(first), deps);
    const again = guardDutyFinding({ id: 'finding-1' });
    // Act
    const results = await intakeAlarm(asEvent(again), raw(again), deps);
    // Assess
    expect(results).toEqual([{ incidentId: opened!.incidentId, outcome: 'repeated' }]);
    expect(incidents.incidents.size).toBe(1);
    expect(workflow.executions.size).toBe(1);
    expect(await incidents.countRawEvents(opened!.incidentId)).toBe(2);
    expect(incidents.timeline.map((e) => e.action)).toEqual(['incident-opened', 'workflow-started', 'finding-repeated']);
  });

  it('the same event received twice is one repeat, recorded once', async () => {
    // Prepare
    const { deps, incidents } = world();
    const event = guardDutyFinding({ id: 'finding-1' });
    await intakeAlarm(asEvent(event), raw(event), deps);
    // Act
    const results = await intakeAlarm(asEvent(event), raw(event), deps);
    // Assess
    expect(results[0]!.outcome).toBe('repeated');
    expect(incidents.timeline.map((e) => e.action)).toEqual(['incident-opened', 'workflow-started']);
  });

  it('a repeat starts the execution a crash left unstarted', async () => {
    // Prepare
    const { deps, incidents, workflow } = world();
    const event = guardDutyFinding({ id: 'finding-1' });
    workflow.start = async () => {
      throw namedError('ServiceUnavailable');
    };
    await expect(intakeAlarm(asEvent(event), raw(event), deps)).rejects.toMatchObject({ name: 'ServiceUnavailable' });
    expect(incidents.incidents.size).toBe(1);
    workflow.start = FakeWorkflow.prototype.start.bind(workflow);
    // Act
    const [result] = await intakeAlarm(asEvent(event), raw(event), deps);
    // Assess
    expect(result!.outcome).toBe('repeated');
    expect(workflow.executions.has(result!.incidentId)).toBe(true);
    expect(incidents.timeline.map((e) => e.action)).toEqual(['incident-opened', 'workflow-started']);
  });

  it('a finding whose incident was closed opens a new incident', async () => {
    // Prepare
    const { deps, incidents } = world();
    const first = guardDutyFinding({ id: 'finding-1' });
    const [old] = await intakeAlarm(asEvent(first), raw(first), deps);
    await incidents.closeIncident(old!.incidentId, 'ops');
    const later = guardDutyFinding({ id: 'finding-1' });
    // Act
    const [result] = await intakeAlarm(asEvent(later), raw(later), deps);
    // Assess
    expect(result!.outcome).toBe('opened');
    expect(result!.incidentId).not.toBe(old!.incidentId);
  });

  it('multiple Security Hub findings in one event: one incident and one execution each', async () => {
    // Prepare
    const { deps, incidents, workflow } = world();
    const event = securityHubFindings(['arn:aws:rds:eu-west-1:123456789012:db:customers', 'arn:aws:s3:::exports', 'arn:aws:s3:::backups']);
    // Act
    const results = await intakeAlarm(asEvent(event), raw(event), deps);
    // Assess
    expect(results.map((r) => r.outcome)).toEqual(['opened', 'opened', 'opened']);
    expect(new Set(results.map((r) => r.incidentId)).size).toBe(3);
    expect([...workflow.executions.keys()].sort()).toEqual(results.map((r) => r.incidentId).sort());
    expect([...incidents.incidents.values()].map((i) => i.affectedResources)).toEqual([
      ['arn:aws:rds:eu-west-1:123456789012:db:customers'],
      ['arn:aws:s3:::exports'],
      ['arn:aws:s3:::backups'],
    ]);
  });

  it('a Security Hub batch with one malformed finding opens none of them', async () => {
    // Prepare
    const { deps, incidents, workflow } = world();
    const event = securityHubFindings(['r1', 'r2']) as Mutable;
    (event.detail.findings as Record<string, unknown>[])[1]!.Resources = [];
    // Act
    const act = intakeAlarm(asEvent(event), raw(event), deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'MalformedAlarmError' });
    expect(incidents.incidents.size).toBe(0);
    expect(workflow.executions.size).toBe(0);
  });

  it('a malformed alarm fails by name before anything is written or started', async () => {
    // Prepare
    const { deps, incidents, workflow } = world();
    const event = guardDutyFinding() as Mutable;
    event.detail.severity = 'high';
    // Act
    const act = intakeAlarm(asEvent(event), raw(event), deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'MalformedAlarmError', message: expect.stringMatching(/detail\.severity/) });
    expect(incidents.incidents.size).toBe(0);
    expect(workflow.executions.size).toBe(0);
  });

  it('an unknown alarm kind fails by name', async () => {
    // Prepare
    const { deps, incidents } = world();
    const event = { ...guardDutyFinding(), 'detail-type': 'GuardDuty Runtime Event' };
    // Act
    const act = intakeAlarm(asEvent(event), raw(event), deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'UnknownAlarmError' });
    expect(incidents.incidents.size).toBe(0);
  });
});

describe('rejectAlarm', () => {
  it('keeps a malformed alarm with its reason and reports it to the team by its error name', async () => {
    // Prepare
    const { deps, incidents, messaging } = world();
    // Act
    const result = await rejectAlarm('evt-1', 'MalformedAlarmError', 'detail.severity: expected number', '{"raw":1}', deps);
    // Assess
    expect(result).toEqual({ reported: true });
    expect(incidents.rejected.get('evt-1')).toEqual({ reason: 'MalformedAlarmError: detail.severity: expected number', rawEvent: '{"raw":1}' });
    expect(messaging.published).toHaveLength(1);
    expect(messaging.published[0]).toMatchObject({
      topicArn,
      subject: 'Alarm rejected by breach-notice intake (MalformedAlarmError)',
      attributes: { event: 'alarm-rejected' },
    });
    expect(messaging.published[0]!.message).toContain('Event id: evt-1');
    expect(messaging.published[0]!.message).toContain('Reason: detail.severity: expected number');
    expect(messaging.published[0]!.message).toContain('REJECTED#evt-1');
  });

  it('an unknown alarm is kept and reported under its own name', async () => {
    // Prepare
    const { deps, incidents, messaging } = world();
    // Act
    await rejectAlarm('evt-2', 'UnknownAlarmError', 'No parser for alarm kind x/y', '{}', deps);
    // Assess
    expect(incidents.rejected.get('evt-2')?.reason).toBe('UnknownAlarmError: No parser for alarm kind x/y');
    expect(messaging.published[0]!.subject).toContain('(UnknownAlarmError)');
  });

  it('the same bad event received twice is reported once', async () => {
    // Prepare
    const { deps, messaging } = world();
    await rejectAlarm('evt-1', 'MalformedAlarmError', 'bad', '{}', deps);
    // Act
    const result = await rejectAlarm('evt-1', 'MalformedAlarmError', 'bad', '{}', deps);
    // Assess
    expect(result).toEqual({ reported: false });
    expect(messaging.published).toHaveLength(1);
  });
});
