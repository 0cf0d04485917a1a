import type { IncidentStorePort, NoticeStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface PlanDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'setNextUpdate'>;
  notices: Pick<NoticeStorePort, 'listNotices'>;
  clock: Clock;
  updateCadenceSeconds: number;
}

/**
 * When the next update is due: the time the last sent notice promised customers, or one cadence from
 * now when that promise is already past (an approval that took long), and the seconds until then for
 * the interruptible wait (closing the incident ends it early). A closed incident waits for nothing:
 * its closing notice (or, once that is out, the final report) comes next.
 */
export async function planNextUpdate(incidentId: string, deps: PlanDeps): Promise<{ nextUpdateAt: string; waitSeconds: number }> {
  const now = deps.clock.now();
  const notices = await deps.notices.listNotices(incidentId);
  if ((await deps.incidents.getIncident(incidentId)).status === 'CLOSED') {
    // A closing notice just rejected or left undecided is asked again a cadence later, not at once.
    const latest = [...notices].sort((a, b) => a.sequence - b.sequence).at(-1);
    const refused = latest?.kind === 'closing' && latest.status !== 'SENT';
    const nextUpdateAt = refused ? new Date(now.getTime() + deps.updateCadenceSeconds * 1000).toISOString() : now.toISOString();
    await deps.incidents.appendTimeline(incidentId, { action: 'next-update-planned', actor: 'plan-next-update', detail: { nextUpdateAt, closed: true } });
    return { nextUpdateAt, waitSeconds: secondsUntil(nextUpdateAt, now) };
  }
  const promised = notices
    .filter((n) => n.status === 'SENT' && n.promisedNextUpdateAt)
    .map((n) => n.promisedNextUpdateAt!)
    .sort()
    .at(-1);
  const nextUpdateAt = promised && Date.parse(promised) > now.getTime() ? promised : new Date(now.getTime() + deps.updateCadenceSeconds * 1000).toISOString();
  await deps.incidents.setNextUpdate(incidentId, nextUpdateAt);
  await deps.incidents.appendTimeline(incidentId, { action: 'next-update-planned', actor: 'plan-next-update', detail: { nextUpdateAt } });
  return { nextUpdateAt, waitSeconds: secondsUntil(nextUpdateAt, now) };
}

/** The interruptible wait's TimeoutSeconds: a whole number, at least 1 (Step Functions refuses 0). */
function secondsUntil(at: string, now: Date): number {
  return Math.max(1, Math.ceil((Date.parse(at) - now.getTime()) / 1000));
}
