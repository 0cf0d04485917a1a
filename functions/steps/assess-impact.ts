import type { CustomerDirectoryPort, IncidentStorePort } from '../domain/ports.js';
import type { AudienceMember } from '../domain/incident.js';
import { chunk, summariseImpact, type AffectedCustomer } from '../domain/impact.js';
import { severityFor, type SeverityLevel } from '../domain/incident.js';
import { isSensitiveCategory } from '../domain/notice.js';
import { resolveTimeZone } from '../domain/time-zones.js';

export interface AssessDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'saveAssessment'>;
  customers: Pick<CustomerDirectoryPort, 'findByResource' | 'getProfiles'>;
  /** Audience ids per chunk: the unit of work of one send iteration. */
  audienceChunkSize: number;
}

export interface AssessResult {
  scope: 'KNOWN' | 'UNKNOWN';
  affectedCustomers: number;
  severity: SeverityLevel;
  audienceChunks: number;
}

/**
 * Finds the customers holding data on the affected resources, counts them, and stores the audience as
 * id chunks. No known resource (or no customer on them) means scope unknown: no customer notice.
 * Deterministic, so a retry rewrites the same chunks.
 */
export async function assessImpact(incidentId: string, deps: AssessDeps): Promise<AssessResult> {
  const incident = await deps.incidents.getIncident(incidentId);
  const categoriesById = new Map<string, Set<string>>();
  for (const resource of incident.affectedResources) {
    for (const hit of await deps.customers.findByResource(resource)) {
      const set = categoriesById.get(hit.customerId) ?? new Set<string>();
      for (const c of hit.dataCategories) set.add(c);
      categoriesById.set(hit.customerId, set);
    }
  }
  const ids = [...categoriesById.keys()].sort();
  const profiles = await deps.customers.getProfiles(ids);
  const affected: AffectedCustomer[] = [];
  const members: AudienceMember[] = [];
  // Per zone the customers read their times in, so approvers can preview one of each.
  const byTimeZone: Record<string, number> = {};
  for (const customerId of ids) {
    const profile = profiles.get(customerId);
    const dataCategories = [...categoriesById.get(customerId)!].sort();
    members.push({ customerId, dataCategories });
    affected.push({
      customerId,
      dataCategories,
      locale: profile?.locale ?? 'unknown',
      country: profile?.country ?? 'unknown',
      channels: profile?.channels ?? [],
    });
    // A customer missing from the directory counts under UTC, as `unknown` under country.
    const zone = resolveTimeZone({ timeZone: profile?.timeZone, country: profile?.country ?? 'unknown' });
    byTimeZone[zone] = (byTimeZone[zone] ?? 0) + 1;
  }
  const impact = { ...summariseImpact(affected), byTimeZone };
  const scope = impact.affectedCustomers > 0 ? 'KNOWN' : 'UNKNOWN';
  const sensitive = Object.keys(impact.byDataCategory).some(isSensitiveCategory);
  const severity = severityFor(incident.alarmSeverity, impact.affectedCustomers, sensitive);
  const chunks = chunk(members, deps.audienceChunkSize);
  await deps.incidents.saveAssessment(incidentId, { scope, severity, impact, chunks });
  await deps.incidents.appendTimeline(incidentId, {
    action: 'impact-assessed',
    actor: 'assess-impact',
    detail: { scope, severity, affectedCustomers: impact.affectedCustomers, missingProfiles: ids.length - profiles.size, audienceChunks: chunks.length },
  });
  return { scope, affectedCustomers: impact.affectedCustomers, severity, audienceChunks: chunks.length };
}
