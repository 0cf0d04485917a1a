import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * Grants item actions on the items whose partition key starts with one of `prefixes` only. The
 * Null condition keeps a request without a leading key (a Scan) out: ForAllValues alone would pass it.
 * With `attributes`, a request may name those attributes only, and must name them (a GetItem without a
 * projection would read every attribute): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_dynamodb_attributes.html
 */
export function grantItemActions(
  grantee: IGrantable,
  table: ITable,
  grants: readonly {
    readonly prefixes: readonly string[];
    readonly actions: readonly string[];
    readonly attributes?: readonly string[];
    readonly index?: string;
  }[],
): void {
  for (const { prefixes, actions, attributes, index } of grants) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        // On an index, the leading key is the index's partition key.
        resources: [index ? `${table.tableArn}/index/${index}` : table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) },
          ...(attributes ? { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...attributes] } } : {}),
          Null: { 'dynamodb:LeadingKeys': 'false', ...(attributes ? { 'dynamodb:Attributes': 'false' } : {}) },
        },
      }),
    );
  }
  table.encryptionKey?.grantEncryptDecrypt(grantee);
}
