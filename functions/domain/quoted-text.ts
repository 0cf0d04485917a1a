import { escapeHtml } from './preview.js';

/** Line breaks of every kind, including those a mail client may honour that `\n` splitting misses. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
/** Other control characters and the bidirectional overrides that can make text read as something it is not. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (they are dropped from quoted text).
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Someone else's text as lines of plain text, tabs kept, invisible controls dropped. */
function quotedLines(text: string): string[] {
  return text.split(LINE_BREAK).map((line) => line.replace(INVISIBLE, ''));
}

/**
 * Someone else's text (a customer's question) quoted in a plain-text email: every line starts with
 * "> ", so however it is written no line of it can pass for one of the email's own lines (a link to
 * approve, a code).
 */
export function quoteText(text: string): string {
  return quotedLines(text.trim())
    .map((line) => (line.trim() === '' ? '>' : `> ${line}`))
    .join('\n');
}

/** The same text in an email's HTML: escaped, a line per line, inside a blockquote. */
export function quoteHtml(text: string): string {
  return `<blockquote>${quotedLines(text.trim()).map(escapeHtml).join('<br>')}</blockquote>`;
}
