import type { IncidentStorePort, NoticeStorePort } from '../domain/ports.js';
import { draftingStartsAt, openPromise, type PromiseSettings } from '../domain/promises.js';
import type { Clock } from '../shared/clock.js';

export interface PlanDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'setNextUpdate'>;
  notices: Pick<NoticeStorePort, 'listNotices'>;
  clock: Clock;
  settings: Pick<PromiseSettings, 'cadenceSeconds' | 'leadSeconds'>;
}

/**
 * When the next update is due (the time the last sent notice promised customers) and the seconds
 * until its drafting starts, a lead before that, for the interruptible wait (closing the incident ends
 * it early). A promise already close or past is drafted for at once: customers are owed the update. A
 * closed incident waits for nothing: its closing notice (or, once that is out, the final report) comes next.
 */
export async function planNextUpdate(incidentId: string, deps: PlanDeps): Promise<{ nextUpdateAt: string; waitSeconds: number }> {
  const now = deps.clock.now();
  const cadenceMs = deps.settings.cadenceSeconds * 1000;
  const notices = await deps.notices.listNotices(incidentId);
  if ((await deps.incidents.getIncident(incidentId)).status === 'CLOSED') {
    // A closing notice just rejected or left undecided is asked again a cadence later, not at once.
    const latest = [...notices].sort((a, b) => a.sequence - b.sequence).at(-1);
    const refused = latest?.kind === 'closing' && latest.status !== 'SENT';
    const nextUpdateAt = refused ? new Date(now.getTime() + cadenceMs).toISOString() : now.toISOString();
    await deps.incidents.appendTimeline(incidentId, { action: 'next-update-planned', actor: 'plan-next-update', detail: { nextUpdateAt, closed: true } });
    return { nextUpdateAt, waitSeconds: secondsUntil(nextUpdateAt, now) };
  }
  const nextUpdateAt = openPromise(notices)?.promisedNextUpdateAt ?? new Date(now.getTime() + cadenceMs).toISOString();
  const draftAt = draftingStartsAt(nextUpdateAt, deps.settings.leadSeconds).toISOString();
  await deps.incidents.setNextUpdate(incidentId, nextUpdateAt);
  await deps.incidents.appendTimeline(incidentId, { action: 'next-update-planned', actor: 'plan-next-update', detail: { nextUpdateAt, draftAt } });
  return { nextUpdateAt, waitSeconds: secondsUntil(draftAt, now) };
}

/** The interruptible wait's TimeoutSeconds: a whole number, at least 1 (Step Functions refuses 0). */
function secondsUntil(at: string, now: Date): number {
  return Math.max(1, Math.ceil((Date.parse(at) - now.getTime()) / 1000));
}
