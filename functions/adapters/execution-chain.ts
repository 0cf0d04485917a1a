import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Continuation, ExecutionChainPort, ExecutionRef } from '../domain/executions.js';
import type { Clock } from '../shared/clock.js';
import { IncidentNotFoundError } from '../shared/errors.js';
import { timelineItem } from './incident-store.js';
import { keys } from './keys.js';

/**
 * The incident's current execution, kept on its item (`currentExecution`), and the hand-overs on its
 * timeline. The item only moves forward (a higher sequence), so a retried or late record is refused
 * by the same condition that keeps the timeline entry from being written twice.
 */
export class ExecutionChain implements ExecutionChainPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async recordContinuation(incidentId: string, { from, to }: Continuation): Promise<boolean> {
    const at = this.clock.now().toISOString();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.incident(incidentId),
                UpdateExpression: 'SET currentExecution = :to',
                ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(currentExecution) OR currentExecution.#sequence < :sequence)',
                ExpressionAttributeNames: { '#sequence': 'sequence' },
                ExpressionAttributeValues: { ':to': to, ':sequence': to.sequence },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: timelineItem(incidentId, {
                  at,
                  action: 'execution-continued',
                  actor: 'workflow',
                  detail: { from: from.name, fromExecutionArn: from.executionArn, to: to.name, toExecutionArn: to.executionArn, sequence: to.sequence },
                }),
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
      const item = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: keys.incident(incidentId), ProjectionExpression: 'pk', ConsistentRead: true }),
      );
      if (!item.Item) throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
      return false;
    }
  }

  async currentExecution(incidentId: string): Promise<ExecutionRef | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.incident(incidentId), ProjectionExpression: 'currentExecution', ConsistentRead: true }),
    );
    return out.Item?.currentExecution as ExecutionRef | undefined;
  }
}
