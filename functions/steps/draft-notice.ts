import type { FactsStorePort, IncidentStorePort, NoticeStorePort } from '../domain/ports.js';
import { factsFor, type FactsVersion } from '../domain/facts.js';
import type { Notice, SeverityLevel } from '../domain/incident.js';
import type { Locale } from '../domain/locales.js';
import { draftNotice, noticeTextForDiff, type CompanyProfile, type NoticeContent, type NoticeKind } from '../domain/notice.js';
import { contentHash } from '../domain/notice-version.js';
import { openPromise, planNotice, type PromiseSettings } from '../domain/promises.js';
import { applicableRules, remedyReach, type RemedyRule } from '../domain/remedies.js';
import type { Clock } from '../shared/clock.js';
import { markDrillContent } from '../domain/drill.js';

export interface DraftDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'getAudienceChunk'>;
  notices: Pick<NoticeStorePort, 'createNotice' | 'listNotices' | 'setNoticeStatus'>;
  facts: Pick<FactsStorePort, 'getFacts' | 'latestFacts'>;
  clock: Clock;
  locales: readonly Locale[];
  company: CompanyProfile;
  /** The cadence, the lead and the approval timeouts each notice's promise and approvals are planned from. */
  settings: PromiseSettings;
  /** Remedies offered by rule (REMEDY_RULES). @default none */
  remedyRules?: readonly RemedyRule[];
}

/** Audience chunks read at once when counting whom each remedy reaches. */
const CHUNK_READS_IN_FLIGHT = 8;

/**
 * Customers per applicable remedy rule, from the audience chunks (ids and categories only), for the
 * approvers and the final report. Nothing is read when no rule applies, or when each names one category.
 */
async function remedyReachOf(
  incidentId: string,
  rules: readonly RemedyRule[],
  byDataCategory: Record<string, number>,
  severity: SeverityLevel,
  chunks: number,
  deps: DraftDeps,
): Promise<Record<string, number>> {
  const applicable = new Map(applicableRules(rules, severity, Object.keys(byDataCategory)).map((r) => [r.id, r.categories] as const));
  const reach = remedyReach(applicable, []);
  if (applicable.size === 0) return reach;
  // A rule of one category reaches exactly the customers the assessment counted for it: nothing to read.
  if ([...applicable.values()].every((c) => c.length === 1)) {
    for (const [id, [category]] of applicable) reach[id] = byDataCategory[category!] ?? 0;
    return reach;
  }
  for (let from = 0; from < chunks; from += CHUNK_READS_IN_FLIGHT) {
    const read = await Promise.all(
      Array.from({ length: Math.min(CHUNK_READS_IN_FLIGHT, chunks - from) }, (_, i) => deps.incidents.getAudienceChunk(incidentId, from + i)),
    );
    for (const [id, n] of Object.entries(remedyReach(applicable, read.flat()))) reach[id]! += n;
  }
  return reach;
}

/** Cadences after closing within which the closing notice is asked for; then the final report goes without it. */
const CLOSING_ATTEMPT_CADENCES = 3;

/** The approval tiers' timeouts of the notice drafted (as configured when none is), for the waits' TimeoutSecondsPath. */
export type DraftResult = ({ closed: true; noticeId: null } | { closed: false; noticeId: string }) & { approvalSeconds: number; escalationSeconds: number };

/**
 * Drafts the first notice or the next update in every configured locale, from the team's latest
 * facts. Once the incident is closed, the next update is its closing notice, and after that has gone
 * out there is nothing left to draft. A draft still awaiting approval (a retry, a timed-out request,
 * an edit of the facts) or rejected is redrafted in place, so numbering never skips; its version goes
 * up when the wording changed or it was rejected, and the lines it replaces are kept so approvers see
 * what changed.
 */
export async function draftNoticeStep(incidentId: string, requested: NoticeKind, deps: DraftDeps): Promise<DraftResult> {
  const incident = await deps.incidents.getIncident(incidentId);
  if (!incident.impact) throw new Error(`Incident ${incidentId} has not been assessed`);
  const configured = { approvalSeconds: deps.settings.approvalSeconds, escalationSeconds: deps.settings.escalationSeconds };
  const notices = (await deps.notices.listNotices(incidentId)).sort((a, b) => a.sequence - b.sequence);
  let kind = requested;
  // Closed before any notice went out (a false alarm, a rejected first notice given up): nothing to draft.
  if (requested === 'first-notice' && incident.status === 'CLOSED' && !notices.some((n) => n.status === 'SENT')) {
    await withdraw(notices.at(-1), deps);
    await deps.incidents.appendTimeline(incidentId, { action: 'first-notice-not-needed', actor: 'draft-notice', detail: { closedAt: incident.closedAt } });
    return { closed: true, noticeId: null, ...configured };
  }
  if (requested === 'update' && incident.status === 'CLOSED') {
    if (notices.some((n) => n.kind === 'closing' && n.status === 'SENT')) return { closed: true, noticeId: null, ...configured };
    // Approvers who keep refusing the closing notice do not hold back the final report for ever.
    const closedFor = deps.clock.now().getTime() - Date.parse(incident.closedAt ?? deps.clock.now().toISOString());
    if (closedFor > CLOSING_ATTEMPT_CADENCES * deps.settings.cadenceSeconds * 1000) {
      await deps.incidents.appendTimeline(incidentId, { action: 'closing-notice-abandoned', actor: 'draft-notice', detail: { closedAt: incident.closedAt } });
      return { closed: true, noticeId: null, ...configured };
    }
    kind = 'closing';
  }
  const latest = notices.at(-1);
  // An update the close caught before it was approved never goes out: the closing notice replaces it.
  if (latest?.kind !== kind && (await withdraw(latest, deps))) notices.pop();
  // A rejected draft is drafted again as its next version: approvers see what changed since they said no.
  const reuse = (latest?.status === 'PENDING_APPROVAL' || latest?.status === 'REJECTED') && latest.kind === kind ? latest : undefined;
  const sequence = reuse?.sequence ?? (latest?.sequence ?? 0) + 1;
  const facts = await deps.facts.latestFacts(incidentId);
  const lastSent = notices.filter((n) => n.status === 'SENT').at(-1);
  const previousFacts: FactsVersion | undefined =
    lastSent && lastSent.factsVersion > 0 ? await deps.facts.getFacts(incidentId, lastSent.factsVersion) : undefined;
  const now = deps.clock.now();
  // An update or closing notice is due when the last one sent promised; its own promise counts from when it is planned to go out.
  const plan = planNotice({ kind, now, dueAt: kind === 'first-notice' ? undefined : openPromise(notices)?.promisedNextUpdateAt, settings: deps.settings });
  const nextUpdateAt = plan.promisedNextUpdateAt;
  const rules = deps.remedyRules ?? [];
  const remedies = {
    rules,
    severity: incident.severity,
    // Deadlines count from the first notice's drafting, so every later notice repeats the same dates.
    offeredAt: notices[0]?.createdAt ?? now.toISOString(),
    now: now.toISOString(),
    reach: await remedyReachOf(incidentId, rules, incident.impact.byDataCategory, incident.severity, incident.audienceChunks ?? 0, deps),
  };
  const content: Partial<Record<Locale, NoticeContent>> = {};
  for (const locale of deps.locales) {
    content[locale] = draftNotice(
      {
        kind,
        sequence,
        incident: { incidentId, source: incident.source, firstSeenAt: incident.firstSeenAt, impact: incident.impact },
        facts: factsFor(facts, locale),
        previousFacts: lastSent ? factsFor(previousFacts, locale) : undefined,
        company: deps.company,
        nextUpdateAt,
        remedies,
      },
      locale,
    );
    // A drill's notice says so at the top, in every locale and on every channel.
    if (incident.drill) content[locale] = markDrillContent(content[locale]!, locale);
  }
  const hash = contentHash(content);
  const changed = reuse !== undefined && (reuse.contentHash !== hash || reuse.status === 'REJECTED');
  const notice: Notice = {
    incidentId,
    noticeId: reuse?.noticeId ?? `${kind}-${sequence}`,
    kind,
    sequence,
    status: 'PENDING_APPROVAL',
    content,
    createdAt: reuse?.createdAt ?? now.toISOString(),
    // A closing notice promises nothing; the workflow goes on to the final report.
    promisedNextUpdateAt: nextUpdateAt ?? now.toISOString(),
    ...(plan.sendBy ? { sendBy: plan.sendBy } : {}),
    version: reuse ? reuse.version + (changed ? 1 : 0) : 1,
    factsVersion: facts?.version ?? 0,
    scopeVersion: incident.scopeVersion ?? 0,
    contentHash: hash,
    ...(incident.drill ? { drill: true } : {}),
    ...(changed
      ? {
          replacedVersion: {
            version: reuse.version,
            lines: Object.fromEntries(deps.locales.flatMap((l) => (reuse.content[l] ? [[l, noticeTextForDiff(reuse.content[l]!, l)]] : []))),
          },
        }
      : reuse?.replacedVersion
        ? { replacedVersion: reuse.replacedVersion }
        : {}),
  };
  await deps.notices.createNotice(notice);
  await deps.incidents.appendTimeline(incidentId, {
    action: 'notice-drafted',
    actor: 'draft-notice',
    detail: {
      noticeId: notice.noticeId,
      kind,
      version: notice.version,
      factsVersion: notice.factsVersion,
      locales: deps.locales,
      ...(nextUpdateAt ? { promisedNextUpdateAt: nextUpdateAt } : {}),
      // Approvals shortened to end before the update is due, so approvers are escalated ahead of it.
      ...(plan.approvalSeconds !== configured.approvalSeconds || plan.escalationSeconds !== configured.escalationSeconds
        ? { approvalSeconds: plan.approvalSeconds, escalationSeconds: plan.escalationSeconds }
        : {}),
      ...(reuse?.status === 'REJECTED' ? { after: 'rejection' } : {}),
    },
  });
  return { closed: false, noticeId: notice.noticeId, approvalSeconds: plan.approvalSeconds, escalationSeconds: plan.escalationSeconds };
}

/** A draft never approved that the close made pointless is withdrawn, so no notice waits for approval for ever. */
async function withdraw(notice: Notice | undefined, deps: DraftDeps): Promise<boolean> {
  if (!notice || (notice.status !== 'PENDING_APPROVAL' && notice.status !== 'REJECTED')) return false;
  await deps.notices.setNoticeStatus(notice.incidentId, notice.noticeId, 'WITHDRAWN');
  await deps.incidents.appendTimeline(notice.incidentId, {
    action: 'notice-withdrawn',
    actor: 'draft-notice',
    detail: { noticeId: notice.noticeId, version: notice.version, because: 'closed' },
  });
  return true;
}
