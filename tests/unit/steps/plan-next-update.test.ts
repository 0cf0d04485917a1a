import { describe, expect, it } from 'vitest';
import type { Notice } from '../../../functions/domain/incident.js';
import { planNextUpdate, type PlanDeps } from '../../../functions/steps/plan-next-update.js';
import { FakeClock, FakeIncidents, FakeNotices } from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';

function world() {
  const clock = new FakeClock(Date.parse('2026-11-20T12:00:00Z'));
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, {
    incidentId,
    source: 'manual',
    findingKey: 'f',
    alarmSeverity: 5,
    title: 't',
    description: '',
    affectedResources: [],
    firstSeenAt: at,
    status: 'OPEN',
    scope: 'KNOWN',
    severity: 'MEDIUM',
    createdAt: at,
  });
  const notices = new FakeNotices();
  const deps: PlanDeps = { incidents, notices, clock, settings: { cadenceSeconds: 6 * 3600, leadSeconds: 3600 } };
  const add = (sequence: number, status: Notice['status'], promisedNextUpdateAt: string) =>
    notices.createNotice(
      noticeRecord({
        incidentId,
        noticeId: `n-${sequence}`,
        kind: sequence === 1 ? 'first-notice' : 'update',
        sequence,
        status,
        content: {},
        createdAt: at,
        promisedNextUpdateAt,
      }),
    );
  return { deps, incidents, add };
}

describe('planNextUpdate', () => {
  it('the update is due when the last sent notice promised customers; drafting starts the lead before', async () => {
    // Prepare
    const { deps, incidents, add } = world();
    await add(1, 'SENT', '2026-11-20T14:00:00.000Z');
    await add(2, 'SENT', '2026-11-20T16:00:00.000Z');
    // Act
    const result = await planNextUpdate(incidentId, deps);
    // Assess: it is 12:00; drafting at 15:00, an hour before 16:00.
    expect(result).toEqual({ nextUpdateAt: '2026-11-20T16:00:00.000Z', waitSeconds: 3 * 3600 });
    expect(incidents.incidents.get(incidentId)!.nextUpdateAt).toBe('2026-11-20T16:00:00.000Z');
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([
      ['next-update-planned', { nextUpdateAt: '2026-11-20T16:00:00.000Z', draftAt: '2026-11-20T15:00:00.000Z' }],
    ]);
  });

  it('a promise nearer than the lead is drafted for at once', async () => {
    // Prepare
    const { deps, add } = world();
    await add(1, 'SENT', '2026-11-20T12:30:00.000Z');
    // Act
    const result = await planNextUpdate(incidentId, deps);
    // Assess
    expect(result).toEqual({ nextUpdateAt: '2026-11-20T12:30:00.000Z', waitSeconds: 1 });
  });

  it('a closed incident waits for nothing: its closing notice or final report comes next', async () => {
    // Prepare
    const { deps, incidents, add } = world();
    await add(1, 'SENT', '2026-11-27T08:00:00.000Z');
    incidents.incidents.get(incidentId)!.status = 'CLOSED';
    // Act
    const result = await planNextUpdate(incidentId, deps);
    // Assess
    expect(result).toMatchObject({ nextUpdateAt: '2026-11-20T12:00:00.000Z' });
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([['next-update-planned', { nextUpdateAt: '2026-11-20T12:00:00.000Z', closed: true }]]);
  });

  it('a closing notice just rejected or left undecided is asked for again one cadence later, not at once', async () => {
    // Prepare
    const { deps, incidents, add } = world();
    await add(1, 'SENT', '2026-11-27T08:00:00.000Z');
    await (deps.notices as FakeNotices).createNotice(
      noticeRecord({
        incidentId,
        noticeId: 'closing-2',
        kind: 'closing',
        sequence: 2,
        status: 'REJECTED',
        content: {},
        createdAt: at,
        promisedNextUpdateAt: at,
      }),
    );
    incidents.incidents.get(incidentId)!.status = 'CLOSED';
    // Act
    const result = await planNextUpdate(incidentId, deps);
    // Assess
    expect(result).toMatchObject({ nextUpdateAt: '2026-11-20T18:00:00.000Z' });
    // The interruptible wait's timeout: whole seconds until then.
    expect(result.waitSeconds).toBe(6 * 3600);
  });

  it('a promise already past (an update nobody approved in time) is still owed: drafted for at once, never pushed a cadence away', async () => {
    // Prepare
    const { deps, add } = world();
    await add(1, 'SENT', '2026-11-20T11:00:00.000Z');
    // Act
    const result = await planNextUpdate(incidentId, deps);
    // Assess
    expect(result).toEqual({ nextUpdateAt: '2026-11-20T11:00:00.000Z', waitSeconds: 1 });
  });

  it('only sent notices promise anything: a pending or rejected draft is ignored', async () => {
    // Prepare
    const { deps, add } = world();
    await add(1, 'SENT', '2026-11-20T14:00:00.000Z');
    await add(2, 'PENDING_APPROVAL', '2026-11-21T00:00:00.000Z');
    await add(3, 'REJECTED', '2026-11-22T00:00:00.000Z');
    // Act
    const result = await planNextUpdate(incidentId, deps);
    // Assess
    expect(result).toMatchObject({ nextUpdateAt: '2026-11-20T14:00:00.000Z' });
  });

  it('nothing sent yet: one cadence from now', async () => {
    // Prepare
    const { deps } = world();
    // Act
    const result = await planNextUpdate(incidentId, deps);
    // Assess
    expect(result).toEqual({ nextUpdateAt: '2026-11-20T18:00:00.000Z', waitSeconds: 5 * 3600 });
  });

  it('an unknown incident fails by name and plans nothing', async () => {
    // Prepare
    const { deps, incidents } = world();
    // Act
    const act = planNextUpdate('inc-20261120-ffffffffffff', deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'IncidentNotFoundError' });
    expect(incidents.timeline).toEqual([]);
  });
});
