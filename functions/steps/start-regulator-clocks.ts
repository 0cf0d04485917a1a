import { factsFor } from '../domain/facts.js';
import type { Locale } from '../domain/locales.js';
import { applicableObligations } from '../domain/obligations/evaluate.js';
import { deadlineFor } from '../domain/obligations/evaluate.js';
import { draftRegulatorReport, newObligationRecord } from '../domain/obligations/record.js';
import { OBLIGATIONS, type ReminderPoint, type Sector } from '../domain/obligations/table.js';
import type { FactsStorePort, IncidentStorePort, ObligationStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface StartClocksDeps {
  incidents: Pick<IncidentStorePort, 'getIncident'>;
  obligations: Pick<ObligationStorePort, 'listObligations' | 'addObligation' | 'startClock'>;
  facts: Pick<FactsStorePort, 'latestFacts'>;
  /** The deployment's sectors (setting `sectors`). */
  sectors: readonly Sector[];
  /** Reminder points for every clock instead of each row's own (setting `regulatorClockReminders`). */
  reminders?: readonly ReminderPoint[];
  /** 1 in AWS; the twin's time scale. */
  clockScale: number;
  /** Whose facts the report drafts quote first. */
  reportLocale: Locale;
  clock: Clock;
}

export const START_CLOCKS_ACTOR = 'start-regulator-clocks';

/**
 * Finds the obligations the incident's impact, severity and the deployment's sectors trigger
 * (domain/obligations) and adds those it does not have yet, each with its clock and a first draft of
 * the regulator report. Idempotent: existing obligations keep their clocks and records (a narrower
 * scope never removes one: people mark it not applicable, with a reason); a started clock is never
 * restarted. Called after the impact is known and after each scope decision.
 */
export async function startRegulatorClocks(incidentId: string, deps: StartClocksDeps): Promise<{ obligations: number; added: number }> {
  const incident = await deps.incidents.getIncident(incidentId);
  const existing = new Map((await deps.obligations.listObligations(incidentId)).map((o) => [o.obligationId, o]));
  const now = deps.clock.now();
  const filedAt = (id: string) => {
    const o = existing.get(id);
    return o?.status === 'FILED' ? o.filed!.at : undefined;
  };
  const applicable = applicableObligations({ impact: incident.impact, severity: incident.severity, sectors: deps.sectors }, OBLIGATIONS);
  let facts: Awaited<ReturnType<FactsStorePort['latestFacts']>> | undefined;
  let added = 0;
  for (const found of applicable) {
    if (existing.has(found.row.id)) continue;
    facts ??= await deps.facts.latestFacts(incidentId);
    const record = newObligationRecord(incident, found, { now, clockScale: deps.clockScale, reminders: deps.reminders, filedAt });
    // A report drafted in the regulator's language (CAC, PIPL) quotes the facts of that language first.
    const locale = record.reportLanguage ?? deps.reportLocale;
    const localeFacts = facts && (facts.locales[locale] ? factsFor(facts, locale) : Object.values(facts.locales)[0]);
    if (await deps.obligations.addObligation(record, { text: draftRegulatorReport(incident, record, localeFacts), author: START_CLOCKS_ACTOR })) added += 1;
    existing.set(record.obligationId, record);
  }
  // A clock that waits for another obligation's filing whose filing was recorded without starting it (a crash in between).
  for (const o of existing.values()) {
    const waitsFor = o.status === 'WAITING' && o.startMoment.startsWith('filed:') ? filedAt(o.startMoment.slice('filed:'.length)) : undefined;
    if (!waitsFor) continue;
    await deps.obligations.startClock(
      incidentId,
      o.obligationId,
      waitsFor,
      deadlineFor(o.clock, new Date(waitsFor), o.clockScale)?.toISOString(),
      START_CLOCKS_ACTOR,
    );
  }
  return { obligations: existing.size, added };
}
