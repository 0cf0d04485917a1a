import type { CustomerDirectoryPort, IncidentStorePort, TeamStorePort } from '../domain/ports.js';
import { resolveScope } from '../domain/scope.js';
import type { AudienceMember } from '../domain/incident.js';
import { chunkBy, summariseImpact, type AffectedCustomer } from '../domain/impact.js';
import { resolveLocale, type Locale } from '../domain/locales.js';
import { severityFor, type SeverityLevel } from '../domain/incident.js';
import { isSensitiveCategory } from '../domain/notice.js';
import { resolveTimeZone } from '../domain/time-zones.js';

export interface AssessDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'saveAssessment'>;
  customers: Pick<CustomerDirectoryPort, 'findByResource' | 'getProfiles' | 'everyone' | 'holdingsOf'>;
  /** The team's scope decisions, applied in order over the alarm's own scope. */
  team: Pick<TeamStorePort, 'listScopeDecisions'>;
  /** Audience ids per chunk: the unit of work of one send iteration. */
  audienceChunkSize: number;
  /** The deployment's locales: a chunk holds customers written to in one of them (as the send step resolves it). */
  locales: readonly Locale[];
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

/**
 * Finds the affected customers, counts them, and stores the audience as id chunks: the customers
 * holding data on the alarm's resources, then each scope decision of the team in order (all
 * customers, listed resources, an id list, a segment; replacing, widening or narrowing). Nobody found
 * means scope unknown: the workflow waits for people to decide. Deterministic, so a retry rewrites the
 * same chunks.
 */
export async function assessImpact(incidentId: string, deps: AssessDeps): Promise<AssessResult> {
  const incident = await deps.incidents.getIncident(incidentId);
  const decisions = await deps.team.listScopeDecisions(incidentId);
  const scopeVersion = decisions.at(-1)?.version ?? 0;
  // Already assessed with every decision there is: the audience stands (the directory may have moved on since).
  if (incident.scope !== 'PENDING' && incident.impact && incident.audienceChunks !== undefined && (incident.scopeVersion ?? 0) === scopeVersion) {
    return {
      scope: incident.scope,
      affectedCustomers: incident.impact.affectedCustomers,
      severity: incident.severity,
      audienceChunks: incident.audienceChunks,
      scopeVersion,
    };
  }
  const outcome = await resolveScope(incident.affectedResources, decisions, {
    onResources: async (resources) => {
      const holdings = new Map<string, Set<string>>();
      for (const resource of resources) {
        for (const hit of await deps.customers.findByResource(resource)) {
          const set = holdings.get(hit.customerId) ?? new Set<string>();
          for (const c of hit.dataCategories) set.add(c);
          holdings.set(hit.customerId, set);
        }
      }
      return holdings;
    },
    everyone: () => deps.customers.everyone(),
    byIds: (ids) => deps.customers.holdingsOf(ids),
    countries: async (ids) => new Map([...(await deps.customers.getProfiles(ids))].map(([id, p]) => [id, p.country])),
  });
  const categoriesById = outcome.holdings;
  const ids = [...categoriesById.keys()].sort();
  const profiles = await deps.customers.getProfiles(ids);
  const affected: AffectedCustomer[] = [];
  const members: (AudienceMember & { locale: Locale })[] = [];
  // Per zone the customers read their times in, so approvers can preview one of each.
  const byTimeZone: Record<string, number> = {};
  for (const customerId of ids) {
    const profile = profiles.get(customerId);
    const dataCategories = [...categoriesById.get(customerId)!].sort();
    members.push({ customerId, dataCategories, locale: resolveLocale(profile?.locale, deps.locales) });
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
  const impact = { ...summariseImpact(affected), byTimeZone };
  const scope = impact.affectedCustomers > 0 ? 'KNOWN' : outcome.none ? 'NONE' : 'UNKNOWN';
  const sensitive = Object.keys(impact.byDataCategory).some(isSensitiveCategory);
  const severity = severityFor(incident.alarmSeverity, impact.affectedCustomers, sensitive);
  // One locale per chunk, so the send step's calls of 50 per locale are full across chunks.
  const chunks = chunkBy(members, (m) => m.locale, deps.audienceChunkSize).map((c) =>
    c.map(({ customerId, dataCategories }) => ({ customerId, dataCategories })),
  );
  await deps.incidents.saveAssessment(incidentId, { scope, severity, impact, chunks, scopeVersion });
  await deps.incidents.appendTimeline(incidentId, {
    action: 'impact-assessed',
    actor: 'assess-impact',
    detail: {
      scope,
      severity,
      affectedCustomers: impact.affectedCustomers,
      missingProfiles: ids.length - profiles.size,
      audienceChunks: chunks.length,
      scopeVersion,
      ...(outcome.unknownIds > 0 ? { unknownIds: outcome.unknownIds } : {}),
    },
  });
  return { scope, affectedCustomers: impact.affectedCustomers, severity, audienceChunks: chunks.length, scopeVersion };
}
