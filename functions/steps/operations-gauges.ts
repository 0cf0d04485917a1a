import { approvalGauges, promiseGauges, type ApprovalSummary } from '../domain/operations.js';
import type { PromiseClockPort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface OperationsGaugesDeps {
  open: { running(): Promise<string[]>; approvals(incidentId: string): Promise<ApprovalSummary[]> };
  promises: Pick<PromiseClockPort, 'due'>;
  clock: Clock;
}

const DAY_MS = 86_400_000;

/**
 * The gauges the clocks' sweep measures each minute besides the clocks' own: incidents open, their
 * approvals waiting (and the oldest's age, and those past their own timeout), the promises due within
 * a day. A ListExecutions page, one Query per open incident and one of the promises.
 */
export async function measureOperations(deps: OperationsGaugesDeps) {
  const now = deps.clock.now();
  const incidents = await deps.open.running();
  const approvals = (await Promise.all(incidents.map((id) => deps.open.approvals(id)))).flat();
  const promises = await deps.promises.due(new Date(now.getTime() + DAY_MS));
  return { incidentsOpen: incidents.length, ...approvalGauges(approvals, now), ...promiseGauges(promises, now) };
}
