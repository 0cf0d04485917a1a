import { factsFor } from '../domain/facts.js';
import type { Locale } from '../domain/locales.js';
import { deadlineFor } from '../domain/obligations/evaluate.js';
import { ObligationNotFoundError, ObligationStateError } from '../domain/obligations/errors.js';
import { draftRegulatorReport, type ObligationRecord, type RegulatorReportVersion } from '../domain/obligations/record.js';
import type { RecordedMoment } from '../domain/obligations/table.js';
import type { FactsStorePort, IncidentStorePort, ObligationStorePort } from '../domain/ports.js';

/**
 * What people record about regulators' obligations (the CLI and the console call these): the
 * materiality determination, a filing, "not applicable" with a reason, report edits and approvals.
 * Each lands on the incident's timeline with who did it (the store writes both in one transaction).
 */
export interface RegulatorActionDeps {
  incidents: Pick<IncidentStorePort, 'getIncident' | 'appendTimeline'>;
  obligations: ObligationStorePort;
  facts: Pick<FactsStorePort, 'latestFacts'>;
}

async function obligationOf(deps: RegulatorActionDeps, incidentId: string, obligationId: string): Promise<ObligationRecord> {
  const found = await deps.obligations.getObligation(incidentId, obligationId);
  if (found) return found;
  const ids = (await deps.obligations.listObligations(incidentId)).map((o) => o.obligationId);
  throw new ObligationNotFoundError(`${incidentId} has no obligation ${JSON.stringify(obligationId)}; it has: ${ids.join(', ') || 'none'}`);
}

/** What each recorded moment starts, for the refusal when nothing waits for it. */
const MOMENT_ROWS: Record<RecordedMoment, string> = {
  'materiality-determination': 'the SEC row applies with the sector public-company-us',
  'extortion-payment': 'the NYDFS 500.17(c) rows apply with the sector financial-services-ny',
};

/** Starts every clock that waits for a moment a person records: the materiality determination (SEC Form 8-K Item 1.05), an extortion payment (23 NYCRR 500.17(c)). */
export async function recordMoment(incidentId: string, moment: RecordedMoment, at: string, by: string, deps: RegulatorActionDeps): Promise<ObligationRecord[]> {
  await deps.incidents.getIncident(incidentId);
  const waiting = (await deps.obligations.listObligations(incidentId)).filter((o) => o.status === 'WAITING' && o.startMoment === moment);
  if (waiting.length === 0) throw new ObligationStateError(`No obligation of ${incidentId} waits for ${moment} (${MOMENT_ROWS[moment]})`);
  await deps.incidents.appendTimeline(incidentId, {
    action: moment === 'materiality-determination' ? 'materiality-determined' : 'extortion-payment-recorded',
    actor: by,
    detail: { at },
  });
  const started: ObligationRecord[] = [];
  for (const o of waiting) {
    const deadline = deadlineFor(o.clock, new Date(at), o.clockScale)?.toISOString();
    if (await deps.obligations.startClock(incidentId, o.obligationId, at, deadline, by))
      started.push({ ...o, status: 'RUNNING', startedAt: at, ...(deadline ? { deadline } : {}) });
  }
  return started;
}

/** Starts every clock that waits for the materiality determination (SEC Form 8-K Item 1.05). */
export function recordMateriality(incidentId: string, at: string, by: string, deps: RegulatorActionDeps): Promise<ObligationRecord[]> {
  return recordMoment(incidentId, 'materiality-determination', at, by, deps);
}

/** Records the filing; clocks that start from this filing (NIS2's final report) start now. */
export async function recordFiling(
  incidentId: string,
  obligationId: string,
  filed: { at: string; ref: string; by: string },
  deps: RegulatorActionDeps,
): Promise<ObligationRecord[]> {
  await obligationOf(deps, incidentId, obligationId);
  await deps.obligations.recordFiled(incidentId, obligationId, filed);
  const started: ObligationRecord[] = [];
  for (const o of await deps.obligations.listObligations(incidentId)) {
    if (o.status !== 'WAITING' || o.startMoment !== `filed:${obligationId}`) continue;
    const deadline = deadlineFor(o.clock, new Date(filed.at), o.clockScale)?.toISOString();
    if (await deps.obligations.startClock(incidentId, o.obligationId, filed.at, deadline, filed.by))
      started.push({ ...o, status: 'RUNNING', startedAt: filed.at, ...(deadline ? { deadline } : {}) });
  }
  return started;
}

export async function markNotApplicable(incidentId: string, obligationId: string, by: string, reason: string, deps: RegulatorActionDeps): Promise<void> {
  if (!reason.trim()) throw new ObligationStateError('Marking an obligation not applicable needs a reason');
  await obligationOf(deps, incidentId, obligationId);
  await deps.obligations.markNotApplicable(incidentId, obligationId, by, reason.trim());
}

/** The newest version, or `version`. */
export async function readReport(incidentId: string, obligationId: string, deps: RegulatorActionDeps, version?: number): Promise<RegulatorReportVersion> {
  await obligationOf(deps, incidentId, obligationId);
  const report = await deps.obligations.getReport(incidentId, obligationId, version);
  if (!report) throw new ObligationNotFoundError(`The ${obligationId} report of ${incidentId} has no version ${version}`);
  return report;
}

/** Saves the legal team's text as the next version after `baseVersion` (default: the newest). */
export async function saveReportEdit(
  incidentId: string,
  obligationId: string,
  text: string,
  by: string,
  deps: RegulatorActionDeps,
  baseVersion?: number,
): Promise<RegulatorReportVersion> {
  if (!text.trim()) throw new ObligationStateError('A report version cannot be empty');
  const current = await obligationOf(deps, incidentId, obligationId);
  return deps.obligations.saveReport(incidentId, obligationId, text, by, baseVersion ?? current.reportVersion);
}

/** Drafts the report again from what the incident knows now (new facts, a wider scope), as a new version. */
export async function redraftReport(
  incidentId: string,
  obligationId: string,
  by: string,
  reportLocale: Locale,
  deps: RegulatorActionDeps,
): Promise<RegulatorReportVersion> {
  const current = await obligationOf(deps, incidentId, obligationId);
  const incident = await deps.incidents.getIncident(incidentId);
  const facts = await deps.facts.latestFacts(incidentId);
  const locale = current.reportLanguage ?? reportLocale;
  const localeFacts = facts && (facts.locales[locale] ? factsFor(facts, locale) : Object.values(facts.locales)[0]);
  return deps.obligations.saveReport(incidentId, obligationId, draftRegulatorReport(incident, current, localeFacts), by, current.reportVersion);
}

/** Records who approved which version (default: the newest); refused when a newer one exists. */
export async function approveReport(incidentId: string, obligationId: string, by: string, deps: RegulatorActionDeps, version?: number): Promise<number> {
  const current = await obligationOf(deps, incidentId, obligationId);
  const approved = version ?? current.reportVersion;
  await deps.obligations.approveReport(incidentId, obligationId, approved, by);
  return approved;
}
