import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../functions/domain/incident.js';
import { pageEvents, pageResponseTeam, type PageDeps } from '../../../functions/steps/page-response-team.js';
import { FakeIncidents, FakeMessaging, namedError } from '../../support/fakes.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';
const executionArn = `arn:aws:states:us-east-1:000000000000:execution:breach-notice-incident-response:${incidentId}`;
const topicArn = 'arn:aws:sns:us-east-1:000000000000:response-team';

function world(incident: Partial<Incident> = {}) {
  const incidents = new FakeIncidents();
  incidents.incidents.set(incidentId, {
    incidentId,
    source: 'guardduty',
    findingKey: 'f',
    alarmSeverity: 8,
    title: 'Bulk reads',
    description: 'secret details',
    affectedResources: ['a', 'b'],
    firstSeenAt: at,
    status: 'OPEN',
    scope: 'KNOWN',
    severity: 'HIGH',
    createdAt: at,
    impact: { affectedCustomers: 12, byDataCategory: { phone: 2, email: 12 }, byJurisdiction: { GB: 12 }, byLocale: { en: 12 }, byChannel: { email: 12 } },
    ...incident,
  });
  const messaging = new FakeMessaging();
  const deps: PageDeps = { incidents, messaging, topicArn, consoleUrl: (arn) => `https://console.example/${arn}` };
  return { deps, incidents, messaging };
}

describe('pageResponseTeam', () => {
  it('publishes ids, counts and the console link to the team topic, tagged by event and severity, and audits it', async () => {
    // Prepare
    const { deps, incidents, messaging } = world();
    // Act
    const result = await pageResponseTeam({ incidentId, event: 'incident-opened', executionArn }, deps);
    // Assess
    expect(result).toEqual({ messageId: 'msg-1' });
    expect(messaging.published).toHaveLength(1);
    const [page] = messaging.published;
    expect(page).toMatchObject({
      topicArn,
      subject: `[HIGH] New security incident: impact assessed (${incidentId})`,
      attributes: { event: 'incident-opened', severity: 'HIGH' },
    });
    expect(page!.message).toContain(`Incident: ${incidentId} (OPEN, severity HIGH, scope KNOWN)`);
    expect(page!.message).toContain('Affected resources: 2');
    expect(page!.message).toContain('Affected customers: 12');
    expect(page!.message).toContain('Data categories: email, phone');
    expect(page!.message).toContain(`Execution: https://console.example/${executionArn}`);
    expect(page!.message).not.toContain('secret details');
    expect(page!.message).not.toMatch(/Reason given|Error:/);
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([['response-team-paged', { event: 'incident-opened' }]]);
  });

  it('reminders of a wait on the team double from the first interval to a day, numbered from the page that began the wait', async () => {
    // Prepare
    const { deps, incidents, messaging } = world();
    let clock = Date.parse(at);
    const page = async (event: 'notice-rejected' | 'redraft-overdue') => {
      clock += 1000;
      // Time-ordered timeline entries, as the store writes them.
      const before = incidents.timeline.length;
      const out = await pageResponseTeam({ incidentId, event, executionArn, reminderSeconds: 3600, enteredAt: new Date(clock).toISOString() }, deps);
      for (const e of incidents.timeline.slice(before)) e.at = new Date(clock).toISOString();
      return out.nextReminderSeconds;
    };
    // Act
    const first = [await page('notice-rejected')];
    for (let i = 0; i < 6; i += 1) first.push(await page('redraft-overdue'));
    // A second rejection starts a new wait: its reminders count from one again.
    const second = [await page('notice-rejected'), await page('redraft-overdue')];
    // Assess
    expect(first).toEqual([3600, 7200, 14_400, 28_800, 57_600, 86_400, 86_400]);
    expect(second).toEqual([3600, 7200]);
    expect(messaging.published.at(-1)!.subject).toMatch(/^Reminder 1: /);
    expect(messaging.published.at(-3)!.subject).toMatch(/^ESCALATED \(reminder 6\) /);
  });

  it('every event has its own headline', async () => {
    // Prepare
    const { deps, messaging } = world();
    // Act
    for (const event of pageEvents) await pageResponseTeam({ incidentId, event, executionArn }, deps);
    // Assess
    // A reminder starts with its number; the headline follows.
    const headlines = messaging.published.map((p) => p.message.split('\n').find((l) => l !== '' && !/^(Reminder \d+:|ESCALATED)/.test(l)));
    expect(new Set(headlines).size).toBe(pageEvents.length);
    expect(headlines.every((h) => h && h.length > 0)).toBe(true);
  });

  it('an incident not yet assessed is paged without impact lines', async () => {
    // Prepare
    const { deps, messaging } = world({ impact: undefined, scope: 'PENDING' });
    // Act
    await pageResponseTeam({ incidentId, event: 'workflow-failed', executionArn }, deps);
    // Assess
    expect(messaging.published[0]!.message).not.toContain('Affected customers');
    expect(messaging.published[0]!.message).toContain('scope PENDING');
  });

  it('no data category affected reads "none"', async () => {
    // Prepare
    const { deps, messaging } = world({
      scope: 'UNKNOWN',
      impact: { affectedCustomers: 0, byDataCategory: {}, byJurisdiction: {}, byLocale: {}, byChannel: {} },
    });
    // Act
    await pageResponseTeam({ incidentId, event: 'scope-unknown', executionArn }, deps);
    // Assess
    expect(messaging.published[0]!.message).toContain('Data categories: none');
  });

  it("carries the approver's reason for a rejection", async () => {
    // Prepare
    const { deps, messaging } = world();
    // Act
    await pageResponseTeam({ incidentId, event: 'notice-rejected', executionArn, reason: 'Wrong date' }, deps);
    // Assess
    expect(messaging.published[0]!.message).toContain('Reason given: Wrong date');
  });

  it('carries the workflow error, its cause cut to 1,500 characters', async () => {
    // Prepare
    const { deps, messaging } = world();
    // Act
    await pageResponseTeam({ incidentId, event: 'workflow-failed', executionArn, error: { Error: 'DependencyError', Cause: 'x'.repeat(2000) } }, deps);
    // Assess
    const line = messaging.published[0]!.message.split('\n').find((l) => l.startsWith('Error:'))!;
    expect(line).toBe(`Error: DependencyError: ${'x'.repeat(1500)}`);
  });

  it('an error without a name reads "unknown"', async () => {
    // Prepare
    const { deps, messaging } = world();
    // Act
    await pageResponseTeam({ incidentId, event: 'workflow-failed', executionArn, error: {} }, deps);
    // Assess
    expect(messaging.published[0]!.message).toContain('Error: unknown: ');
  });

  it('a failed publish is not audited as a page', async () => {
    // Prepare
    const { deps, incidents } = world();
    deps.messaging.publish = async () => {
      throw namedError('InternalErrorException');
    };
    // Act
    const act = pageResponseTeam({ incidentId, event: 'incident-opened', executionArn }, deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'InternalErrorException' });
    expect(incidents.timeline).toEqual([]);
  });

  it('an unknown incident fails by name', async () => {
    // Prepare
    const { deps, messaging } = world();
    // Act
    const act = pageResponseTeam({ incidentId: 'inc-20261120-ffffffffffff', event: 'incident-opened', executionArn }, deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'IncidentNotFoundError' });
    expect(messaging.published).toEqual([]);
  });
});
