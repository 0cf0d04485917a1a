import { escapeHtml } from '../../functions/domain/preview.js';
import type { QuestionView } from '../../functions/steps/answer-question.js';

/** The console's "Customers' questions": text, answer and FAQ state; never the address, only whether there is one. */
export function questionsSection(incidentId: string, questions: readonly QuestionView[]): string {
  const rows = questions.map(
    (q) =>
      `<tr><td>${escapeHtml(q.questionId)}</td><td>${escapeHtml(q.locale)}</td><td>${escapeHtml(q.askedAt)}</td><td>${escapeHtml(q.text)}</td>` +
      `<td>${q.hasAddress ? `yes${q.emailed ? ' (emailed)' : ''}` : 'no'}</td>` +
      `<td>${q.answer ? `${escapeHtml(q.answer.text)} <small>(${escapeHtml(q.answer.by)}, ${escapeHtml(q.answer.locale)})</small>` : 'open'}</td>` +
      `<td>${escapeHtml(q.faq ?? '-')}${q.faqReason ? `: ${escapeHtml(q.faqReason)}` : ''}</td></tr>`,
  );
  return (
    `<h2>Customers' questions</h2><p>Answer with npm run incident -- answer ${escapeHtml(incidentId)} QUESTION_ID --locale L --text TEXT [--faq]; a FAQ answer reaches the page only once approvers approve it.</p>` +
    `<table><tr><th>Question</th><th>Locale</th><th>Asked</th><th>Text</th><th>Address</th><th>Answer</th><th>FAQ</th></tr>${rows.join('') || '<tr><td colspan="7">none</td></tr>'}</table>`
  );
}
