import type { IncidentStorePort, NoticeStorePort } from '../domain/ports.js';
import type { Notice } from '../domain/incident.js';
import type { Locale } from '../domain/locales.js';
import { draftNotice, type CompanyProfile, type NoticeContent, type NoticeKind } from '../domain/notice.js';
import type { Clock } from '../shared/clock.js';

export interface DraftDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'listProgressNotes'>;
  notices: Pick<NoticeStorePort, 'createNotice' | 'listNotices'>;
  clock: Clock;
  locales: readonly Locale[];
  company: CompanyProfile;
  updateCadenceSeconds: number;
}

export type DraftResult = { closed: true; noticeId: null } | { closed: false; noticeId: string };

/**
 * Drafts the first notice or the next update in every configured locale. An update for an incident
 * closed meanwhile is not drafted. A draft still awaiting approval (a retry, or a timed-out request)
 * is redrafted in place, so numbering never skips.
 */
export async function draftNoticeStep(incidentId: string, kind: NoticeKind, deps: DraftDeps): Promise<DraftResult> {
  const incident = await deps.incidents.getIncident(incidentId);
  if (kind === 'update' && incident.status === 'CLOSED') return { closed: true, noticeId: null };
  if (!incident.impact) throw new Error(`Incident ${incidentId} has not been assessed`);
  const notices = (await deps.notices.listNotices(incidentId)).sort((a, b) => a.sequence - b.sequence);
  const latest = notices.at(-1);
  const reuse = latest?.status === 'PENDING_APPROVAL' && latest.kind === kind ? latest : undefined;
  const sequence = reuse?.sequence ?? (latest?.sequence ?? 0) + 1;
  // Notes entered since the previous notice was drafted, so nothing typed during its approval is lost.
  const previous = notices.filter((n) => n.noticeId !== reuse?.noticeId).at(-1);
  const progressNotes = (await deps.incidents.listProgressNotes(incidentId, previous?.createdAt)).map((n) => n.text);
  const now = deps.clock.now();
  const nextUpdateAt = new Date(now.getTime() + deps.updateCadenceSeconds * 1000).toISOString();
  const content: Partial<Record<Locale, NoticeContent>> = {};
  for (const locale of deps.locales) {
    content[locale] = draftNotice(
      { kind, sequence, incident: { incidentId, source: incident.source, firstSeenAt: incident.firstSeenAt, impact: incident.impact }, progressNotes, company: deps.company, nextUpdateAt },
      locale,
    );
  }
  const notice: Notice = {
    incidentId,
    noticeId: reuse?.noticeId ?? `${kind}-${sequence}`,
    kind,
    sequence,
    status: 'PENDING_APPROVAL',
    content,
    createdAt: now.toISOString(),
    promisedNextUpdateAt: nextUpdateAt,
  };
  await deps.notices.createNotice(notice);
  await deps.incidents.appendTimeline(incidentId, { action: 'notice-drafted', actor: 'draft-notice', detail: { noticeId: notice.noticeId, kind, locales: deps.locales } });
  return { closed: false, noticeId: notice.noticeId };
}
