import type { ApprovalStorePort, FactsStorePort, IncidentStorePort, NoticeStorePort, TeamStorePort, TeamWaitKind } from '../domain/ports.js';
import { describeScope, scopeRequestSchema, type ScopeDecision } from '../domain/scope.js';
import { IncidentClosedError, NoticeNotFoundError } from '../shared/errors.js';
import { returnPendingDecision, type DecisionReturnDeps } from './return-decision.js';
import { wakeTeam, type TeamWaitDeps } from './team-wait.js';

/** What the team's commands need: the CLI, the console and the operator API wire the same. */
export interface TeamDecisionDeps extends DecisionReturnDeps {
  incidents: DecisionReturnDeps['incidents'] & TeamWaitDeps['incidents'] & Pick<IncidentStorePort, 'closeIncident'>;
  notices: DecisionReturnDeps['notices'] & TeamWaitDeps['notices'] & Pick<NoticeStorePort, 'listNotices'>;
  approvals: DecisionReturnDeps['approvals'] & Pick<ApprovalStorePort, 'listApprovalRequests' | 'supersedeForEdit'>;
  facts: Pick<FactsStorePort, 'latestFacts'>;
  team: TeamWaitDeps['team'] & Pick<TeamStorePort, 'saveScopeDecision' | 'requestRedraft'>;
  workflow: TeamWaitDeps['workflow'];
}

export interface TeamActionResult {
  /** Approval requests taken back: the notice they asked about is drafted again. */
  supersededRequests: number;
  /** Waits of the workflow resumed at once (the others resume at their next reminder). */
  resumed: TeamWaitKind[];
}

/**
 * Keeps a scope decision (who is affected: everyone, listed resources, an id list, a segment; or
 * nobody) and acts on it: the workflow waiting for a scope resumes and assesses again; a notice
 * waiting for approval was drafted for another audience, so its approval is taken back and it is
 * drafted again; a rejected notice waiting for a redraft is drafted again. Sent notices stand; the
 * next one goes to the new audience.
 */
export async function decideScope(
  input: { incidentId: string; author: string; request: unknown },
  deps: TeamDecisionDeps,
): Promise<TeamActionResult & { version: number; summary: string }> {
  const request = scopeRequestSchema.parse(input.request);
  const incident = await deps.incidents.getIncident(input.incidentId);
  if (incident.status === 'CLOSED') throw new IncidentClosedError(`Incident ${input.incidentId} is closed: its scope no longer changes`);
  const decision: ScopeDecision = await deps.team.saveScopeDecision(input.incidentId, input.author, request);
  const summary = describeScope(decision);
  await deps.incidents.appendTimeline(input.incidentId, {
    action: 'scope-decided',
    actor: input.author,
    detail: { version: decision.version, basis: decision.basis, mode: decision.mode, summary, reason: decision.reason, ids: decision.customerIds.length },
  });
  // Nobody affected: the incident is over (the workflow sends the final report; later commands are refused).
  if (decision.basis === 'none') await deps.incidents.closeIncident(input.incidentId, input.author);
  const supersededRequests = await takeBackPendingApprovals(input.incidentId, input.author, 'scope', deps);
  const resumed = await wakeTeam(input.incidentId, ['scope', 'redraft', 'next-update'], input.author, deps);
  return { version: decision.version, summary, supersededRequests, resumed };
}

/**
 * Closes the incident now: the wait for the next update ends at once and the closing notice is drafted
 * (approved like any other), then the final report; a notice waiting for approval is taken back (its
 * draft becomes the closing notice, or nothing when no notice ever went out); a wait for a scope or a
 * redraft ends in the final report.
 */
export async function closeIncidentNow(input: { incidentId: string; author: string; reason?: string }, deps: TeamDecisionDeps): Promise<TeamActionResult> {
  const incident = await deps.incidents.getIncident(input.incidentId);
  if (incident.status !== 'CLOSED') {
    await deps.incidents.closeIncident(input.incidentId, input.author);
    if (input.reason) await deps.incidents.appendTimeline(input.incidentId, { action: 'close-reason', actor: input.author, detail: { reason: input.reason } });
  }
  const supersededRequests = await takeBackPendingApprovals(input.incidentId, input.author, 'close', deps);
  const resumed = await wakeTeam(input.incidentId, ['next-update', 'scope', 'redraft'], input.author, deps);
  return { supersededRequests, resumed };
}

/** Drafts a rejected notice again as the facts stand (when the rejection asked for nothing the facts hold, or the team disagrees). */
export async function requestRedraft(input: { incidentId: string; author: string }, deps: TeamDecisionDeps): Promise<TeamActionResult & { noticeId: string }> {
  const incident = await deps.incidents.getIncident(input.incidentId);
  if (incident.status === 'CLOSED') throw new IncidentClosedError(`Incident ${input.incidentId} is closed`);
  const rejected = (await deps.notices.listNotices(input.incidentId)).sort((a, b) => a.sequence - b.sequence).at(-1);
  if (rejected?.status !== 'REJECTED') throw new NoticeNotFoundError(`Incident ${input.incidentId} has no rejected notice waiting for a redraft`);
  await deps.team.requestRedraft(input.incidentId, rejected.noticeId, rejected.version, input.author);
  await deps.incidents.appendTimeline(input.incidentId, { action: 'redraft-requested', actor: input.author, detail: { noticeId: rejected.noticeId } });
  const resumed = await wakeTeam(input.incidentId, ['redraft'], input.author, deps);
  return { noticeId: rejected.noticeId, supersededRequests: 0, resumed };
}

/** Pending approvals stop deciding and their tasks fail with NoticeEditedError: the workflow drafts again (see steps/edit-facts.ts). */
async function takeBackPendingApprovals(incidentId: string, actor: string, because: 'scope' | 'close', deps: TeamDecisionDeps): Promise<number> {
  const pending = new Set((await deps.notices.listNotices(incidentId)).filter((n) => n.status === 'PENDING_APPROVAL').map((n) => n.noticeId));
  const requests = (await deps.approvals.listApprovalRequests(incidentId)).filter((r) => r.status === 'PENDING' && pending.has(r.noticeId));
  const factsVersion = (await deps.facts.latestFacts(incidentId))?.version ?? 0;
  let taken = 0;
  for (const request of requests) {
    if (!(await deps.approvals.supersedeForEdit(incidentId, request.requestId, factsVersion))) continue;
    taken += 1;
    await deps.incidents.appendTimeline(incidentId, {
      action: because === 'scope' ? 'approval-superseded-by-scope' : 'approval-superseded-by-close',
      actor,
      detail: { noticeId: request.noticeId, requestId: request.requestId },
    });
    await returnPendingDecision(incidentId, request.requestId, 'editor', deps);
  }
  return taken;
}
