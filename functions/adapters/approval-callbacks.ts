import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CALLBACK_LEASE_MS, needsCallback, type ApprovalRequest } from '../domain/approval.js';
import type { ApprovalCallbacksPort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';
import { queryAll } from './dynamo-batch.js';
import { CALLBACK_MARKERS, keys } from './keys.js';
import { readApprovalRecord, type ApprovalRecord } from './approval-requests.js';

/**
 * The callback outbox: a decided request's SendTaskSuccess/Failure is sent by whoever holds its lease,
 * and stamped returned or lost. Each decision's marker (written with the decision, approval-requests.ts)
 * stays in one partition until then, where the sweeper finds what was not returned.
 */
export class ApprovalCallbacks implements ApprovalCallbacksPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Takes the callback of a decided request for one sender: not yet returned, lost or carried, and
   * nobody else's lease live. 'settled' when there is nothing left to return; 'busy' when another
   * sender holds it.
   */
  async claimCallback(
    incidentId: string,
    requestId: string,
  ): Promise<{ state: 'claimed'; request: ApprovalRequest; taskToken: string } | { state: 'settled' | 'busy' }> {
    const now = this.clock.now().getTime();
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.approval(incidentId, requestId),
          UpdateExpression: 'SET callbackLeaseUntilMs = :until',
          ConditionExpression:
            '#status IN (:approved, :rejected, :edited) AND attribute_not_exists(callbackDeliveredAt) AND attribute_not_exists(callbackLostAt) AND attribute_not_exists(carriedTo) AND (attribute_not_exists(callbackLeaseUntilMs) OR callbackLeaseUntilMs < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':until': now + CALLBACK_LEASE_MS, ':now': now, ':approved': 'APPROVED', ':rejected': 'REJECTED', ':edited': 'EDITED' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const {
        pk: _p,
        sk: _s,
        type: _t,
        taskToken,
        notified: _n,
        expiresAtMs: _e,
        callbackLeaseUntilMs: _l,
        ...request
      } = out.Attributes as ApprovalRecord & { pk: string; sk: string; type: string };
      return { state: 'claimed', request: { ...request, approvedBy: [...(request.approvedBy ?? [])].sort() }, taskToken };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await readApprovalRecord(this.doc, this.table, incidentId, requestId);
      const live = current && needsCallback(current.status) && !current.callbackDeliveredAt && !current.callbackLostAt && !current.carriedTo;
      return { state: live ? 'busy' : 'settled' };
    }
  }

  /** The decision reached Step Functions: stamp it and drop the marker. */
  async markCallbackReturned(incidentId: string, requestId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.approval(incidentId, requestId),
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
        Key: keys.approval(incidentId, requestId),
        UpdateExpression: 'SET callbackLostAt = :at, callbackError = :error REMOVE callbackLeaseUntilMs',
        ExpressionAttributeValues: { ':at': this.clock.now().toISOString(), ':error': errorName },
      }),
    );
    await this.deleteCallbackMarker(incidentId, requestId);
  }

  /** The call failed in a way worth retrying: free the lease at once so the next POST or sweep can. */
  async releaseCallback(incidentId: string, requestId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({ TableName: this.table, Key: keys.approval(incidentId, requestId), UpdateExpression: 'REMOVE callbackLeaseUntilMs' }),
    );
  }

  async deleteCallbackMarker(incidentId: string, requestId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.callbackMarker(incidentId, requestId) }));
  }

  /** Decided requests whose callback has not landed, oldest marker key first; one partition, no scan. */
  async listUnreturnedDecisions(limit: number): Promise<{ incidentId: string; requestId: string }[]> {
    const items = await queryAll<{ incidentId: string; requestId: string }>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': CALLBACK_MARKERS },
      ConsistentRead: true,
    });
    return items.slice(0, limit).map(({ incidentId, requestId }) => ({ incidentId, requestId }));
  }
}
