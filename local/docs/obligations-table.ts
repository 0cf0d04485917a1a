import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { obligationsMarkdown, TABLE_END, TABLE_START } from '../../functions/domain/obligations/markdown.js';

/** Writes the regulators' obligations into docs/regulators.md between its markers (tests/unit/obligations.test.ts keeps them equal). */
const doc = fileURLToPath(new URL('../../docs/regulators.md', import.meta.url));
const before = readFileSync(doc, 'utf8');
const start = before.indexOf(TABLE_START);
const end = before.indexOf(TABLE_END);
if (start < 0 || end < start) throw new Error(`docs/regulators.md has no ${TABLE_START} ... ${TABLE_END} block`);
const after = before.slice(0, start) + obligationsMarkdown() + before.slice(end + TABLE_END.length);
if (after === before) console.log('docs/regulators.md: the table is current');
else {
  writeFileSync(doc, after);
  console.log('docs/regulators.md: table rewritten from functions/domain/obligations/table.ts');
}
