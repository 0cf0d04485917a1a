import type { IncidentStorePort, Messaging } from '../domain/ports.js';

export const pageEvents = [
  'incident-opened',
  'scope-unknown',
  'notice-rejected',
  'approval-timed-out',
  'update-rejected',
  'update-not-approved',
  'workflow-failed',
] as const;
export type PageEvent = (typeof pageEvents)[number];

export interface PageDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident'>;
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
}

const headline: Record<PageEvent, string> = {
  'incident-opened': 'New security incident: impact assessed',
  'scope-unknown': 'Security incident with unknown scope: no customer notice sent',
  'notice-rejected': 'Customer notice rejected by an approver',
  'approval-timed-out': 'No approver decided on the customer notice in time',
  'update-rejected': 'Customer update rejected by an approver',
  'update-not-approved': 'No approver decided on the customer update in time',
  'workflow-failed': 'Incident workflow failed: action needed',
};

/** Pages the response team: ids, counts and a console link, never customer data. */
export async function pageResponseTeam(input: PageInput, deps: PageDeps): Promise<{ messageId: string }> {
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
  if (input.error) lines.push(`Error: ${input.error.Error ?? 'unknown'}: ${(input.error.Cause ?? '').slice(0, 1500)}`);
  lines.push('', `Execution: ${deps.consoleUrl(input.executionArn)}`);
  const messageId = await deps.messaging.publish(deps.topicArn, `[${incident.severity}] ${headline[input.event]} (${incident.incidentId})`, lines.join('\n'), {
    event: input.event,
    severity: incident.severity,
  });
  await deps.incidents.appendTimeline(input.incidentId, { action: 'response-team-paged', actor: 'page-response-team', detail: { event: input.event } });
  return { messageId };
}
