import * as z from 'zod';
import type { Incident, Notice, TimelineEntry } from './incident.js';
import type { FinalReportTexts } from './locales/catalogue.js';

/** The steps of a drill, in the order the playbook expects them. */
export const drillMilestones = ['opened', 'paged', 'drafted', 'approvalRequested', 'approved', 'sent', 'closed', 'finalReport'] as const;
export type DrillMilestone = (typeof drillMilestones)[number];

/**
 * The playbook's targets: minutes from the alarm's first sighting by which each step must be done.
 * A step without a target is timed but not judged.
 */
export const drillTargetsSchema = z.partialRecord(
  z.enum(drillMilestones),
  z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 90),
);
export type DrillTargets = z.infer<typeof drillTargetsSchema>;

/** Team paged within 15 min, first notice drafted within 1 h, approved within 4 h, sent within 24 h. */
export const DEFAULT_DRILL_TARGETS: DrillTargets = { opened: 15, paged: 15, drafted: 60, approved: 240, sent: 1440 };

export type DrillVerdict = 'MET' | 'MISSED' | 'PENDING' | 'UNTARGETED';

export interface DrillStep {
  milestone: DrillMilestone;
  /** When it happened; absent: not yet. */
  at?: string;
  /** Minutes since the previous step that happened (or since the alarm's first sighting). */
  stepMinutes?: number;
  /** Minutes since the alarm's first sighting. */
  sinceAlarmMinutes?: number;
  targetMinutes?: number;
  verdict: DrillVerdict;
}

export interface DrillReport {
  incidentId: string;
  drill: boolean;
  alarmFirstSeenAt: string;
  steps: DrillStep[];
  met: number;
  missed: number;
}

const minutesBetween = (from: string, to: string) => Math.round(((Date.parse(to) - Date.parse(from)) / 60_000) * 10) / 10;

/**
 * Times each step of an incident from its record (the timeline, the first notice's own stamps) and
 * judges it against `targets`. Pure: `now` decides whether a step not done yet has already missed.
 * `finalReportAt` stands for the report being written now (the timeline holds it only afterwards).
 */
export function drillReport(
  incident: Pick<Incident, 'incidentId' | 'firstSeenAt' | 'createdAt' | 'closedAt' | 'drill'>,
  timeline: readonly TimelineEntry[],
  notices: readonly Pick<Notice, 'kind' | 'sequence' | 'createdAt' | 'approvedAt' | 'sentAt'>[],
  targets: DrillTargets,
  now: Date,
  finalReportAt?: string,
): DrillReport {
  const first = (action: string) =>
    timeline
      .filter((e) => e.action === action)
      .map((e) => e.at)
      .sort()[0];
  const notice = [...notices].filter((n) => n.kind === 'first-notice').sort((a, b) => a.sequence - b.sequence)[0];
  const times: Record<DrillMilestone, string | undefined> = {
    opened: incident.createdAt,
    paged: first('response-team-paged'),
    drafted: notice?.createdAt ?? first('notice-drafted'),
    approvalRequested: first('approval-requested'),
    approved: notice?.approvedAt,
    sent: notice?.sentAt,
    closed: incident.closedAt ?? first('incident-closed'),
    finalReport: finalReportAt ?? first('final-report-sent'),
  };
  let previous = incident.firstSeenAt;
  const steps = drillMilestones.map((milestone): DrillStep => {
    const at = times[milestone];
    const targetMinutes = targets[milestone];
    const sinceAlarmMinutes = at ? minutesBetween(incident.firstSeenAt, at) : undefined;
    const stepMinutes = at ? minutesBetween(previous, at) : undefined;
    if (at) previous = at;
    const late = (minutes: number) => targetMinutes !== undefined && minutes > targetMinutes;
    const verdict: DrillVerdict =
      targetMinutes === undefined
        ? 'UNTARGETED'
        : sinceAlarmMinutes !== undefined
          ? late(sinceAlarmMinutes)
            ? 'MISSED'
            : 'MET'
          : late(minutesBetween(incident.firstSeenAt, now.toISOString()))
            ? 'MISSED'
            : 'PENDING';
    return { milestone, ...(at ? { at, stepMinutes, sinceAlarmMinutes } : {}), ...(targetMinutes !== undefined ? { targetMinutes } : {}), verdict };
  });
  return {
    incidentId: incident.incidentId,
    drill: incident.drill === true,
    alarmFirstSeenAt: incident.firstSeenAt,
    steps,
    met: steps.filter((s) => s.verdict === 'MET').length,
    missed: steps.filter((s) => s.verdict === 'MISSED').length,
  };
}

/** The report as lines in a locale's words: the heading, one line per step, the tally. */
export function drillReportLines(report: DrillReport, words: Pick<FinalReportTexts, 'drill' | 'drillStep' | 'drillLine' | 'drillSummary'>): string[] {
  return [
    `${words.drill}:`,
    ...report.steps.map(
      (s) =>
        `- ${words.drillLine({
          step: words.drillStep[s.milestone],
          at: s.at ?? null,
          stepMinutes: s.stepMinutes ?? null,
          sinceAlarmMinutes: s.sinceAlarmMinutes ?? null,
          targetMinutes: s.targetMinutes ?? null,
          verdict: s.verdict,
        })}`,
    ),
    words.drillSummary({ met: report.met, missed: report.missed }),
  ];
}
