import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalSummary } from '../domain/operations.js';
import { parseExecutionName } from '../domain/executions.js';
import { queryAll } from './dynamo-batch.js';
import { incidentItems, incidentPartition } from './keys.js';

/** The attributes an approval summary reads; the role may read no others of the incident (infra/functions.ts). */
export const APPROVAL_SUMMARY_ATTRIBUTES = ['pk', 'sk', 'status', 'createdAt', 'expiresAt'] as const;

/**
 * What is open now, for the operators' gauges: the incidents whose workflow runs (an execution each:
 * continuations replace their predecessor) and their approval requests, without the task tokens.
 */
export class OpenIncidents {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async running(): Promise<string[]> {
    const ids = new Set<string>();
    let nextToken: string | undefined;
    do {
      const out = await this.sfn.send(new ListExecutionsCommand({ stateMachineArn: this.stateMachineArn, statusFilter: 'RUNNING', nextToken }));
      for (const e of out.executions ?? []) {
        const parsed = e.name ? parseExecutionName(e.name) : undefined;
        if (parsed) ids.add(parsed.incidentId);
      }
      nextToken = out.nextToken;
    } while (nextToken);
    return [...ids];
  }

  async approvals(incidentId: string): Promise<ApprovalSummary[]> {
    return queryAll<ApprovalSummary>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': incidentPartition(incidentId), ':prefix': incidentItems.approval },
      // Named, so the grant's dynamodb:Attributes condition holds and the task token is never read.
      ProjectionExpression: APPROVAL_SUMMARY_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(APPROVAL_SUMMARY_ATTRIBUTES.map((a, i) => [`#a${i}`, a])),
    });
  }
}
