import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CALLBACK_LEASE_MS, type ApprovalRequest, type WordingBinding } from '../domain/approval.js';
import type { ApprovalRequestsPort, PutRequestResult } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';
import { IncidentNotFoundError } from '../shared/errors.js';
import { queryCollection } from './incident-store.js';
import { incidentItems, keys } from './keys.js';
import { basisCheck } from './standing.js';

/** Attributes of the approval item that stay in the store: the task token, who was notified, the expiry in ms, the callback lease. */
export type ApprovalRecord = ApprovalRequest & { taskToken: string; notified: string[]; expiresAtMs: number; callbackLeaseUntilMs?: number };

/** The approval item as stored, without its keys. */
export async function readApprovalRecord(
  doc: DynamoDBDocumentClient,
  table: string,
  incidentId: string,
  requestId: string,
): Promise<ApprovalRecord | undefined> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: keys.approval(incidentId, requestId), ConsistentRead: true }));
  if (!out.Item) return undefined;
  const { pk: _p, sk: _s, type: _t, ...record } = out.Item;
  return record as ApprovalRecord;
}

/**
 * Approval requests, one item per waiting task (its token read only after a decision won), and the
 * decisions on them. Every decision writes its callback marker in the same transaction
 * (approval-callbacks.ts returns it to the waiting task).
 */
export class ApprovalRequests implements ApprovalRequestsPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores an approval request with its task token. Keyed by a hash of the token, so a retried
   * invocation for the same task finds its own request instead of creating a second one. With a
   * `basis`, the same transaction checks the incident still stands there ('stale' otherwise: an edit,
   * a scope decision or a close came first, and nothing is stored).
   */
  async putApprovalRequest(request: ApprovalRequest, taskToken: string): Promise<PutRequestResult> {
    // expiresAtMs: the decision's condition compares numbers; ISO strings with and without milliseconds do not sort.
    const item = {
      ...keys.approval(request.incidentId, request.requestId),
      type: 'approval',
      ...request,
      expiresAtMs: Date.parse(request.expiresAt),
      taskToken,
      notified: [],
    };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            ...(request.basis ? [basisCheck(this.table, request.incidentId, request.basis)] : []),
          ],
        }),
      );
      return { outcome: 'created', notified: [], status: request.status };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [put, standing] = error.CancellationReasons ?? [];
      if (put?.Code === 'ConditionalCheckFailed') {
        // Stored by an earlier attempt of this task: whatever changed since has found it (or will).
        const existing = await readApprovalRecord(this.doc, this.table, request.incidentId, request.requestId);
        return { outcome: 'exists', notified: existing?.notified ?? [], status: existing?.status ?? request.status };
      }
      if (standing?.Code === 'ConditionalCheckFailed') return { outcome: 'stale' };
      throw error;
    }
  }

  async getApprovalRequest(incidentId: string, requestId: string): Promise<ApprovalRequest | undefined> {
    const record = await readApprovalRecord(this.doc, this.table, incidentId, requestId);
    if (!record) return undefined;
    const { taskToken: _t, notified: _n, expiresAtMs: _e, callbackLeaseUntilMs: _l, ...request } = record;
    return { ...request, approvedBy: [...(record.approvedBy ?? [])].sort() };
  }

  /** Read only by the sender holding a decided request's callback lease (see `claimCallback`). */
  async getTaskToken(incidentId: string, requestId: string): Promise<string> {
    const record = await readApprovalRecord(this.doc, this.table, incidentId, requestId);
    if (!record) throw new IncidentNotFoundError(`Approval request ${requestId} of ${incidentId} does not exist`);
    return record.taskToken;
  }

  async listApprovalRequests(incidentId: string): Promise<ApprovalRequest[]> {
    const items = await queryCollection<ApprovalRequest & Record<string, unknown>>(this.doc, this.table, incidentId, incidentItems.approval);
    return items.map(({ taskToken: _t, notified: _n, expiresAtMs: _e, callbackLeaseUntilMs: _l, pk: _p, sk: _s, type: _y, ...request }) => ({
      ...request,
      approvedBy: [...(request.approvedBy ?? [])].sort(),
    }));
  }

  async markApproverNotified(incidentId: string, requestId: string, approver: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.approval(incidentId, requestId),
        UpdateExpression: 'SET notified = list_append(notified, :who)',
        ExpressionAttributeValues: { ':who': [approver] },
      }),
    );
  }

  /** Earlier pending requests for the notice stop accepting decisions once it is escalated. */
  async supersedePendingRequests(incidentId: string, noticeId: string, exceptRequestId: string, enteredAt: string): Promise<number> {
    const pending = (await this.listApprovalRequests(incidentId)).filter(
      (r) =>
        r.noticeId === noticeId &&
        r.status === 'PENDING' &&
        r.requestId !== exceptRequestId &&
        (r.waitEnteredAt === undefined || Date.parse(r.waitEnteredAt) <= Date.parse(enteredAt)),
    );
    for (const request of pending) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.approval(incidentId, request.requestId),
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
  async recordApproval(
    incidentId: string,
    requestId: string,
    approver: string,
    quorum: number,
    wording?: WordingBinding,
  ): Promise<{ outcome: 'approved' | 'counted' | 'refused' | 'stale'; approvedBy: string[] }> {
    const now = this.clock.now();
    const key = keys.approval(incidentId, requestId);
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
        ExpressionAttributeValues: {
          ':approved': 'APPROVED',
          ':by': approvedBy.join(', '),
          ':now': now.toISOString(),
          ':pending': 'PENDING',
          ':quorum': quorum,
          ':lease': now.getTime() + CALLBACK_LEASE_MS,
        },
      },
      wording,
    );
    if (decided === 'stale') {
      // The vote was for wording that is gone: take it back, so nobody reads it as counted.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'DELETE approvedBy :me',
          ExpressionAttributeValues: { ':me': new Set([approver]) },
        }),
      );
      return { outcome: 'stale', approvedBy: approvedBy.filter((a) => a !== approver) };
    }
    return { outcome: decided === 'decided' ? 'approved' : 'counted', approvedBy };
  }

  /** One rejection decides: pending and unexpired at the moment of writing. False when something else won. */
  async recordRejection(
    incidentId: string,
    requestId: string,
    approver: string,
    reason: string,
    wording?: WordingBinding,
  ): Promise<'decided' | 'refused' | 'stale'> {
    const now = this.clock.now();
    return this.decide(
      incidentId,
      requestId,
      {
        UpdateExpression: 'SET #status = :rejected, decidedBy = :by, decidedAt = :now, reason = :reason, callbackLeaseUntilMs = :lease',
        ConditionExpression: '#status = :pending AND expiresAtMs > :nowMs',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':rejected': 'REJECTED',
          ':by': approver,
          ':now': now.toISOString(),
          ':nowMs': now.getTime(),
          ':reason': reason,
          ':pending': 'PENDING',
          ':lease': now.getTime() + CALLBACK_LEASE_MS,
        },
      },
      wording,
    );
  }

  /**
   * Writes a decision (or an edit's take-back) and its callback marker in one transaction, so it can
   * never exist without the sweeper being able to find it. A decider holds the callback lease it just wrote.
   * With `wording`, the same transaction checks that the notice still has the wording the request
   * showed, and that the incident still stands on the draft's basis: a decision binds to that exact
   * version, never to a redraft made since nor to one an edit, a scope decision or a close made stale ('stale').
   */
  private async decide(
    incidentId: string,
    requestId: string,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
    wording?: WordingBinding,
  ): Promise<'decided' | 'refused' | 'stale'> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: this.table, Key: keys.approval(incidentId, requestId), ...update } },
            { Put: { TableName: this.table, Item: { ...keys.callbackMarker(incidentId, requestId), type: 'callback-marker', incidentId, requestId } } },
            ...(wording
              ? [
                  {
                    ConditionCheck: {
                      TableName: this.table,
                      Key: keys.notice(incidentId, wording.noticeId),
                      ConditionExpression: 'contentHash = :hash',
                      ExpressionAttributeValues: { ':hash': wording.contentHash },
                    },
                  },
                ]
              : []),
            ...(wording?.basis ? [basisCheck(this.table, incidentId, wording.basis)] : []),
          ],
        }),
      );
      return 'decided';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [request, , ...checks] = error.CancellationReasons ?? [];
      if (request?.Code === 'ConditionalCheckFailed') return 'refused';
      if (checks.some((c) => c?.Code === 'ConditionalCheckFailed')) return 'stale';
      throw error;
    }
  }

  /**
   * The facts were edited while the request waited: it stops accepting decisions and its waiting
   * task is to be told (NoticeEditedError), through the same marker and lease as a decision. False
   * when a decision, an escalation or its expiry got there first.
   */
  async supersedeForEdit(incidentId: string, requestId: string, factsVersion: number): Promise<boolean> {
    const now = this.clock.now();
    const outcome = await this.decide(incidentId, requestId, {
      UpdateExpression: 'SET #status = :edited, decidedAt = :now, editedToFactsVersion = :version',
      // An expired request's task no longer waits: telling it would only page a false alarm.
      ConditionExpression: '#status = :pending AND expiresAtMs > :nowMs',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':edited': 'EDITED', ':pending': 'PENDING', ':now': now.toISOString(), ':nowMs': now.getTime(), ':version': factsVersion },
    });
    return outcome === 'decided';
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
                Key: keys.approval(incidentId, toRequestId),
                UpdateExpression: `SET #status = :status, decidedBy = :by, decidedAt = :at, carriedFrom = :from${from.reason === undefined ? '' : ', reason = :reason'}`,
                ConditionExpression: '#status = :pending',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':status': from.status,
                  ':by': from.decidedBy ?? '',
                  ':at': from.decidedAt ?? '',
                  ':from': from.requestId,
                  ':pending': 'PENDING',
                  ...(from.reason === undefined ? {} : { ':reason': from.reason }),
                },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.callbackMarker(incidentId, toRequestId), type: 'callback-marker', incidentId, requestId: toRequestId },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: keys.approval(incidentId, from.requestId),
                UpdateExpression: 'SET carriedTo = :to REMOVE callbackLeaseUntilMs',
                ExpressionAttributeValues: { ':to': toRequestId },
              },
            },
            { Delete: { TableName: this.table, Key: keys.callbackMarker(incidentId, from.requestId) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }
}
