import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SettledReconciliation } from '../domain/delivery.js';
import type { Notice, NoticeStatus } from '../domain/incident.js';
import type { NoticeStorePort, ResumeSendingOutcome } from '../domain/ports.js';
import type { SendingResumed } from '../domain/reputation.js';
import type { Clock } from '../shared/clock.js';
import { NoticeNotFoundError } from '../shared/errors.js';
import { queryCollection } from './incident-store.js';
import { incidentItems, keys } from './keys.js';

/** An incident's notices (drafts, approved and sent versions), in its `INC#<id>` collection. */
export class NoticeStore implements NoticeStorePort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async createNotice(notice: Notice): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.notice(notice.incidentId, notice.noticeId), type: 'notice', ...notice } }));
  }

  async getNotice(incidentId: string, noticeId: string): Promise<Notice> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.notice(incidentId, noticeId), ConsistentRead: true }));
    if (!out.Item) throw new NoticeNotFoundError(`Notice ${noticeId} of incident ${incidentId} does not exist`);
    return out.Item as Notice;
  }

  async listNotices(incidentId: string): Promise<Notice[]> {
    return this.collection<Notice>(incidentId, incidentItems.notice);
  }

  async saveReconciliation(incidentId: string, noticeId: string, reconciliation: SettledReconciliation): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.notice(incidentId, noticeId),
        UpdateExpression: 'SET reconciliation = :r',
        ExpressionAttributeValues: { ':r': reconciliation },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /** One conditional write: only an approved notice, only once; the first word is kept. */
  async resumeSending(incidentId: string, noticeId: string, resumed: SendingResumed): Promise<ResumeSendingOutcome> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.notice(incidentId, noticeId),
          UpdateExpression: 'SET sendingResumed = :resumed',
          ConditionExpression: 'attribute_exists(pk) AND #status = :approved AND attribute_not_exists(sendingResumed)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':resumed': resumed, ':approved': 'APPROVED' },
        }),
      );
      return { outcome: 'resumed', resumed };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Refused: the notice as it stands says why (gone, not being sent, or resumed by someone first).
    const notice = await this.getNotice(incidentId, noticeId);
    return notice.sendingResumed ? { outcome: 'already', resumed: notice.sendingResumed } : { outcome: 'not-sending', status: notice.status };
  }

  async setNoticeStatus(incidentId: string, noticeId: string, status: NoticeStatus, approvedHash?: string): Promise<void> {
    const stamp = status === 'APPROVED' ? 'approvedAt' : status === 'SENT' ? 'sentAt' : 'updatedAt';
    const withHash = approvedHash !== undefined;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.notice(incidentId, noticeId),
        UpdateExpression: `SET #status = :status, #stamp = :at${withHash ? ', approvedHash = :hash' : ''}`,
        ExpressionAttributeNames: { '#status': 'status', '#stamp': stamp },
        ExpressionAttributeValues: { ':status': status, ':at': this.clock.now().toISOString(), ...(withHash ? { ':hash': approvedHash } : {}) },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  private collection<T = Record<string, unknown>>(incidentId: string, prefix: string): Promise<T[]> {
    return queryCollection<T>(this.doc, this.table, incidentId, prefix);
  }
}
