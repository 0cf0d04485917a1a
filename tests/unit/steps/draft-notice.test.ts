import { describe, expect, it } from 'vitest';
import type { Incident, Notice } from '../../../functions/domain/incident.js';
import { catalogues } from '../../../functions/domain/locales.js';
import { draftNoticeStep, type DraftDeps } from '../../../functions/steps/draft-notice.js';
import { FakeClock, FakeIncidents, FakeNotices } from '../../support/fakes.js';

const incidentId = 'inc-20261120-0123456789ab';
const firstSeenAt = '2026-11-20T08:00:00.000Z';
const impact = { affectedCustomers: 3, byDataCategory: { email: 3 }, byJurisdiction: { GB: 3 }, byLocale: { en: 3 }, byChannel: { email: 3 } };
const HOUR = 3_600_000;

function world(incident: Partial<Incident> = {}) {
  const clock = new FakeClock(Date.parse('2026-11-20T10:00:00Z'));
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, {
    incidentId, source: 'guardduty', findingKey: 'f', alarmSeverity: 8, title: 't', description: '', affectedResources: ['r'], firstSeenAt,
    status: 'OPEN', scope: 'KNOWN', severity: 'HIGH', createdAt: firstSeenAt, impact, audienceChunks: 1, ...incident,
  });
  const notices = new FakeNotices();
  const deps: DraftDeps = {
    incidents, notices, clock, locales: ['en', 'zh-CN'],
    company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' },
    updateCadenceSeconds: 24 * 3600,
  };
  return { deps, clock, incidents, notices };
}

/** A notice as a previous round left it. */
function notice(kind: Notice['kind'], sequence: number, status: Notice['status'], createdAt: string): Notice {
  return { incidentId, noticeId: `${kind}-${sequence}`, kind, sequence, status, content: {}, createdAt, promisedNextUpdateAt: createdAt };
}

describe('draftNoticeStep', () => {
  it('first notice: sequence 1, pending approval, in every configured locale, promising the next update one cadence away', async () => {
    // Prepare
    const { deps, notices, incidents } = world();
    // Act
    const result = await draftNoticeStep(incidentId, 'first-notice', deps);
    // Assess
    expect(result).toEqual({ closed: false, noticeId: 'first-notice-1' });
    const stored = await notices.getNotice(incidentId, 'first-notice-1');
    expect(stored).toMatchObject({ kind: 'first-notice', sequence: 1, status: 'PENDING_APPROVAL', createdAt: '2026-11-20T10:00:00.000Z', promisedNextUpdateAt: '2026-11-21T10:00:00.000Z' });
    expect(Object.keys(stored.content).sort()).toEqual(['en', 'zh-CN']);
    expect(stored.content.en!.subject).toContain('Example Co.');
    expect(incidents.timeline.map((e) => [e.action, e.detail])).toEqual([['notice-drafted', { noticeId: 'first-notice-1', kind: 'first-notice', locales: ['en', 'zh-CN'] }]]);
  });

  it('update: numbered after the last notice, saying nothing new when no note was entered', async () => {
    // Prepare
    const { deps, notices } = world();
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T09:00:00.000Z'));
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toEqual({ closed: false, noticeId: 'update-2' });
    const stored = await notices.getNotice(incidentId, 'update-2');
    expect(stored).toMatchObject({ kind: 'update', sequence: 2, status: 'PENDING_APPROVAL' });
    expect(stored.content.en!.subject).toBe(catalogues.en.notice.updateSubject({ company: 'Example Co.', update: 1 }));
    expect(stored.content.en!.actionsTaken).toEqual([catalogues.en.notice.responseTeamAlerted, catalogues.en.notice.nothingNew]);
  });

  it('closed incident: an update is not drafted', async () => {
    // Prepare
    const { deps, notices, incidents } = world({ status: 'CLOSED' });
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T09:00:00.000Z'));
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toEqual({ closed: true, noticeId: null });
    expect((await notices.listNotices(incidentId)).map((n) => n.noticeId)).toEqual(['first-notice-1']);
    expect(incidents.timeline).toEqual([]);
  });

  it('closed applies to updates only: a first notice is still drafted', async () => {
    // Prepare
    const { deps } = world({ status: 'CLOSED' });
    // Act
    const result = await draftNoticeStep(incidentId, 'first-notice', deps);
    // Assess
    expect(result).toEqual({ closed: false, noticeId: 'first-notice-1' });
  });

  it('redrafts a draft still awaiting approval in place: same id and number, fresh wording', async () => {
    // Prepare
    const { deps, notices, clock, incidents } = world();
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T08:30:00.000Z'));
    await notices.createNotice(notice('update', 2, 'PENDING_APPROVAL', '2026-11-20T09:00:00.000Z'));
    clock.current += HOUR;
    await incidents.addProgressNote(incidentId, 'ops', 'Keys rotated');
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toEqual({ closed: false, noticeId: 'update-2' });
    expect((await notices.listNotices(incidentId)).map((n) => n.noticeId).sort()).toEqual(['first-notice-1', 'update-2']);
    const stored = await notices.getNotice(incidentId, 'update-2');
    expect(stored).toMatchObject({ sequence: 2, createdAt: '2026-11-20T11:00:00.000Z' });
    expect(stored.content.en!.actionsTaken).toContain('Keys rotated');
  });

  it('a pending draft of the other kind is not reused: the next number is taken', async () => {
    // Prepare
    const { deps, notices } = world();
    await notices.createNotice(notice('first-notice', 1, 'PENDING_APPROVAL', '2026-11-20T09:00:00.000Z'));
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toEqual({ closed: false, noticeId: 'update-2' });
  });

  it('a notice no longer pending (rejected) is not reused either', async () => {
    // Prepare
    const { deps, notices } = world();
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T08:30:00.000Z'));
    await notices.createNotice(notice('update', 2, 'REJECTED', '2026-11-20T09:00:00.000Z'));
    // Act
    const result = await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    expect(result).toEqual({ closed: false, noticeId: 'update-3' });
  });

  it('carries the progress notes entered since the previous notice was drafted, oldest first, and only those', async () => {
    // Prepare
    const { deps, notices, clock, incidents } = world();
    clock.current = Date.parse('2026-11-20T08:45:00Z');
    await incidents.addProgressNote(incidentId, 'ops', 'Already told customers');
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T09:00:00.000Z'));
    clock.current = Date.parse('2026-11-20T09:30:00Z');
    await incidents.addProgressNote(incidentId, 'ops', 'Bucket locked down');
    clock.current = Date.parse('2026-11-20T09:40:00Z');
    await incidents.addProgressNote(incidentId, 'ops', 'Keys rotated');
    clock.current = Date.parse('2026-11-20T10:00:00Z');
    // Act
    await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    const { content } = await notices.getNotice(incidentId, 'update-2');
    expect(content.en!.actionsTaken.slice(1)).toEqual(['Bucket locked down', 'Keys rotated']);
    expect(content['zh-CN']!.actionsTaken.slice(1)).toEqual(['Bucket locked down', 'Keys rotated']);
  });

  it('a redraft keeps the notes typed during the pending approval: counted from the notice before it', async () => {
    // Prepare
    const { deps, notices, clock, incidents } = world();
    await notices.createNotice(notice('first-notice', 1, 'SENT', '2026-11-20T08:30:00.000Z'));
    clock.current = Date.parse('2026-11-20T08:40:00Z');
    await incidents.addProgressNote(incidentId, 'ops', 'Typed before the update was drafted');
    await notices.createNotice(notice('update', 2, 'PENDING_APPROVAL', '2026-11-20T09:00:00.000Z'));
    clock.current = Date.parse('2026-11-20T10:00:00Z');
    // Act
    await draftNoticeStep(incidentId, 'update', deps);
    // Assess
    const { content } = await notices.getNotice(incidentId, 'update-2');
    expect(content.en!.actionsTaken).toContain('Typed before the update was drafted');
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
