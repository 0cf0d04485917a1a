import type { IncidentStorePort, Messaging } from '../domain/ports.js';

export const pageEvents = [
  'incident-opened',
  'scope-unknown',
  'notice-rejected',
  'approval-timed-out',
  'update-rejected',
  'update-not-approved',
  'workflow-failed',
  'scope-decision-overdue',
  'redraft-overdue',
  'regulator-clocks-failed',
  'page-not-published',
] as const;
export type PageEvent = (typeof pageEvents)[number];

export interface PageDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'listTimeline'>;
  messaging: Messaging;
  topicArn: string;
  /** Builds the operator's link to the execution (AWS console, or the local twin's console). */
  consoleUrl: (executionArn: string) => string;
}

export interface PageInput {
  incidentId: string;
  event: PageEvent;
  executionArn: string;
  reason?: string;
  error?: { Error?: string; Cause?: string };
  /** When the paging state was entered: repeated reminders differ by it (the handler is idempotent on its input). */
  enteredAt?: string;
  /** With a page that a wait on the team follows: the first reminder interval, doubled each reminder. */
  reminderSeconds?: number;
}

/** Reminders double up to a day: a wait nobody answers for months stays far under 25,000 history events. */
export const MAX_REMINDER_SECONDS = 86_400;

/** The page that starts each wait on the team, from which its reminders are counted. */
const startOf: Partial<Record<PageEvent, readonly PageEvent[]>> = {
  'scope-decision-overdue': ['scope-unknown'],
  'redraft-overdue': ['notice-rejected', 'update-rejected'],
};

/** Reminders from this one on are escalations. */
const ESCALATE_FROM_REMINDER = 3;

/** What the team does next, per event that waits on it. */
const nextStep: Partial<Record<PageEvent, (incidentId: string) => string[]>> = {
  'scope-unknown': (id) => [
    'The workflow waits for you to decide who is affected (reminders follow until you do):',
    `  npm run incident -- scope ${id} --all | --resources ARN,... | --ids FILE | --none   [--country DE,FR] [--category email,...] [--add|--remove] --reason TEXT`,
    '  or the operator console, or PUT /operator/incidents/{id}/scope.',
  ],
  'notice-rejected': (id) => [
    `The workflow waits for a redraft: edit the facts (npm run incident -- edit ${id} ..., or the console),`,
    `or draft it again as it stands (npm run incident -- redraft ${id}), or close the incident (npm run incident -- close ${id}).`,
  ],
  'update-rejected': (id) => [`The workflow waits for a redraft: edit the facts, npm run incident -- redraft ${id}, or close.`],
};
nextStep['scope-decision-overdue'] = nextStep['scope-unknown'];
nextStep['redraft-overdue'] = nextStep['notice-rejected'];

const headline: Record<PageEvent, string> = {
  'incident-opened': 'New security incident: impact assessed',
  'scope-unknown': 'Security incident with unknown scope: decide who is affected',
  'notice-rejected': 'Customer notice rejected by an approver',
  'approval-timed-out': 'No approver decided on the customer notice in time',
  'update-rejected': 'Customer update rejected by an approver',
  'update-not-approved': 'No approver decided on the customer update in time',
  'workflow-failed': 'Incident workflow failed: action needed',
  'scope-decision-overdue': 'Reminder: decide who is affected by the security incident',
  'redraft-overdue': 'Reminder: the rejected customer notice waits for a redraft',
  'regulator-clocks-failed': "Regulators' clocks could not be started: check the deadlines by hand",
  'page-not-published': 'The public incident page could not be published (customers were notified)',
};

/** Pages the response team: ids, counts and a console link, never customer data. */
export async function pageResponseTeam(input: PageInput, deps: PageDeps): Promise<{ messageId: string; nextReminderSeconds?: number }> {
  const incident = await deps.incidents.getIncident(input.incidentId);
  const impact = incident.impact;
  const lines = [
    headline[input.event],
    '',
    `Incident: ${incident.incidentId} (${incident.status}, severity ${incident.severity}, scope ${incident.scope})`,
    `Alarm: ${incident.source} - ${incident.title}`,
    `First seen: ${incident.firstSeenAt}`,
    `Affected resources: ${incident.affectedResources.length}`,
  ];
  if (impact) {
    lines.push(`Affected customers: ${impact.affectedCustomers}`);
    lines.push(`By channel: ${JSON.stringify(impact.byChannel)}; by jurisdiction: ${JSON.stringify(impact.byJurisdiction)}`);
    lines.push(`Data categories: ${Object.keys(impact.byDataCategory).sort().join(', ') || 'none'}`);
  }
  if (input.reason) lines.push(`Reason given: ${input.reason}`);
  const next = nextStep[input.event]?.(incident.incidentId);
  if (next) lines.push('', ...next);
  if (input.error) lines.push(`Error: ${input.error.Error ?? 'unknown'}: ${(input.error.Cause ?? '').slice(0, 1500)}`);
  lines.push('', `Execution: ${deps.consoleUrl(input.executionArn)}`);
  let prefix = '';
  let round = 0;
  if (input.event.endsWith('-overdue')) {
    // Counted since the wait began (the last page that started it), not over the incident's life.
    const pages = (await deps.incidents.listTimeline(input.incidentId))
      .filter((e) => e.action === 'response-team-paged')
      .sort((a, b) => a.at.localeCompare(b.at));
    const starts = startOf[input.event] ?? [];
    const since = pages.map((e) => String(e.detail?.event)).findLastIndex((e) => (starts as readonly string[]).includes(e));
    round = pages.slice(since + 1).filter((e) => e.detail?.event === input.event).length + 1;
    prefix = round >= ESCALATE_FROM_REMINDER ? `ESCALATED (reminder ${round}) ` : `Reminder ${round}: `;
    lines.unshift(`${prefix.trim()}`, '');
  }
  const messageId = await deps.messaging.publish(
    deps.topicArn,
    `${incident.drill ? '[DRILL] ' : ''}${prefix}[${incident.severity}] ${headline[input.event]} (${incident.incidentId})`,
    lines.join('\n'),
    {
      event: input.event,
      severity: incident.severity,
    },
  );
  await deps.incidents.appendTimeline(input.incidentId, { action: 'response-team-paged', actor: 'page-response-team', detail: { event: input.event } });
  if (input.reminderSeconds === undefined) return { messageId };
  return { messageId, nextReminderSeconds: Math.min(MAX_REMINDER_SECONDS, input.reminderSeconds * 2 ** round) };
}
