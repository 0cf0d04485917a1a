import { describe, expect, it } from 'vitest';
import { alarmPatterns } from '../../infra/alarm-patterns.js';
import { appConfigSchema } from '../../infra/config.js';
import { matchesPattern } from '../../local/twin/event-patterns.js';
import { cloudWatchAlarm, guardDutyFinding, macieFinding, manualReport, securityHubFindings } from '../../local/tools/sample-alarms.js';

const patterns = alarmPatterns(
  appConfigSchema.parse({ senderAddress: 'a@example.com', approverEmails: 'a@example.com', backupApproverEmails: 'b@example.com' }),
);
const matching = (event: unknown) =>
  Object.entries(patterns)
    .filter(([, p]) => matchesPattern(event, p))
    .map(([name]) => name);

describe('the deployed rule patterns, matched locally', () => {
  it('route each alarm kind to exactly its rule', () => {
    expect(matching(guardDutyFinding({ severity: 7 }))).toEqual(['GuardDutyFindings']);
    expect(matching(securityHubFindings(['r'], 'HIGH'))).toEqual(['SecurityHubFindings']);
    expect(matching(macieFinding())).toEqual(['MacieFindings']);
    expect(matching(cloudWatchAlarm('security-logins'))).toEqual(['SecurityAlarms']);
    expect(matching(manualReport(['r']))).toEqual(['ManualReports']);
  });

  it('apply thresholds, labels, record state and name prefixes', () => {
    expect(matching(guardDutyFinding({ severity: 6.9 }))).toEqual([]);
    const archived = securityHubFindings(['r'], 'CRITICAL') as { detail: { findings: { RecordState: string }[] } };
    archived.detail.findings[0]!.RecordState = 'ARCHIVED';
    expect(matching(archived)).toEqual([]);
    expect(matching(cloudWatchAlarm('billing-spike'))).toEqual([]);
    const ok = cloudWatchAlarm('security-x') as { detail: { state: { value: string } } };
    ok.detail.state.value = 'OK';
    expect(matching(ok)).toEqual([]);
  });

  it('support the other operators with EventBridge semantics', () => {
    expect(matchesPattern({ a: ['x', 'y'] }, { a: ['y'] })).toBe(true);
    expect(matchesPattern({ a: 'Hello' }, { a: [{ 'equals-ignore-case': 'hello' }] })).toBe(true);
    expect(matchesPattern({ a: 'x.json' }, { a: [{ suffix: '.json' }] })).toBe(true);
    expect(matchesPattern({ a: 5 }, { a: [{ numeric: ['>', 0, '<=', 5] }] })).toBe(true);
    expect(matchesPattern({ a: 6 }, { a: [{ numeric: ['>', 0, '<=', 5] }] })).toBe(false);
    expect(matchesPattern({}, { a: [{ exists: false }] })).toBe(true);
    expect(matchesPattern({ a: 1 }, { a: [{ exists: false }] })).toBe(false);
    expect(matchesPattern({ a: 'b' }, { a: [{ 'anything-but': ['a', 'c'] }] })).toBe(true);
    expect(matchesPattern({ a: 'abc' }, { a: [{ 'anything-but': { prefix: 'ab' } }] })).toBe(false);
    expect(matchesPattern({ a: '1' }, { a: [1] })).toBe(false);
    expect(() => matchesPattern({ a: 1 }, { a: [{ wildcard: '*' }] })).toThrow('Unsupported');
  });
});
