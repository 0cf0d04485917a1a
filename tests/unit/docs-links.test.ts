import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function markdownFiles(): string[] {
  const docs = join(ROOT, 'docs');
  const inDocs = existsSync(docs)
    ? readdirSync(docs, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(docs, f))
    : [];
  return [join(ROOT, 'README.md'), join(ROOT, 'CHANGELOG.md'), ...inDocs].filter((f) => existsSync(f));
}

/** The text without fenced code blocks, where a line is neither a heading nor a link. */
const unfenced = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');
/** ... and without inline code, where a bracket is not a link. */
const prose = (text: string) => unfenced(text).replace(/`[^`\n]*`/g, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of unfenced(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every relative link target of a file: `[text](target)`, without web or mail addresses. */
function relativeLinks(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** What is wrong with each relative link of `file`: a missing file, or a heading the target lacks. */
function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const problems: string[] = [];
  for (const link of relativeLinks(text)) {
    const [path = '', anchor] = link.split('#');
    const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(target)) {
      problems.push(`${link}: no such file`);
      continue;
    }
    if (anchor && statSync(target).isFile() && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
      problems.push(`${link}: ${relative(ROOT, target)} has no heading #${anchor}`);
    }
  }
  return problems;
}

describe('links between the docs', () => {
  it('finds the README and the docs', () => {
    expect(markdownFiles().map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
  });

  it.each(markdownFiles().map((f) => relative(ROOT, f)))('every relative link in %s points to a file (and heading) that exists', (file) => {
    expect(brokenLinks(join(ROOT, file))).toEqual([]);
  });

  it('catches a link to a missing file or heading, and skips web addresses and code', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'docs-links-'));
    writeFileSync(join(dir, 'b.md'), "# B\n## Regulators' clocks\n## `npm run preflight`\n## Twice\n## Twice\n");
    const a = join(dir, 'a.md');
    writeFileSync(
      a,
      '[1](none.md) [2](b.md#nowhere) [3](b.md#regulators-clocks) [4](b.md#npm-run-preflight) [5](b.md#twice-1) [6](https://example.com/x) `[7](no.md)`\n',
    );
    // Act
    const problems = brokenLinks(a);
    // Assess
    expect(problems).toEqual(['none.md: no such file', expect.stringMatching(/^b\.md#nowhere: .*b\.md has no heading #nowhere$/)]);
  });
});
