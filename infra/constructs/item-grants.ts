import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * Grants item actions on the items whose partition key starts with one of `prefixes` only. The
 * Null condition keeps a request without a leading key (a Scan) out: ForAllValues alone would pass it.
 */
export function grantItemActions(grantee: IGrantable, table: ITable, grants: readonly { readonly prefixes: readonly string[]; readonly actions: readonly string[] }[]): void {
  for (const { prefixes, actions } of grants) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    );
  }
  table.encryptionKey?.grantEncryptDecrypt(grantee);
}
