import type { EventBridgeEvent } from '@aws-lambda-powertools/parser/types';
import type { IncidentStorePort, Messaging, WorkflowStarter } from '../domain/ports.js';
import { parseAlarm, type AlarmSettings } from '../domain/alarms.js';
import { incidentIdFor, severityFor, type Incident } from '../domain/incident.js';
import type { Clock } from '../shared/clock.js';
import { sha256Hex } from '../shared/crypto.js';

/** Settings the workflow reads from its execution input (`$$.Execution.Input.settings`). */
export interface WorkflowSettings {
  approvalTimeoutSeconds: number;
  escalationTimeoutSeconds: number;
  /** Between reminders while the workflow waits on the team (scope decision, redraft). */
  teamReminderSeconds: number;
  /** Notice cycles per execution before the incident continues in a new one ("Continue in a new execution?"). */
  updateCyclesPerExecution: number;
}

export interface IntakeDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident' | 'keepRejectedAlarm' | 'openIncident' | 'recordRepeat'>;
  workflow: WorkflowStarter;
  messaging: Messaging;
  clock: Clock;
  alarmSettings: AlarmSettings;
  workflowSettings: WorkflowSettings;
  responseTeamTopicArn: string;
}

export interface IntakeResult {
  incidentId: string;
  outcome: 'opened' | 'repeated';
}

/**
 * Normalises an alarm, opens one incident per new finding (or notes the repeat on the open one) and
 * makes sure its execution runs. Safe to receive twice: every write is conditional and the start is idempotent.
 */
export async function intakeAlarm(event: EventBridgeEvent, rawEvent: string, deps: IntakeDeps): Promise<IntakeResult[]> {
  const drafts = parseAlarm(event, deps.alarmSettings);
  const results: IntakeResult[] = [];
  for (const draft of drafts) {
    const incident: Incident = {
      ...draft,
      incidentId: incidentIdFor(draft.findingKey, event.id, draft.firstSeenAt, sha256Hex),
      status: 'OPEN',
      scope: 'PENDING',
      severity: severityFor(draft.alarmSeverity, 0, false),
      createdAt: deps.clock.now().toISOString(),
    };
    const opened = await deps.incidents.openIncident(incident, event.id, rawEvent);
    const incidentId = opened.created ? incident.incidentId : opened.incidentId;
    if (!opened.created) await deps.incidents.recordRepeat(incidentId, event.id, rawEvent);
    if (opened.created && incident.drill) {
      await deps.incidents.appendTimeline(incidentId, {
        action: 'drill-started',
        actor: 'intake',
        detail: { by: deps.alarmSettings.drillMode ? 'drillMode' : 'report' },
      });
    }
    // Also on repeats: if a crash came between opening and starting, this is where the start happens.
    // Not once the incident went on in a later execution: the first one has ended, and 90 days after
    // that its name may start again (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
    const continued = !opened.created && (await deps.incidents.getIncident(incidentId)).currentExecution !== undefined;
    const started = continued ? { alreadyStarted: true } : await deps.workflow.start(incidentId, { incidentId, settings: deps.workflowSettings });
    if (started.executionArn) {
      await deps.incidents.appendTimeline(incidentId, { action: 'workflow-started', actor: 'intake', detail: { executionArn: started.executionArn } });
    }
    results.push({ incidentId, outcome: opened.created ? 'opened' : 'repeated' });
  }
  return results;
}

/** Keeps a bad alarm with its reason and tells the response team, once per event id. */
export async function rejectAlarm(
  eventId: string,
  errorName: string,
  reason: string,
  rawEvent: string,
  deps: Pick<IntakeDeps, 'incidents' | 'messaging' | 'responseTeamTopicArn'>,
): Promise<{ reported: boolean }> {
  const isNew = await deps.incidents.keepRejectedAlarm(eventId, `${errorName}: ${reason}`, rawEvent);
  if (!isNew) return { reported: false };
  await deps.messaging.publish(
    deps.responseTeamTopicArn,
    `Alarm rejected by breach-notice intake (${errorName})`,
    [
      `An alarm could not be turned into an incident and started nothing.`,
      `Event id: ${eventId}`,
      `Error: ${errorName}`,
      `Reason: ${reason}`,
      `The raw event is kept in the incidents table under pk REJECTED#${eventId}.`,
    ].join('\n'),
    { event: 'alarm-rejected' },
  );
  return { reported: true };
}
