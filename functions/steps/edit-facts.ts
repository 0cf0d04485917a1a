import { factsByLocaleSchema, factsGaps, type FactsByLocale } from '../domain/facts.js';
import type { Locale } from '../domain/locales.js';
import type { ApprovalStorePort, FactsStorePort, IncidentStorePort, NoticeStorePort } from '../domain/ports.js';
import { FactsVersionConflictError } from '../shared/errors.js';
import { returnPendingDecision, type DecisionReturnDeps } from './return-decision.js';
import { wakeTeam, type TeamWaitDeps } from './team-wait.js';

export interface EditDeps extends DecisionReturnDeps {
  incidents: DecisionReturnDeps['incidents'] & Pick<IncidentStorePort, 'getIncident'>;
  notices: DecisionReturnDeps['notices'] & Pick<NoticeStorePort, 'listNotices' | 'getNotice'>;
  facts: Pick<FactsStorePort, 'latestFacts' | 'saveFacts'>;
  /** A rejected notice waiting for the team is drafted again from the new facts. */
  team: TeamWaitDeps['team'];
  approvals: DecisionReturnDeps['approvals'] & Pick<ApprovalStorePort, 'listApprovalRequests' | 'supersedeForEdit'>;
  /** The locales notices are written in: gaps between them are reported. */
  locales: readonly Locale[];
}

export interface EditInput {
  incidentId: string;
  author: string;
  /** The whole new facts of each locale given; locales not given keep theirs. */
  locales: FactsByLocale;
  /** The version the editor read: a save on top of anything newer is refused. */
  expectedVersion: number;
}

export interface EditResult {
  version: number;
  /** Where the locales disagree (see `factsGaps`): customers must read the same facts in every language. */
  gaps: string[];
  /** Approval requests the edit took back: the workflow redrafts and asks again. */
  supersededRequests: number;
  /** Of those, the ones whose waiting task heard it at once (the sweeper returns the rest within a minute). The operator API's field keeps this name. */
  deliveredNow: number;
}

/**
 * Saves a new version of the team's facts and takes back any pending approval of a notice drafted
 * from older facts: that request can no longer decide, and its waiting task fails with
 * NoticeEditedError, which the state machine answers by redrafting and asking again. An approval
 * that won before this write stands: that notice goes out as approved and the edit reaches the next one.
 *
 * Order matters: the facts are saved before pending requests are read, and the approval step reads
 * the facts after storing its request, so a request is either seen here or sees the new version itself.
 */
export async function editFacts(input: EditInput, deps: EditDeps): Promise<EditResult> {
  const incident = await deps.incidents.getIncident(input.incidentId);
  const latest = await deps.facts.latestFacts(incident.incidentId);
  const current = latest?.version ?? 0;
  if (current !== input.expectedVersion) {
    throw new FactsVersionConflictError(`Facts of ${input.incidentId} are at version ${current}, not ${input.expectedVersion}: reload and edit again`);
  }
  const locales = factsByLocaleSchema.parse({ ...latest?.locales, ...input.locales });
  const saved = await deps.facts.saveFacts(incident.incidentId, input.author, locales, current);
  const gaps = factsGaps(saved, deps.locales);
  await deps.incidents.appendTimeline(incident.incidentId, {
    action: 'facts-edited',
    actor: input.author,
    detail: { version: saved.version, locales: Object.keys(input.locales), gaps },
  });

  const pending = new Set(
    (await deps.notices.listNotices(incident.incidentId))
      .filter((n) => n.status === 'PENDING_APPROVAL' && n.factsVersion < saved.version)
      .map((n) => n.noticeId),
  );
  const requests = (await deps.approvals.listApprovalRequests(incident.incidentId)).filter((r) => r.status === 'PENDING' && pending.has(r.noticeId));
  let supersededRequests = 0;
  let deliveredNow = 0;
  for (const request of requests) {
    if (!(await deps.approvals.supersedeForEdit(incident.incidentId, request.requestId, saved.version))) continue;
    supersededRequests += 1;
    await deps.incidents.appendTimeline(incident.incidentId, {
      action: 'approval-superseded-by-edit',
      actor: input.author,
      detail: { noticeId: request.noticeId, requestId: request.requestId, factsVersion: saved.version },
    });
    if ((await returnPendingDecision(incident.incidentId, request.requestId, 'editor', deps)) === 'returned') deliveredNow += 1;
  }
  await wakeTeam(incident.incidentId, ['redraft'], input.author, deps);
  return { version: saved.version, gaps, supersededRequests, deliveredNow };
}
