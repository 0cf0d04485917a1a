import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TeamStorePort, TeamWait, TeamWaitKind } from '../domain/ports.js';
import type { ScopeDecision, ScopeRequest } from '../domain/scope.js';
import type { Clock } from '../shared/clock.js';
import { batchPut } from './dynamo-batch.js';
import { queryCollection } from './incident-store.js';
import { incidentItems, keys } from './keys.js';
import { randomId } from '../shared/crypto.js';
import { IncidentNotFoundError } from '../shared/errors.js';
import { standingWrite } from './standing.js';

/** Ids per item: at most 128 characters each keeps an item under DynamoDB's 400 KB. */
const IDS_PER_ITEM = 2_500;
/** Decisions arriving at once each get their own version: a few tries are plenty. */
const MAX_VERSION_TRIES = 20;

/**
 * What the team decides while the workflow waits on it, in the incident's `INC#<id>` collection:
 * scope decisions (one item per version, never rewritten; an id list in parts written first), the
 * task token of each kind of wait, and requests to draft a rejected notice again as it stands.
 */
export class TeamStore implements TeamStorePort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async saveScopeDecision(incidentId: string, decidedBy: string, request: ScopeRequest): Promise<ScopeDecision> {
    const latest = Math.max(
      0,
      ...(await queryCollection<{ version: number }>(this.doc, this.table, incidentId, incidentItems.scope)).map((d) => Number(d.version)),
    );
    const { customerIds, ...rest } = request;
    for (let version = latest + 1; version <= latest + MAX_VERSION_TRIES; version += 1) {
      // The parts first: a decision that can be read has its whole list. Keyed by this attempt, so a
      // save racing for the same version (or one that died after its parts) never mixes into this one.
      const attempt = randomId(8);
      const parts: Record<string, unknown>[] = [];
      for (let i = 0; i < customerIds.length; i += IDS_PER_ITEM) {
        parts.push({ ...keys.scopeIds(incidentId, version, attempt, parts.length), type: 'scope-ids', ids: customerIds.slice(i, i + IDS_PER_ITEM) });
      }
      await batchPut(this.doc, this.table, parts);
      const decision: ScopeDecision = { ...request, version, decidedBy, decidedAt: this.clock.now().toISOString() };
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    ...keys.scope(incidentId, version),
                    type: 'scope',
                    ...rest,
                    idAttempt: attempt,
                    idParts: parts.length,
                    idCount: customerIds.length,
                    version,
                    decidedBy,
                    decidedAt: decision.decidedAt,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              // The incident's item records it in the same write: requests for drafts of older scopes are refused from now on.
              standingWrite(this.table, incidentId, 'scopeDecided', version),
            ],
          }),
        );
        return decision;
      } catch (error) {
        // Someone decided at the same moment: ours comes after theirs. Parts of this number are rewritten by whoever wins it.
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [scope, incident] = error.CancellationReasons ?? [];
        if (scope?.Code !== 'ConditionalCheckFailed' && incident?.Code === 'ConditionalCheckFailed')
          throw new IncidentNotFoundError(`Incident ${incidentId} does not exist`);
        if (scope?.Code !== 'ConditionalCheckFailed') throw error;
      }
    }
    throw new Error(`Could not find a free scope decision version for ${incidentId} after ${MAX_VERSION_TRIES} tries`);
  }

  /** Oldest first, each with its id list. */
  async listScopeDecisions(incidentId: string): Promise<ScopeDecision[]> {
    const items = await queryCollection<Record<string, unknown>>(this.doc, this.table, incidentId, incidentItems.scope);
    const decisions: ScopeDecision[] = [];
    for (const item of items.sort((a, b) => Number(a.version) - Number(b.version))) {
      const { pk: _pk, sk: _sk, type: _type, idParts, idCount, idAttempt, ...decision } = item;
      let customerIds: string[] = [];
      if (Number(idParts) > 0) {
        const prefix = keys.scopeIds(incidentId, Number(item.version), String(idAttempt), 0).sk.replace(/\d+$/, '');
        const parts = await queryCollection<{ sk: string; ids: string[] }>(this.doc, this.table, incidentId, prefix);
        customerIds = parts
          .sort((a, b) => a.sk.localeCompare(b.sk))
          .slice(0, Number(idParts))
          .flatMap((p) => p.ids);
        if (customerIds.length !== Number(idCount))
          throw new Error(`Scope decision ${String(item.version)} of ${incidentId} lists ${String(idCount)} ids but ${customerIds.length} were read`);
      }
      decisions.push({ ...(decision as unknown as ScopeDecision), customerIds });
    }
    return decisions;
  }

  async putWait(incidentId: string, wait: Omit<TeamWait, 'since' | 'reminders'>): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.teamWait(incidentId, wait.kind), type: 'team-wait', ...wait, since: this.clock.now().toISOString(), reminders: 0 },
      }),
    );
  }

  async getWait(incidentId: string, kind: TeamWaitKind): Promise<TeamWait | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.teamWait(incidentId, kind), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...wait } = out.Item;
    return wait as TeamWait;
  }

  /** Only the wait holding this token: a newer wait of the same kind stays. */
  async endWait(incidentId: string, kind: TeamWaitKind, taskToken: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.teamWait(incidentId, kind),
          ConditionExpression: 'taskToken = :t',
          ExpressionAttributeValues: { ':t': taskToken },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async countReminder(incidentId: string, kind: TeamWaitKind): Promise<number> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.teamWait(incidentId, kind),
          UpdateExpression: 'ADD reminders :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.reminders ?? 1);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 0;
      throw error;
    }
  }

  async requestRedraft(incidentId: string, noticeId: string, version: number, by: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.redraft(incidentId, noticeId, version), type: 'redraft', noticeId, version, by, at: this.clock.now().toISOString() },
      }),
    );
  }

  async redraftRequested(incidentId: string, noticeId: string, version: number): Promise<boolean> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.redraft(incidentId, noticeId, version), ConsistentRead: true }));
    return out.Item !== undefined;
  }
}
