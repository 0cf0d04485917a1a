import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { CALLBACK_LEASE_MS, type ApprovalRequest, type ApprovalTier } from '../domain/approval.js';
import type { ImpactSummary, Incident, SeverityLevel } from '../domain/incident.js';
import type { Locale } from '../domain/locales.js';
import type { NoticeContent, NoticeKind } from '../domain/notice.js';
import type { Clock } from '../shared/clock.js';
import { randomId, sha256Hex } from '../shared/crypto.js';
import { IncidentNotFoundError, NoticeNotFoundError } from '../shared/errors.js';
import { batchPut, queryAll } from './dynamo-batch.js';

/** One audience member: ids and data categories only; contact details stay in the customers table. */
export interface AudienceMember {
  customerId: string;
  dataCategories: string[];
}

export interface TimelineEntry {
  at: string;
  action: string;
  actor: string;
  detail?: Record<string, unknown>;
}

export type NoticeStatus = 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED' | 'SENT';

export interface Notice {
  incidentId: string;
  noticeId: string;
  kind: NoticeKind;
  sequence: number;
  status: NoticeStatus;
  content: Partial<Record<Locale, NoticeContent>>;
  createdAt: string;
  /** The time this notice tells customers the next update will come by. */
  promisedNextUpdateAt: string;
  approvedAt?: string;
  sentAt?: string;
}

export interface ApprovalLink {
  linkHash: string;
  incidentId: string;
  requestId: string;
  approver: string;
  expiresAt: string;
  /** Digest of the one-time code shown in the approver's email (see `codeDigest`). */
  codeDigest: string;
  /** Wrong codes typed so far. */
  attempts?: number;
  locked?: boolean;
}

export interface ProgressNote {
  at: string;
  author: string;
  text: string;
}

const incidentKey = (id: string) => ({ pk: `INC#${id}`, sk: 'META' });
const findingKey = (key: string) => ({ pk: `FINDING#${sha256Hex(key)}`, sk: 'FINDING' });
const approvalKey = (incidentId: string, requestId: string) => ({ pk: `INC#${incidentId}`, sk: `APPROVAL#${requestId}` });
/** Sparse markers, one per decided request whose callback has not landed: the sweeper queries this one partition. */
const CALLBACK_MARKERS = 'CALLBACK#PENDING';
const callbackMarkerKey = (incidentId: string, requestId: string) => ({ pk: CALLBACK_MARKERS, sk: `${incidentId}#${requestId}` });
/** Attributes of the approval item that stay in the repository. */
type ApprovalRecord = ApprovalRequest & { taskToken: string; notified: string[]; expiresAtMs: number; callbackLeaseUntilMs?: number };
const DAY_SECONDS = 86_400;

/**
 * The incidents table: one item collection per incident (meta, raw events, audience chunks, notices,
 * approvals, notes, timeline), plus lookup items keyed by finding identity and by approval-link hash.
 */
export class IncidentsRepository {
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
                Item: { ...findingKey(incident.findingKey), findingKey: incident.findingKey, incidentId: incident.incidentId, open: true },
                ConditionExpression: 'attribute_not_exists(pk) OR #open = :false',
                ExpressionAttributeNames: { '#open': 'open' },
                ExpressionAttributeValues: { ':false': false },
              },
            },
            { Put: { TableName: this.table, Item: { ...incidentKey(incident.incidentId), type: 'incident', ...incident } } },
            { Put: { TableName: this.table, Item: this.rawEventItem(incident.incidentId, eventId, rawEvent, at) } },
            { Put: { TableName: this.table, Item: this.timelineItem(incident.incidentId, { at, action: 'incident-opened', actor: 'intake', detail: { eventId, source: incident.source } }) } },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
      const existing = await this.doc.send(new GetCommand({ TableName: this.table, Key: findingKey(incident.findingKey), ConsistentRead: true }));
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
      if (error instanceof ConditionalCheckFailedException) return; // the same event redelivered: already recorded
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
          Item: { pk: `REJECTED#${eventId}`, sk: 'REJECTED', type: 'rejected-alarm', eventId, reason, rawEvent, receivedAt: this.clock.now().toISOString() },
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
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `REJECTED#${eventId}`, sk: 'REJECTED' } }));
    return out.Item as { reason: string; rawEvent: string } | undefined;
  }

  async getIncident(incidentId: string): Promise<Incident> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: incidentKey(incidentId), ConsistentRead: true }));
    if (!out.Item) throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
    const { pk: _pk, sk: _sk, type: _type, ...incident } = out.Item;
    return incident as Incident;
  }

  async countRawEvents(incidentId: string): Promise<number> {
    return (await this.queryPrefix(incidentId, 'RAW#')).length;
  }

  /** Writes the audience (ids in fixed chunks) and then the assessment, so the incident never points at missing chunks. */
  async saveAssessment(
    incidentId: string,
    assessment: { scope: 'KNOWN' | 'UNKNOWN'; severity: SeverityLevel; impact: ImpactSummary; chunks: AudienceMember[][] },
  ): Promise<void> {
    await batchPut(
      this.doc,
      this.table,
      assessment.chunks.map((members, index) => ({ pk: `INC#${incidentId}`, sk: `AUD#${String(index).padStart(6, '0')}`, type: 'audience', members })),
    );
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: incidentKey(incidentId),
        UpdateExpression: 'SET #scope = :scope, severity = :severity, impact = :impact, audienceChunks = :chunks',
        ExpressionAttributeNames: { '#scope': 'scope' },
        ExpressionAttributeValues: {
          ':scope': assessment.scope,
          ':severity': assessment.severity,
          ':impact': assessment.impact,
          ':chunks': assessment.chunks.length,
        },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async getAudienceChunk(incidentId: string, index: number): Promise<AudienceMember[]> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: `INC#${incidentId}`, sk: `AUD#${String(index).padStart(6, '0')}` }, ConsistentRead: true }),
    );
    if (!out.Item) throw new IncidentNotFoundError(`Incident ${incidentId} has no audience chunk ${index}`);
    return out.Item.members as AudienceMember[];
  }

  async appendTimeline(incidentId: string, entry: Omit<TimelineEntry, 'at'> & { at?: string }): Promise<void> {
    const at = entry.at ?? this.clock.now().toISOString();
    await this.doc.send(new PutCommand({ TableName: this.table, Item: this.timelineItem(incidentId, { ...entry, at }) }));
  }

  async listTimeline(incidentId: string): Promise<TimelineEntry[]> {
    const items = await this.queryPrefix(incidentId, 'TL#');
    return items.map(({ at, action, actor, detail }) => ({ at, action, actor, detail }) as TimelineEntry);
  }

  async createNotice(notice: Notice): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: `INC#${notice.incidentId}`, sk: `NOTICE#${notice.noticeId}`, type: 'notice', ...notice } }),
    );
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: incidentKey(notice.incidentId),
        UpdateExpression: 'SET noticeCount = :n',
        ExpressionAttributeValues: { ':n': notice.sequence },
      }),
    );
  }

  async getNotice(incidentId: string, noticeId: string): Promise<Notice> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `INC#${incidentId}`, sk: `NOTICE#${noticeId}` }, ConsistentRead: true }));
    if (!out.Item) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    return out.Item as Notice;
  }

  async listNotices(incidentId: string): Promise<Notice[]> {
    return this.queryPrefix<Notice>(incidentId, 'NOTICE#');
  }

  async setNoticeStatus(incidentId: string, noticeId: string, status: NoticeStatus): Promise<void> {
    const stamp = status === 'APPROVED' ? 'approvedAt' : status === 'SENT' ? 'sentAt' : 'updatedAt';
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `INC#${incidentId}`, sk: `NOTICE#${noticeId}` },
        UpdateExpression: 'SET #status = :status, #stamp = :at',
        ExpressionAttributeNames: { '#status': 'status', '#stamp': stamp },
        ExpressionAttributeValues: { ':status': status, ':at': this.clock.now().toISOString() },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async addProgressNote(incidentId: string, author: string, text: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.getIncident(incidentId);
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk: `INC#${incidentId}`, sk: `NOTE#${at}#${randomId(4)}`, type: 'note', at, author, text } }));
    await this.appendTimeline(incidentId, { at, action: 'progress-note-added', actor: author });
  }

  async listProgressNotes(incidentId: string, since?: string): Promise<ProgressNote[]> {
    const notes = await this.queryPrefix<ProgressNote>(incidentId, 'NOTE#');
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
              Key: incidentKey(incidentId),
              UpdateExpression: 'SET #status = :closed, closedAt = :at',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':closed': 'CLOSED', ':at': at },
            },
          },
          {
            Update: {
              TableName: this.table,
              Key: findingKey(incident.findingKey),
              UpdateExpression: 'SET #open = :false',
              ExpressionAttributeNames: { '#open': 'open' },
              ExpressionAttributeValues: { ':false': false },
            },
          },
          { Put: { TableName: this.table, Item: this.timelineItem(incidentId, { at, action: 'incident-closed', actor: closedBy }) } },
        ],
      }),
    );
  }

  async setNextUpdate(incidentId: string, nextUpdateAt: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: incidentKey(incidentId),
        UpdateExpression: 'SET nextUpdateAt = :next',
        ExpressionAttributeValues: { ':next': nextUpdateAt },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /**
   * Stores an approval request with its task token. Keyed by a hash of the token, so a retried
   * invocation for the same task finds its own request instead of creating a second one.
   */
  async putApprovalRequest(request: ApprovalRequest, taskToken: string): Promise<{ created: boolean; notified: string[] }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          // expiresAtMs: the decision's condition compares numbers; ISO strings with and without milliseconds do not sort.
          Item: { pk: `INC#${request.incidentId}`, sk: `APPROVAL#${request.requestId}`, type: 'approval', ...request, expiresAtMs: Date.parse(request.expiresAt), taskToken, notified: [] },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, notified: [] };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getApprovalRecord(request.incidentId, request.requestId);
      return { created: false, notified: existing?.notified ?? [] };
    }
  }

  async getApprovalRequest(incidentId: string, requestId: string): Promise<ApprovalRequest | undefined> {
    const record = await this.getApprovalRecord(incidentId, requestId);
    if (!record) return undefined;
    const { taskToken: _t, notified: _n, expiresAtMs: _e, callbackLeaseUntilMs: _l, ...request } = record;
    return { ...request, approvedBy: [...(record.approvedBy ?? [])].sort() };
  }

  /** Read only by the sender holding a decided request's callback lease (see `claimCallback`). */
  async getTaskToken(incidentId: string, requestId: string): Promise<string> {
    const record = await this.getApprovalRecord(incidentId, requestId);
    if (!record) throw new IncidentNotFoundError(`Approval request ${requestId} of ${incidentId} does not exist`);
    return record.taskToken;
  }

  async listApprovalRequests(incidentId: string): Promise<ApprovalRequest[]> {
    const items = await this.queryPrefix<ApprovalRequest & Record<string, unknown>>(incidentId, 'APPROVAL#');
    return items.map(({ taskToken: _t, notified: _n, expiresAtMs: _e, callbackLeaseUntilMs: _l, pk: _p, sk: _s, type: _y, ...request }) => ({
      ...request,
      approvedBy: [...(request.approvedBy ?? [])].sort(),
    }));
  }

  async markApproverNotified(incidentId: string, requestId: string, approver: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `INC#${incidentId}`, sk: `APPROVAL#${requestId}` },
        UpdateExpression: 'SET notified = list_append(notified, :who)',
        ExpressionAttributeValues: { ':who': [approver] },
      }),
    );
  }

  /** Earlier pending requests for the notice stop accepting decisions once it is escalated. */
  async supersedePendingRequests(incidentId: string, noticeId: string, exceptRequestId: string): Promise<number> {
    const pending = (await this.listApprovalRequests(incidentId)).filter(
      (r) => r.noticeId === noticeId && r.status === 'PENDING' && r.requestId !== exceptRequestId,
    );
    for (const request of pending) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: `INC#${incidentId}`, sk: `APPROVAL#${request.requestId}` },
            UpdateExpression: 'SET #status = :superseded',
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':superseded': 'SUPERSEDED', ':pending': 'PENDING' },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return pending.length;
  }

  /**
   * Counts one approver's approval. The condition is the rule: still pending, not expired at the
   * moment of writing, and this approver not counted yet. The write that brings the count to the
   * quorum then flips the request to APPROVED under a second condition, so exactly one caller gets
   * 'approved' and resumes the workflow.
   */
  async recordApproval(incidentId: string, requestId: string, approver: string, quorum: number): Promise<{ outcome: 'approved' | 'counted' | 'refused'; approvedBy: string[] }> {
    const now = this.clock.now();
    const key = { pk: `INC#${incidentId}`, sk: `APPROVAL#${requestId}` };
    let approvedBy: string[];
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'ADD approvedBy :me',
          ConditionExpression: '#status = :pending AND expiresAtMs > :nowMs AND NOT contains(approvedBy, :approver)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':me': new Set([approver]), ':approver': approver, ':pending': 'PENDING', ':nowMs': now.getTime() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      approvedBy = [...((out.Attributes?.approvedBy as Set<string> | undefined) ?? [])].sort();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { outcome: 'refused', approvedBy: [] };
      throw error;
    }
    if (approvedBy.length < quorum) return { outcome: 'counted', approvedBy };
    const decided = await this.decide(
      incidentId,
      requestId,
      {
        UpdateExpression: 'SET #status = :approved, decidedBy = :by, decidedAt = :now, callbackLeaseUntilMs = :lease',
        ConditionExpression: '#status = :pending AND size(approvedBy) >= :quorum',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':approved': 'APPROVED', ':by': approvedBy.join(', '), ':now': now.toISOString(), ':pending': 'PENDING', ':quorum': quorum, ':lease': now.getTime() + CALLBACK_LEASE_MS },
      },
    );
    return { outcome: decided ? 'approved' : 'counted', approvedBy };
  }

  /** One rejection decides: pending and unexpired at the moment of writing. False when something else won. */
  async recordRejection(incidentId: string, requestId: string, approver: string, reason: string): Promise<boolean> {
    const now = this.clock.now();
    return this.decide(incidentId, requestId, {
      UpdateExpression: 'SET #status = :rejected, decidedBy = :by, decidedAt = :now, reason = :reason, callbackLeaseUntilMs = :lease',
      ConditionExpression: '#status = :pending AND expiresAtMs > :nowMs',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':rejected': 'REJECTED', ':by': approver, ':now': now.toISOString(), ':nowMs': now.getTime(), ':reason': reason, ':pending': 'PENDING', ':lease': now.getTime() + CALLBACK_LEASE_MS,
      },
    });
  }

  /**
   * Writes a decision and its callback marker in one transaction, so a decision can never exist
   * without the sweeper being able to find it. The decider holds the callback lease it just wrote.
   */
  private async decide(
    incidentId: string,
    requestId: string,
    update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> },
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: this.table, Key: approvalKey(incidentId, requestId), ...update } },
            { Put: { TableName: this.table, Item: { ...callbackMarkerKey(incidentId, requestId), type: 'callback-marker', incidentId, requestId } } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /**
   * Escalation found an earlier request of the notice already decided: the new request takes that
   * decision (its task token is the one Step Functions waits on now) and the earlier one stops trying.
   * False when the new request is no longer pending.
   */
  async carryDecision(incidentId: string, from: ApprovalRequest, toRequestId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: approvalKey(incidentId, toRequestId),
                UpdateExpression: 'SET #status = :status, decidedBy = :by, decidedAt = :at, carriedFrom = :from' + (from.reason === undefined ? '' : ', reason = :reason'),
                ConditionExpression: '#status = :pending',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':status': from.status, ':by': from.decidedBy ?? '', ':at': from.decidedAt ?? '', ':from': from.requestId, ':pending': 'PENDING',
                  ...(from.reason === undefined ? {} : { ':reason': from.reason }),
                },
              },
            },
            { Put: { TableName: this.table, Item: { ...callbackMarkerKey(incidentId, toRequestId), type: 'callback-marker', incidentId, requestId: toRequestId } } },
            {
              Update: {
                TableName: this.table,
                Key: approvalKey(incidentId, from.requestId),
                UpdateExpression: 'SET carriedTo = :to REMOVE callbackLeaseUntilMs',
                ExpressionAttributeValues: { ':to': toRequestId },
              },
            },
            { Delete: { TableName: this.table, Key: callbackMarkerKey(incidentId, from.requestId) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /**
   * Takes the callback of a decided request for one sender: not yet delivered, lost or carried, and
   * nobody else's lease live. 'settled' when there is nothing left to deliver; 'busy' when another
   * sender holds it.
   */
  async claimCallback(incidentId: string, requestId: string): Promise<{ state: 'claimed'; request: ApprovalRequest; taskToken: string } | { state: 'settled' | 'busy' }> {
    const now = this.clock.now().getTime();
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: approvalKey(incidentId, requestId),
          UpdateExpression: 'SET callbackLeaseUntilMs = :until',
          ConditionExpression:
            '#status IN (:approved, :rejected) AND attribute_not_exists(callbackDeliveredAt) AND attribute_not_exists(callbackLostAt) AND attribute_not_exists(carriedTo) AND (attribute_not_exists(callbackLeaseUntilMs) OR callbackLeaseUntilMs < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':until': now + CALLBACK_LEASE_MS, ':now': now, ':approved': 'APPROVED', ':rejected': 'REJECTED' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const { pk: _p, sk: _s, type: _t, taskToken, notified: _n, expiresAtMs: _e, callbackLeaseUntilMs: _l, ...request } = out.Attributes as ApprovalRecord & { pk: string; sk: string; type: string };
      return { state: 'claimed', request: { ...request, approvedBy: [...(request.approvedBy ?? [])].sort() }, taskToken };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.getApprovalRecord(incidentId, requestId);
      const live = current && (current.status === 'APPROVED' || current.status === 'REJECTED') && !current.callbackDeliveredAt && !current.callbackLostAt && !current.carriedTo;
      return { state: live ? 'busy' : 'settled' };
    }
  }

  /** The decision reached Step Functions: stamp it and drop the marker. */
  async markCallbackDelivered(incidentId: string, requestId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: approvalKey(incidentId, requestId),
        UpdateExpression: 'SET callbackDeliveredAt = :at REMOVE callbackLeaseUntilMs',
        ExpressionAttributeValues: { ':at': this.clock.now().toISOString() },
      }),
    );
    await this.deleteCallbackMarker(incidentId, requestId);
  }

  /** Step Functions no longer waits for this task: record why and stop trying. */
  async markCallbackLost(incidentId: string, requestId: string, errorName: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: approvalKey(incidentId, requestId),
        UpdateExpression: 'SET callbackLostAt = :at, callbackError = :error REMOVE callbackLeaseUntilMs',
        ExpressionAttributeValues: { ':at': this.clock.now().toISOString(), ':error': errorName },
      }),
    );
    await this.deleteCallbackMarker(incidentId, requestId);
  }

  /** The call failed in a way worth retrying: free the lease at once so the next POST or sweep can. */
  async releaseCallback(incidentId: string, requestId: string): Promise<void> {
    await this.doc.send(new UpdateCommand({ TableName: this.table, Key: approvalKey(incidentId, requestId), UpdateExpression: 'REMOVE callbackLeaseUntilMs' }));
  }

  async deleteCallbackMarker(incidentId: string, requestId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: callbackMarkerKey(incidentId, requestId) }));
  }

  /** Decided requests whose callback has not landed, oldest marker key first; one partition, no scan. */
  async listUndeliveredDecisions(limit: number): Promise<{ incidentId: string; requestId: string }[]> {
    const items = await queryAll<{ incidentId: string; requestId: string }>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': CALLBACK_MARKERS },
      ConsistentRead: true,
    });
    return items.slice(0, limit).map(({ incidentId, requestId }) => ({ incidentId, requestId }));
  }

  /** Only the hash of a link id is stored; the id itself exists only in the approver's email. */
  async putApprovalLink(link: ApprovalLink): Promise<void> {
    const expiresEpoch = Math.floor(Date.parse(link.expiresAt) / 1000);
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        // TTL only tidies up 30 days later; expiry itself is enforced by the decision's condition.
        Item: { pk: `LINK#${link.linkHash}`, sk: 'LINK', type: 'approval-link', attempts: 0, ...link, ttl: expiresEpoch + 30 * DAY_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /**
   * Counts one code attempt, before the code is compared, in one conditional write: below `max - 1`
   * it adds one; the attempt that reaches `max` sets `locked` in that same write. Concurrent attempts
   * cannot get past `max`, and an attempt that is not counted must not be compared at all.
   */
  async countCodeAttempt(linkHash: string, max: number): Promise<{ counted: false } | { counted: true; attempts: number; lockedNow: boolean }> {
    const key = { pk: `LINK#${linkHash}`, sk: 'LINK' };
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(attempts) OR attempts < :last) AND attribute_not_exists(locked)',
          ExpressionAttributeValues: { ':one': 1, ':last': max - 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { counted: true, attempts: Number(out.Attributes?.attempts), lockedNow: false };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET attempts = :max, locked = :true',
          ConditionExpression: 'attempts = :last AND attribute_not_exists(locked)',
          ExpressionAttributeValues: { ':max': max, ':last': max - 1, ':true': true },
        }),
      );
      return { counted: true, attempts: max, lockedNow: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { counted: false };
      throw error;
    }
  }

  async getApprovalLink(linkHash: string): Promise<ApprovalLink | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `LINK#${linkHash}`, sk: 'LINK' }, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _p, sk: _s, type: _t, ttl: _ttl, ...link } = out.Item;
    return link as ApprovalLink;
  }

  private async getApprovalRecord(incidentId: string, requestId: string) {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `INC#${incidentId}`, sk: `APPROVAL#${requestId}` }, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _p, sk: _s, type: _t, ...record } = out.Item;
    return record as ApprovalRecord;
  }

  private queryPrefix<T = Record<string, unknown>>(incidentId: string, prefix: string): Promise<T[]> {
    return queryAll<T>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `INC#${incidentId}`, ':prefix': prefix },
      ConsistentRead: true,
    });
  }

  private rawEventItem(incidentId: string, eventId: string, rawEvent: string, at: string) {
    return { pk: `INC#${incidentId}`, sk: `RAW#${eventId}`, type: 'raw-event', eventId, rawEvent, receivedAt: at };
  }

  private timelineItem(incidentId: string, entry: TimelineEntry) {
    return { pk: `INC#${incidentId}`, sk: `TL#${entry.at}#${randomId(6)}`, type: 'timeline', ...entry };
  }
}

export type { ApprovalTier };
