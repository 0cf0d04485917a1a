import { obligationsMarkdown } from '../functions/domain/obligations/markdown.js';

/** Prints the regulators' obligations as the README's markdown table (tests/unit/obligations.test.ts keeps them equal). */
console.log(obligationsMarkdown());
