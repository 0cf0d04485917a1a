import { describe, expect, it } from 'vitest';
import { parseAlarm } from '../../functions/domain/alarms.js';
import { incidentIdFor, severityFor } from '../../functions/domain/incident.js';
import { sha256Hex } from '../../functions/shared/crypto.js';
import { MalformedAlarmError, UnknownAlarmError } from '../../functions/shared/errors.js';
import { cloudWatchAlarm, guardDutyFinding, macieFinding, manualReport, securityHubFindings } from '../../local/sample-alarms.js';

const settings = { manualSource: 'breach-notice.manual', cloudWatchAlarmSeverity: 7 };
type Mutable = Record<string, unknown> & { detail: Record<string, unknown> };

describe('parseAlarm', () => {
  it('GuardDuty: identity from account and finding id, resources from the finding, severity as reported', () => {
    const event = guardDutyFinding({ id: 'abc123', severity: 8.5, bucket: 'cust', instanceId: 'i-0123' });
    const [draft] = parseAlarm(event as never, settings);
    expect(draft).toMatchObject({
      source: 'guardduty',
      findingKey: 'guardduty:123456789012:abc123',
      alarmSeverity: 8.5,
      affectedResources: ['i-0123', 'arn:aws:s3:::cust', 'cust'],
      firstSeenAt: '2026-11-20T08:10:00.000Z',
      accountId: '123456789012',
      region: 'eu-west-1',
    });
  });

  it('Security Hub: one draft per finding in the batch, normalised severity, resources by id', () => {
    const drafts = parseAlarm(securityHubFindings(['arn:aws:rds:eu-west-1:123456789012:db:customers', 'arn:aws:s3:::x']) as never, settings);
    expect(drafts).toHaveLength(2);
    expect(drafts[0]).toMatchObject({ source: 'securityhub', alarmSeverity: 9, affectedResources: ['arn:aws:rds:eu-west-1:123456789012:db:customers'] });
    expect(drafts[0]!.findingKey).toMatch(/^securityhub:arn:aws:securityhub:/);
    expect(drafts[0]!.findingKey).not.toBe(drafts[1]!.findingKey);
  });

  it('Security Hub without Normalized falls back to the label', () => {
    const event = securityHubFindings(['r1'], 'HIGH') as Mutable;
    delete ((event.detail.findings as Record<string, { Normalized?: number }>[])[0]!.Severity as { Normalized?: number }).Normalized;
    expect(parseAlarm(event as never, settings)[0]!.alarmSeverity).toBe(8);
  });

  it('Macie: bucket ARN, name and object path; severity from its description', () => {
    const [draft] = parseAlarm(macieFinding('exports') as never, settings);
    expect(draft).toMatchObject({ source: 'macie', alarmSeverity: 8, affectedResources: ['arn:aws:s3:::exports', 'exports', 'exports/exports/customers.csv'] });
  });

  it('CloudWatch alarm: identity is the alarm ARN, resources include metric dimensions, severity from settings', () => {
    const [draft] = parseAlarm(cloudWatchAlarm('security-x', 'auth') as never, settings);
    expect(draft).toMatchObject({
      source: 'cloudwatch',
      findingKey: 'cloudwatch:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:security-x',
      alarmSeverity: 7,
      affectedResources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:security-x', 'auth'],
    });
  });

  it('manual report: label severities, the report id as identity, the reporter-given resources', () => {
    const [draft] = parseAlarm(manualReport(['laptop-42'], 'r-1') as never, settings);
    expect(draft).toMatchObject({ source: 'manual', findingKey: 'manual:r-1', alarmSeverity: 8, affectedResources: ['laptop-42'], firstSeenAt: '2026-11-19T18:00:00Z' });
  });

  it.each<[string, () => unknown, RegExp]>([
    ['GuardDuty severity as text', () => { const e = guardDutyFinding() as Mutable; e.detail.severity = 'high'; return e; }, /detail\.severity/],
    ['GuardDuty without resource', () => { const e = guardDutyFinding() as Mutable; delete e.detail.resource; return e; }, /detail\.resource/],
    ['Security Hub with no findings', () => { const e = securityHubFindings([]) as Mutable; return e; }, /detail\.findings/],
    ['Security Hub finding without resources', () => { const e = securityHubFindings(['r']) as Mutable; (e.detail.findings as Record<string, unknown>[])[0]!.Resources = []; return e; }, /Resources/],
    ['Macie with an unknown severity', () => { const e = macieFinding() as Mutable; e.detail.severity = { description: 'Severe' }; return e; }, /detail\.severity\.description/],
    ['CloudWatch alarm going back to OK', () => { const e = cloudWatchAlarm() as Mutable; (e.detail.state as { value: string }).value = 'OK'; return e; }, /detail\.state\.value/],
    ['manual report without a title', () => { const e = manualReport(['r']) as Mutable; delete e.detail.title; return e; }, /detail\.title/],
    ['manual report with severity 11', () => { const e = manualReport(['r']) as Mutable; e.detail.severity = 11; return e; }, /detail\.severity/],
    ['manual report naming 501 resources', () => manualReport(Array.from({ length: 501 }, (_, i) => `r${i}`)), /affectedResources/],
  ])('%s is a MalformedAlarmError that names the field', (_label, make, field) => {
    let caught: unknown;
    try {
      parseAlarm(make() as never, settings);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MalformedAlarmError);
    expect((caught as Error).name).toBe('MalformedAlarmError');
    expect((caught as Error).message).toMatch(field);
  });

  it('an unknown source or detail-type is an UnknownAlarmError', () => {
    expect(() => parseAlarm({ ...guardDutyFinding(), 'detail-type': 'GuardDuty Runtime Event' } as never, settings)).toThrow(UnknownAlarmError);
    expect(() => parseAlarm({ ...manualReport([]), source: 'someone.else' } as never, settings)).toThrow(/No parser for alarm kind someone\.else/);
  });
});

describe('incident ids and severity', () => {
  it('ids are valid execution names, stable for the same finding and event, distinct otherwise', () => {
    const a = incidentIdFor('guardduty:1:x', 'e1', '2026-11-20T08:00:00Z', sha256Hex);
    expect(a).toMatch(/^inc-20261120-[0-9a-f]{12}$/);
    expect(incidentIdFor('guardduty:1:x', 'e1', '2026-11-20T08:00:00Z', sha256Hex)).toBe(a);
    expect(incidentIdFor('guardduty:1:x', 'e2', '2026-11-20T08:00:00Z', sha256Hex)).not.toBe(a);
  });

  it.each([
    [2, 0, false, 'LOW'],
    [5, 10, false, 'MEDIUM'],
    [7, 10, false, 'HIGH'],
    [9.5, 1, false, 'CRITICAL'],
    [2, 5, true, 'HIGH'],
    [2, 0, true, 'LOW'],
    [4, 10_000, false, 'CRITICAL'],
  ] as const)('alarm %d, %d customers, sensitive %s -> %s', (alarm, customers, sensitive, level) => {
    expect(severityFor(alarm, customers, sensitive)).toBe(level);
  });
});
