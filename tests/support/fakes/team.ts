import type { TeamStorePort, TeamWait, TeamWaitKind } from '../../../functions/domain/ports.js';
import type { ScopeDecision, ScopeRequest } from '../../../functions/domain/scope.js';

/** Scope decisions and team waits in memory. */
export class FakeTeam implements TeamStorePort {
  readonly decisions: ScopeDecision[] = [];
  readonly waits = new Map<string, TeamWait>();
  readonly redrafts = new Set<string>();
  private readonly incidentOf = new Map<number, string>();
  constructor(private readonly now = () => new Date('2026-11-20T09:00:00.000Z')) {}
  async saveScopeDecision(incidentId: string, decidedBy: string, request: ScopeRequest) {
    const version = this.decisions.filter((d) => this.incidentOf.get(d.version) === incidentId).length + 1;
    const decision: ScopeDecision = { ...structuredClone(request), version, decidedBy, decidedAt: this.now().toISOString() };
    this.decisions.push(decision);
    this.incidentOf.set(version, incidentId);
    return structuredClone(decision);
  }
  async listScopeDecisions(incidentId: string) {
    return structuredClone(this.decisions.filter((d) => this.incidentOf.get(d.version) === incidentId));
  }
  async putWait(incidentId: string, wait: Omit<TeamWait, 'since' | 'reminders'>) {
    this.waits.set(`${incidentId}#${wait.kind}`, { ...wait, since: this.now().toISOString(), reminders: 0 });
  }
  async getWait(incidentId: string, kind: TeamWaitKind) {
    return structuredClone(this.waits.get(`${incidentId}#${kind}`));
  }
  async endWait(incidentId: string, kind: TeamWaitKind, taskToken: string) {
    if (this.waits.get(`${incidentId}#${kind}`)?.taskToken === taskToken) this.waits.delete(`${incidentId}#${kind}`);
  }
  async countReminder(incidentId: string, kind: TeamWaitKind) {
    const wait = this.waits.get(`${incidentId}#${kind}`);
    if (!wait) return 0;
    wait.reminders += 1;
    return wait.reminders;
  }
  async requestRedraft(incidentId: string, noticeId: string, version: number) {
    this.redrafts.add(`${incidentId}#${noticeId}#${version}`);
  }
  async redraftRequested(incidentId: string, noticeId: string, version: number) {
    return this.redrafts.has(`${incidentId}#${noticeId}#${version}`);
  }
}
