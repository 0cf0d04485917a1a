import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../functions/adapters/approval-store.js';
import { FactsStore } from '../../functions/adapters/facts-store.js';
import { IncidentStore } from '../../functions/adapters/incident-store.js';
import { TeamStore } from '../../functions/adapters/team-store.js';
import { scopeRequestSchema } from '../../functions/domain/scope.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import type { ApprovalRequest } from '../../functions/domain/approval.js';
import { systemClock } from '../../functions/shared/clock.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { provision } from '../../local/twin/system.js';
import { endpoints, putIncidentItem, testConfig, uniquePrefix } from '../support/local.js';
import { noticeRecord } from '../support/notices.js';

const prefix = uniquePrefix('bind');
let approvals: ApprovalStore;
let notices: NoticeStore;
let facts: FactsStore;
let team: TeamStore;
let incidents: IncidentStore;
let seed: (incidentId: string) => Promise<void>;

beforeAll(async () => {
  const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  approvals = new ApprovalStore(doc, tables.incidents, systemClock);
  notices = new NoticeStore(doc, tables.incidents, systemClock);
  facts = new FactsStore(doc, tables.incidents, systemClock);
  team = new TeamStore(doc, tables.incidents, systemClock);
  incidents = new IncidentStore(doc, tables.incidents, systemClock);
  seed = (id) => putIncidentItem(doc, tables.incidents, id);
});
afterAll(() => undefined);

const incidentId = 'inc-20261120-0000000000cc';
const wording = (text: string) => ({ en: { subject: text } }) as never;

async function pendingRequest(requestId: string, noticeId: string, quorum = 1): Promise<ApprovalRequest> {
  const notice = noticeRecord({
    incidentId,
    noticeId,
    kind: 'first-notice',
    sequence: 1,
    status: 'PENDING_APPROVAL',
    content: wording(`v1 of ${noticeId}`),
    createdAt: '2026-11-20T08:00:00Z',
    promisedNextUpdateAt: '2026-11-27T08:00:00Z',
  });
  await notices.createNotice(notice);
  const request: ApprovalRequest = {
    incidentId,
    requestId,
    noticeId,
    tier: 'primary',
    status: 'PENDING',
    createdAt: '2026-11-20T08:00:00Z',
    expiresAt: '2099-01-01T00:00:00Z',
    quorum,
    contentHash: notice.contentHash,
    noticeVersion: 1,
  };
  await approvals.putApprovalRequest(request, `token-${requestId}`);
  return request;
}

describe('a decision binds to the wording the request showed (DynamoDB Local)', () => {
  it('after a redraft, neither an approval nor a rejection of the old wording decides anything', async () => {
    const request = await pendingRequest('redrafted', 'n-redrafted');
    const bound = { noticeId: request.noticeId, contentHash: request.contentHash! };
    await notices.createNotice(
      noticeRecord({ ...(await notices.getNotice(incidentId, request.noticeId)), content: wording('v2'), contentHash: undefined, version: 2 }),
    );

    expect((await approvals.recordApproval(incidentId, 'redrafted', 'a@example.com', 1, bound)).outcome).toBe('stale');
    expect(await approvals.recordRejection(incidentId, 'redrafted', 'b@example.com', 'no', bound)).toBe('stale');
    expect(await approvals.getApprovalRequest(incidentId, 'redrafted')).toMatchObject({ status: 'PENDING', approvedBy: [] });
    expect(await approvals.listUnreturnedDecisions(100)).not.toContainEqual({ incidentId, requestId: 'redrafted' });
  });

  it('an edit and an approval racing on the same request: exactly one wins, every time', async () => {
    for (let round = 0; round < 15; round += 1) {
      const request = await pendingRequest(`race-${round}`, `n-race-${round}`);
      const bound = { noticeId: request.noticeId, contentHash: request.contentHash! };
      const [approved, edited] = await Promise.all([
        approvals.recordApproval(incidentId, request.requestId, 'a@example.com', 1, bound),
        approvals.supersedeForEdit(incidentId, request.requestId, round + 1),
      ]);
      const status = (await approvals.getApprovalRequest(incidentId, request.requestId))?.status;
      expect([approved.outcome === 'approved', edited]).toSatisfy(([a, e]: boolean[]) => a !== e);
      expect(status).toBe(edited ? 'EDITED' : 'APPROVED');
      // Either way the waiting task is owed a callback, which the sweeper can find.
      expect(await approvals.listUnreturnedDecisions(1000)).toContainEqual({ incidentId, requestId: request.requestId });
    }
  });

  it('an edited request refuses later decisions and hands its callback to one sender at a time', async () => {
    const request = await pendingRequest('edited', 'n-edited');
    expect(await approvals.supersedeForEdit(incidentId, 'edited', 4)).toBe(true);
    expect(await approvals.supersedeForEdit(incidentId, 'edited', 5)).toBe(false);
    expect(
      (await approvals.recordApproval(incidentId, 'edited', 'a@example.com', 1, { noticeId: request.noticeId, contentHash: request.contentHash! })).outcome,
    ).toBe('refused');
    const claims = await Promise.all(Array.from({ length: 5 }, () => approvals.claimCallback(incidentId, 'edited')));
    expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
    const claimed = claims.find((c) => c.state === 'claimed');
    expect(claimed).toMatchObject({ state: 'claimed', taskToken: 'token-edited', request: { status: 'EDITED', editedToFactsVersion: 4 } });
  });
});

describe('requests and decisions are checked against where the incident stands (DynamoDB Local)', () => {
  const basis = { factsVersion: 0, scopeVersion: 0, closing: false };
  const changes = {
    edit: (id: string) => facts.saveFacts(id, 'lead', { en: { measures: ['Keys rotated.'], advice: [], remedies: [] } }, 0),
    scope: (id: string) => team.saveScopeDecision(id, 'lead', scopeRequestSchema.parse({ basis: 'all', reason: 'everyone' })),
    close: (id: string) => incidents.closeIncident(id, 'lead'),
  };
  const request = (id: string, requestId: string, over: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
    incidentId: id,
    requestId,
    noticeId: 'first-notice-1',
    tier: 'primary',
    status: 'PENDING',
    createdAt: '2026-11-20T08:00:00Z',
    expiresAt: '2099-01-01T00:00:00Z',
    quorum: 1,
    basis,
    ...over,
  });

  it('a request is stored only while its draft basis holds: after an edit, a scope decision or a close, nothing is stored', async () => {
    for (const [name, change] of Object.entries(changes)) {
      // Prepare
      const id = `inc-20261120-${name.padStart(12, '0')}`;
      await seed(id);
      expect((await approvals.putApprovalRequest(request(id, 'before'), 't-before')).outcome, name).toBe('created');
      await change(id);
      // Act
      const after = await approvals.putApprovalRequest(request(id, 'after'), 't-after');
      // Assess
      expect(after.outcome, name).toBe('stale');
      expect(
        (await approvals.listApprovalRequests(id)).map((r) => r.requestId),
        name,
      ).toEqual(['before']);
      // A closing notice is still asked about on a closed incident.
      if (name === 'close')
        expect((await approvals.putApprovalRequest(request(id, 'closing', { basis: { ...basis, closing: true } }), 't-closing')).outcome).toBe('created');
    }
  });

  it('a decision written after the change is stale, whichever approver clicks first; one written before stands', async () => {
    // Prepare
    const id = 'inc-20261120-0000000stale';
    await seed(id);
    await approvals.putApprovalRequest(request(id, 'r1'), 't-r1');
    await approvals.putApprovalRequest(request(id, 'r2', { noticeId: 'first-notice-2' }), 't-r2');
    const bound = (noticeId: string) => ({ noticeId, contentHash: 'h', basis });
    await notices.createNotice(
      noticeRecord({
        incidentId: id,
        noticeId: 'first-notice-1',
        kind: 'first-notice',
        sequence: 1,
        status: 'PENDING_APPROVAL',
        content: wording('a'),
        createdAt: '2026-11-20T08:00:00Z',
        promisedNextUpdateAt: '2026-11-27T08:00:00Z',
        contentHash: 'h',
      } as never),
    );
    await notices.createNotice(
      noticeRecord({
        incidentId: id,
        noticeId: 'first-notice-2',
        kind: 'first-notice',
        sequence: 2,
        status: 'PENDING_APPROVAL',
        content: wording('b'),
        createdAt: '2026-11-20T08:00:00Z',
        promisedNextUpdateAt: '2026-11-27T08:00:00Z',
        contentHash: 'h',
      } as never),
    );
    // Act
    const before = await approvals.recordApproval(id, 'r1', 'a@example.com', 1, bound('first-notice-1'));
    await changes.edit(id);
    const after = await approvals.recordRejection(id, 'r2', 'b@example.com', 'no', bound('first-notice-2'));
    // Assess
    expect(before.outcome).toBe('approved');
    expect(after).toBe('stale');
    expect(await approvals.getApprovalRequest(id, 'r2')).toMatchObject({ status: 'PENDING' });
  });
});
