import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  BY_PHONE_INDEX,
  EARLY_STATUS_ATTRIBUTES,
  PHONE_INDEX_ATTRIBUTES,
  SMS_OUTCOME_ATTRIBUTES,
  type EarlySmsStatus,
  type SmsOutcome,
} from '../domain/sms-delivery-status.js';
import { batchGet, queryAll } from './dynamo-batch.js';
import { CUSTOMER_PREFIX, EARLY_SMS_STATUS_PREFIX, keys } from './keys.js';

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

  /** The customer's SMS outcomes; `consistent` for the look after an early status was kept. */
  async smsOutcomes(customerId: string, consistent = false): Promise<SmsOutcome[]> {
    const names = Object.fromEntries(SMS_OUTCOME_ATTRIBUTES.map((a, i) => [`#a${i}`, a]));
    const items = await queryAll<SmsOutcome & { channel: string }>(this.doc, {
      TableName: this.deliveriesTable,
      KeyConditionExpression: '#a0 = :pk AND begins_with(#a1, :outcomes)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':pk': keys.customerOutcomes(customerId), ':outcomes': 'NOTICE#' },
      ProjectionExpression: Object.keys(names).join(', '),
      ConsistentRead: consistent,
    });
    return items.filter((o) => o.channel === 'sms').map(({ channel: _channel, ...o }) => o);
  }
}

const earlyNames = Object.fromEntries(EARLY_STATUS_ATTRIBUTES.map((a, i) => [`#e${i}`, a]));
const earlyProjection = Object.keys(earlyNames).join(', ');
type EarlyItem = EarlySmsStatus & { pk: string; sk: string; recorded?: boolean };
const customerOf = (item: EarlyItem) => item.pk.slice(CUSTOMER_PREFIX.length);
const early = ({ messageId, sentAt, event, reason }: EarlyItem): EarlySmsStatus => ({ messageId, sentAt, event, ...(reason ? { reason } : {}) });

/**
 * SMS statuses that came before their outcome, kept in the customer's partition of the deliveries table
 * beside the outcomes (keys.earlySmsStatus). Reads are strongly consistent: the recorder keeps a status and
 * then reads outcomes, the send step writes outcomes and then reads kept statuses, and one of the two must see the other.
 */
export class EarlySmsStatuses {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async keep(customerId: string, status: EarlySmsStatus, recorded = false): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.earlySmsStatus(customerId, status.messageId), ...status, ...(recorded ? { recorded } : {}) } }),
    );
  }

  /** The kept statuses of these messages, by customer. */
  async ofMessages(messages: readonly { customerId: string; messageId: string }[]): Promise<{ customerId: string; status: EarlySmsStatus }[]> {
    if (messages.length === 0) return [];
    const items = await batchGet<EarlyItem>(
      this.doc,
      this.table,
      messages.map((m) => keys.earlySmsStatus(m.customerId, m.messageId)),
      true,
    );
    return items.filter((item) => !item.recorded).map((item) => ({ customerId: customerOf(item), status: early(item) }));
  }

  /** Every status kept for the customer. */
  async ofCustomer(customerId: string): Promise<EarlySmsStatus[]> {
    const items = await queryAll<EarlyItem>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: '#e0 = :pk AND begins_with(#e1, :early)',
      ExpressionAttributeNames: earlyNames,
      ExpressionAttributeValues: { ':pk': keys.customerOutcomes(customerId), ':early': EARLY_SMS_STATUS_PREFIX },
      ProjectionExpression: earlyProjection,
      ConsistentRead: true,
    });
    return items.filter((item) => !item.recorded).map(early);
  }

  /** Once recorded as evidence. */
  async forget(customerId: string, messageId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.earlySmsStatus(customerId, messageId) }));
  }
}
