import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changesOnly, diffLines } from '../../functions/domain/diff.js';

describe('diffLines', () => {
  it('shows a changed measure as a removal and an addition, and keeps the rest', () => {
    const before = ['We are sorry.', 'We closed the bucket.', 'Call us.'];
    const after = ['We are sorry.', 'We closed the bucket.', 'We rotated keys.', 'Call us.'];
    expect(changesOnly(diffLines(before, after))).toEqual([{ op: 'added', line: 'We rotated keys.' }]);
    expect(changesOnly(diffLines(after, before))).toEqual([{ op: 'removed', line: 'We rotated keys.' }]);
    expect(changesOnly(diffLines(before, before))).toEqual([]);
  });

  it('the same and removed lines rebuild the old version, the same and added lines the new one, with as few changes as possible', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (before, after) => {
        const diff = diffLines(before, after);
        expect(diff.filter((d) => d.op !== 'added').map((d) => d.line)).toEqual(before);
        expect(diff.filter((d) => d.op !== 'removed').map((d) => d.line)).toEqual(after);
        // Minimal: the unchanged lines are a longest common subsequence.
        const same = diff.filter((d) => d.op === 'same').length;
        const lcs = (x: string[], y: string[]): number =>
          x.length === 0 || y.length === 0 ? 0 : x[0] === y[0] ? 1 + lcs(x.slice(1), y.slice(1)) : Math.max(lcs(x.slice(1), y), lcs(x, y.slice(1)));
        if (before.length + after.length <= 14) expect(same).toBe(lcs(before, after));
      }),
      { numRuns: 200 },
    );
  });
});
