import { describe, expect, it } from 'vitest';
import { sweepPromises, type SweepPromisesDeps } from '../../../functions/steps/promise-clocks.js';
import { FakeClock, FakeIncidents, FakePromiseClocks } from '../../support/fakes.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';

function world() {
  const clock = new FakeClock(Date.parse('2026-11-20T12:00:00Z'));
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, {
    incidentId,
    source: 'manual',
    findingKey: 'f',
    alarmSeverity: 8,
    title: 'Customer export bucket was public',
    description: '',
    affectedResources: [],
    firstSeenAt: at,
    status: 'OPEN',
    scope: 'KNOWN',
    severity: 'HIGH',
    createdAt: at,
  });
  const promises = new FakePromiseClocks();
  const pages: { event: string; subject: string; message: string }[] = [];
  let failing = false;
  const alertTeam = async (event: string, subject: string, message: string) => {
    if (failing) throw new Error('SNS unavailable');
    pages.push({ event, subject, message });
  };
  const deps: SweepPromisesDeps = { promises, incidents, alertTeam, clock };
  return { deps, clock, incidents, promises, pages, fail: (on: boolean) => (failing = on) };
}

describe('sweepPromises', () => {
  it('a promise come due with no notice sent since pages the team once and is recorded missed; one not due yet waits', async () => {
    // Prepare
    const { deps, incidents, promises, pages } = world();
    await promises.open({ incidentId, noticeId: 'update-2', promisedBy: '2026-11-20T12:00:00.000Z' });
    await promises.open({ incidentId, noticeId: 'update-3', promisedBy: '2026-11-20T12:00:01.000Z' });
    // Act
    const first = await sweepPromises(deps);
    const second = await sweepPromises(deps);
    // Assess
    expect(first).toEqual({ due: 1, paged: 1, failed: 0 });
    expect(second).toEqual({ due: 0, paged: 0, failed: 0 });
    expect(pages.map((p) => [p.event, p.subject])).toEqual([
      ['promise-missed', `[MISSED] Update promised by 2026-11-20T12:00:00.000Z not sent (${incidentId})`],
    ]);
    expect(pages[0]!.message).toContain('update-2 told customers the next update would come by 2026-11-20T12:00:00.000Z');
    expect(`[DRILL] ${pages[0]!.subject}`.length).toBeLessThanOrEqual(100);
    expect(incidents.timeline.map((e) => [e.action, e.actor, e.detail])).toEqual([
      ['promise-missed', 'promise-clocks', { noticeId: 'update-2', promisedBy: '2026-11-20T12:00:00.000Z' }],
    ]);
    expect([...promises.markers.values()].map((p) => p.noticeId)).toEqual(['update-3']);
  });

  it('a page that cannot be published is given back and sent by the next run', async () => {
    // Prepare
    const { deps, incidents, promises, pages, fail } = world();
    await promises.open({ incidentId, noticeId: 'first-notice-1', promisedBy: '2026-11-20T11:00:00.000Z' });
    fail(true);
    // Act
    const failed = await sweepPromises(deps);
    fail(false);
    const retried = await sweepPromises(deps);
    // Assess
    expect(failed).toEqual({ due: 1, paged: 0, failed: 1 });
    expect(retried).toEqual({ due: 1, paged: 1, failed: 0 });
    expect(pages).toHaveLength(1);
    expect(incidents.timeline.map((e) => e.action)).toEqual(['promise-missed']);
  });

  it('a promise the next notice kept (its clock stopped) or another run took pages nothing', async () => {
    // Prepare
    const { deps, promises, pages } = world();
    const promise = { incidentId, noticeId: 'update-2', promisedBy: '2026-11-20T11:00:00.000Z' };
    await promises.open(promise);
    const due = await promises.due(deps.clock.now());
    await promises.close(promise);
    // Act: the sweep read it as due, then found it gone when it came to claim it
    const counts = await sweepPromises({
      ...deps,
      promises: { ...promises, due: async () => due, claim: (p) => promises.claim(p), open: (p) => promises.open(p) },
    });
    // Assess
    expect(counts).toEqual({ due: 1, paged: 0, failed: 0 });
    expect(pages).toEqual([]);
  });
});
