import type { CustomerDirectoryPort, IncidentStorePort, TeamStorePort } from '../domain/ports.js';
import { resolveScope, type ScopeDecision } from '../domain/scope.js';
import type { AudienceMember, Incident } from '../domain/incident.js';
import { summariseImpact, chunk, type AffectedCustomer } from '../domain/impact.js';
import { resolveLocale, type Locale } from '../domain/locales.js';
import { severityFor, type SeverityLevel } from '../domain/incident.js';
import { isSensitiveCategory } from '../domain/notice.js';
import { resolveTimeZone } from '../domain/time-zones.js';
import { assembleChunk, chunkSpans, mergeImpact, partKey, partsOf, segmentResolver, segmentsFor, type SegmentCounts } from '../domain/assessment.js';

export interface AssessDeps {
  incidents: Pick<
    IncidentStorePort,
    'appendTimeline' | 'getIncident' | 'commitAssessment' | 'saveAssessmentSegment' | 'getAssessmentSegments' | 'getAssessmentParts' | 'writeAudienceChunks'
  >;
  customers: Pick<CustomerDirectoryPort, 'scanSegment' | 'approximateItemCount'>;
  /** The team's scope decisions, applied in order over the alarm's own scope. */
  team: Pick<TeamStorePort, 'listScopeDecisions'>;
  /** Audience ids per chunk (the unit of work of one send iteration), and per stored part of a segment. */
  audienceChunkSize: number;
  /** The deployment's locales: a chunk holds customers written to in one of them (as the send step resolves it). */
  locales: readonly Locale[];
  /** Directory items per scan segment (domain/assessment.ts ITEMS_PER_SEGMENT). */
  itemsPerSegment?: number;
}

export interface AssessResult {
  /** UNKNOWN: nobody found, people must decide; NONE: people decided nobody is affected. */
  scope: 'KNOWN' | 'UNKNOWN' | 'NONE';
  affectedCustomers: number;
  severity: SeverityLevel;
  audienceChunks: number;
  /** The last scope decision applied (0: the alarm's own resources). */
  scopeVersion: number;
}

/** The assessment as it stands, and the directory segments to scan when it must be made again (none: it stands). */
export interface AssessmentPlan extends Omit<AssessResult, 'scope'> {
  scope: Incident['scope'];
  segments: number[];
}

/**
 * Whether the incident must be assessed (again): not yet, or a scope decision came since. If so, the
 * directory segments to scan, sized from the table's item count. Deterministic from here on: every
 * later phase reads the decisions up to `scopeVersion`, so a decision arriving meanwhile waits for the next.
 */
export async function planAssessment(
  incidentId: string,
  deps: Pick<AssessDeps, 'incidents' | 'customers' | 'team' | 'itemsPerSegment'>,
): Promise<AssessmentPlan> {
  const incident = await deps.incidents.getIncident(incidentId);
  const decisions = await deps.team.listScopeDecisions(incidentId);
  const scopeVersion = decisions.at(-1)?.version ?? 0;
  const stands = {
    scope: incident.scope,
    affectedCustomers: incident.impact?.affectedCustomers ?? 0,
    severity: incident.severity,
    audienceChunks: incident.audienceChunks ?? 0,
    scopeVersion,
  };
  // Already assessed with every decision there is: the audience stands (the directory may have moved on since).
  if (incident.scope !== 'PENDING' && incident.impact && incident.audienceChunks !== undefined && (incident.scopeVersion ?? 0) === scopeVersion) {
    return { ...stands, segments: [] };
  }
  const total = segmentsFor(await deps.customers.approximateItemCount(), deps.itemsPerSegment);
  return { ...stands, segments: Array.from({ length: total }, (_, i) => i) };
}

/**
 * One directory segment: its customers on the alarm's resources, then each scope decision up to
 * `scopeVersion` in order (all customers, listed resources, an id list, a segment; replacing, widening
 * or narrowing). Keeps its members per locale in parts and its summary, and returns its counts.
 */
export async function assessSegment(
  input: { incidentId: string; segment: number; totalSegments: number; scopeVersion: number },
  deps: Pick<AssessDeps, 'incidents' | 'customers' | 'team' | 'audienceChunkSize' | 'locales'>,
): Promise<SegmentCounts> {
  const incident = await deps.incidents.getIncident(input.incidentId);
  const decisions = await decisionsUpTo(deps, input.incidentId, input.scopeVersion);
  const entries = await deps.customers.scanSegment(input.segment, input.totalSegments);
  const { resolver, listedFound } = segmentResolver(entries);
  const outcome = await resolveScope(incident.affectedResources, decisions, resolver);
  const affected: AffectedCustomer[] = [];
  const members = new Map<Locale, AudienceMember[]>();
  // Per zone the customers read their times in, so approvers can preview one of each.
  const byTimeZone: Record<string, number> = {};
  let missingProfiles = 0;
  for (const customerId of [...outcome.holdings.keys()].sort()) {
    const profile = entries.get(customerId)?.profile;
    if (!profile) missingProfiles += 1;
    const dataCategories = [...outcome.holdings.get(customerId)!].sort();
    const locale = resolveLocale(profile?.locale, deps.locales);
    const list = members.get(locale) ?? members.set(locale, []).get(locale)!;
    list.push({ customerId, dataCategories });
    affected.push({
      customerId,
      dataCategories,
      locale: profile?.locale ?? 'unknown',
      country: profile?.country ?? 'unknown',
      ...(profile?.region ? { region: profile.region } : {}),
      channels: profile?.channels ?? [],
    });
    // A customer missing from the directory counts under UTC, as `unknown` under country.
    const zone = resolveTimeZone({ timeZone: profile?.timeZone, country: profile?.country ?? 'unknown' });
    byTimeZone[zone] = (byTimeZone[zone] ?? 0) + 1;
  }
  await deps.incidents.saveAssessmentSegment(
    input.incidentId,
    input.scopeVersion,
    input.segment,
    { impact: { ...summariseImpact(affected), byTimeZone }, missingProfiles, listedFound: listedFound() },
    Object.fromEntries([...members].map(([locale, list]) => [locale, chunk(list, deps.audienceChunkSize)])),
  );
  return {
    segment: input.segment,
    counts: Object.fromEntries([...members].map(([locale, list]) => [locale, list.length])),
    chunkSize: deps.audienceChunkSize,
  };
}

/** The audience chunks whose first member is in this segment, read from the segments' parts. */
export async function writeAudienceChunks(
  input: { incidentId: string; segment: number; scopeVersion: number; segments: SegmentCounts[] },
  deps: Pick<AssessDeps, 'incidents'>,
): Promise<{ segment: number; chunks: number }> {
  const spans = chunkSpans(input.segments).filter((s) => s.owner === input.segment);
  // A few chunks at a time: a segment's members are read and written once, never all held at once.
  for (let i = 0; i < spans.length; i += CHUNKS_PER_ROUND) {
    const round = spans.slice(i, i + CHUNKS_PER_ROUND).map((span) => ({ span, slices: partsOf(span, input.segments) }));
    const parts = await deps.incidents.getAssessmentParts(
      input.incidentId,
      input.scopeVersion,
      round.flatMap((r) => r.slices),
    );
    await deps.incidents.writeAudienceChunks(
      input.incidentId,
      round.map(({ span, slices }) => ({ index: span.index, members: assembleChunk(slices, (s) => parts.get(partKey(s))) })),
    );
  }
  return { segment: input.segment, chunks: spans.length };
}

const CHUNKS_PER_ROUND = 20;

/**
 * Sums the segments into the incident's impact, sets the severity and points the incident at its
 * chunks, all written by now. Nobody found means scope unknown: the workflow waits for people to decide.
 */
export async function saveAssessment(
  input: { incidentId: string; scopeVersion: number; segments: SegmentCounts[] },
  deps: Pick<AssessDeps, 'incidents' | 'team'>,
): Promise<AssessResult> {
  const { incidentId, scopeVersion } = input;
  const incident = await deps.incidents.getIncident(incidentId);
  const decisions = await decisionsUpTo(deps, incidentId, scopeVersion);
  const summaries = await deps.incidents.getAssessmentSegments(
    incidentId,
    scopeVersion,
    input.segments.map((s) => s.segment),
  );
  const impact = mergeImpact([...summaries.values()].map((s) => s.impact));
  const listed = decisions.filter((d) => d.basis === 'ids').reduce((n, d) => n + new Set(d.customerIds).size, 0);
  const unknownIds = listed - [...summaries.values()].reduce((n, s) => n + s.listedFound, 0);
  const missingProfiles = [...summaries.values()].reduce((n, s) => n + s.missingProfiles, 0);
  // As resolveScope folds them: the last decision says nobody, or a later one said someone.
  const none = decisions.at(-1)?.basis === 'none';
  const scope = impact.affectedCustomers > 0 ? 'KNOWN' : none ? 'NONE' : 'UNKNOWN';
  const sensitive = Object.keys(impact.byDataCategory).some(isSensitiveCategory);
  const severity = severityFor(incident.alarmSeverity, impact.affectedCustomers, sensitive);
  const audienceChunks = chunkSpans(input.segments).length;
  await deps.incidents.commitAssessment(incidentId, { scope, severity, impact, audienceChunks, scopeVersion });
  await deps.incidents.appendTimeline(incidentId, {
    action: 'impact-assessed',
    actor: 'assess-impact',
    detail: {
      scope,
      severity,
      affectedCustomers: impact.affectedCustomers,
      missingProfiles,
      audienceChunks,
      scopeVersion,
      directorySegments: input.segments.length,
      ...(unknownIds > 0 ? { unknownIds } : {}),
    },
  });
  return { scope, affectedCustomers: impact.affectedCustomers, severity, audienceChunks, scopeVersion };
}

async function decisionsUpTo(deps: Pick<AssessDeps, 'team'>, incidentId: string, scopeVersion: number): Promise<ScopeDecision[]> {
  return (await deps.team.listScopeDecisions(incidentId)).filter((d) => d.version <= scopeVersion);
}
