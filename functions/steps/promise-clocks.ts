import type { IncidentStorePort, OpenPromise, PromiseClockPort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface SweepPromisesDeps {
  promises: Pick<PromiseClockPort, 'due' | 'claim' | 'open'>;
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident'>;
  alertTeam: (event: string, subject: string, message: string) => Promise<void>;
  clock: Clock;
}

export interface PromiseSweepCounts {
  due: number;
  paged: number;
  /** Pages that could not be published: given back, the next run sends them. */
  failed: number;
}

export const PROMISE_SWEEP_ACTOR = 'promise-clocks';

function missedPage(promise: OpenPromise, incident: Awaited<ReturnType<IncidentStorePort['getIncident']>>): { subject: string; message: string } {
  return {
    // SNS keeps 100 characters of a subject: the incident id fits, even with the drill marker.
    subject: `${incident.drill ? '[DRILL] ' : ''}[MISSED] Update promised by ${promise.promisedBy} not sent (${promise.incidentId})`,
    message: [
      `MISSED: ${promise.noticeId} told customers the next update would come by ${promise.promisedBy}; no notice has been sent since.`,
      '',
      `Incident: ${incident.incidentId} (${incident.status}, severity ${incident.severity}): ${incident.title}`,
      'Have the update waiting for approval decided (its approvers and backup approvers have links), or redraft it if it was rejected',
      `(npm run incident -- redraft ${incident.incidentId}). When it goes out, the timeline records how late it was.`,
    ].join('\n'),
  };
}

/**
 * One run of the scheduled sweep over the promises customers were given: each that came due with no
 * notice sent since pages the response team once and is recorded as missed on the timeline (the
 * next notice records when it came). Claimed by a conditional delete before the page and given back
 * when the page could not go, so concurrent runs page once and a failed page is sent by the next run.
 */
export async function sweepPromises(deps: SweepPromisesDeps): Promise<PromiseSweepCounts> {
  const counts: PromiseSweepCounts = { due: 0, paged: 0, failed: 0 };
  for (const promise of await deps.promises.due(deps.clock.now())) {
    counts.due += 1;
    const incident = await deps.incidents.getIncident(promise.incidentId);
    if (!(await deps.promises.claim(promise))) continue;
    const { subject, message } = missedPage(promise, incident);
    try {
      await deps.alertTeam('promise-missed', subject, message);
    } catch {
      await deps.promises.open(promise);
      counts.failed += 1;
      continue;
    }
    counts.paged += 1;
    await deps.incidents.appendTimeline(promise.incidentId, {
      action: 'promise-missed',
      actor: PROMISE_SWEEP_ACTOR,
      detail: { noticeId: promise.noticeId, promisedBy: promise.promisedBy },
    });
  }
  return counts;
}
