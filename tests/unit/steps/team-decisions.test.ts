import { describe, expect, it } from 'vitest';
import { closeIncidentNow, decideScope, requestRedraft } from '../../../functions/steps/team-decisions.js';
import { awaitTeam, wakeTeam } from '../../../functions/steps/team-wait.js';
import { editFacts } from '../../../functions/steps/edit-facts.js';
import { IncidentClosedError, NoticeNotFoundError } from '../../../functions/shared/errors.js';
import { editWorld } from '../../support/edit-world.js';
import { namedError } from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';

function world() {
  const w = editWorld(incidentId, at);
  const deps = { ...w.deps, incidents: w.incidents, notices: w.notices, approvals: w.approvals, facts: w.facts, team: w.team };
  /** The workflow enters a wait of `kind` with a fresh token, as Step Functions would. */
  let n = 0;
  const enter = async (kind: 'scope' | 'redraft' | 'next-update', noticeId?: string) => {
    const taskToken = `token-${kind}-${++n}`;
    w.workflow.wait(taskToken);
    const out = await awaitTeam({ incidentId, kind, taskToken, ...(noticeId ? { noticeId } : {}) }, deps);
    return { taskToken, ...out };
  };
  const resumedWith = (taskToken: string) => w.workflow.callbacks.filter((c) => c.taskToken === taskToken);
  return { ...w, deps, enter, resumedWith };
}

const rejectedNotice = () =>
  noticeRecord({
    incidentId,
    noticeId: 'first-notice-1',
    kind: 'first-notice',
    sequence: 1,
    status: 'REJECTED',
    content: { en: { subject: 's', lines: ['l'] } } as never,
    createdAt: at,
    promisedNextUpdateAt: at,
  });

describe('the workflow waiting on the team', () => {
  it('a scope decision resumes the waiting scope task once, with what answered it, and is on the timeline with its author', async () => {
    // Prepare
    const { deps, enter, resumedWith, incidents } = world();
    const wait = await enter('scope');
    // Act
    const result = await decideScope(
      { incidentId, author: 'lead@example.com', request: { basis: 'all', countries: ['DE'], reason: 'the bucket holds every EU export' } },
      deps,
    );
    // Assess
    expect(wait.waiting).toBe(true);
    expect(result).toMatchObject({ version: 1, resumed: ['scope'], supersededRequests: 0 });
    expect(resumedWith(wait.taskToken)).toEqual([{ taskToken: wait.taskToken, kind: 'succeed', output: { closed: false, by: 'scope-decision' } }]);
    const entry = incidents.timeline.find((e) => e.action === 'scope-decided');
    expect(entry).toMatchObject({
      actor: 'lead@example.com',
      detail: { version: 1, basis: 'all', summary: 'every customer in the directory in DE', reason: 'the bucket holds every EU export' },
    });
  });

  it('a decision saved before the wait stored its token (a reminder in between) is seen by the wait itself, which resumes at once', async () => {
    // Prepare
    const { deps, enter, resumedWith, workflow } = world();
    const first = await enter('scope');
    // The first task timed out into a reminder: the decision's callback finds no task.
    workflow.waiting.delete(first.taskToken);
    const result = await decideScope({ incidentId, author: 'lead', request: { basis: 'none', reason: 'false positive' } }, deps);
    // Act
    const again = await enter('scope');
    // Assess
    expect(result.resumed).toEqual([]);
    expect(again.waiting).toBe(false);
    expect(resumedWith(again.taskToken)).toHaveLength(1);
  });

  it('an applied decision answers nothing: the scope wait keeps waiting (no loop on the same decision)', async () => {
    // Prepare
    const { deps, enter, incidents } = world();
    await decideScope({ incidentId, author: 'lead', request: { basis: 'all', reason: 'r' } }, deps);
    incidents.incidents.get(incidentId)!.scopeVersion = 1;
    // Act
    const wait = await enter('scope');
    // Assess
    expect(wait.waiting).toBe(true);
  });

  it('a rejected notice is drafted again after an edit of the facts, a redraft request, or a close; not before', async () => {
    // Prepare
    const { deps, enter, resumedWith, notices, facts } = world();
    await notices.createNotice(rejectedNotice());
    const wait = await enter('redraft', 'first-notice-1');
    expect(wait.waiting).toBe(true);
    // Act
    await editFacts(
      { incidentId, author: 'writer', locales: { en: { cause: 'A leaked key.', measures: [], advice: [], remedies: [] } }, expectedVersion: 0 },
      deps,
    );
    // Assess
    expect(resumedWith(wait.taskToken)).toEqual([{ taskToken: wait.taskToken, kind: 'succeed', output: { closed: false, by: 'facts-edited' } }]);
    expect((await facts.latestFacts(incidentId))?.version).toBe(1);
  });

  it('redraft as it stands: resumes the redraft wait; refused when no notice is rejected', async () => {
    // Prepare
    const { deps, enter, resumedWith, notices } = world();
    await expect(requestRedraft({ incidentId, author: 'lead' }, deps)).rejects.toBeInstanceOf(NoticeNotFoundError);
    await notices.createNotice(rejectedNotice());
    const wait = await enter('redraft', 'first-notice-1');
    // Act
    const result = await requestRedraft({ incidentId, author: 'lead' }, deps);
    // Assess
    expect(result).toMatchObject({ noticeId: 'first-notice-1', resumed: ['redraft'] });
    expect(resumedWith(wait.taskToken)[0]).toMatchObject({ kind: 'succeed', output: expect.anything() });
    expect((resumedWith(wait.taskToken)[0] as { output: unknown }).output).toEqual({ closed: false, by: 'redraft-requested' });
  });

  it('close now ends the wait for the next update at once and closes; a later scope decision is refused', async () => {
    // Prepare
    const { deps, enter, resumedWith, incidents } = world();
    const wait = await enter('next-update');
    // Act
    const result = await closeIncidentNow({ incidentId, author: 'lead', reason: 'contained and reviewed' }, deps);
    // Assess
    expect(result.resumed).toEqual(['next-update']);
    expect(resumedWith(wait.taskToken)[0]).toMatchObject({ kind: 'succeed', output: expect.anything() });
    expect((resumedWith(wait.taskToken)[0] as { output: unknown }).output).toEqual({ closed: true, by: 'closed' });
    expect(incidents.incidents.get(incidentId)?.status).toBe('CLOSED');
    await expect(decideScope({ incidentId, author: 'lead', request: { basis: 'all', reason: 'r' } }, deps)).rejects.toBeInstanceOf(IncidentClosedError);
  });

  it('a redraft request answers the version it was made for: the next rejection waits for the team again', async () => {
    // Prepare
    const { deps, enter, notices } = world();
    await notices.createNotice(rejectedNotice());
    await enter('redraft', 'first-notice-1');
    await requestRedraft({ incidentId, author: 'lead' }, deps);
    // The redraft (version 2) is rejected too.
    await notices.createNotice({ ...rejectedNotice(), version: 2 });
    // Act
    const again = await enter('redraft', 'first-notice-1');
    // Assess
    expect(again.waiting).toBe(true);
  });

  it('a refused closing notice waits like any other: the close does not answer its redraft or the cadence before it is asked again', async () => {
    // Prepare
    const { deps, enter, notices } = world();
    await closeIncidentNow({ incidentId, author: 'lead' }, deps);
    await notices.createNotice({ ...rejectedNotice(), noticeId: 'closing-2', kind: 'closing', sequence: 2 });
    // Act
    const redraft = await enter('redraft', 'closing-2');
    const cadence = await enter('next-update');
    // Assess
    expect(redraft.waiting).toBe(true);
    expect(cadence.waiting).toBe(true);
  });

  it('"nobody is affected" closes the incident, so the run ends in the final report and later decisions are refused', async () => {
    // Prepare
    const { deps, enter, incidents, resumedWith } = world();
    const wait = await enter('scope');
    // Act
    await decideScope({ incidentId, author: 'lead', request: { basis: 'none', reason: 'test bucket' } }, deps);
    // Assess
    expect(incidents.incidents.get(incidentId)?.status).toBe('CLOSED');
    expect(resumedWith(wait.taskToken)).toHaveLength(1);
    await expect(decideScope({ incidentId, author: 'lead', request: { basis: 'all', reason: 'r' } }, deps)).rejects.toBeInstanceOf(IncidentClosedError);
  });

  it('the wait for the next update is not ended by anything but the close', async () => {
    // Prepare
    const { deps, enter } = world();
    await decideScope({ incidentId, author: 'lead', request: { basis: 'all', reason: 'r' } }, deps);
    // Act
    const wait = await enter('next-update');
    // Assess
    expect(wait.waiting).toBe(true);
  });

  it('a scope decision takes back a pending approval: its task fails with NoticeEditedError so the notice is drafted for the new audience', async () => {
    // Prepare
    const { deps, approvals, notices, workflow } = world();
    await notices.createNotice({ ...rejectedNotice(), status: 'PENDING_APPROVAL' });
    workflow.wait('approval-token');
    await approvals.putApprovalRequest(
      { incidentId, requestId: 'r1', noticeId: 'first-notice-1', tier: 'primary', status: 'PENDING', expiresAt: '2026-11-21T00:00:00.000Z', createdAt: at },
      'approval-token',
    );
    // Act
    const result = await decideScope({ incidentId, author: 'lead', request: { basis: 'ids', customerIds: ['c1'], reason: 'only c1' } }, deps);
    // Assess
    expect(result.supersededRequests).toBe(1);
    expect(workflow.callbacks).toEqual([expect.objectContaining({ taskToken: 'approval-token', kind: 'fail', error: 'NoticeEditedError' })]);
  });

  it('Step Functions saying the task is gone is not an error: the wait is dropped and its next entry finds the answer', async () => {
    // Prepare
    const { deps, enter, workflow, team } = world();
    await enter('scope');
    workflow.failures.push(namedError('TaskTimedOut'));
    await team.saveScopeDecision(incidentId, 'lead', {
      basis: 'all',
      resources: [],
      customerIds: [],
      countries: [],
      dataCategories: [],
      mode: 'replace',
      reason: 'r',
    });
    // Act
    const resumed = await wakeTeam(incidentId, ['scope'], 'lead', deps);
    // Assess
    expect(resumed).toEqual([]);
    expect(await team.getWait(incidentId, 'scope')).toBeUndefined();
  });
});
