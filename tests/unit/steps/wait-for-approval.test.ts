import { describe, expect, it } from 'vitest';
import { codeDigest, decisionDeadline } from '../../../functions/domain/approval.js';
import type { Notice } from '../../../functions/domain/incident.js';
import { catalogues } from '../../../functions/domain/locales.js';
import { emptyFacts } from '../../../functions/domain/facts.js';
import { draftNotice, noticeTextForDiff } from '../../../functions/domain/notice.js';
import { sha256Hex, shortHash } from '../../../functions/shared/crypto.js';
import { requestApproval, type RequestApprovalDeps, type RequestApprovalInput } from '../../../functions/steps/wait-for-approval.js';
import {
  FakeApprovals,
  FakeClock,
  FakeEmail,
  FakeFacts,
  FakeIncidents,
  FakeMessaging,
  FakeNotices,
  FakeTeam,
  namedError,
  standingOf,
} from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const at = '2026-11-20T08:00:00.000Z';
const impact = { affectedCustomers: 7, byDataCategory: { email: 7 }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
const company = { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' };
const primary = ['alice@example.com', 'bob@example.com', 'carol@example.com'];
const backup = ['dave@example.com'];

function world(overrides: Partial<RequestApprovalDeps> = {}) {
  const clock = new FakeClock(Date.parse('2026-11-20T09:00:30Z'));
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, {
    incidentId,
    source: 'guardduty',
    findingKey: 'f',
    alarmSeverity: 8,
    title: 'Bulk reads',
    description: '',
    affectedResources: [],
    firstSeenAt: at,
    status: 'OPEN',
    scope: 'KNOWN',
    severity: 'HIGH',
    createdAt: at,
    impact,
    audienceChunks: 1,
  });
  const notices = new FakeNotices();
  const addNotice = (kind: Notice['kind'], sequence: number) => {
    const content = {
      en: draftNotice(
        { kind, sequence, incident: { incidentId, source: 'guardduty', firstSeenAt: at, impact }, facts: emptyFacts(), company, nextUpdateAt: at },
        'en',
      ),
      'zh-CN': draftNotice(
        { kind, sequence, incident: { incidentId, source: 'guardduty', firstSeenAt: at, impact }, facts: emptyFacts(), company, nextUpdateAt: at },
        'zh-CN',
      ),
    };
    return notices.createNotice(
      noticeRecord({
        incidentId,
        noticeId: `${kind}-${sequence}`,
        kind,
        sequence,
        status: 'PENDING_APPROVAL',
        content,
        createdAt: at,
        promisedNextUpdateAt: at,
      }),
    );
  };
  void addNotice('first-notice', 1);
  const facts = new FakeFacts(clock);
  const team = new FakeTeam();
  const approvals = new FakeApprovals(clock, notices, standingOf(incidents, facts, team));
  const email = new FakeEmail();
  const messaging = new FakeMessaging();
  const deps: RequestApprovalDeps = {
    incidents,
    notices,
    approvals,
    facts,
    email,
    messaging,
    clock,
    approvers: { primary, backup },
    approvalBaseUrl: 'https://approve.example.com/',
    locales: ['en', 'zh-CN'],
    quorum: 2,
    codeChannel: 'email',
    phones: new Map(),
    ...overrides,
  };
  return { deps, clock, incidents, notices, approvals, facts, team, email, messaging, addNotice };
}

const input = (over: Partial<RequestApprovalInput> = {}): RequestApprovalInput => ({
  incidentId,
  noticeId: 'first-notice-1',
  tier: 'primary',
  taskToken: 'token-primary',
  timeoutSeconds: 3600,
  waitEnteredAt: '2026-11-20T09:00:00.000Z',
  ...over,
});

/** The link id in an approval email, and the code it shows (if any). */
function linkOf(mail: { html: string; text: string }) {
  const linkId = /\/approvals\/([A-Za-z0-9_-]{43})\b/.exec(mail.text)?.[1];
  const code = /letter-spacing:\.2em">(\d{6})</.exec(mail.html)?.[1];
  return { linkId: linkId!, code };
}

describe('requestApproval', () => {
  it('stores the request and emails each approver of the tier once, each with a personal link and code of their own', async () => {
    // Prepare
    const { deps, email, approvals, incidents } = world();
    // Act
    const result = await requestApproval(input(), deps);
    // Assess
    const requestId = shortHash('token-primary', 24);
    expect(result).toEqual({ requestId, emailed: 3 });
    expect(email.recipients()).toEqual(primary);
    const expiresAt = decisionDeadline(new Date('2026-11-20T09:00:00.000Z'), 3600).toISOString();
    expect(await approvals.getApprovalRequest(incidentId, requestId)).toMatchObject({
      noticeId: 'first-notice-1',
      tier: 'primary',
      status: 'PENDING',
      expiresAt,
      quorum: 2,
      waitEnteredAt: '2026-11-20T09:00:00.000Z',
      createdAt: '2026-11-20T09:00:30.000Z',
    });
    expect(await approvals.getTaskToken(incidentId, requestId)).toBe('token-primary');
    const links = email.sent.map(linkOf);
    expect(new Set(links.map((l) => l.linkId)).size).toBe(3);
    for (const [i, { linkId, code }] of links.entries()) {
      expect(email.sent[i]!.text).toContain(`https://approve.example.com/approvals/${linkId}`);
      expect(code).toMatch(/^\d{6}$/);
      const stored = await approvals.getApprovalLink(sha256Hex(linkId));
      expect(stored).toMatchObject({ incidentId, requestId, approver: primary[i], expiresAt, codeDigest: codeDigest(sha256Hex(linkId), code!) });
    }
    expect(approvals.links.size).toBe(3); // only hashes: no link id is stored
    expect([...approvals.links.keys()]).not.toContain(links[0]!.linkId);
    expect(email.sent[0]!.subject).toBe(`[Approval needed] First customer notice for incident ${incidentId}`);
    expect(email.sent[0]!.text).toContain('--- en ---');
    expect(email.sent[0]!.text).toContain('--- zh-CN ---');
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([
      ['approval-requested', { noticeId: 'first-notice-1', requestId, tier: 'primary', approversEmailed: 3, expiresAt, supersededRequests: 0 }],
    ]);
  });

  it('binds the request to the wording it shows (hash and version) and says which version approvers review', async () => {
    // Prepare
    const { deps, email, approvals, notices } = world();
    const notice = await notices.getNotice(incidentId, 'first-notice-1');
    // Act
    const { requestId } = await requestApproval(input(), deps);
    // Assess
    expect(await approvals.getApprovalRequest(incidentId, requestId)).toMatchObject({ contentHash: notice.contentHash, noticeVersion: 1 });
    expect(email.sent[0]!.text).toContain(catalogues.en.review.version({ version: 1, factsVersion: 0 }));
    expect(email.sent[0]!.text).toContain(catalogues.en.review.nothingApprovedYet);
  });

  it("shows approvers the team's internal notes, marked as never sent to customers", async () => {
    // Prepare
    const { deps, email, incidents } = world();
    await incidents.addProgressNote(incidentId, 'ops@example.com', 'Legal asked us to wait for the forensic report.');
    // Act
    await requestApproval(input(), deps);
    // Assess
    expect(email.sent[0]!.text).toContain(`${catalogues.en.review.notes}:`);
    expect(email.sent[0]!.text).toContain('ops@example.com: Legal asked us to wait for the forensic report.');
  });

  it('facts saved since the draft fail the task with NoticeEditedError before anyone is asked', async () => {
    // Prepare
    const { deps, email, facts } = world();
    await facts.saveFacts(incidentId, 'lead', { en: { measures: ['Keys rotated.'], advice: [], remedies: [] } }, 0);
    // Act
    const act = requestApproval(input(), deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'NoticeEditedError' });
    expect(email.sent).toEqual([]);
  });

  it('a scope decision or a close saved since the draft fails the task the same way, and stores no request to take back', async () => {
    for (const change of ['scope', 'close'] as const) {
      // Prepare
      const { deps, email, approvals, incidents, team } = world();
      if (change === 'scope')
        await team.saveScopeDecision(incidentId, 'lead', {
          basis: 'all',
          resources: [],
          customerIds: [],
          countries: [],
          dataCategories: [],
          mode: 'replace',
          reason: 'r',
        });
      else await incidents.closeIncident(incidentId, 'lead');
      // Act
      const act = requestApproval(input(), deps);
      // Assess
      await expect(act, change).rejects.toMatchObject({ name: 'NoticeEditedError' });
      expect(email.sent, change).toEqual([]);
      expect(await approvals.listApprovalRequests(incidentId), change).toEqual([]);
    }
  });

  it('a closing notice is asked about on a closed incident', async () => {
    // Prepare
    const { deps, email, incidents, addNotice } = world();
    await addNotice('closing', 2);
    await incidents.closeIncident(incidentId, 'lead');
    // Act
    const result = await requestApproval(input({ noticeId: 'closing-2' }), deps);
    // Assess
    expect(result.emailed).toBe(3);
    expect(email.recipients()).toEqual(primary);
  });

  it('taken back while approvers are being emailed: the rest are not asked, and a retry of the task asks nobody', async () => {
    // Prepare: the edit lands right after the first email left.
    const { deps, email, approvals, incidents } = world();
    const send = email.send.bind(email);
    email.send = async (...args: Parameters<typeof email.send>) => {
      const id = await send(...args);
      await approvals.supersedeForEdit(incidentId, shortHash('token-primary', 24), 1);
      return id;
    };
    // Act
    const first = await requestApproval(input(), deps);
    const retry = await requestApproval(input(), deps);
    // Assess
    expect(first.emailed).toBe(1);
    expect(retry.emailed).toBe(0);
    expect(email.recipients()).toEqual([primary[0]]);
    expect(incidents.timeline.filter((e) => e.action === 'approval-requested').map((e) => e.detail?.approversEmailed)).toEqual([1]);
  });

  it('a redrafted notice shows approvers the lines that changed since the version it replaced', async () => {
    // Prepare
    const { deps, email, notices } = world();
    const notice = await notices.getNotice(incidentId, 'first-notice-1');
    await notices.createNotice({
      ...notice,
      version: 2,
      replacedVersion: {
        version: 1,
        lines: { en: ['An old line.', ...noticeTextForDiff(notice.content.en!, 'en')], 'zh-CN': noticeTextForDiff(notice.content['zh-CN']!, 'zh-CN') },
      },
    });
    // Act
    await requestApproval(input(), deps);
    // Assess
    const text = email.sent[0]!.text;
    expect(text).toContain(catalogues.en.review.changesSinceVersion({ version: 1 }));
    expect(text).toContain('- An old line.');
    expect(text).toContain(`[zh-CN] ${catalogues.en.review.noChanges}`);
  });

  it('a retry of the same task token finds its request and re-emails nobody', async () => {
    // Prepare
    const { deps, email, approvals } = world();
    const first = await requestApproval(input(), deps);
    // Act
    const again = await requestApproval(input(), deps);
    // Assess
    expect(again).toEqual({ requestId: first.requestId, emailed: 0 });
    expect(email.recipients()).toEqual(primary);
    expect(approvals.records.size).toBe(1);
  });

  it('a retry after a failed email sends only to the approvers not yet emailed', async () => {
    // Prepare
    const { deps, email } = world();
    email.failures.push(undefined, namedError('ThrottlingException'));
    await expect(requestApproval(input(), deps)).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(email.recipients()).toEqual(['alice@example.com']);
    // Act
    const retry = await requestApproval(input(), deps);
    // Assess
    expect(retry.emailed).toBe(2);
    expect(email.recipients()).toEqual(primary);
  });

  it('escalation: the backup tier gets an escalated email, the quorum capped at its number, and earlier pending requests are superseded', async () => {
    // Prepare
    const { deps, email, approvals, incidents } = world();
    const earlier = await requestApproval(input(), deps);
    // Act
    const result = await requestApproval(input({ tier: 'backup', taskToken: 'token-backup' }), deps);
    // Assess
    expect(result.emailed).toBe(1);
    expect(email.recipients().slice(3)).toEqual(backup);
    expect(email.sent[3]!.subject).toBe(`[Approval needed, escalated] First customer notice for incident ${incidentId}`);
    expect(await approvals.getApprovalRequest(incidentId, result.requestId)).toMatchObject({ tier: 'backup', status: 'PENDING', quorum: 1 });
    expect((await approvals.getApprovalRequest(incidentId, earlier.requestId))!.status).toBe('SUPERSEDED');
    expect((await approvals.recordApproval(incidentId, earlier.requestId, 'alice@example.com', 2)).outcome).toBe('refused');
    expect(incidents.timeline.at(-1)).toMatchObject({ action: 'approval-escalated', detail: { tier: 'backup', supersededRequests: 1 } });
  });

  it("supersedes only the same notice's pending requests", async () => {
    // Prepare
    const { deps, approvals, addNotice } = world();
    const first = await requestApproval(input(), deps);
    await addNotice('update', 2);
    // Act
    await requestApproval(input({ noticeId: 'update-2', taskToken: 'token-update' }), deps);
    // Assess
    expect((await approvals.getApprovalRequest(incidentId, first.requestId))!.status).toBe('PENDING');
  });

  it('an update says which update it is', async () => {
    // Prepare
    const { deps, email, addNotice } = world();
    await addNotice('update', 3);
    // Act
    await requestApproval(input({ noticeId: 'update-3', taskToken: 'token-update' }), deps);
    // Assess
    expect(email.sent[0]!.subject).toBe(`[Approval needed] Customer update 2 for incident ${incidentId}`);
  });

  it('carries a decision whose callback never arrived into the escalation, and emails nobody', async () => {
    // Prepare
    const { deps, email, approvals, incidents, clock } = world({ quorum: 1 });
    const earlier = await requestApproval(input(), deps);
    clock.current += 60_000;
    expect((await approvals.recordApproval(incidentId, earlier.requestId, 'bob@example.com', 1)).outcome).toBe('approved');
    // Act
    const result = await requestApproval(input({ tier: 'backup', taskToken: 'token-backup' }), deps);
    // Assess
    expect(result).toEqual({ requestId: shortHash('token-backup', 24), emailed: 0 });
    expect(email.recipients()).toEqual(primary);
    expect(await approvals.getApprovalRequest(incidentId, result.requestId)).toMatchObject({
      status: 'APPROVED',
      decidedBy: 'bob@example.com',
      decidedAt: '2026-11-20T09:01:30.000Z',
      carriedFrom: earlier.requestId,
    });
    expect((await approvals.getApprovalRequest(incidentId, earlier.requestId))!.carriedTo).toBe(result.requestId);
    expect(await approvals.listUnreturnedDecisions(10)).toEqual([{ incidentId, requestId: result.requestId }]);
    expect(incidents.timeline.at(-1)).toMatchObject({
      action: 'approval-decision-carried',
      detail: { from: earlier.requestId, decision: 'APPROVED', tier: 'backup', supersededRequests: 0 },
    });
  });

  it('a decision about the same wording drafted for another audience is not carried: the approvers are asked about the new one', async () => {
    // Prepare: approved (its callback lost), then a scope decision, and the notice redrafted for it with the same wording.
    const { deps, email, approvals, notices, team, incidents } = world({ quorum: 1 });
    const earlier = await requestApproval(input(), deps);
    expect((await approvals.recordApproval(incidentId, earlier.requestId, 'bob@example.com', 1)).outcome).toBe('approved');
    await team.saveScopeDecision(incidentId, 'lead', {
      basis: 'all',
      resources: [],
      customerIds: [],
      countries: [],
      dataCategories: [],
      mode: 'replace',
      reason: 'everyone',
    });
    incidents.existing(incidentId).scopeVersion = 1;
    await notices.createNotice({ ...(await notices.getNotice(incidentId, 'first-notice-1')), scopeVersion: 1 });
    // Act
    const result = await requestApproval(input({ taskToken: 'token-redrafted', waitEnteredAt: '2026-11-20T09:05:00.000Z' }), deps);
    // Assess
    expect(result.emailed).toBe(3);
    expect(await approvals.getApprovalRequest(incidentId, result.requestId)).toMatchObject({ status: 'PENDING' });
    expect(email.recipients()).toEqual([...primary, ...primary]);
  });

  it("an earlier wait's slow attempt never takes back the request of a later wait", async () => {
    // Prepare: the later wait (after a redraft) has asked its approvers.
    const { deps, approvals } = world();
    const later = await requestApproval(input({ taskToken: 'token-later', waitEnteredAt: '2026-11-20T09:05:00.000Z' }), deps);
    // Act: the earlier wait's attempt, delayed until now, stores its request and supersedes.
    await requestApproval(input({ taskToken: 'token-earlier', waitEnteredAt: '2026-11-20T09:00:00.000Z' }), deps);
    // Assess
    expect((await approvals.getApprovalRequest(incidentId, later.requestId))?.status).toBe('PENDING');
  });

  it('carries a rejection with its reason', async () => {
    // Prepare
    const { deps, approvals } = world();
    const earlier = await requestApproval(input(), deps);
    await approvals.recordRejection(incidentId, earlier.requestId, 'carol@example.com', 'Wrong date');
    // Act
    const result = await requestApproval(input({ tier: 'backup', taskToken: 'token-backup' }), deps);
    // Assess
    expect(result.emailed).toBe(0);
    expect(await approvals.getApprovalRequest(incidentId, result.requestId)).toMatchObject({
      status: 'REJECTED',
      reason: 'Wrong date',
      decidedBy: 'carol@example.com',
    });
  });

  it('a decision whose callback was returned is not carried: the backup approvers are asked', async () => {
    // Prepare
    const { deps, approvals, email } = world({ quorum: 1 });
    const earlier = await requestApproval(input(), deps);
    await approvals.recordApproval(incidentId, earlier.requestId, 'bob@example.com', 1);
    await approvals.markCallbackReturned(incidentId, earlier.requestId);
    // Act
    const result = await requestApproval(input({ tier: 'backup', taskToken: 'token-backup' }), deps);
    // Assess
    expect(result.emailed).toBe(1);
    expect(email.recipients().at(-1)).toBe('dave@example.com');
    expect((await approvals.getApprovalRequest(incidentId, result.requestId))!.status).toBe('PENDING');
  });

  it('a decision carried on is taken from the request that holds it now, never again from the original', async () => {
    // Prepare
    const { deps, approvals } = world({ quorum: 1 });
    const earlier = await requestApproval(input(), deps);
    await approvals.recordApproval(incidentId, earlier.requestId, 'bob@example.com', 1);
    const escalation = await requestApproval(input({ tier: 'backup', taskToken: 'token-backup' }), deps);
    // Act
    const next = await requestApproval(input({ tier: 'backup', taskToken: 'token-backup-2' }), deps);
    // Assess
    expect(next.emailed).toBe(0);
    expect(await approvals.getApprovalRequest(incidentId, next.requestId)).toMatchObject({ status: 'APPROVED', carriedFrom: escalation.requestId });
    expect((await approvals.getApprovalRequest(incidentId, earlier.requestId))!.carriedTo).toBe(escalation.requestId);
  });

  it('a retry of the escalation that carried the decision carries it again, to itself, and emails nobody', async () => {
    // Prepare
    const { deps, approvals, email } = world({ quorum: 1 });
    const earlier = await requestApproval(input(), deps);
    await approvals.recordApproval(incidentId, earlier.requestId, 'bob@example.com', 1);
    await requestApproval(input({ tier: 'backup', taskToken: 'token-backup' }), deps);
    // Act
    const retry = await requestApproval(input({ tier: 'backup', taskToken: 'token-backup' }), deps);
    // Assess
    expect(retry.emailed).toBe(0);
    expect(email.recipients()).toEqual(primary);
  });

  it('code by SMS: the email carries the link only, the code goes to the phone and matches the stored digest', async () => {
    // Prepare
    const phones = new Map([['dave@example.com', '+447700900123']]);
    const { deps, email, messaging, approvals } = world({ codeChannel: 'sms', phones });
    // Act
    await requestApproval(input({ tier: 'backup', taskToken: 'token-backup' }), deps);
    // Assess
    const { linkId, code } = linkOf(email.sent[0]!);
    expect(code).toBeUndefined();
    expect(email.sent[0]!.text).toContain(catalogues.en.approvalEmail.codeBySmsText);
    expect(messaging.sms).toHaveLength(1);
    expect(messaging.sms[0]!.phoneNumber).toBe('+447700900123');
    const smsCode = /: (\d{6})\./.exec(messaging.sms[0]!.message)?.[1];
    expect(messaging.sms[0]!.message).toBe(catalogues.en.approvalEmail.sms({ incidentId, code: smsCode! }));
    expect(email.sent[0]!.text).not.toContain(smsCode!);
    expect((await approvals.getApprovalLink(sha256Hex(linkId)))!.codeDigest).toBe(codeDigest(sha256Hex(linkId), smsCode!));
  });

  it('code by SMS needs a phone: an approver without one fails the step by name before any email leaves', async () => {
    // Prepare
    const { deps, approvals, email } = world({ codeChannel: 'sms', phones: new Map() });
    // Act
    const act = requestApproval(input({ tier: 'backup', taskToken: 'token-backup' }), deps);
    // Assess
    await expect(act).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringContaining('No phone configured for approver dave@example.com'),
    });
    expect(email.sent).toEqual([]);
    expect(approvals.records.get(`${incidentId}/${shortHash('token-backup', 24)}`)!.notified).toEqual([]);
  });

  it("each approver's email in their own language", async () => {
    // Prepare
    const { deps, email } = world({ approverLocale: (a) => (a === 'bob@example.com' ? 'es' : 'en') });
    // Act
    await requestApproval(input(), deps);
    // Assess
    const facts = {
      escalated: false,
      update: null,
      closing: false,
      incidentId,
      title: 'Bulk reads',
      severity: 'HIGH',
      customers: 7,
      firstSeenAt: at,
      expiresAt: '',
      url: '',
      code: null,
    };
    expect(email.sent.map((m) => m.subject)).toEqual([
      catalogues.en.approvalEmail.subject(facts),
      catalogues.es.approvalEmail.subject(facts),
      catalogues.en.approvalEmail.subject(facts),
    ]);
    expect(email.sent[1]!.subject).not.toBe(email.sent[0]!.subject);
  });

  it('an unknown notice fails by name and emails nobody', async () => {
    // Prepare
    const { deps, email } = world();
    // Act
    const act = requestApproval(input({ noticeId: 'update-9' }), deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'NoticeNotFoundError' });
    expect(email.sent).toEqual([]);
  });
});
