import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OpenPromise, PromiseClockPort } from '../domain/ports.js';
import { queryAll } from './dynamo-batch.js';
import { keys, PROMISE_CLOCKS } from './keys.js';

/** One marker per promise no notice has kept yet, in the incidents table's `CLOCK#PROMISES` partition. */
export class PromiseClocks implements PromiseClockPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private key = (p: OpenPromise) => keys.promiseClock(p.promisedBy, p.incidentId, p.noticeId);

  async open(p: OpenPromise): Promise<void> {
    const item = { incidentId: p.incidentId, noticeId: p.noticeId, promisedBy: p.promisedBy };
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...this.key(p), type: 'promise-clock', ...item } }));
  }

  async close(p: OpenPromise): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: this.key(p) }));
  }

  async due(now: Date): Promise<OpenPromise[]> {
    // Every sort key of a promise due by now sorts before `<now>$` ('$' follows the '#' after the time).
    const items = await queryAll<OpenPromise>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND sk < :due',
      ExpressionAttributeValues: { ':pk': PROMISE_CLOCKS, ':due': `${now.toISOString()}$` },
    });
    return items.map(({ incidentId, noticeId, promisedBy }) => ({ incidentId, noticeId, promisedBy }));
  }

  async claim(p: OpenPromise): Promise<boolean> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: this.key(p), ConditionExpression: 'attribute_exists(pk)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
