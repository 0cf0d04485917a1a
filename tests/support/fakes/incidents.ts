import type { AudienceMember, ImpactSummary, Incident, ProgressNote, SeverityLevel, TimelineEntry } from '../../../functions/domain/incident.js';
import type { IncidentStorePort } from '../../../functions/domain/ports.js';
import { partKey, type PartSlice, type SegmentSummary } from '../../../functions/domain/assessment.js';
import type { Clock } from '../../../functions/shared/clock.js';
import { IncidentNotFoundError } from '../../../functions/shared/errors.js';
import { FakeClock } from './clock.js';

/** The incident store: incident, finding lookup (open or freed), raw events, rejected alarms, audience, timeline, notes. Conditional writes as in DynamoDB. */
export class FakeIncidents implements IncidentStorePort {
  incidents = new Map<string, Incident>();
  audience = new Map<string, AudienceMember[][]>();
  timeline: (TimelineEntry & { incidentId: string })[] = [];
  /** findingKey -> the incident holding it, open until closed. */
  findings = new Map<string, { incidentId: string; open: boolean }>();
  /** incidentId -> eventId -> raw event. */
  rawEvents = new Map<string, Map<string, string>>();
  rejected = new Map<string, { reason: string; rawEvent: string }>();
  notes: (ProgressNote & { incidentId: string })[] = [];

  constructor(readonly clock: Clock = new FakeClock()) {}

  async openIncident(incident: Incident, eventId: string, rawEvent: string): Promise<{ created: true } | { created: false; incidentId: string }> {
    const finding = this.findings.get(incident.findingKey);
    if (finding?.open) return { created: false, incidentId: finding.incidentId };
    this.findings.set(incident.findingKey, { incidentId: incident.incidentId, open: true });
    this.incidents.set(incident.incidentId, structuredClone(incident));
    this.rawEvents.set(incident.incidentId, new Map([[eventId, rawEvent]]));
    await this.appendTimeline(incident.incidentId, { action: 'incident-opened', actor: 'intake', detail: { eventId, source: incident.source } });
    return { created: true };
  }
  async recordRepeat(incidentId: string, eventId: string, rawEvent: string) {
    const events = this.rawEvents.get(incidentId) ?? new Map<string, string>();
    this.rawEvents.set(incidentId, events);
    if (events.has(eventId)) return; // the same event again (EventBridge retried it): already recorded
    events.set(eventId, rawEvent);
    await this.appendTimeline(incidentId, { action: 'finding-repeated', actor: 'intake', detail: { eventId } });
  }
  async keepRejectedAlarm(eventId: string, reason: string, rawEvent: string) {
    if (this.rejected.has(eventId)) return false;
    this.rejected.set(eventId, { reason, rawEvent });
    return true;
  }
  async getRejectedAlarm(eventId: string) {
    return this.rejected.get(eventId);
  }
  async getIncident(incidentId: string) {
    const incident = this.incidents.get(incidentId);
    if (!incident) throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
    return structuredClone(incident);
  }
  async countRawEvents(incidentId: string) {
    return this.rawEvents.get(incidentId)?.size ?? 0;
  }
  async saveAssessment(
    incidentId: string,
    assessment: { scope: 'KNOWN' | 'UNKNOWN' | 'NONE'; severity: SeverityLevel; impact: ImpactSummary; chunks: AudienceMember[][]; scopeVersion?: number },
  ) {
    const { chunks, ...rest } = assessment;
    this.existing(incidentId);
    await this.writeAudienceChunks(
      incidentId,
      chunks.map((members, index) => ({ index, members })),
    );
    await this.commitAssessment(incidentId, { ...rest, audienceChunks: chunks.length, scopeVersion: assessment.scopeVersion ?? 0 });
  }
  async writeAudienceChunks(incidentId: string, chunks: { index: number; members: AudienceMember[] }[]) {
    const list = this.audience.get(incidentId) ?? [];
    for (const { index, members } of chunks) list[index] = structuredClone(members);
    this.audience.set(incidentId, list);
  }
  async commitAssessment(
    incidentId: string,
    assessment: { scope: 'KNOWN' | 'UNKNOWN' | 'NONE'; severity: SeverityLevel; impact: ImpactSummary; audienceChunks: number; scopeVersion: number },
  ) {
    const incident = this.existing(incidentId);
    Object.assign(incident, {
      scope: assessment.scope,
      severity: assessment.severity,
      impact: structuredClone(assessment.impact),
      audienceChunks: assessment.audienceChunks,
      scopeVersion: assessment.scopeVersion,
    });
  }
  /** `incidentId/scopeVersion/segment` -> summary; parts by `incidentId/scopeVersion/` + partKey. */
  assessmentSegments = new Map<string, SegmentSummary>();
  assessmentParts = new Map<string, AudienceMember[]>();
  async saveAssessmentSegment(incidentId: string, scopeVersion: number, segment: number, summary: SegmentSummary, parts: Record<string, AudienceMember[][]>) {
    for (const [locale, list] of Object.entries(parts))
      for (const [part, members] of list.entries())
        this.assessmentParts.set(`${incidentId}/${scopeVersion}/${partKey({ segment, locale, part })}`, structuredClone(members));
    this.assessmentSegments.set(`${incidentId}/${scopeVersion}/${segment}`, structuredClone(summary));
  }
  async getAssessmentSegments(incidentId: string, scopeVersion: number, segments: number[]) {
    return new Map(
      segments.map((segment) => {
        const summary = this.assessmentSegments.get(`${incidentId}/${scopeVersion}/${segment}`);
        if (!summary) throw new IncidentNotFoundError(`Incident ${incidentId} has no assessment of segment ${segment}`);
        return [segment, structuredClone(summary)];
      }),
    );
  }
  async getAssessmentParts(incidentId: string, scopeVersion: number, parts: readonly Pick<PartSlice, 'segment' | 'locale' | 'part'>[]) {
    const out = new Map<string, AudienceMember[]>();
    for (const p of parts) {
      const members = this.assessmentParts.get(`${incidentId}/${scopeVersion}/${partKey(p)}`);
      if (members) out.set(partKey(p), structuredClone(members));
    }
    return out;
  }
  async getAudienceChunk(incidentId: string, index: number) {
    const chunk = this.audience.get(incidentId)?.[index];
    if (!chunk) throw new IncidentNotFoundError(`Incident ${incidentId} has no audience chunk ${index}`);
    return structuredClone(chunk);
  }
  async appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }) {
    this.timeline.push({ incidentId, ...entry, at: entry.at ?? this.clock.now().toISOString() });
  }
  async listTimeline(incidentId: string) {
    return this.timeline.filter((e) => e.incidentId === incidentId).map(({ incidentId: _i, ...e }) => e);
  }
  async addProgressNote(incidentId: string, author: string, text: string) {
    this.existing(incidentId);
    const at = this.clock.now().toISOString();
    this.notes.push({ incidentId, at, author, text });
    await this.appendTimeline(incidentId, { at, action: 'progress-note-added', actor: author });
  }
  async listProgressNotes(incidentId: string, since?: string) {
    return this.notes.filter((n) => n.incidentId === incidentId && (!since || n.at > since)).map(({ at, author, text }) => ({ at, author, text }));
  }
  async closeIncident(incidentId: string, closedBy: string) {
    const incident = this.existing(incidentId);
    const at = this.clock.now().toISOString();
    Object.assign(incident, { status: 'CLOSED', closedAt: at });
    const finding = this.findings.get(incident.findingKey);
    if (finding) finding.open = false;
    await this.appendTimeline(incidentId, { at, action: 'incident-closed', actor: closedBy });
  }
  async setNextUpdate(incidentId: string, nextUpdateAt: string) {
    this.existing(incidentId).nextUpdateAt = nextUpdateAt;
  }
  /** An incident to seed or change in place; missing is an error, as the store's `attribute_exists(pk)` conditions make it. */
  existing(incidentId: string): Incident {
    const incident = this.incidents.get(incidentId);
    if (!incident) throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
    return incident;
  }
}
