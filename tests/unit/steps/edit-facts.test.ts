import { describe, expect, it } from 'vitest';
import type { FactsByLocale } from '../../../functions/domain/facts.js';
import { editFacts } from '../../../functions/steps/edit-facts.js';
import { editWorld } from '../../support/edit-world.js';
import { type FakeApprovals, namedError } from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';

async function world() {
  const { deps, incidents, notices, approvals, facts, workflow, alerts } = editWorld(incidentId, at);
  /** A notice drafted from `factsVersion`, waiting on a request whose task waits for `token`. */
  const pending = async (noticeId: string, factsVersion: number, token = `token-${noticeId}`) => {
    await notices.createNotice(
      noticeRecord({
        incidentId,
        noticeId,
        kind: 'first-notice',
        sequence: 1,
        status: 'PENDING_APPROVAL',
        content: {},
        createdAt: at,
        promisedNextUpdateAt: at,
        factsVersion,
      }),
    );
    await approvals.putApprovalRequest(
      { incidentId, requestId: `req-${noticeId}`, noticeId, tier: 'primary', status: 'PENDING', expiresAt: '2026-11-20T12:00:00.000Z', createdAt: at },
      token,
    );
    workflow.wait(token);
  };
  return { deps, incidents, notices, approvals, facts, workflow, alerts, pending };
}

const en = (measure: string): FactsByLocale => ({ en: { measures: [measure], advice: [], remedies: [] } });

describe('editFacts', () => {
  it('saves the next version, keeps the other locales, and reports where the locales disagree', async () => {
    // Prepare
    const { deps, facts, incidents } = await world();
    await editFacts({ incidentId, author: 'lead', locales: { 'zh-CN': { measures: ['已关闭存储桶。'], advice: [], remedies: [] } }, expectedVersion: 0 }, deps);
    // Act
    const result = await editFacts(
      {
        incidentId,
        author: 'ops',
        locales: { en: { cause: 'A misconfigured bucket.', measures: ['Bucket closed.'], advice: [], remedies: [] } },
        expectedVersion: 1,
      },
      deps,
    );
    // Assess
    expect(result).toEqual({ version: 2, gaps: ['zh-CN: cause 0 of 1'], supersededRequests: 0, deliveredNow: 0 });
    const saved = await facts.latestFacts(incidentId);
    expect(saved).toMatchObject({
      version: 2,
      author: 'ops',
      locales: { en: { cause: 'A misconfigured bucket.' }, 'zh-CN': { measures: ['已关闭存储桶。'] } },
    });
    expect(incidents.timeline.map((e) => [e.action, e.actor, e.detail?.version])).toEqual([
      ['facts-edited', 'lead', 1],
      ['facts-edited', 'ops', 2],
    ]);
  });

  it('an editor working from an older version is refused and nothing is saved', async () => {
    // Prepare
    const { deps, facts } = await world();
    await editFacts({ incidentId, author: 'a', locales: en('one'), expectedVersion: 0 }, deps);
    // Act
    const act = editFacts({ incidentId, author: 'b', locales: en('two'), expectedVersion: 0 }, deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'FactsVersionConflictError' });
    expect((await facts.listFacts(incidentId)).map((v) => v.version)).toEqual([1]);
  });

  it('bad facts are refused before anything is saved', async () => {
    // Prepare
    const { deps, facts } = await world();
    // Act
    const act = editFacts({ incidentId, author: 'a', locales: { en: { measures: [''], advice: [], remedies: [] } }, expectedVersion: 0 }, deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'ZodError' });
    expect(await facts.listFacts(incidentId)).toEqual([]);
  });

  it('takes back a pending approval of a notice drafted from older facts and tells its task at once', async () => {
    // Prepare
    const { deps, approvals, workflow, incidents, notices, pending } = await world();
    await pending('first-notice-1', 0);
    // Act
    const result = await editFacts({ incidentId, author: 'lead', locales: en('Keys rotated.'), expectedVersion: 0 }, deps);
    // Assess
    expect(result).toMatchObject({ version: 1, supersededRequests: 1, deliveredNow: 1 });
    expect(workflow.callbacks).toEqual([
      { taskToken: 'token-first-notice-1', kind: 'fail', error: 'NoticeEditedError', cause: expect.stringContaining('version 1') },
    ]);
    expect(await approvals.getApprovalRequest(incidentId, 'req-first-notice-1')).toMatchObject({
      status: 'EDITED',
      editedToFactsVersion: 1,
      callbackDeliveredAt: expect.any(String),
    });
    expect(approvals.markers.size).toBe(0);
    // The draft stays pending: the workflow redrafts it.
    expect((await notices.getNotice(incidentId, 'first-notice-1')).status).toBe('PENDING_APPROVAL');
    expect(incidents.timeline.map((e) => e.action)).toEqual(['facts-edited', 'approval-superseded-by-edit', 'approval-callback-redelivered']);
  });

  it('when Step Functions cannot be told now, the marker stays for the sweeper', async () => {
    // Prepare
    const { deps, approvals, workflow, pending } = await world();
    await pending('first-notice-1', 0);
    workflow.failures.push(namedError('ThrottlingException'));
    // Act
    const result = await editFacts({ incidentId, author: 'lead', locales: en('Keys rotated.'), expectedVersion: 0 }, deps);
    // Assess
    expect(result).toMatchObject({ supersededRequests: 1, deliveredNow: 0 });
    expect(await approvals.listUnreturnedDecisions(10)).toEqual([{ incidentId, requestId: 'req-first-notice-1' }]);
    expect((await approvals.getApprovalRequest(incidentId, 'req-first-notice-1'))?.status).toBe('EDITED');
  });

  it('an approval that won first stands: the notice goes out as approved and the edit waits for the next one', async () => {
    // Prepare
    const { deps, approvals, workflow, pending } = await world();
    await pending('first-notice-1', 0);
    expect((await approvals.recordApproval(incidentId, 'req-first-notice-1', 'alice', 1)).outcome).toBe('approved');
    // Act
    const result = await editFacts({ incidentId, author: 'lead', locales: en('Keys rotated.'), expectedVersion: 0 }, deps);
    // Assess
    expect(result).toMatchObject({ version: 1, supersededRequests: 0 });
    expect((await approvals.getApprovalRequest(incidentId, 'req-first-notice-1'))?.status).toBe('APPROVED');
    expect(workflow.callbacks).toEqual([]);
  });

  it('a request whose wait has expired is left alone: its task no longer waits, so nobody is paged for nothing', async () => {
    // Prepare
    const { deps, approvals, workflow, alerts, pending } = await world();
    await pending('first-notice-1', 0);
    (deps.approvals as FakeApprovals).clock.now = () => new Date('2026-11-20T13:00:00.000Z');
    // Act
    const result = await editFacts({ incidentId, author: 'lead', locales: en('Keys rotated.'), expectedVersion: 0 }, deps);
    // Assess
    expect(result.supersededRequests).toBe(0);
    expect((await approvals.getApprovalRequest(incidentId, 'req-first-notice-1'))?.status).toBe('PENDING');
    expect(workflow.callbacks).toEqual([]);
    expect(alerts).toEqual([]);
  });

  it('a notice already drafted from these facts is left alone (the approval step saw them)', async () => {
    // Prepare
    const { deps, approvals, pending } = await world();
    await pending('first-notice-1', 5);
    // Act
    const result = await editFacts({ incidentId, author: 'lead', locales: en('Keys rotated.'), expectedVersion: 0 }, deps);
    // Assess
    expect(result.supersededRequests).toBe(0);
    expect((await approvals.getApprovalRequest(incidentId, 'req-first-notice-1'))?.status).toBe('PENDING');
  });
});

describe('facts limits', () => {
  it('an account of what happened or a cause may run to 2,000 characters; a list line to 600', async () => {
    const { noticeFactsSchema } = await import('../../../functions/domain/facts.js');
    expect(noticeFactsSchema.safeParse({ whatHappened: 'a'.repeat(2000), cause: 'b'.repeat(2000) }).success).toBe(true);
    expect(noticeFactsSchema.safeParse({ cause: 'b'.repeat(2001) }).success).toBe(false);
    expect(noticeFactsSchema.safeParse({ measures: ['m'.repeat(601)] }).success).toBe(false);
  });
});
