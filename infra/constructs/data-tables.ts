import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type TableName, type TableSpec } from '../tables.js';

export interface DataTablesProps {
  /** Customer-managed key encrypting every table. */
  readonly key: IKey;
  /**
   * What happens to the tables when the stack is deleted. Deletion protection is on regardless.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The four tables (see infra/tables.ts): on-demand, PITR, deletion protection, KMS, TTL where data
 * expires. `Table` rather than `TableV2`: the latter cannot render a customer-managed key in an
 * environment-agnostic stack.
 */
export class DataTables extends Construct {
  readonly tables: Record<TableName, Table>;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const build = (name: TableName, spec: TableSpec) => {
      const table = new Table(this, name[0]!.toUpperCase() + name.slice(1), {
        partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
        sortKey: spec.sortKey ? { name: spec.sortKey, type: AttributeType.STRING } : undefined,
        billingMode: BillingMode.PAY_PER_REQUEST,
        timeToLiveAttribute: spec.ttlAttribute,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: props.key,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      for (const i of spec.indexes ?? []) {
        table.addGlobalSecondaryIndex({
          indexName: i.name,
          partitionKey: { name: i.partitionKey, type: AttributeType.STRING },
          sortKey: i.sortKey ? { name: i.sortKey, type: AttributeType.STRING } : undefined,
          projectionType: !i.include ? ProjectionType.ALL : i.include.length === 0 ? ProjectionType.KEYS_ONLY : ProjectionType.INCLUDE,
          nonKeyAttributes: i.include?.length ? i.include : undefined,
        });
      }
      return table;
    };
    this.tables = Object.fromEntries((Object.entries(TABLES) as [TableName, TableSpec][]).map(([n, s]) => [n, build(n, s)])) as Record<TableName, Table>;
  }
}
