import type { EditDeps } from '../../functions/steps/edit-facts.js';
import { FakeApprovals, FakeClock, FakeFacts, FakeIncidents, FakeNotices, FakeTeam, FakeWorkflow } from './fakes.js';

/** An open manual incident in memory with everything editing the facts touches; `alerts` collects the team's pages. */
export function editWorld(incidentId: string, at: string) {
  const clock = new FakeClock();
  const incidents = new FakeIncidents(clock);
  incidents.incidents.set(incidentId, {
    incidentId,
    source: 'manual',
    findingKey: 'f',
    alarmSeverity: 8,
    title: 't',
    description: '',
    affectedResources: [],
    firstSeenAt: at,
    status: 'OPEN',
    scope: 'KNOWN',
    severity: 'HIGH',
    createdAt: at,
  });
  const notices = new FakeNotices();
  const approvals = new FakeApprovals(clock, notices);
  const facts = new FakeFacts(clock);
  const workflow = new FakeWorkflow();
  const alerts: string[] = [];
  const team = new FakeTeam(() => clock.now());
  const deps: EditDeps = {
    incidents,
    notices,
    approvals,
    facts,
    team,
    workflow,
    locales: ['en', 'zh-CN'],
    alertTeam: async (event) => void alerts.push(event),
  };
  return { deps, clock, incidents, notices, approvals, facts, team, workflow, alerts };
}
