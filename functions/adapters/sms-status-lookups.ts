import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  BY_PHONE_INDEX,
  EARLY_STATUS_ATTRIBUTES,
  PHONE_INDEX_ATTRIBUTES,
  SMS_OUTCOME_ATTRIBUTES,
  type EarlySmsStatus,
  type SmsOutcome,
} from '../domain/sms-delivery-status.js';
import type { EarlySmsStatusPort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';
import { EvidenceStore } from './evidence-store.js';
import { batchGet, queryAll } from './dynamo-batch.js';
import { EARLY_SMS_STATUS_PREFIX, keys } from './keys.js';

/**
 * The reads that find who an SMS delivery status record is about: the directory's byPhone index (keys
 * only: a number and the customers who gave it) and the customer's SMS outcomes (one Query of their
 * partition in the ledger). The statuses kept until their outcome is written are `EarlySmsStatuses`, below.
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
type EarlyItem = EarlySmsStatus & { pk: string; sk: string };
const customerOf = (item: EarlyItem) => item.pk.slice(EARLY_SMS_STATUS_PREFIX.length);
const early = ({ messageId, sentAt, event, reason, keptFor }: EarlyItem): EarlySmsStatus => ({
  messageId,
  sentAt,
  event,
  ...(reason ? { reason } : {}),
  keptFor,
});

/**
 * SMS statuses that came before their outcome, kept in a partition per customer (keys.earlySmsStatus). Reads
 * are strongly consistent: the recorder keeps a status and then reads outcomes, the send step writes outcomes
 * and then reads kept statuses, and one of the two must see the other.
 */
export class EarlySmsStatuses implements EarlySmsStatusPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async keep(status: EarlySmsStatus): Promise<void> {
    await Promise.all(
      status.keptFor.map((customerId) =>
        this.doc.send(new PutCommand({ TableName: this.table, Item: { ...keys.earlySmsStatus(customerId, status.messageId), ...status } })),
      ),
    );
  }

  async ofMessages(messages: readonly { customerId: string; messageId: string }[]): Promise<{ customerId: string; status: EarlySmsStatus }[]> {
    if (messages.length === 0) return [];
    const items = await batchGet<EarlyItem>(
      this.doc,
      this.table,
      messages.map((m) => keys.earlySmsStatus(m.customerId, m.messageId)),
      true,
    );
    return items.map((item) => ({ customerId: customerOf(item), status: early(item) }));
  }

  async ofCustomer(customerId: string): Promise<EarlySmsStatus[]> {
    const items = await queryAll<EarlyItem>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: '#e0 = :pk',
      ExpressionAttributeNames: earlyNames,
      ExpressionAttributeValues: { ':pk': keys.earlySmsStatus(customerId, '').pk },
      ProjectionExpression: earlyProjection,
      ConsistentRead: true,
    });
    return items.map(early);
  }

  async forget(status: Pick<EarlySmsStatus, 'messageId' | 'keptFor'>): Promise<void> {
    await Promise.all(
      status.keptFor.map((customerId) => this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.earlySmsStatus(customerId, status.messageId) }))),
    );
  }
}

/**
 * What recording kept statuses needs, as the send step and the settling wire it: the kept statuses, and the
 * evidence store whose counts' ADD goes through `countsDoc`, a client that does not retry (a lost answer never adds twice).
 */
export function earlyStatusRecording(doc: DynamoDBDocumentClient, countsDoc: DynamoDBDocumentClient, table: string, clock: Clock) {
  return { early: new EarlySmsStatuses(doc, table), evidence: new EvidenceStore(doc, table, clock, countsDoc) };
}
