import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BY_PHONE_INDEX, PHONE_INDEX_ATTRIBUTES, SMS_OUTCOME_ATTRIBUTES, type SmsOutcome } from '../domain/sms-delivery-status.js';
import { queryAll } from './dynamo-batch.js';
import { keys } from './keys.js';

/**
 * The reads that find who an SMS delivery status record is about: the directory's byPhone index (keys
 * only: a number and the customers who gave it) and the customer's SMS outcomes (one Query of their
 * partition in the ledger).
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

  /** The customer's SMS outcomes. */
  async smsOutcomes(customerId: string): Promise<SmsOutcome[]> {
    const names = Object.fromEntries(SMS_OUTCOME_ATTRIBUTES.map((a, i) => [`#a${i}`, a]));
    const items = await queryAll<SmsOutcome & { channel: string }>(this.doc, {
      TableName: this.deliveriesTable,
      KeyConditionExpression: '#a0 = :pk AND begins_with(#a1, :outcomes)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':pk': keys.customerOutcomes(customerId), ':outcomes': 'NOTICE#' },
      ProjectionExpression: Object.keys(names).join(', '),
    });
    return items.filter((o) => o.channel === 'sms').map(({ channel: _channel, ...o }) => o);
  }
}
