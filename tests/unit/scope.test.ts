import { describe, expect, it } from 'vitest';
import { resolveScope, scopeRequestSchema, type Holdings, type ScopeDecision, type ScopeResolver } from '../../functions/domain/scope.js';
import { parseIdList, parseScopeFlags } from '../../local/tools/scope-flags.js';
import { UsageError } from '../../local/tools/facts-flags.js';

/** A directory of five customers: c1, c2 on the alarm's bucket; c3 on another; c4 nowhere; c5 in FR. */
const directory: Record<string, { country: string; holdings: Record<string, string[]> }> = {
  c1: { country: 'DE', holdings: { 'alarm-bucket': ['email', 'name'] } },
  c2: { country: 'GB', holdings: { 'alarm-bucket': ['email'], other: ['payment-card'] } },
  c3: { country: 'DE', holdings: { other: ['payment-card'] } },
  c4: { country: 'GB', holdings: {} },
  c5: { country: 'FR', holdings: { other: ['email'] } },
};

const resolver: ScopeResolver = {
  onResources: async (resources) => {
    const out: Holdings = new Map();
    for (const [id, c] of Object.entries(directory)) {
      for (const r of resources) for (const cat of c.holdings[r] ?? []) out.set(id, (out.get(id) ?? new Set()).add(cat));
    }
    return out;
  },
  everyone: async () => new Map(Object.entries(directory).map(([id, c]) => [id, new Set(Object.values(c.holdings).flat())])),
  byIds: async (ids) => new Map(ids.filter((id) => id in directory).map((id) => [id, new Set(Object.values(directory[id]!.holdings).flat())])),
  countries: async (ids) => new Map(ids.map((id) => [id, directory[id]?.country ?? ''])),
};

let version = 0;
const decision = (request: Record<string, unknown>): ScopeDecision => ({
  ...scopeRequestSchema.parse({ reason: 'investigation', ...request }),
  version: ++version,
  decidedBy: 'lead',
  decidedAt: '2026-11-20T09:00:00.000Z',
});
const audience = (holdings: Holdings) => Object.fromEntries([...holdings].map(([id, c]) => [id, [...c].sort()]).sort());

describe('scope decisions, folded in order over the alarm scope', () => {
  it("without a decision: the customers on the alarm's resources", async () => {
    const out = await resolveScope(['alarm-bucket'], [], resolver);
    expect(audience(out.holdings)).toEqual({ c1: ['email', 'name'], c2: ['email'] });
    expect(out.none).toBe(false);
  });

  it('an unmapped resource and "all customers": everyone in the directory, with every category they hold', async () => {
    const out = await resolveScope(['unmapped'], [decision({ basis: 'all' })], resolver);
    expect(Object.keys(audience(out.holdings))).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(audience(out.holdings).c2).toEqual(['email', 'payment-card']);
  });

  it('a segment narrows by country and by data category; a customer left with no listed category is out', async () => {
    const out = await resolveScope(['unmapped'], [decision({ basis: 'all', countries: ['de'], dataCategories: ['payment-card'] })], resolver);
    // c1 is in DE but holds no payment card; c2 holds one but is in GB.
    expect(audience(out.holdings)).toEqual({ c3: ['payment-card'] });
  });

  it('widen (add) keeps the audience so far and adds; narrow (remove) takes customers out; replace starts again', async () => {
    const widened = await resolveScope(['alarm-bucket'], [decision({ basis: 'resources', resources: ['other'], mode: 'add' })], resolver);
    expect(audience(widened.holdings)).toEqual({ c1: ['email', 'name'], c2: ['email', 'payment-card'], c3: ['payment-card'], c5: ['email'] });
    const narrowed = await resolveScope(
      ['alarm-bucket'],
      [decision({ basis: 'resources', resources: ['other'], mode: 'add' }), decision({ basis: 'ids', customerIds: ['c2', 'c5'], mode: 'remove' })],
      resolver,
    );
    expect(Object.keys(audience(narrowed.holdings))).toEqual(['c1', 'c3']);
    const replaced = await resolveScope(
      ['alarm-bucket'],
      [decision({ basis: 'resources', resources: ['other'], mode: 'add' }), decision({ basis: 'ids', customerIds: ['c4'] })],
      resolver,
    );
    expect(Object.keys(audience(replaced.holdings))).toEqual(['c4']);
  });

  it('an id list counts the ids the directory does not know', async () => {
    const out = await resolveScope(['unmapped'], [decision({ basis: 'ids', customerIds: ['c1', 'nobody', 'ghost', 'c1'] })], resolver);
    expect(Object.keys(audience(out.holdings))).toEqual(['c1']);
    expect(out.unknownIds).toBe(2);
  });

  it('"nobody is affected" empties the audience and says so; a later decision overrides it', async () => {
    const none = await resolveScope(['alarm-bucket'], [decision({ basis: 'none' })], resolver);
    expect(none).toMatchObject({ none: true });
    expect(none.holdings.size).toBe(0);
    const after = await resolveScope(['alarm-bucket'], [decision({ basis: 'none' }), decision({ basis: 'alarm' })], resolver);
    expect(after.none).toBe(false);
    expect(after.holdings.size).toBe(2);
  });

  it('refuses a decision without a reason, a basis without its list, and "none" with a segment', () => {
    expect(scopeRequestSchema.safeParse({ basis: 'all' }).success).toBe(false);
    expect(scopeRequestSchema.safeParse({ basis: 'resources', reason: 'r' }).success).toBe(false);
    expect(scopeRequestSchema.safeParse({ basis: 'ids', reason: 'r' }).success).toBe(false);
    expect(scopeRequestSchema.safeParse({ basis: 'all', resources: ['x'], reason: 'r' }).success).toBe(false);
    expect(scopeRequestSchema.safeParse({ basis: 'none', countries: ['DE'], reason: 'r' }).success).toBe(false);
    expect(scopeRequestSchema.safeParse({ basis: 'all', countries: ['Germany'], reason: 'r' }).success).toBe(false);
  });
});

describe('npm run incident -- scope flags', () => {
  it('reads a basis, a segment, a mode and the reason', () => {
    expect(parseScopeFlags(['--resources', 'arn:a, arn:b', '--country', 'DE,FR', '--category', 'email', '--add', '--reason', 'logs show both'])).toEqual({
      basis: 'resources',
      resources: ['arn:a', 'arn:b'],
      countries: ['DE', 'FR'],
      dataCategories: ['email'],
      mode: 'add',
      reason: 'logs show both',
    });
    expect(parseScopeFlags(['--country', 'DE', '--reason', 'only Germany'])).toMatchObject({ basis: 'alarm', countries: ['DE'] });
  });

  it('refuses two bases, a missing reason and unknown flags', () => {
    expect(() => parseScopeFlags(['--all', '--none', '--reason', 'x'])).toThrow(UsageError);
    expect(() => parseScopeFlags(['--all'])).toThrow(/--reason/);
    expect(() => parseScopeFlags(['--everyone', '--reason', 'x'])).toThrow(UsageError);
  });

  it('reads an id list: one per line or a CSV first column, header, blanks and comments skipped', () => {
    expect(parseIdList('customer_id,email\nc1,a@example.com\n\n# vip\n"c2",b@example.com\r\nc3\n')).toEqual(['c1', 'c2', 'c3']);
  });
});
