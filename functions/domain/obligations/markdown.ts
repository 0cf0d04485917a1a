import { clockText } from './record.js';
import { momentName } from './evaluate.js';
import { OBLIGATIONS, type ObligationRow, type TriggerCondition } from './table.js';

export const TABLE_START = '<!-- obligations-table:start (generated from functions/domain/obligations/table.ts: npx tsx local/docs/obligations-table.ts) -->';
export const TABLE_END = '<!-- obligations-table:end -->';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function conditionText(c: TriggerCondition): string {
  const parts: string[] = [];
  if (c.countries)
    parts.push(
      c.countries.length > 6
        ? `customers in ${c.countries.length} countries (${c.countries.slice(0, 3).join(', ')} ...)`
        : `customers in ${c.countries.join(', ')}`,
    );
  if (c.minAffected !== undefined) parts.push(`${c.minAffected}+ of them`);
  if (c.dataCategories) parts.push(`data: any of ${c.dataCategories.join(', ')}`);
  if (c.sectors) parts.push(`sector ${c.sectors.join(' or ')}`);
  if (c.minSeverity) parts.push(`severity ${c.minSeverity}+`);
  return parts.join('; ');
}

/** The README's table of the rows, one line each: kept in step with the module by a test. */
export function obligationsMarkdown(rows: readonly ObligationRow[] = OBLIGATIONS): string {
  const header = ['id', 'jurisdiction', 'law', 'notify', 'applies when', 'clock', 'reminders', 'what it asks (our summary)', 'sources', 'checked'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) {
    lines.push(
      `| ${[
        `\`${r.id}\``,
        r.jurisdiction,
        r.law,
        `${r.notify.join(', ')}: ${r.recipient}`,
        r.when.map(conditionText).join(' **or** '),
        clockText(r.clock, momentName(r.clock.from)),
        r.reminders.join(', ') || 'none',
        r.caveat ? `${r.summary} *${r.caveat}*` : r.summary,
        r.sources.map((u, i) => `[${i + 1}](${u})`).join(' '),
        r.checked,
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return [TABLE_START, ...lines, TABLE_END].join('\n');
}
