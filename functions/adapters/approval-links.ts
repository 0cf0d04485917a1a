import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalLink } from '../domain/approval.js';
import type { ApprovalLinksPort } from '../domain/ports.js';
import { keys } from './keys.js';

const DAY_SECONDS = 86_400;

/**
 * Approval links by the hash of their id, and the approval codes typed on each: the attempts and the
 * lock are attributes of the link's own item, so counting an attempt is one conditional write on it.
 */
export class ApprovalLinks implements ApprovalLinksPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Only the hash of a link id is stored; the id itself exists only in the approver's email. */
  async putApprovalLink(link: ApprovalLink): Promise<void> {
    const expiresEpoch = Math.floor(Date.parse(link.expiresAt) / 1000);
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        // TTL only tidies up 30 days later; expiry itself is enforced by the decision's condition.
        Item: { ...keys.link(link.linkHash), type: 'approval-link', attempts: 0, ...link, ttl: expiresEpoch + 30 * DAY_SECONDS },
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
    const key = keys.link(linkHash);
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
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.link(linkHash), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _p, sk: _s, type: _t, ttl: _ttl, ...link } = out.Item;
    return link as ApprovalLink;
  }
}
