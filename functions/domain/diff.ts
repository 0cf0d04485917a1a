export type DiffLine = { op: 'same' | 'added' | 'removed'; line: string };

/**
 * Line diff by longest common subsequence: what approvers need to see between two versions of a
 * notice (a few dozen lines each), in order, removals before additions at each change.
 */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j]: common lines of before[i..] and after[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i]![j] = before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      out.push({ op: 'same', line: before[i]! });
      i += 1;
      j += 1;
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push({ op: 'removed', line: before[i]! });
      i += 1;
    } else {
      out.push({ op: 'added', line: after[j]! });
      j += 1;
    }
  }
  return out;
}

/** Only the changes; empty when the versions read the same. */
export const changesOnly = (diff: DiffLine[]) => diff.filter((d) => d.op !== 'same');
