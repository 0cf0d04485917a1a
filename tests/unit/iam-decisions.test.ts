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

  it('a leading-key grant is evaluated once per pattern class, not once per item', async () => {
    // Prepare: the item grants' shape, prefixes with a Null guard
    const grants = role({
      Condition: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['EVIDENCE#*', 'COUNTS#*'] },
        Null: { 'dynamodb:LeadingKeys': 'false' },
      },
    });
    const before = evaluationsMade();
    // Act: a thousand items of one prefix, a hundred outside every prefix
    const allowed = [];
    for (let i = 0; i < 1000; i += 1) allowed.push(await decide(grants.roleArn, grants, update(`EVIDENCE#inc-1#cust-${i}`), undefined, ACCOUNT));
    const denied = [];
    for (let i = 0; i < 100; i += 1) denied.push(await decide(grants.roleArn, grants, update(`INC#inc-${i}`), undefined, ACCOUNT));
    // Assess: two classes, each evaluated again on its first reuse and then one answer in 64, to check the class
    expect(new Set(allowed)).toEqual(new Set(['Allowed']));
    expect(new Set(denied)).toEqual(new Set(['ImplicitlyDenied']));
    expect(evaluationsMade() - before).toBeLessThanOrEqual(2 + 2 + Math.ceil(1100 / 64));
  });

  it('checks a class on its first reuse, however rarely it is used', async () => {
    // Prepare
    const grants = role({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RARE#*'] } } });
    const before = evaluationsMade();
    // Act: a class used twice, then a third time
    await decide(grants.roleArn, grants, update('RARE#1'), undefined, ACCOUNT);
    await decide(grants.roleArn, grants, update('RARE#2'), undefined, ACCOUNT);
    const afterTwo = evaluationsMade() - before;
    await decide(grants.roleArn, grants, update('RARE#3'), undefined, ACCOUNT);
    // Assess: both evaluated (the second compared with the first), the third from the cache
    expect(afterTwo).toBe(2);
    expect(evaluationsMade() - before).toBe(2);
  });

  it('answers from a pattern class as IAM answers each value on its own', async () => {
    // Prepare: every string operator, wildcards, case, and values that differ only where a matcher could slip
    const condition = {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['EVID?NCE#*', 'A.B*', 'x*y'] },
      'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': ['*#secret'] },
      StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'Ops' },
      StringNotEquals: { 'aws:PrincipalTag/stage': ['prod', 'p*'] },
    };
    const shared = role({ Condition: condition });
    const values = ['EVIDENCE#1', 'EVIDANCE#1', 'evidence#1', 'EVIDNCE#1', 'EVIDENCE#1#secret', 'A.B', 'AxB', 'A.B.C', 'xy', 'x\ny', 'x*y', 'y'];
    const teams = ['Ops', 'OPS', 'ops', 'Op', 'Ops '];
    const stages = ['prod', 'p*', 'pr', 'dev'];
    for (const key of values)
      for (const team of teams)
        for (const stage of stages) {
          const request = {
            action: 'dynamodb:UpdateItem',
            resource: TABLE,
            context: { 'dynamodb:LeadingKeys': [key, 'EVIDENCE#2'], 'aws:PrincipalTag/team': team, 'aws:PrincipalTag/stage': stage },
          };
          // Act: the shared role's cache against a fresh copy of the role, which has none
          const cached = await decide(shared.roleArn, shared, request, undefined, ACCOUNT);
          const fresh = role({ Condition: condition });
          const whole = await decide(fresh.roleArn, fresh, request, undefined, ACCOUNT);
          // Assess
          expect({ key, team, stage, cached }).toEqual({ key, team, stage, cached: whole });
        }
  });

  it('tells a value from a list holding it, as a single-valued operator does', async () => {
    // Prepare
    const grants = role({ Condition: { StringLike: { 'aws:PrincipalTag/team': 'ops*' } } });
    const as = (team: string | string[]) => ({ action: 'dynamodb:UpdateItem', resource: TABLE, context: { 'aws:PrincipalTag/team': team } });
    // Act
    const single = await decide(grants.roleArn, grants, as('ops1'), undefined, ACCOUNT);
    const list = await decide(grants.roleArn, grants, as(['ops1']), undefined, ACCOUNT);
    const uncached = async (team: string | string[]) => {
      const fresh = role({ Condition: { StringLike: { 'aws:PrincipalTag/team': 'ops*' } } });
      return decide(fresh.roleArn, fresh, as(team), undefined, ACCOUNT);
    };
    // Assess: each as IAM answers it uncached (a plain operator given a list does not match)
    expect(single).toBe(await uncached('ops1'));
    expect(list).toBe(await uncached(['ops1']));
    expect(list).not.toBe(single);
  });
});
