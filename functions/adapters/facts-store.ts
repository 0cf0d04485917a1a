import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FactsByLocale, FactsVersion } from '../domain/facts.js';
import type { FactsStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';
import { FactsVersionConflictError, IncidentNotFoundError } from '../shared/errors.js';
import { queryCollection } from './incident-store.js';
import { incidentItems, incidentPartition, keys } from './keys.js';
import { standingWrite } from './standing.js';

/**
 * The response team's facts, one item per version in the incident's `INC#<id>` collection. A version
 * is never rewritten: the next one is a new item, so the history is the items themselves.
 */
export class FactsStore implements FactsStorePort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /**
   * The item of the next version may not exist yet: of two editors who read the same version, one
   * wins. The incident's item records the version in the same transaction (see adapters/standing.ts).
   */
  async saveFacts(incidentId: string, author: string, locales: FactsByLocale, expectedVersion: number): Promise<FactsVersion> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) throw new RangeError(`expectedVersion must be an integer >= 0, got ${expectedVersion}`);
    const saved: FactsVersion = { incidentId, version: expectedVersion + 1, author, at: this.clock.now().toISOString(), locales };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.facts(incidentId, saved.version), type: 'facts', ...saved },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            standingWrite(this.table, incidentId, 'factsVersion', saved.version),
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [facts, incident] = error.CancellationReasons ?? [];
      if (facts?.Code === 'ConditionalCheckFailed') {
        throw new FactsVersionConflictError(`Version ${saved.version} of the facts of ${incidentId} was saved by someone else: reload and edit again`);
      }
      if (incident?.Code === 'ConditionalCheckFailed') throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
      throw error;
    }
    return saved;
  }

  async latestFacts(incidentId: string): Promise<FactsVersion | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': incidentPartition(incidentId), ':prefix': incidentItems.facts },
        // Versions are zero-padded in the sort key: the last one is the newest.
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return out.Items?.[0] && toVersion(out.Items[0]);
  }

  async getFacts(incidentId: string, version: number): Promise<FactsVersion | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.facts(incidentId, version), ConsistentRead: true }));
    return out.Item && toVersion(out.Item);
  }

  async listFacts(incidentId: string): Promise<FactsVersion[]> {
    return (await queryCollection<Record<string, unknown>>(this.doc, this.table, incidentId, incidentItems.facts)).map(toVersion);
  }
}

/** The record in its own field order (an item's attributes come back in any order). */
function toVersion(item: Record<string, unknown>): FactsVersion {
  const { incidentId, version, author, at, locales } = item as unknown as FactsVersion;
  return { incidentId, version, author, at, locales };
}
