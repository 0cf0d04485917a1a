import type { EvidenceStorePort, IncidentStorePort, NoticeStorePort, ResumeSendingOutcome } from '../domain/ports.js';
import { evidenceFigures, REPUTATION_CHANNEL, type SendingResumed } from '../domain/reputation.js';
import type { Clock } from '../shared/clock.js';

/** What the team's resume needs: the CLI, the console and the operator API wire the same. */
export interface ResumeSendingDeps {
  incidents: Pick<IncidentStorePort, 'getIncident' | 'appendTimeline'>;
  notices: Pick<NoticeStorePort, 'getNotice' | 'resumeSending'>;
  evidence: Pick<EvidenceStorePort, 'counts'>;
  clock: Clock;
}

/**
 * The team's word that a notice the reputation guard paused goes on despite its rates: kept on the
 * notice with who, when and the rates they saw (the guard then lets it through at the next round, and
 * for the rest of this notice), and on the timeline. Only an approved notice being sent; the first word
 * is kept. An unknown incident or notice throws (IncidentNotFoundError, NoticeNotFoundError).
 */
export async function resumeSending(input: { incidentId: string; noticeId: string; author: string }, deps: ResumeSendingDeps): Promise<ResumeSendingOutcome> {
  await deps.incidents.getIncident(input.incidentId);
  const notice = await deps.notices.getNotice(input.incidentId, input.noticeId);
  const figures = evidenceFigures(await deps.evidence.counts(notice, REPUTATION_CHANNEL));
  const resumed: SendingResumed = {
    by: input.author,
    at: deps.clock.now().toISOString(),
    accepted: figures.accepted,
    delivered: figures.delivered,
    ...(figures.bounceRate !== undefined ? { bounceRate: figures.bounceRate } : {}),
    ...(figures.complaintRate !== undefined ? { complaintRate: figures.complaintRate } : {}),
  };
  const result = await deps.notices.resumeSending(input.incidentId, input.noticeId, resumed);
  if (result.outcome === 'resumed') {
    await deps.incidents.appendTimeline(input.incidentId, { action: 'sending-resumed', actor: input.author, detail: { noticeId: input.noticeId, ...resumed } });
  }
  return result;
}

/** The outcome in a sentence, for the CLI and the console. */
export function describeResume(noticeId: string, result: ResumeSendingOutcome): string {
  if (result.outcome === 'not-sending') return `${noticeId} is ${result.status}, not being sent: nothing to resume`;
  const who = `${result.resumed.by} at ${result.resumed.at}`;
  return result.outcome === 'resumed'
    ? `${noticeId} goes on sending despite its rates (recorded: ${who}); the paused slices go on at the workflow's next round, nobody already sent is sent again`
    : `${noticeId} was already resumed by ${who}: nothing changed`;
}
