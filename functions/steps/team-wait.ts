import { TASK_GONE_ERRORS } from '../domain/approval.js';
import type { FactsStorePort, IncidentStorePort, NoticeStorePort, TaskCallbacks, TeamStorePort, TeamWaitKind } from '../domain/ports.js';

export interface TeamWaitDeps {
  team: Pick<TeamStorePort, 'putWait' | 'getWait' | 'endWait' | 'listScopeDecisions' | 'redraftRequested'>;
  incidents: Pick<IncidentStorePort, 'getIncident' | 'appendTimeline'>;
  notices: Pick<NoticeStorePort, 'getNotice' | 'listNotices'>;
  facts: Pick<FactsStorePort, 'latestFacts'>;
  workflow: TaskCallbacks;
}

export interface AwaitInput {
  incidentId: string;
  kind: TeamWaitKind;
  taskToken: string;
  /** With redraft: the rejected notice. */
  noticeId?: string;
}

/** What the waiting task is told: the state machine goes on to the close when `closed`. */
export interface TeamAnswer {
  closed: boolean;
  /** What answered: a scope decision, an edit, a redraft request, the close. */
  by: 'scope-decision' | 'facts-edited' | 'redraft-requested' | 'closed';
}

/**
 * Whether what the workflow waits for has happened: a scope decision not yet applied; for a rejected
 * notice, facts saved after it was drafted, a request to draft it again, or a new scope; the close.
 */
async function answer(input: Omit<AwaitInput, 'taskToken'>, deps: TeamWaitDeps): Promise<TeamAnswer | undefined> {
  const incident = await deps.incidents.getIncident(input.incidentId);
  const rejected = input.kind === 'redraft' && input.noticeId ? await deps.notices.getNotice(input.incidentId, input.noticeId) : undefined;
  if (incident.status === 'CLOSED') {
    // A refused closing notice waits like any notice (redraft, or a cadence before it is asked again).
    const refusedClosing = rejected?.kind === 'closing' || (input.kind === 'next-update' && (await closingRefused(input.incidentId, deps)));
    if (!refusedClosing) return { closed: true, by: 'closed' };
  }
  if (input.kind === 'next-update') return undefined;
  const decided = (await deps.team.listScopeDecisions(input.incidentId)).at(-1)?.version ?? 0;
  if (decided > (incident.scopeVersion ?? 0)) return { closed: false, by: 'scope-decision' };
  if (input.kind === 'scope' || !rejected) return undefined;
  if (((await deps.facts.latestFacts(input.incidentId))?.version ?? 0) > rejected.factsVersion) return { closed: false, by: 'facts-edited' };
  if (await deps.team.redraftRequested(input.incidentId, rejected.noticeId, rejected.version)) return { closed: false, by: 'redraft-requested' };
  return undefined;
}

/** The latest notice is a closing notice that was not sent (rejected or undecided). */
async function closingRefused(incidentId: string, deps: TeamWaitDeps): Promise<boolean> {
  const latest = (await deps.notices.listNotices(incidentId)).sort((a, b) => a.sequence - b.sequence).at(-1);
  return latest?.kind === 'closing' && latest.status !== 'SENT';
}

/**
 * The workflow waits on the team (a waitForTaskToken task): keeps the task token, then looks whether
 * the answer is already there and, if so, resumes the task at once. The token is stored before the
 * look and answers are saved before the token is read (see `wakeTeam`), so an answer that races the
 * wait is seen by one side or both; a second SendTaskSuccess on the same token is refused harmlessly.
 */
export async function awaitTeam(input: AwaitInput, deps: TeamWaitDeps): Promise<{ waiting: boolean }> {
  await deps.team.putWait(input.incidentId, { kind: input.kind, taskToken: input.taskToken, ...(input.noticeId ? { noticeId: input.noticeId } : {}) });
  const found = await answer(input, deps);
  if (!found) return { waiting: true };
  await resume(input.incidentId, input.kind, input.taskToken, found, 'wait-for-team', deps);
  return { waiting: false };
}

/**
 * After a person saved an answer (scope decision, edit, redraft request, close): resumes the waits it
 * answers. Returns the kinds resumed now; a wait whose task already timed out into a reminder sees
 * the answer itself when it waits again.
 */
export async function wakeTeam(incidentId: string, kinds: readonly TeamWaitKind[], actor: string, deps: TeamWaitDeps): Promise<TeamWaitKind[]> {
  const woken: TeamWaitKind[] = [];
  for (const kind of kinds) {
    const wait = await deps.team.getWait(incidentId, kind);
    if (!wait) continue;
    const found = await answer({ incidentId, kind, ...(wait.noticeId ? { noticeId: wait.noticeId } : {}) }, deps);
    if (found && (await resume(incidentId, kind, wait.taskToken, found, actor, deps))) woken.push(kind);
  }
  return woken;
}

async function resume(incidentId: string, kind: TeamWaitKind, taskToken: string, found: TeamAnswer, actor: string, deps: TeamWaitDeps): Promise<boolean> {
  try {
    await deps.workflow.succeed(taskToken, { ...found });
  } catch (error) {
    // The task is gone (timed out into a reminder, or already resumed): its next wait finds the answer.
    if (error instanceof Error && TASK_GONE_ERRORS.includes(error.name)) {
      await deps.team.endWait(incidentId, kind, taskToken);
      return false;
    }
    throw error;
  }
  await deps.team.endWait(incidentId, kind, taskToken);
  await deps.incidents.appendTimeline(incidentId, { action: 'team-wait-answered', actor, detail: { kind, by: found.by, closed: found.closed } });
  return true;
}
