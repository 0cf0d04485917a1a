import { describe, expect, it } from 'vitest';
import { decide, evaluationsMade, type RoleGrants } from '../../local/twin/iam/policies.js';

/**
 * The twin's IAM decisions are cached per role (a gate serves thousands of requests a second); the
 * cache key keeps only the context keys some policy reads. A leading-key grant must still be decided
 * per partition key, and a role without conditions must not be evaluated again for every item.
 */
const ACCOUNT = '123456789012';
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/incidents`;
const role = (statement: Record<string, unknown>): RoleGrants => ({
  roleArn: `arn:aws:iam::${ACCOUNT}:role/fn`,
  identityPolicies: [
    { name: 'p', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: TABLE, ...statement }] } },
  ],
});
const update = (leadingKey: string) => ({ action: 'dynamodb:UpdateItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': [leadingKey] } });

describe("the twin's IAM decisions", () => {
  it('a leading-key grant is decided per partition key, whatever was decided before for another', async () => {
    // Prepare: the question form's kind of grant, QUESTION#* only.
    const grants = role({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['QUESTION#*'] } } });
    // Act
    const allowed = await decide(grants.roleArn, grants, update('QUESTION#inc-1'), undefined, ACCOUNT);
    const denied = await decide(grants.roleArn, grants, update('INC#inc-1'), undefined, ACCOUNT);
    const again = await decide(grants.roleArn, grants, update('QUESTION#inc-2'), undefined, ACCOUNT);
    // Assess
    expect([allowed, denied, again]).toEqual(['Allowed', 'ImplicitlyDenied', 'Allowed']);
  });

  it('a variable in a resource makes its context key part of the decision too', async () => {
    // Prepare: the table named by a tag of the principal.
    const grants: RoleGrants = {
      ...role({}),
      identityPolicies: [
        {
          name: 'p',
          policy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/\${aws:PrincipalTag/table}` }],
          },
        },
      ],
    };
    const as = (table: string) => ({ action: 'dynamodb:UpdateItem', resource: TABLE, context: { 'aws:PrincipalTag/table': table } });
    // Act
    const decisions = [
      await decide(grants.roleArn, grants, as('incidents'), undefined, ACCOUNT),
      await decide(grants.roleArn, grants, as('other'), undefined, ACCOUNT),
    ];
    // Assess
    expect(decisions).toEqual(['Allowed', 'ImplicitlyDenied']);
  });

  it('a role granted the whole table is decided once for every item, not once per item', async () => {
    // Prepare
    const grants = role({});
    await decide(grants.roleArn, grants, update('INC#warm'), undefined, ACCOUNT);
    const before = evaluationsMade();
    // Act: a thousand items, each with its own leading key.
    for (let i = 0; i < 1000; i += 1) expect(await decide(grants.roleArn, grants, update(`INC#inc-${i}`), undefined, ACCOUNT)).toBe('Allowed');
    // Assess
    expect(evaluationsMade() - before).toBe(0);
  });
});
