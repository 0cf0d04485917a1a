import { changesOnly, diffLines, type DiffLine } from './diff.js';
import { factsGaps, type FactsVersion } from './facts.js';
import type { Notice, ProgressNote } from './incident.js';
import { catalogues, type Locale } from './locales.js';
import { escapeHtml, noticePreviewHtml, noticePreviewText, noticeTextForDiff, type PreviewContext } from './preview.js';

/** What approvers review besides the wording: the version, what changed and where the languages disagree. */
export interface ReviewInput {
  notice: Notice;
  /** The last notice of the incident approved before this one, if any. */
  lastApproved?: Notice;
  facts?: Pick<FactsVersion, 'locales'>;
  /** The team's internal notes since the last approved notice, oldest first. */
  notes: ProgressNote[];
  locales: readonly Locale[];
  preview: PreviewContext;
}

interface Comparison {
  heading: string;
  byLocale: [Locale, DiffLine[]][];
}

function comparisons(r: ReviewInput, reader: Locale): Comparison[] {
  const t = catalogues[reader].review;
  const present = r.locales.filter((l) => r.notice.content[l]);
  const against = (label: string, before: (l: Locale) => string[] | undefined): Comparison => ({
    heading: label,
    byLocale: present.map((l) => [l, changesOnly(diffLines(before(l) ?? [], noticeTextForDiff(r.notice.content[l]!, l)))]),
  });
  const out: Comparison[] = [];
  const replaced = r.notice.replacedVersion;
  if (replaced) out.push(against(t.changesSinceVersion({ version: replaced.version }), (l) => replaced.lines[l]));
  const last = r.lastApproved;
  if (last)
    out.push(against(t.changesSinceApproved({ noticeId: last.noticeId }), (l) => (last.content[l] ? noticeTextForDiff(last.content[l]!, l) : undefined)));
  return out;
}

/** The review block of an approval email or page, in the reader's language; the wording in every locale. */
export function reviewHtml(r: ReviewInput, reader: Locale): string {
  const t = catalogues[reader].review;
  const gaps = factsGaps(r.facts, r.locales);
  const diffs = comparisons(r, reader).map(
    (c) =>
      `<h3>${escapeHtml(c.heading)}</h3>` +
      c.byLocale
        .map(([l, lines]) =>
          lines.length === 0
            ? `<p lang="${l}"><strong>${l}</strong>: ${escapeHtml(t.noChanges)}</p>`
            : `<p><strong>${l}</strong></p><ul lang="${l}">${lines
                .map((d) =>
                  d.op === 'added'
                    ? `<li><ins style="background:#d1e7dd">+ ${escapeHtml(d.line)}</ins></li>`
                    : `<li><del style="background:#f8d7da">- ${escapeHtml(d.line)}</del></li>`,
                )
                .join('')}</ul>`,
        )
        .join(''),
  );
  return [
    `<p><strong>${escapeHtml(t.version({ version: r.notice.version, factsVersion: r.notice.factsVersion }))}</strong></p>`,
    gaps.length > 0
      ? `<p style="color:#b02a37"><strong>${escapeHtml(t.gaps)}</strong></p><ul>${gaps.map((g) => `<li>${escapeHtml(g)}</li>`).join('')}</ul>`
      : '',
    r.lastApproved ? '' : `<p>${escapeHtml(t.nothingApprovedYet)}</p>`,
    ...diffs,
    r.notes.length > 0
      ? `<h3>${escapeHtml(t.notes)}</h3><ul>${r.notes.map((n) => `<li>${escapeHtml(`${n.at} ${n.author}: ${n.text}`)}</li>`).join('')}</ul>`
      : '',
    ...r.locales
      .filter((l) => r.notice.content[l])
      .map(
        (l) =>
          `<h3>${l}</h3><div class="notice" lang="${l}" style="border-left:3px solid #999;padding-left:1em">${noticePreviewHtml(r.notice.content[l]!, l, r.preview)}</div>`,
      ),
  ]
    .filter(Boolean)
    .join('\n');
}

export function reviewText(r: ReviewInput, reader: Locale): string {
  const t = catalogues[reader].review;
  const gaps = factsGaps(r.facts, r.locales);
  const diffs = comparisons(r, reader).map(
    (c) =>
      `${c.heading}:\n` +
      c.byLocale
        .map(([l, lines]) =>
          lines.length === 0 ? `[${l}] ${t.noChanges}` : `[${l}]\n${lines.map((d) => `${d.op === 'added' ? '+' : '-'} ${d.line}`).join('\n')}`,
        )
        .join('\n'),
  );
  return [
    t.version({ version: r.notice.version, factsVersion: r.notice.factsVersion }),
    gaps.length > 0 ? `${t.gaps}\n${gaps.map((g) => `- ${g}`).join('\n')}` : '',
    r.lastApproved ? '' : t.nothingApprovedYet,
    ...diffs,
    r.notes.length > 0 ? `${t.notes}:\n${r.notes.map((n) => `- ${n.at} ${n.author}: ${n.text}`).join('\n')}` : '',
    ...r.locales.filter((l) => r.notice.content[l]).map((l) => `--- ${l} ---\n${noticePreviewText(r.notice.content[l]!, l, r.preview)}`),
  ]
    .filter(Boolean)
    .join('\n\n');
}
