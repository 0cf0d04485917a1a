import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../functions/adapters/approval-store.js';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import type { ApprovalRequest } from '../../functions/domain/approval.js';
import { systemClock } from '../../functions/shared/clock.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators.js';
import { provision } from '../../local/system.js';
import { endpoints, testConfig, uniquePrefix } from '../support/local.js';
import { noticeRecord } from '../support/notices.js';

const prefix = uniquePrefix('bind');
let approvals: ApprovalStore;
let notices: NoticeStore;

beforeAll(async () => {
  const { tables } = await provision({ endpoints: endpoints(), config: testConfig(prefix), namePrefix: prefix });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  approvals = new ApprovalStore(doc, tables.incidents, systemClock);
  notices = new NoticeStore(doc, tables.incidents, systemClock);
});
afterAll(() => undefined);

const incidentId = 'inc-20261120-0000000000cc';
const wording = (text: string) => ({ en: { subject: text } }) as never;

async function pendingRequest(requestId: string, noticeId: string, quorum = 1): Promise<ApprovalRequest> {
  const notice = noticeRecord({ incidentId, noticeId, kind: 'first-notice', sequence: 1, status: 'PENDING_APPROVAL', content: wording(`v1 of ${noticeId}`), createdAt: '2026-11-20T08:00:00Z', promisedNextUpdateAt: '2026-11-27T08:00:00Z' });
  await notices.createNotice(notice);
  const request: ApprovalRequest = {
    incidentId, requestId, noticeId, tier: 'primary', status: 'PENDING', createdAt: '2026-11-20T08:00:00Z', expiresAt: '2099-01-01T00:00:00Z', quorum,
    contentHash: notice.contentHash, noticeVersion: 1,
  };
  await approvals.putApprovalRequest(request, `token-${requestId}`);
  return request;
}

describe('a decision binds to the wording the request showed (DynamoDB Local)', () => {
  it('after a redraft, neither an approval nor a rejection of the old wording decides anything', async () => {
    const request = await pendingRequest('redrafted', 'n-redrafted');
    const bound = { noticeId: request.noticeId, contentHash: request.contentHash! };
    await notices.createNotice(noticeRecord({ ...(await notices.getNotice(incidentId, request.noticeId)), content: wording('v2'), contentHash: undefined, version: 2 }));

    expect((await approvals.recordApproval(incidentId, 'redrafted', 'a@example.com', 1, bound)).outcome).toBe('stale');
    expect(await approvals.recordRejection(incidentId, 'redrafted', 'b@example.com', 'no', bound)).toBe('stale');
    expect(await approvals.getApprovalRequest(incidentId, 'redrafted')).toMatchObject({ status: 'PENDING', approvedBy: [] });
    expect(await approvals.listUndeliveredDecisions(100)).not.toContainEqual({ incidentId, requestId: 'redrafted' });
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
      expect(await approvals.listUndeliveredDecisions(1000)).toContainEqual({ incidentId, requestId: request.requestId });
    }
  });

  it('an edited request refuses later decisions and hands its callback to one sender at a time', async () => {
    const request = await pendingRequest('edited', 'n-edited');
    expect(await approvals.supersedeForEdit(incidentId, 'edited', 4)).toBe(true);
    expect(await approvals.supersedeForEdit(incidentId, 'edited', 5)).toBe(false);
    expect((await approvals.recordApproval(incidentId, 'edited', 'a@example.com', 1, { noticeId: request.noticeId, contentHash: request.contentHash! })).outcome).toBe('refused');
    const claims = await Promise.all(Array.from({ length: 5 }, () => approvals.claimCallback(incidentId, 'edited')));
    expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
    const claimed = claims.find((c) => c.state === 'claimed');
    expect(claimed).toMatchObject({ state: 'claimed', taskToken: 'token-edited', request: { status: 'EDITED', editedToFactsVersion: 4 } });
  });
});
