import type { IncidentStorePort, NoticeStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface PlanDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'setNextUpdate'>;
  notices: Pick<NoticeStorePort, 'listNotices'>;
  clock: Clock;
  updateCadenceSeconds: number;
}

/**
 * When the next update is due: the time the last sent notice promised customers, or one cadence from
 * now when that promise is already past (an approval that took long).
 */
export async function planNextUpdate(incidentId: string, deps: PlanDeps): Promise<{ nextUpdateAt: string }> {
  const notices = await deps.notices.listNotices(incidentId);
  const promised = notices
    .filter((n) => n.status === 'SENT' && n.promisedNextUpdateAt)
    .map((n) => n.promisedNextUpdateAt!)
    .sort()
    .at(-1);
  const now = deps.clock.now();
  const nextUpdateAt =
    promised && Date.parse(promised) > now.getTime() ? promised : new Date(now.getTime() + deps.updateCadenceSeconds * 1000).toISOString();
  await deps.incidents.setNextUpdate(incidentId, nextUpdateAt);
  await deps.incidents.appendTimeline(incidentId, { action: 'next-update-planned', actor: 'plan-next-update', detail: { nextUpdateAt } });
  return { nextUpdateAt };
}
