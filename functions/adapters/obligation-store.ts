import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ObligationNotFoundError, ObligationStateError, ReportVersionConflictError } from '../domain/obligations/errors.js';
import type { ObligationRecord, RegulatorReportVersion } from '../domain/obligations/record.js';
import type { ObligationStorePort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';
import { queryAll } from './dynamo-batch.js';
import { queryCollection, timelineItem } from './incident-store.js';
import { keys, obligationItems, RUNNING_CLOCKS } from './keys.js';

type Write = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const RECORD_FIELDS = [
  'incidentId',
  'obligationId',
  'jurisdiction',
  'law',
  'notify',
  'recipient',
  'clock',
  'startMoment',
  'status',
  'addedAt',
  'startedAt',
  'deadline',
  'clockScale',
  'reminders',
  'remindersSent',
  'escalations',
  'unconfirmed',
  'caveat',
  'sources',
  'reportLanguage',
  'filed',
  'notApplicable',
  'reportVersion',
  'approval',
] as const;

function toRecord(item: Record<string, unknown>): ObligationRecord {
  return Object.fromEntries(RECORD_FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as unknown as ObligationRecord;
}

function toReport(item: Record<string, unknown>): RegulatorReportVersion {
  const { incidentId, obligationId, version, author, at, text } = item as unknown as RegulatorReportVersion;
  return { incidentId, obligationId, version, author, at, text };
}

const conditionFailed = (error: unknown, index = 0) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed');

/**
 * Regulators' obligations in the incident's `INC#<id>` collection (`OBLIG#<id>`), their report
 * versions (`OBLIGRPT#<id>#<version>`), and a marker per clock with a deadline to meet
 * (`CLOCK#RUNNING`), which the scheduled sweep reads instead of scanning the table. Every action a
 * person takes is written with its timeline entry in one transaction.
 */
export class ObligationStore implements ObligationStorePort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async listObligations(incidentId: string): Promise<ObligationRecord[]> {
    return (await queryCollection<Record<string, unknown>>(this.doc, this.table, incidentId, obligationItems.obligation)).map(toRecord);
  }

  async getObligation(incidentId: string, obligationId: string): Promise<ObligationRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.obligation(incidentId, obligationId), ConsistentRead: true }));
    return out.Item && toRecord(out.Item);
  }

  async addObligation(record: ObligationRecord, report: { text: string; author: string }): Promise<boolean> {
    const at = this.clock.now().toISOString();
    const { incidentId, obligationId } = record;
    const writes: Write[] = [
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.obligation(incidentId, obligationId), type: 'obligation', ...record, reportVersion: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: this.table, Item: this.reportItem({ incidentId, obligationId, version: 1, author: report.author, at, text: report.text }) } },
      {
        Put: {
          TableName: this.table,
          Item: timelineItem(incidentId, {
            at,
            action: 'regulator-obligation-added',
            actor: report.author,
            detail: { obligationId, status: record.status, deadline: record.deadline ?? null },
          }),
        },
      },
    ];
    if (record.status === 'RUNNING' && record.deadline) writes.push(this.markerPut(incidentId, obligationId, record.deadline));
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: writes }));
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async startClock(incidentId: string, obligationId: string, startedAt: string, deadline: string | undefined, actor: string): Promise<boolean> {
    const writes: Write[] = [
      {
        Update: {
          TableName: this.table,
          Key: keys.obligation(incidentId, obligationId),
          UpdateExpression: deadline ? 'SET #status = :running, startedAt = :started, deadline = :deadline' : 'SET #status = :running, startedAt = :started',
          ConditionExpression: '#status = :waiting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'RUNNING', ':waiting': 'WAITING', ':started': startedAt, ...(deadline ? { ':deadline': deadline } : {}) },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: timelineItem(incidentId, {
            at: this.clock.now().toISOString(),
            action: 'regulator-clock-started',
            actor,
            detail: { obligationId, startedAt, deadline: deadline ?? null },
          }),
        },
      },
    ];
    if (deadline) writes.push(this.markerPut(incidentId, obligationId, deadline));
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: writes }));
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async claimReminder(incidentId: string, obligationId: string, point: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.obligation(incidentId, obligationId),
          UpdateExpression: 'SET remindersSent.#point = :now',
          ConditionExpression: '#status = :running AND attribute_not_exists(remindersSent.#point)',
          ExpressionAttributeNames: { '#point': point, '#status': 'status' },
          ExpressionAttributeValues: { ':now': this.clock.now().toISOString(), ':running': 'RUNNING' },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async releaseReminder(incidentId: string, obligationId: string, point: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.obligation(incidentId, obligationId),
        UpdateExpression: 'REMOVE remindersSent.#point',
        ExpressionAttributeNames: { '#point': point },
      }),
    );
  }

  async claimEscalation(incidentId: string, obligationId: string, seen: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.obligation(incidentId, obligationId),
          UpdateExpression: 'SET escalations = :next, lastEscalatedAt = :now',
          ConditionExpression: '#status = :running AND escalations = :seen',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':next': seen + 1, ':seen': seen, ':now': this.clock.now().toISOString(), ':running': 'RUNNING' },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async releaseEscalation(incidentId: string, obligationId: string, seen: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.obligation(incidentId, obligationId),
          UpdateExpression: 'SET escalations = :seen',
          ConditionExpression: 'escalations = :claimed',
          ExpressionAttributeValues: { ':seen': seen, ':claimed': seen + 1 },
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  }

  async recordFiled(incidentId: string, obligationId: string, filed: { at: string; ref: string; by: string }): Promise<void> {
    const recordedAt = this.clock.now().toISOString();
    await this.settle(
      incidentId,
      obligationId,
      'SET #status = :filed, filed = :record',
      { ':filed': 'FILED', ':record': { ...filed, recordedAt } },
      {
        at: recordedAt,
        action: 'regulator-filed',
        actor: filed.by,
        detail: { obligationId, filedAt: filed.at, ref: filed.ref },
      },
    );
  }

  async markNotApplicable(incidentId: string, obligationId: string, by: string, reason: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.settle(
      incidentId,
      obligationId,
      'SET #status = :na, notApplicable = :record',
      { ':na': 'NOT_APPLICABLE', ':record': { at, by, reason } },
      {
        at,
        action: 'regulator-not-applicable',
        actor: by,
        detail: { obligationId, reason },
      },
    );
  }

  async saveReport(incidentId: string, obligationId: string, text: string, author: string, expectedVersion: number): Promise<RegulatorReportVersion> {
    const at = this.clock.now().toISOString();
    const saved: RegulatorReportVersion = { incidentId, obligationId, version: expectedVersion + 1, author, at, text };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.obligation(incidentId, obligationId),
                UpdateExpression: 'SET reportVersion = :next',
                ConditionExpression: 'reportVersion = :expected',
                ExpressionAttributeValues: { ':next': saved.version, ':expected': expectedVersion },
              },
            },
            { Put: { TableName: this.table, Item: this.reportItem(saved), ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: this.table,
                Item: timelineItem(incidentId, { at, action: 'regulator-report-saved', actor: author, detail: { obligationId, version: saved.version } }),
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!conditionFailed(error, 0) && !conditionFailed(error, 1)) throw error;
      await this.require(incidentId, obligationId);
      throw new ReportVersionConflictError(
        `Version ${saved.version} of the ${obligationId} report of ${incidentId} was saved by someone else: print it again and edit that`,
      );
    }
    return saved;
  }

  async getReport(incidentId: string, obligationId: string, version?: number): Promise<RegulatorReportVersion | undefined> {
    const wanted = version ?? (await this.require(incidentId, obligationId)).reportVersion;
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.obligationReport(incidentId, obligationId, wanted), ConsistentRead: true }),
    );
    return out.Item && toReport(out.Item);
  }

  async approveReport(incidentId: string, obligationId: string, version: number, by: string): Promise<void> {
    const at = this.clock.now().toISOString();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.obligation(incidentId, obligationId),
                UpdateExpression: 'SET approval = :approval',
                ConditionExpression: 'reportVersion = :version',
                ExpressionAttributeValues: { ':approval': { version, by, at }, ':version': version },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: timelineItem(incidentId, { at, action: 'regulator-report-approved', actor: by, detail: { obligationId, version } }),
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      const current = await this.require(incidentId, obligationId);
      throw new ReportVersionConflictError(
        `The ${obligationId} report of ${incidentId} is at version ${current.reportVersion}, not ${version}: read that one before approving`,
      );
    }
  }

  async listRunningClocks(): Promise<{ incidentId: string; obligationId: string }[]> {
    const items = await queryAll<{ incidentId: string; obligationId: string }>(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': RUNNING_CLOCKS },
    });
    return items.map(({ incidentId, obligationId }) => ({ incidentId, obligationId }));
  }

  async dropClockMarker(incidentId: string, obligationId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.runningClock(incidentId, obligationId) }));
  }

  /** Filed or set aside: once, from WAITING or RUNNING; the clock's marker goes in the same transaction. */
  private async settle(
    incidentId: string,
    obligationId: string,
    update: string,
    values: Record<string, unknown>,
    entry: { at: string; action: string; actor: string; detail: Record<string, unknown> },
  ) {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.obligation(incidentId, obligationId),
                UpdateExpression: update,
                ConditionExpression: '#status IN (:waiting, :running)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ...values, ':waiting': 'WAITING', ':running': 'RUNNING' },
              },
            },
            { Delete: { TableName: this.table, Key: keys.runningClock(incidentId, obligationId) } },
            { Put: { TableName: this.table, Item: timelineItem(incidentId, entry) } },
          ],
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      const current = await this.require(incidentId, obligationId);
      throw new ObligationStateError(
        `${obligationId} of ${incidentId} is already ${current.status === 'FILED' ? `filed (${current.filed?.at}, ref ${current.filed?.ref})` : `marked not applicable (${current.notApplicable?.reason})`}`,
      );
    }
  }

  private async require(incidentId: string, obligationId: string): Promise<ObligationRecord> {
    const found = await this.getObligation(incidentId, obligationId);
    if (!found) throw new ObligationNotFoundError(`${incidentId} has no obligation ${obligationId}`);
    return found;
  }

  private reportItem(report: RegulatorReportVersion) {
    return { ...keys.obligationReport(report.incidentId, report.obligationId, report.version), type: 'regulator-report', ...report };
  }

  private markerPut(incidentId: string, obligationId: string, deadline: string): Write {
    return {
      Put: { TableName: this.table, Item: { ...keys.runningClock(incidentId, obligationId), type: 'clock-marker', incidentId, obligationId, deadline } },
    };
  }
}
