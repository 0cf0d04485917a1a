import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NoticeRef } from '../domain/delivery.js';
import { BY_PHONE_INDEX, PHONE_INDEX_ATTRIBUTES, SMS_OUTCOME_ATTRIBUTES, type SmsOutcome } from '../domain/sms-delivery-status.js';
import { queryAll } from './dynamo-batch.js';
import { keys } from './keys.js';

/**
 * The reads that find who an SMS delivery status record is about: the directory's byPhone index (keys
 * only: a number and the customers who gave it), the customer's SMS outcomes (one Query of their
 * partition in the ledger) and, for an UNCERTAIN one, when its call was claimed.
 */
export class SmsStatusLookups {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly customersTable: string,
    private readonly deliveriesTable: string,
  ) {}

  async customersWithPhone(phone: string): Promise<string[]> {
    const items = await queryAll<{ customerId: string }>(this.doc, {
      TableName: this.customersTable,
      IndexName: BY_PHONE_INDEX,
      KeyConditionExpression: 'phone = :phone',
      ExpressionAttributeValues: { ':phone': phone },
      ProjectionExpression: PHONE_INDEX_ATTRIBUTES.join(', '),
    });
    return [...new Set(items.map((i) => i.customerId))];
  }

  /** The customer's SMS outcomes; an UNCERTAIN one carries its call's claim time, the window SNS may have taken it in. */
  async smsOutcomes(customerId: string): Promise<SmsOutcome[]> {
    const names = Object.fromEntries(SMS_OUTCOME_ATTRIBUTES.map((a, i) => [`#a${i}`, a]));
    const items = await queryAll<SmsOutcome & { channel: string }>(this.doc, {
      TableName: this.deliveriesTable,
      KeyConditionExpression: '#a0 = :pk AND begins_with(#a1, :outcomes)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':pk': keys.customerOutcomes(customerId), ':outcomes': 'NOTICE#' },
      ProjectionExpression: Object.keys(names).join(', '),
    });
    const sms = items.filter((o) => o.channel === 'sms');
    return Promise.all(
      sms.map(async ({ channel: _channel, ...o }) => (o.status === 'UNCERTAIN' && !o.providerMessageId ? { ...o, ...(await this.claimedAt(o, o)) } : o)),
    );
  }

  /** The claim time of the attempt that wrote the outcome; none when the call was claimed again since (the outcome is then not that attempt's). */
  private async claimedAt(ref: NoticeRef, outcome: SmsOutcome): Promise<{ claimedAt?: string }> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.deliveriesTable,
        Key: keys.claim(ref.incidentId, ref.noticeId, 'sms', outcome.batchKey),
        ProjectionExpression: '#pk, #sk, claimedAt, attempts',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ConsistentRead: true,
      }),
    );
    const claim = out.Item as { claimedAt?: string; attempts?: number } | undefined;
    return claim?.claimedAt && (outcome.attempt === undefined || Number(claim.attempts) === outcome.attempt) ? { claimedAt: claim.claimedAt } : {};
  }
}
