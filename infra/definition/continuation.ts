/*
 * When an incident's execution hands over to a new one ("Continue in a new execution?"). A Standard
 * execution holds at most 25,000 history events and runs at most a year
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); at an hourly cadence one
 * execution would reach the events limit in about 18 days. The count of notice cycles is carried in the
 * state ($.cycles) and compared with the execution input's settings.updateCyclesPerExecution.
 */

/** Notice cycles per execution, at most: hourly updates each with an escalation, a rejection, reminders, a new scope assessed and resumed sending stay under the bound (tests/infra/limits.test.ts). */
export const MAX_UPDATE_CYCLES_PER_EXECUTION = 15;

/** Cadence time per execution, at most: leaves half a year for approvals, redrafts and the first notice before the one-year limit. */
export const MAX_CADENCE_DAYS_PER_EXECUTION = 180;

/** The cycles one execution runs at `cadenceHours` before it continues in a new one (at least one). */
export function updateCyclesPerExecution(cadenceHours: number): number {
  return Math.max(1, Math.min(MAX_UPDATE_CYCLES_PER_EXECUTION, Math.floor((MAX_CADENCE_DAYS_PER_EXECUTION * 24) / cadenceHours)));
}
