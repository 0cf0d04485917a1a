import { buildIncidentPage, incidentPageJson, incidentPageObjectKeys, renderIncidentPageHtml, type FaqEntry } from '../domain/incident-page.js';
import type { Locale } from '../domain/locales.js';
import type { IncidentStorePort, Messaging, NoticeStorePort, IncidentPageStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface PublishIncidentPageDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline'>;
  notices: Pick<NoticeStorePort, 'listNotices'>;
  records: {
    listFaq(incidentId: string, locale: Locale): Promise<FaqEntry[]>;
    claimAnnouncement(incidentId: string, noticeId: string, locale: Locale): Promise<boolean>;
    releaseAnnouncement(incidentId: string, noticeId: string, locale: Locale): Promise<void>;
  };
  pages: IncidentPageStorePort;
  messaging: Pick<Messaging, 'publish'>;
  publicChannelsTopicArn: string;
  locales: readonly Locale[];
  companyName: string;
  pagesBaseUrl: string;
  /** The question form of an incident in a locale; absent when none is deployed. */
  questionFormUrl?: (incidentId: string, locale: Locale) => string;
  clock: Clock;
}

export interface PublishIncidentPageResult {
  incidentId: string;
  noticeId?: string;
  pages: { locale: Locale; url: string }[];
  announced: Locale[];
}

/**
 * Writes the incident's public page (HTML and its JSON twin) in every locale from the sent notices
 * and the published FAQ, then, when `noticeId` names a sent notice, announces it to the public
 * channels once per locale (a conditional claim first; released if the publish fails, so a retry
 * announces). Re-running it rewrites the same pages and announces nothing twice.
 */
export async function publishIncidentPage(input: { incidentId: string; noticeId?: string }, deps: PublishIncidentPageDeps): Promise<PublishIncidentPageResult> {
  const notices = await deps.notices.listNotices(input.incidentId);
  const now = deps.clock.now();
  const result: PublishIncidentPageResult = { incidentId: input.incidentId, noticeId: input.noticeId, pages: [], announced: [] };
  const built = [];
  for (const locale of deps.locales) {
    const page = buildIncidentPage(
      {
        incidentId: input.incidentId,
        companyName: deps.companyName,
        pagesBaseUrl: deps.pagesBaseUrl,
        notices,
        faq: await deps.records.listFaq(input.incidentId, locale),
        locales: deps.locales,
        questionFormUrl: deps.questionFormUrl ? (l) => deps.questionFormUrl!(input.incidentId, l) : undefined,
        now,
      },
      locale,
    );
    const objects = incidentPageObjectKeys(input.incidentId, locale);
    await deps.pages.put(objects.json, incidentPageJson(page), 'application/json; charset=utf-8');
    await deps.pages.put(objects.html, renderIncidentPageHtml(page), 'text/html; charset=utf-8');
    result.pages.push({ locale, url: page.pageUrl });
    built.push(page);
  }
  // A drill's page is written (its notices carry the drill marker) but never announced to the public channels.
  const drill = notices.some((n) => n.drill === true);
  const announcing = !drill && input.noticeId && notices.some((n) => n.noticeId === input.noticeId && n.status === 'SENT') ? input.noticeId : undefined;
  if (announcing) {
    for (const page of built) {
      if (!(await deps.records.claimAnnouncement(input.incidentId, announcing, page.locale))) continue;
      try {
        await deps.messaging.publish(deps.publicChannelsTopicArn, page.title, page.summary, {
          incidentId: input.incidentId,
          noticeId: announcing,
          locale: page.locale,
          pageUrl: page.pageUrl,
        });
      } catch (error) {
        await deps.records.releaseAnnouncement(input.incidentId, announcing, page.locale);
        throw error;
      }
      result.announced.push(page.locale);
    }
  }
  await deps.incidents.appendTimeline(input.incidentId, {
    action: 'incident-page-published',
    actor: 'publish-incident-page',
    detail: { noticeId: input.noticeId ?? null, locales: result.pages.map((p) => p.locale), announced: result.announced, ...(drill ? { drill: true } : {}) },
  });
  return result;
}
