import type { NoticeFacts } from '../facts.js';
import type { Incident } from '../incident.js';
import { dataCategoryLabel } from '../locales.js';
import type { FinalReportTexts } from '../locales/catalogue.js';
import { deadlineFor, formatTimeLeft, momentName, type ApplicableObligation } from './evaluate.js';
import type { ClockSpec, Recipient, ReminderPoint } from './table.js';

/**
 * One obligation of one incident as stored (adapters/obligation-store.ts): a copy of its table row
 * taken when it was found to apply, its clock and everything people recorded about it.
 */
export type ObligationStatus = 'WAITING' | 'RUNNING' | 'FILED' | 'NOT_APPLICABLE';

export interface ObligationRecord {
  incidentId: string;
  obligationId: string;
  jurisdiction: string;
  law: string;
  notify: Recipient[];
  recipient: string;
  clock: ClockSpec;
  /** The clock's start moment by name (`detection`, `materiality-determination`, `filed:<id>` ...). */
  startMoment: string;
  status: ObligationStatus;
  addedAt: string;
  startedAt?: string;
  /** Absent while waiting, and for obligations without fixed hours. */
  deadline?: string;
  /** How much faster than real time the clock runs (1 in AWS; the twin's time scale). */
  clockScale: number;
  reminders: ReminderPoint[];
  /** Reminder point -> when it was sent: each at most once. */
  remindersSent: Record<string, string>;
  /** Pages sent at and after the deadline. */
  escalations: number;
  unconfirmed?: string;
  caveat?: string;
  sources: string[];
  filed?: { at: string; ref: string; by: string; recordedAt: string };
  notApplicable?: { at: string; by: string; reason: string };
  /** The newest drafted or edited version of the regulator report (0: none). */
  reportVersion: number;
  approval?: { version: number; by: string; at: string };
}

export interface RegulatorReportVersion {
  incidentId: string;
  obligationId: string;
  version: number;
  author: string;
  at: string;
  text: string;
}

/** The record of an obligation found to apply, with its clock started when its moment is known. */
export function newObligationRecord(
  incident: Pick<Incident, 'incidentId' | 'createdAt'>,
  applicable: ApplicableObligation,
  options: { now: Date; clockScale: number; reminders?: readonly ReminderPoint[]; filedAt?: (obligationId: string) => string | undefined },
): ObligationRecord {
  const { row } = applicable;
  const from = row.clock.from;
  const startedAt =
    from === 'detection'
      ? incident.createdAt
      : from === 'assessment'
        ? options.now.toISOString()
        : typeof from === 'object'
          ? options.filedAt?.(from.filed)
          : undefined;
  const deadline = startedAt ? deadlineFor(row.clock, new Date(startedAt), options.clockScale)?.toISOString() : undefined;
  return {
    incidentId: incident.incidentId,
    obligationId: row.id,
    jurisdiction: row.jurisdiction,
    law: row.law,
    notify: [...row.notify],
    recipient: row.recipient,
    clock: row.clock,
    startMoment: momentName(from),
    status: startedAt ? 'RUNNING' : 'WAITING',
    addedAt: options.now.toISOString(),
    ...(startedAt ? { startedAt } : {}),
    ...(deadline ? { deadline } : {}),
    clockScale: options.clockScale,
    reminders: [...(options.reminders ?? row.reminders)],
    remindersSent: {},
    escalations: 0,
    ...(applicable.unconfirmed ? { unconfirmed: applicable.unconfirmed } : {}),
    ...(row.caveat ? { caveat: row.caveat } : {}),
    sources: [...row.sources],
    reportVersion: 0,
  };
}

/** The clock in words: "72 h from detection", "4 US business days from materiality-determination". */
export function clockText(clock: ClockSpec, startMoment: string): string {
  const span =
    clock.kind === 'hours'
      ? `${clock.amount} h`
      : clock.kind === 'calendar-days'
        ? `${clock.amount} calendar days`
        : clock.kind === 'us-business-days'
          ? `${clock.amount} US business days`
          : clock.kind === 'months'
            ? `${clock.amount} month${clock.amount === 1 ? '' : 's'}`
            : 'no fixed deadline (without undue delay)';
  return `${span} from ${startMoment}`;
}

export type DeadlineOutcome = 'met' | 'missed' | 'open' | 'not-applicable' | 'waiting' | 'no-fixed-deadline';

/** Met or missed as the final report states it: a filing at or before the deadline met it. */
export function deadlineOutcome(record: ObligationRecord, now: Date): DeadlineOutcome {
  if (record.status === 'NOT_APPLICABLE') return 'not-applicable';
  if (record.status === 'FILED') return !record.deadline || record.filed!.at <= record.deadline ? (record.deadline ? 'met' : 'no-fixed-deadline') : 'missed';
  if (record.status === 'WAITING') return 'waiting';
  if (!record.deadline) return 'no-fixed-deadline';
  return now.toISOString() > record.deadline ? 'missed' : 'open';
}

/** Where an obligation stands, for the operator's list and console: state and time left. */
export function obligationState(record: ObligationRecord, now: Date): { state: string; timeLeft: string } {
  switch (record.status) {
    case 'WAITING':
      return { state: `waiting for ${record.startMoment}`, timeLeft: '' };
    case 'FILED':
      return { state: `filed ${record.filed!.at} (${deadlineOutcome(record, now)}), ref ${record.filed!.ref}`, timeLeft: '' };
    case 'NOT_APPLICABLE':
      return { state: `not applicable (${record.notApplicable!.by}: ${record.notApplicable!.reason})`, timeLeft: '' };
    case 'RUNNING': {
      if (!record.deadline) return { state: 'open, no fixed deadline', timeLeft: '' };
      const left = new Date(record.deadline).getTime() - now.getTime();
      return { state: left < 0 ? 'MISSED: not filed' : 'running', timeLeft: formatTimeLeft(left) };
    }
  }
}

/**
 * A first draft of the report to the regulator, from what the incident knows: what happened and
 * when, data categories, customers per country, measures. Plain text in English for the legal team
 * to edit (`npm run incident -- regulator-report ID OBLIGATION --edit FILE`); ids and counts only.
 */
export function draftRegulatorReport(incident: Incident, record: ObligationRecord, facts: NoticeFacts | undefined): string {
  const impact = incident.impact;
  const categories = Object.entries(impact?.byDataCategory ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, n]) => `${dataCategoryLabel(c, 'en')}: ${n}`);
  const countries = Object.entries(impact?.byJurisdiction ?? {})
    .sort(([, a], [, b]) => b - a)
    .map(([c, n]) => `${c}: ${n}`);
  const lines = [
    `DRAFT - for the legal team to review, complete and approve. Drafted by breach-notice: assistance, not legal advice.`,
    '',
    `To: ${record.recipient}`,
    `Under: ${record.law} (${record.jurisdiction})`,
    `Deadline: ${record.deadline ?? (record.status === 'WAITING' ? `not started (waits for ${record.startMoment})` : 'no fixed deadline: without undue delay')}`,
    `Our reference: incident ${incident.incidentId}`,
    '',
    '1. What happened',
    `${incident.title}.`,
    ...(incident.description ? [incident.description] : []),
    ...(facts?.whatHappened ? [facts.whatHappened] : []),
    ...(facts?.cause ? [`Cause: ${facts.cause}`] : ['Cause: under investigation.']),
    '',
    '2. When',
    `First seen by our monitoring (${incident.source}): ${incident.firstSeenAt}`,
    `Incident opened (detection): ${incident.createdAt}`,
    '',
    '3. Data and people affected',
    `Affected customers: ${impact?.affectedCustomers ?? 'not yet known'}`,
    `By data category: ${categories.join('; ') || 'not yet known'}`,
    `By country: ${countries.join('; ') || 'not yet known'}`,
    `Severity (our assessment): ${incident.severity}`,
    `Affected systems: ${incident.affectedResources.length}`,
    '',
    '4. Measures taken or proposed',
    ...(facts && facts.measures.length > 0 ? facts.measures.map((m) => `- ${m}`) : ['- (to be completed)']),
    '',
    '5. Likely consequences and advice to individuals',
    ...(facts && facts.advice.length > 0 ? facts.advice.map((a) => `- ${a}`) : ['- (to be completed)']),
    '',
    '6. Contact',
    '(name and contact details of the data protection officer or other contact point)',
  ];
  if (record.caveat) lines.push('', `Note: ${record.caveat}`);
  if (record.unconfirmed) lines.push(`Note: ${record.unconfirmed}`);
  return lines.join('\n');
}

/** The final report's lines on regulators (`words`: the report locale's `finalReport`): one per obligation, met or missed. */
export function finalReportRegulatorLines(
  records: readonly ObligationRecord[],
  now: Date,
  words: { regulatorLine: (p: Parameters<FinalReportTexts['regulatorLine']>[0]) => string; noRegulators: string },
): string[] {
  if (records.length === 0) return [words.noRegulators];
  return [...records]
    .sort((a, b) => (a.deadline ?? '~').localeCompare(b.deadline ?? '~') || a.obligationId.localeCompare(b.obligationId))
    .map((r) =>
      words.regulatorLine({
        obligationId: r.obligationId,
        law: r.law,
        deadline: r.deadline ?? null,
        filedAt: r.filed?.at ?? null,
        ref: r.filed?.ref ?? null,
        outcome: deadlineOutcome(r, now),
        reason: r.notApplicable?.reason ?? null,
      }),
    );
}
