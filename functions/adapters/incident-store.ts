import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AudienceMember, ImpactSummary, Incident, ProgressNote, SeverityLevel, TimelineEntry } from '../domain/incident.js';
import type { IncidentStorePort } from '../domain/ports.js';
import { partKey, type PartSlice, type SegmentSummary } from '../domain/assessment.js';
import type { Clock } from '../shared/clock.js';
import { IncidentNotFoundError } from '../shared/errors.js';
import { batchGet, batchPut, queryAll } from './dynamo-batch.js';
import { incidentItems, incidentPartition, keys } from './keys.js';

/** An incident's items of one kind (`prefix` from `incidentItems`), consistently, following LastEvaluatedKey to the end. */
export function queryCollection<T>(doc: DynamoDBDocumentClient, table: string, incidentId: string, prefix: string): Promise<T[]> {
  return queryAll<T>(doc, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': incidentPartition(incidentId), ':prefix': prefix },
    ConsistentRead: true,
  });
}

/** A week: far past the last retry of an assessment, and a day's worth of redriven executions. */
const ASSESSMENT_ITEMS_TTL_SECONDS = 7 * 24 * 3600;

export function timelineItem(incidentId: string, entry: TimelineEntry) {
  return { ...keys.timeline(incidentId, entry.at), type: 'timeline', ...entry };
}

/**
 * The incident and its life: the finding lock, raw and rejected alarms, the audience, progress notes
 * and the append-only timeline (the incidents table's `INC#<id>` collection and its lookup items).
 */
export class IncidentStore implements IncidentStorePort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Opens an incident unless its finding already has an open one. One transaction writes the finding
   * lock, the incident, the raw event and the first timeline entry, so a retry can never leave half of it.
   */
  async openIncident(incident: Incident, eventId: string, rawEvent: string): Promise<{ created: true } | { created: false; incidentId: string }> {
    const at = this.clock.now().toISOString();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.finding(incident.findingKey), findingKey: incident.findingKey, incidentId: incident.incidentId, open: true },
                ConditionExpression: 'attribute_not_exists(pk) OR #open = :false',
                ExpressionAttributeNames: { '#open': 'open' },
                ExpressionAttributeValues: { ':false': false },
              },
            },
            { Put: { TableName: this.table, Item: { ...keys.incident(incident.incidentId), type: 'incident', ...incident } } },
            { Put: { TableName: this.table, Item: this.rawEventItem(incident.incidentId, eventId, rawEvent, at) } },
            {
              Put: {
                TableName: this.table,
                Item: timelineItem(incident.incidentId, { at, action: 'incident-opened', actor: 'intake', detail: { eventId, source: incident.source } }),
              },
            },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
      const existing = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.finding(incident.findingKey), ConsistentRead: true }));
      return { created: false, incidentId: String(existing.Item?.incidentId) };
    }
  }

  /** A repeated finding: keep its raw event (once per event id) and note it on the open incident's timeline. */
  async recordRepeat(incidentId: string, eventId: string, rawEvent: string): Promise<void> {
    const at = this.clock.now().toISOString();
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.table, Item: this.rawEventItem(incidentId, eventId, rawEvent, at), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return; // the same event again (EventBridge retried it): already recorded
      throw error;
    }
    await this.appendTimeline(incidentId, { action: 'finding-repeated', actor: 'intake', detail: { eventId } });
  }

  /** Keeps a rejected alarm with its reason. Returns false when this event id was already kept. */
  async keepRejectedAlarm(eventId: string, reason: string, rawEvent: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.rejectedAlarm(eventId), type: 'rejected-alarm', eventId, reason, rawEvent, receivedAt: this.clock.now().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getRejectedAlarm(eventId: string): Promise<{ reason: string; rawEvent: string } | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.rejectedAlarm(eventId) }));
    return out.Item as { reason: string; rawEvent: string } | undefined;
  }

  async getIncident(incidentId: string): Promise<Incident> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.incident(incidentId), ConsistentRead: true }));
    if (!out.Item) throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
    const { pk: _pk, sk: _sk, type: _type, ...incident } = out.Item;
    return incident as Incident;
  }

  async countRawEvents(incidentId: string): Promise<number> {
    return (await this.collection(incidentId, incidentItems.rawEvent)).length;
  }

  /** The whole assessment at once: its chunks, then the incident pointing at them, so it never points at missing chunks. */
  async saveAssessment(
    incidentId: string,
    assessment: { scope: 'KNOWN' | 'UNKNOWN' | 'NONE'; severity: SeverityLevel; impact: ImpactSummary; chunks: AudienceMember[][]; scopeVersion?: number },
  ): Promise<void> {
    const { chunks, ...rest } = assessment;
    await this.writeAudienceChunks(
      incidentId,
      chunks.map((members, index) => ({ index, members })),
    );
    await this.commitAssessment(incidentId, { ...rest, audienceChunks: chunks.length, scopeVersion: assessment.scopeVersion ?? 0 });
  }

  async writeAudienceChunks(incidentId: string, chunks: { index: number; members: AudienceMember[] }[]): Promise<void> {
    await batchPut(
      this.doc,
      this.table,
      chunks.map(({ index, members }) => ({ ...keys.audienceChunk(incidentId, index), type: 'audience', members })),
    );
  }

  async commitAssessment(
    incidentId: string,
    assessment: { scope: 'KNOWN' | 'UNKNOWN' | 'NONE'; severity: SeverityLevel; impact: ImpactSummary; audienceChunks: number; scopeVersion: number },
  ): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.incident(incidentId),
        UpdateExpression: 'SET #scope = :scope, severity = :severity, impact = :impact, audienceChunks = :chunks, scopeVersion = :scopeVersion',
        ExpressionAttributeNames: { '#scope': 'scope' },
        ExpressionAttributeValues: {
          ':scope': assessment.scope,
          ':severity': assessment.severity,
          ':impact': assessment.impact,
          ':chunks': assessment.audienceChunks,
          ':scopeVersion': assessment.scopeVersion,
        },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async saveAssessmentSegment(
    incidentId: string,
    scopeVersion: number,
    segment: number,
    summary: SegmentSummary,
    parts: Record<string, AudienceMember[][]>,
  ): Promise<void> {
    // Working items: the chunks are what stays, so these expire (TTL) once no retry can need them.
    const ttl = Math.floor(this.clock.now().getTime() / 1000) + ASSESSMENT_ITEMS_TTL_SECONDS;
    await batchPut(this.doc, this.table, [
      ...Object.entries(parts).flatMap(([locale, list]) =>
        list.map((members, part) => ({ ...keys.assessmentPart(incidentId, scopeVersion, segment, locale, part), type: 'assessment-part', members, ttl })),
      ),
      { ...keys.assessmentSegment(incidentId, scopeVersion, segment), type: 'assessment-segment', ...summary, ttl },
    ]);
  }

  async getAssessmentSegments(incidentId: string, scopeVersion: number, segments: number[]): Promise<Map<number, SegmentSummary>> {
    const items = await batchGet<SegmentSummary & { sk: string }>(
      this.doc,
      this.table,
      segments.map((segment) => keys.assessmentSegment(incidentId, scopeVersion, segment)),
      true,
    );
    const bySk = new Map(items.map((item) => [item.sk, item]));
    return new Map(
      segments.map((segment) => {
        const item = bySk.get(keys.assessmentSegment(incidentId, scopeVersion, segment).sk);
        if (!item) throw new IncidentNotFoundError(`Incident ${incidentId} has no assessment of segment ${segment} (scope version ${scopeVersion})`);
        return [segment, { impact: item.impact, missingProfiles: item.missingProfiles, listedFound: item.listedFound }];
      }),
    );
  }

  async getAssessmentParts(
    incidentId: string,
    scopeVersion: number,
    parts: readonly Pick<PartSlice, 'segment' | 'locale' | 'part'>[],
  ): Promise<Map<string, AudienceMember[]>> {
    const wanted = new Map(parts.map((p) => [keys.assessmentPart(incidentId, scopeVersion, p.segment, p.locale, p.part).sk, partKey(p)]));
    const items = await batchGet<{ sk: string; members: AudienceMember[] }>(
      this.doc,
      this.table,
      [...wanted.keys()].map((sk) => ({ pk: keys.incident(incidentId).pk, sk })),
      true,
    );
    return new Map(items.map((item) => [wanted.get(item.sk)!, item.members]));
  }

  async getAudienceChunk(incidentId: string, index: number): Promise<AudienceMember[]> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.audienceChunk(incidentId, index), ConsistentRead: true }));
    if (!out.Item) throw new IncidentNotFoundError(`Incident ${incidentId} has no audience chunk ${index}`);
    return out.Item.members as AudienceMember[];
  }

  async appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }): Promise<void> {
    const at = entry.at ?? this.clock.now().toISOString();
    await this.doc.send(new PutCommand({ TableName: this.table, Item: timelineItem(incidentId, { ...entry, at }) }));
  }

  async listTimeline(incidentId: string): Promise<TimelineEntry[]> {
    const items = await this.collection(incidentId, incidentItems.timeline);
    return items.map(({ at, action, actor, detail }) => ({ at, action, actor, detail }) as TimelineEntry);
  }

  async addProgressNote(incidentId: string, author: string, text: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.getIncident(incidentId);
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.note(incidentId, at), type: 'note', at, author, text } }));
    await this.appendTimeline(incidentId, { at, action: 'progress-note-added', actor: author });
  }

  async listProgressNotes(incidentId: string, since?: string): Promise<ProgressNote[]> {
    const notes = await this.collection<ProgressNote>(incidentId, incidentItems.note);
    return notes.filter((n) => !since || n.at > since).map(({ at, author, text }) => ({ at, author, text }));
  }

  /** Closes the incident and frees its finding, so the same finding later opens a new incident. */
  async closeIncident(incidentId: string, closedBy: string): Promise<void> {
    const incident = await this.getIncident(incidentId);
    const at = this.clock.now().toISOString();
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.table,
              Key: keys.incident(incidentId),
              UpdateExpression: 'SET #status = :closed, closedAt = :at',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':closed': 'CLOSED', ':at': at },
            },
          },
          {
            Update: {
              TableName: this.table,
              Key: keys.finding(incident.findingKey),
              UpdateExpression: 'SET #open = :false',
              ExpressionAttributeNames: { '#open': 'open' },
              ExpressionAttributeValues: { ':false': false },
            },
          },
          { Put: { TableName: this.table, Item: timelineItem(incidentId, { at, action: 'incident-closed', actor: closedBy }) } },
        ],
      }),
    );
  }

  async setNextUpdate(incidentId: string, nextUpdateAt: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.incident(incidentId),
        UpdateExpression: 'SET nextUpdateAt = :next',
        ExpressionAttributeValues: { ':next': nextUpdateAt },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  private rawEventItem(incidentId: string, eventId: string, rawEvent: string, at: string) {
    return { ...keys.rawEvent(incidentId, eventId), type: 'raw-event', eventId, rawEvent, receivedAt: at };
  }

  private collection<T = Record<string, unknown>>(incidentId: string, prefix: string): Promise<T[]> {
    return queryCollection<T>(this.doc, this.table, incidentId, prefix);
  }
}
