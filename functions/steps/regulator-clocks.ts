import { formatTimeLeft, reminderTimes } from '../domain/obligations/evaluate.js';
import { withinDay } from '../domain/operations.js';
import { clockText, type ObligationRecord } from '../domain/obligations/record.js';
import type { IncidentStorePort, ObligationStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface SweepClocksDeps {
  obligations: Pick<
    ObligationStorePort,
    'listRunningClocks' | 'getObligation' | 'claimReminder' | 'releaseReminder' | 'claimEscalation' | 'releaseEscalation' | 'dropClockMarker'
  >;
  incidents: Pick<IncidentStorePort, 'appendTimeline'>;
  alertTeam: (event: string, subject: string, message: string) => Promise<void>;
  clock: Clock;
}

export interface SweepCounts {
  clocks: number;
  reminders: number;
  escalations: number;
  /** Messages that could not be published: given back, the next run sends them. */
  failed: number;
  /** Running clocks whose deadline comes within a day, and those past it (the operators' gauges). */
  dueWithinDay: number;
  missed: number;
  /** Seconds until the nearest deadline still ahead; none without one. */
  nextDeadlineIn?: number;
}

/** After the deadline the team is paged again every day (scaled with the clock) until someone files or sets it aside. */
const ESCALATION_REPEAT_MS = 24 * 3_600_000;
export const SWEEP_ACTOR = 'regulator-clocks';

function describe(record: ObligationRecord, now: Date): string[] {
  return [
    `Incident: ${record.incidentId}`,
    `Obligation: ${record.obligationId}: ${record.law} (${record.jurisdiction})`,
    `Notify: ${record.recipient}`,
    `Clock: ${clockText(record.clock, record.startMoment)}, started ${record.startedAt}`,
    `Deadline: ${record.deadline} (${formatTimeLeft(new Date(record.deadline!).getTime() - now.getTime())} left)`,
    `Report: version ${record.reportVersion}${record.approval ? `, version ${record.approval.version} approved by ${record.approval.by}` : ', not approved yet'}`,
    ...(record.unconfirmed ? [`Note: ${record.unconfirmed}`] : []),
    '',
    `Review the draft:   npm run incident -- regulator-report ${record.incidentId} ${record.obligationId}`,
    `Once filed:         npm run incident -- regulator-filed ${record.incidentId} ${record.obligationId} --ref REFERENCE`,
    `If it does not apply: npm run incident -- regulator-na ${record.incidentId} ${record.obligationId} --reason "..."`,
    '',
    'Assistance, not legal advice: counsel decides what is filed.',
  ];
}

/**
 * One run of the scheduled sweep: for every running clock, the reminders whose time has come (each
 * once: claimed by a conditional write before it is published, so concurrent runs never send it
 * twice) and, from the deadline on, a MISSED page repeated daily until the obligation is recorded as
 * filed or marked not applicable. Ids and counts only in the messages.
 */
export async function sweepRegulatorClocks(deps: SweepClocksDeps): Promise<SweepCounts> {
  const counts: SweepCounts = { clocks: 0, reminders: 0, escalations: 0, failed: 0, dueWithinDay: 0, missed: 0 };
  for (const { incidentId, obligationId } of await deps.obligations.listRunningClocks()) {
    const record = await deps.obligations.getObligation(incidentId, obligationId);
    if (record?.status !== 'RUNNING' || !record.deadline || !record.startedAt) {
      await deps.obligations.dropClockMarker(incidentId, obligationId);
      continue;
    }
    counts.clocks += 1;
    const now = deps.clock.now();
    const deadline = new Date(record.deadline);
    const msLeft = deadline.getTime() - now.getTime();
    if (withinDay(msLeft, record.clockScale)) counts.dueWithinDay += 1;
    if (msLeft > 0) counts.nextDeadlineIn = Math.min(counts.nextDeadlineIn ?? Infinity, Math.round(msLeft / 1000));
    else counts.missed += 1;
    if (now < deadline) {
      const due = reminderTimes(record.reminders, new Date(record.startedAt), deadline, record.clockScale).filter(
        (r) => r.at <= now && !record.remindersSent[r.point],
      );
      // Only the latest point that has come is worth a message; earlier ones missed by a late run are recorded as passed.
      for (const [i, { point }] of due.entries()) {
        if (!(await deps.obligations.claimReminder(incidentId, obligationId, point))) continue;
        if (i < due.length - 1) continue;
        try {
          await deps.alertTeam(
            'regulator-reminder',
            `[Regulator deadline] ${point.endsWith('%') ? `${point} of the time gone` : `${point} left`}: ${obligationId} (${incidentId})`,
            describe(record, now).join('\n'),
          );
        } catch {
          await deps.obligations.releaseReminder(incidentId, obligationId, point);
          counts.failed += 1;
          continue;
        }
        counts.reminders += 1;
        await deps.incidents.appendTimeline(incidentId, { action: 'regulator-reminder-sent', actor: SWEEP_ACTOR, detail: { obligationId, point } });
      }
      continue;
    }
    const nextPageAt = deadline.getTime() + (record.escalations * ESCALATION_REPEAT_MS) / record.clockScale;
    if (now.getTime() < nextPageAt) continue;
    if (!(await deps.obligations.claimEscalation(incidentId, obligationId, record.escalations))) continue;
    try {
      await deps.alertTeam(
        'regulator-deadline-missed',
        `[MISSED] Regulator deadline passed, not filed: ${obligationId} (${incidentId})`,
        ['MISSED: the deadline passed and no filing is recorded. File now and give the reasons for the delay.', '', ...describe(record, now)].join('\n'),
      );
    } catch {
      await deps.obligations.releaseEscalation(incidentId, obligationId, record.escalations);
      counts.failed += 1;
      continue;
    }
    counts.escalations += 1;
    await deps.incidents.appendTimeline(incidentId, {
      action: 'regulator-deadline-missed',
      actor: SWEEP_ACTOR,
      detail: { obligationId, deadline: record.deadline, page: record.escalations + 1 },
    });
  }
  return counts;
}
