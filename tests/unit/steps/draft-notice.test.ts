import { describe, expect, it } from 'vitest';
import type { Incident, Notice } from '../../../functions/domain/incident.js';
import { catalogues } from '../../../functions/domain/locales.js';
import { draftNoticeStep, type DraftDeps } from '../../../functions/steps/draft-notice.js';
import { noticeTextForDiff } from '../../../functions/domain/notice.js';
import { FakeClock, FakeFacts, FakeIncidents, FakeNotices } from '../../support/fakes.js';
import { noticeRecord } from '../../support/notices.js';

const incidentId = 'inc-20261120-0123456789ab';
const firstSeenAt = '2026-11-20T08:00:00.000Z';
const impact = { affectedCustomers: 3, byDataCategory: { email: 3 }, byJurisdiction: { GB: 3 }, byLocale: { en: 3 }, byChannel: { email: 3 } };
const HOUR = 3_600_000;

function world(incident: Partial<Incident> = {}) {
  const clock = new FakeClock(Date.parse('2026-11-20T10:00:00Z'));
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, {
    incidentId,
    source: 'guardduty',
    findingKey: 'f',
    alarmSeverity: 8,
    title: 't',
    description: '',
    affectedResources: ['r'],
    firstSeenAt,
    status: 'OPEN',
    scope: 'KNOWN',
    severity: 'HIGH',
    createdAt: firstSeenAt,
    impact,
    audienceChunks: 1,
    ...incident,
  });
  const notices = new FakeNotices();
  const facts = new FakeFacts(clock);
  const deps: DraftDeps = {
    incidents,
    notices,
    facts,
    clock,
    locales: ['en', 'zh-CN'],
    company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' },
    // A lead of 2 h keeps 30 min for sending: the approvals' 1 h and 30 min fit in the rest.
    settings: { cadenceSeconds: 24 * 3600, leadSeconds: 2 * 3600, approvalSeconds: 3600, escalationSeconds: 1800 },
  };
  return { deps, clock, incidents, notices, facts };
}

const lines = (n: Notice, locale: 'en' | 'zh-CN' = 'en') => noticeTextForDiff(n.content[locale]!, locale);

/** A notice as a previous round left it. */
function notice(kind: Notice['kind'], sequence: number, status: Notice['status'], createdAt: string): Notice {
  return noticeRecord({ incidentId, noticeId: `${kind}-${sequence}`, kind, sequence, status, content: {}, createdAt, promisedNextUpdateAt: createdAt });
}

describe('draftNoticeStep', () => {
  it('first notice: sequence 1, pending approval, in every configured locale, promising the next update a lead and a cadence away', async () => {
    // Prepare
    const { deps, notices, incidents } = world();
    // Act
    const result = await draftNoticeStep(incidentId, 'first-notice', deps);
    // Assess
    expect(result).toEqual({ closed: false, noticeId: 'first-notice-1', approvalSeconds: 3600, escalationSeconds: 1800 });
    const stored = await notices.getNotice(incidentId, 'first-notice-1');
    // Planned to go out within the lead (approvals and sending), then a cadence to the next update.
    expect(stored).toMatchObject({
      kind: 'first-notice',
      sequence: 1,
      status: 'PENDING_APPROVAL',
      createdAt: '2026-11-20T10:00:00.000Z',
      promisedNextUpdateAt: '2026-11-21T12:00:00.000Z',
      sendBy: '2026-11-21T11:30:00.000Z',
    });
    expect(Object.keys(stored.content).sort()).toEqual(['en', 'zh-CN']);
    expect(stored.content.en!.subject).toContain('Example Co.');
    expect(stored).toMatchObject({ version: 1, factsVersion: 0, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([
      [
        'notice-drafted',
        {
          noticeId: 'first-notice-1',
          kind: 'first-notice',
          version: 1,
          factsVersion: 0,
          locales: ['en', 'zh-CN'],
          promisedNextUpdateAt: '2026-11-21T12:00:00.000Z',
        },
      ],
    ]);
  });

  it('update drafted a lead before it is due: promises the next one a cadence after that due time; its approvals, fitted before it, as configured', async () => {
    // Prepare: the first notice promised customers an update by 12:00; it is 10:00, the lead before.
    const { deps, notices } = world();
    await notices.createNotice({ ...notice('first-notice', 1, 'SENT', '2026-11-19T10:00:00.000Z'), promisedNextUpdateAt: '2026-11-20T12:00:00.000Z' });
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toEqual({ closed: false, noticeId: 'update-2', approvalSeconds: 3600, escalationSeconds: 1800 });
    expect(await notices.getNotice(incidentId, 'update-2')).toMatchObject({
      promisedNextUpdateAt: '2026-11-21T12:00:00.000Z',
      sendBy: '2026-11-21T11:30:00.000Z',
    });
  });

  it('update whose approvals do not fit before it is due: shortened to end a sending margin before, and the timeline says so', async () => {
    // Prepare: due at 11:00, an hour away: 45 min for both tiers, the backup approvers keep a quarter.
    const { deps, notices, incidents } = world();
    deps.settings = { ...deps.settings, leadSeconds: 3600 };
    await notices.createNotice({ ...notice('first-notice', 1, 'SENT', '2026-11-19T10:00:00.000Z'), promisedNextUpdateAt: '2026-11-20T11:00:00.000Z' });
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toEqual({ closed: false, noticeId: 'update-2', approvalSeconds: 2025, escalationSeconds: 675 });
    expect(incidents.timeline.at(-1)?.detail).toMatchObject({
      approvalSeconds: 2025,
      escalationSeconds: 675,
      promisedNextUpdateAt: '2026-11-21T11:00:00.000Z',
    });
  });

  it('update: numbered after the last notice, saying plainly that nothing changed when the facts did not', async () => {
    // Prepare
    const { deps, notices } = world();
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T09:00:00.000Z'));
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toMatchObject({ closed: false, noticeId: 'update-2' });
    const stored = await notices.getNotice(incidentId, 'update-2');
    expect(stored).toMatchObject({ kind: 'update', sequence: 2, status: 'PENDING_APPROVAL' });
    expect(stored.content.en!.subject).toBe(catalogues.en.notice.updateSubject({ company: 'Example Co.', update: 1 }));
    expect(stored.content.en!.changes).toEqual([catalogues.en.notice.nothingChanged]);
  });

  it('update: what changed since the facts the last sent notice was drafted from', async () => {
    // Prepare
    const { deps, notices, facts } = world();
    await facts.saveFacts(incidentId, 'lead', { en: { measures: ['We closed the bucket.'], advice: [], remedies: [] } }, 0);
    await notices.createNotice({ ...notice('first-notice', 1, 'SENT', '2026-11-20T09:00:00.000Z'), factsVersion: 1 });
    await facts.saveFacts(
      incidentId,
      'lead',
      { en: { cause: 'A misconfigured bucket.', measures: ['We closed the bucket.', 'We rotated keys.'], advice: [], remedies: [] } },
      1,
    );
    // Act
    await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    const stored = await notices.getNotice(incidentId, 'update-2');
    expect(stored.factsVersion).toBe(2);
    const changes = stored.content.en!.changes.join(' ');
    expect(changes).toContain('We rotated keys.');
    expect(changes).toContain('A misconfigured bucket.');
    expect(changes).not.toContain('We closed the bucket.');
  });

  it('closed incident: the next update is its closing notice, and once that is sent nothing more is drafted', async () => {
    // Prepare
    const { deps, notices, incidents } = world({ status: 'CLOSED' });
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T09:00:00.000Z'));
    // Act
    const closing = await draftNoticeStep(incidentId, 'update', deps);
    await notices.setNoticeStatus(incidentId, 'closing-2', 'SENT');
    const after = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(closing).toMatchObject({ closed: false, noticeId: 'closing-2' });
    const stored = await notices.getNotice(incidentId, 'closing-2');
    expect(stored).toMatchObject({ kind: 'closing', sequence: 2 });
    expect(stored.content.en!.nextUpdate).toBeNull();
    expect(after).toMatchObject({ closed: true, noticeId: null });
    expect(incidents.timeline.map((e) => e.action)).toEqual(['notice-drafted']);
  });

  it('a closing notice refused for three cadences is given up: the final report goes without it, and the timeline says so', async () => {
    // Prepare
    const { deps, notices, incidents, clock } = world({ status: 'CLOSED', closedAt: '2026-11-20T10:00:00.000Z' });
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T09:00:00.000Z'));
    await notices.createNotice(notice('closing', 2, 'REJECTED', '2026-11-20T10:00:00.000Z'));
    clock.current += 3 * 24 * HOUR + 1;
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toMatchObject({ closed: true, noticeId: null });
    expect(incidents.timeline.map((e) => e.action)).toEqual(['closing-notice-abandoned']);
  });

  it('closed before any notice went out (a false alarm): no first notice is drafted', async () => {
    // Prepare
    const { deps, notices } = world({ status: 'CLOSED' });
    // Act
    const result = await draftNoticeStep(incidentId, 'first-notice', deps);
    // Assess
    expect(result).toMatchObject({ closed: true, noticeId: null });
    expect(await notices.listNotices(incidentId)).toEqual([]);
  });

  it('redrafts a draft still awaiting approval in place from the latest facts: same id and number, the next version, the replaced lines kept', async () => {
    // Prepare
    const { deps, notices, clock, facts } = world();
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T08:30:00.000Z'));
    await draftNoticeStep(incidentId, 'update', deps);
    const before = await notices.getNotice(incidentId, 'update-2');
    clock.current += HOUR;
    await facts.saveFacts(
      incidentId,
      'lead',
      { en: { measures: ['Keys rotated.'], advice: [], remedies: [] }, 'zh-CN': { measures: ['已轮换密钥。'], advice: [], remedies: [] } },
      0,
    );
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toMatchObject({ closed: false, noticeId: 'update-2' });
    expect((await notices.listNotices(incidentId)).map((n) => n.noticeId).sort()).toEqual(['first-notice-1', 'update-2']);
    const stored = await notices.getNotice(incidentId, 'update-2');
    expect(stored).toMatchObject({
      sequence: 2,
      version: 2,
      factsVersion: 1,
      createdAt: before.createdAt,
      replacedVersion: { version: 1, lines: { en: lines(before) } },
    });
    expect(stored.contentHash).not.toBe(before.contentHash);
    expect(lines(stored)).toContain('Keys rotated.');
    expect(lines(stored, 'zh-CN')).toContain('已轮换密钥。');
  });

  it('a redraft that changes nothing (a retry) keeps the version and the hash', async () => {
    // Prepare
    const { deps, notices } = world();
    await draftNoticeStep(incidentId, 'first-notice', deps);
    const before = await notices.getNotice(incidentId, 'first-notice-1');
    // Act
    await draftNoticeStep(incidentId, 'first-notice', deps);
    // Assess
    const after = await notices.getNotice(incidentId, 'first-notice-1');
    expect(after).toMatchObject({ version: 1, contentHash: before.contentHash });
    expect(after.replacedVersion).toBeUndefined();
  });

  it('a pending draft of the other kind is not reused: the next number is taken', async () => {
    // Prepare
    const { deps, notices } = world();
    await notices.createNotice(notice('first-notice', 1, 'PENDING_APPROVAL', '2026-11-20T09:00:00.000Z'));
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toMatchObject({ closed: false, noticeId: 'update-2' });
  });

  it('a rejected notice is drafted again as its next version, pending again, the rejected lines kept for the diff', async () => {
    // Prepare
    const { deps, notices } = world();
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T08:30:00.000Z'));
    await notices.createNotice(notice('update', 2, 'REJECTED', '2026-11-20T09:00:00.000Z'));
    const rejected = await notices.getNotice(incidentId, 'update-2');
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toMatchObject({ closed: false, noticeId: 'update-2' });
    const redrafted = await notices.getNotice(incidentId, 'update-2');
    expect(redrafted).toMatchObject({ status: 'PENDING_APPROVAL', version: rejected.version + 1 });
    expect(redrafted.replacedVersion?.version).toBe(rejected.version);
  });

  it("each locale gets its own facts, never another language's", async () => {
    // Prepare
    const { deps, notices, facts } = world();
    await facts.saveFacts(incidentId, 'lead', { en: { cause: 'A misconfigured bucket.', measures: [], advice: [], remedies: [] } }, 0);
    // Act
    await draftNoticeStep(incidentId, 'first-notice', deps);
    // Assess
    const stored = await notices.getNotice(incidentId, 'first-notice-1');
    expect(lines(stored).join(' ')).toContain('A misconfigured bucket.');
    expect(lines(stored, 'zh-CN').join(' ')).not.toContain('misconfigured');
  });

  it('an incident not yet assessed cannot be drafted for', async () => {
    // Prepare
    const { deps, notices } = world({ impact: undefined });
    // Act
    const act = draftNoticeStep(incidentId, 'first-notice', deps);
    // Assess
    await expect(act).rejects.toThrow(/has not been assessed/);
    expect(await notices.listNotices(incidentId)).toEqual([]);
  });

  it('an unknown incident fails by name', async () => {
    // Prepare
    const { deps } = world();
    // Act
    const act = draftNoticeStep('inc-20261120-ffffffffffff', 'first-notice', deps);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'IncidentNotFoundError' });
  });
});
