import { describe, expect, it } from 'vitest';
import { matchKeys, parseResource } from '../../functions/domain/resources.js';

/** Would a directory row naming `written` be found by an alarm carrying `reported`? */
const matches = (written: string, reported: string) => {
  const index = new Set(matchKeys(written).index);
  return matchKeys(reported).query.some((key) => index.has(key));
};

const acct = '111122223333';

describe('resource matching, per kind: by name and by ARN, both ways', () => {
  it.each<[string, string[], string[]]>([
    ['S3 bucket', ['orders'], [`arn:aws:s3:::orders`]],
    ['DynamoDB table', ['orders'], [`arn:aws:dynamodb:us-east-1:${acct}:table/orders`]],
    ['RDS instance', ['customers'], [`arn:aws:rds:us-east-1:${acct}:db:customers`]],
    ['RDS cluster', ['customers-cluster'], [`arn:aws:rds:us-east-1:${acct}:cluster:customers-cluster`]],
    ['EC2 instance', ['i-0123456789abcdef0'], [`arn:aws:ec2:us-east-1:${acct}:instance/i-0123456789abcdef0`]],
    ['IAM access key', ['AKIAIOSFODNN7EXAMPLE'], ['AKIAIOSFODNN7EXAMPLE']],
    ['IAM user', ['alice'], [`arn:aws:iam::${acct}:user/division/alice`]],
    ['Lambda function', ['order-export'], [`arn:aws:lambda:us-east-1:${acct}:function:order-export`]],
    ['CloudWatch alarm', ['security-login-failures'], [`arn:aws:cloudwatch:us-east-1:${acct}:alarm:security-login-failures`]],
    ['metric dimension value', ['auth-service'], ['auth-service']],
  ])('%s', (_kind, names, arns) => {
    for (const name of names) {
      for (const arn of arns) {
        expect(matches(name, arn), `directory ${name}, alarm ${arn}`).toBe(true);
        expect(matches(arn, name), `directory ${arn}, alarm ${name}`).toBe(true);
        expect(matches(arn, arn), `directory ${arn}, alarm ${arn}`).toBe(true);
        expect(matches(name, name), `directory ${name}, alarm ${name}`).toBe(true);
      }
    }
  });

  it.each<[string, string, string]>([
    ['an S3 object ARN is its bucket', 'arn:aws:s3:::orders', 'arn:aws:s3:::orders/exports/2026/customers.csv'],
    ['an S3 URI is its bucket', 's3://orders/exports/', 'arn:aws:s3:::orders'],
    ['a Macie object path is its bucket', 'arn:aws:s3:::orders', 'orders/exports/customers.csv'],
    [
      'a DynamoDB stream ARN is its table',
      `arn:aws:dynamodb:us-east-1:${acct}:table/orders`,
      `arn:aws:dynamodb:us-east-1:${acct}:table/orders/stream/2026-11-20T08:00:00.000`,
    ],
    ['a DynamoDB index ARN is its table', 'orders', `arn:aws:dynamodb:us-east-1:${acct}:table/orders/index/byCustomer`],
    ['a Lambda version is its function', `arn:aws:lambda:us-east-1:${acct}:function:order-export`, `arn:aws:lambda:us-east-1:${acct}:function:order-export:7`],
    ['a Lambda alias is its function', 'order-export', `arn:aws:lambda:us-east-1:${acct}:function:order-export:live`],
    ['$LATEST is its function', `arn:aws:lambda:us-east-1:${acct}:function:order-export`, `arn:aws:lambda:us-east-1:${acct}:function:order-export:$LATEST`],
    ['an IAM user path does not matter', `arn:aws:iam::${acct}:user/alice`, `arn:aws:iam::${acct}:user/division/alice`],
    ['IAM user names are case-insensitive', `arn:aws:iam::${acct}:user/Alice`, `arn:aws:iam::${acct}:user/alice`],
    ['bare names are case-insensitive', 'Orders', `arn:aws:dynamodb:us-east-1:${acct}:table/orders`],
    ['spaces around the text do not matter', ' orders ', 'arn:aws:s3:::orders'],
  ])('%s', (_label, written, reported) => {
    expect(matches(written, reported)).toBe(true);
    expect(matches(reported, written)).toBe(true);
  });
});

describe('resource matching: what must not match', () => {
  it.each<[string, string, string]>([
    ['a bucket ARN and a table ARN of the same name', 'arn:aws:s3:::orders', `arn:aws:dynamodb:us-east-1:${acct}:table/orders`],
    ['an RDS instance and an RDS cluster of the same name', `arn:aws:rds:us-east-1:${acct}:db:customers`, `arn:aws:rds:us-east-1:${acct}:cluster:customers`],
    [
      'a Lambda function and a CloudWatch alarm of the same name',
      `arn:aws:lambda:us-east-1:${acct}:function:orders`,
      `arn:aws:cloudwatch:us-east-1:${acct}:alarm:orders`,
    ],
    ['an IAM user and a bucket of the same name', `arn:aws:iam::${acct}:user/alice`, 'arn:aws:s3:::alice'],
    ['the same table name in another account', `arn:aws:dynamodb:us-east-1:${acct}:table/orders`, 'arn:aws:dynamodb:us-east-1:444455556666:table/orders'],
    ['the same table name in another region', `arn:aws:dynamodb:us-east-1:${acct}:table/orders`, `arn:aws:dynamodb:eu-west-1:${acct}:table/orders`],
    ['a bucket in another partition', 'arn:aws:s3:::orders', 'arn:aws-cn:s3:::orders'],
    ['a table whose name only starts the same', 'orders', `arn:aws:dynamodb:us-east-1:${acct}:table/orders-archive`],
    ['two instances', 'i-0123456789abcdef0', 'i-0123456789abcdef1'],
    ['two access keys', 'AKIAIOSFODNN7EXAMPLE', 'AKIAI44QH8DHBEXAMPLE'],
    ['two different names', 'orders', 'order'],
  ])('%s', (_label, a, b) => {
    expect(matches(a, b)).toBe(false);
    expect(matches(b, a)).toBe(false);
  });
});

describe('parseResource', () => {
  it.each<[string, ReturnType<typeof parseResource>]>([
    ['arn:aws:s3:::orders/a/b.csv', { form: 'arn', kind: 's3:bucket', partition: 'aws', region: '', account: '', name: 'orders' }],
    [`arn:aws:rds:us-east-1:${acct}:db:Customers`, { form: 'arn', kind: 'rds:db', partition: 'aws', region: 'us-east-1', account: acct, name: 'customers' }],
    [`arn:aws:ec2:us-east-1:${acct}:instance/i-0123456789abcdef0`, { form: 'id', kind: 'ec2-instance', name: 'i-0123456789abcdef0' }],
    ['ASIASZ4SI7REXAMPLE01', { form: 'id', kind: 'iam-access-key', name: 'ASIASZ4SI7REXAMPLE01' }],
    [
      `arn:aws:eks:us-east-1:${acct}:cluster/payments`,
      { form: 'arn', kind: 'eks:cluster', partition: 'aws', region: 'us-east-1', account: acct, name: 'payments' },
    ],
    [`arn:aws:sns:us-east-1:${acct}:alerts`, { form: 'arn', kind: 'sns:', partition: 'aws', region: 'us-east-1', account: acct, name: 'alerts' }],
    ['laptop-42', { form: 'name', name: 'laptop-42' }],
  ])('%s', (text, ref) => {
    expect(parseResource(text)).toEqual(ref);
  });
});
