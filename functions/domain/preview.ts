import { catalogues, type Locale } from './locales.js';
import { renderSms, type NoticeContent } from './notice.js';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The template's own headings, so the preview reads like the email. */
function previewTexts(locale: Locale) {
  const c = catalogues[locale];
  return { ...c.preview, labels: [c.noticeEmail.happened, c.noticeEmail.done, c.noticeEmail.todo, c.noticeEmail.contact] as const, next: c.noticeEmail.next };
}

/** The notice as a customer will read it, with placeholders for the per-customer parts. */
export function noticePreviewHtml(content: NoticeContent, locale: Locale): string {
  const p = previewTexts(locale);
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  return [
    `<p><strong>${escapeHtml(content.subject)}</strong></p>`,
    `<p>${escapeHtml(p.customerName)}</p>`,
    `<p>${escapeHtml(content.headline)}</p>`,
    `<h4>${p.labels[0]}</h4><p>${escapeHtml(content.whatHappened)}</p>`,
    `<p><em>${escapeHtml(p.affectedData)}</em></p>`,
    `<h4>${p.labels[1]}</h4>${list(content.actionsTaken)}`,
    `<h4>${p.labels[2]}</h4>${list(content.customerSteps)}`,
    `<h4>${p.labels[3]}</h4><p>${escapeHtml(content.contact)}</p>`,
    `<p>${escapeHtml(p.next({ nextUpdate: content.nextUpdate }))}</p>`,
    `<p><small>SMS: ${escapeHtml(renderSms(content, p.affectedData))}</small></p>`,
  ].join('\n');
}

export function noticePreviewText(content: NoticeContent, locale: Locale): string {
  const p = previewTexts(locale);
  return [
    content.subject,
    '',
    content.headline,
    '',
    `${p.labels[0]}: ${content.whatHappened}`,
    `${p.labels[1]}: ${content.actionsTaken.join(' / ')}`,
    `${p.labels[2]}: ${content.customerSteps.join(' / ')}`,
    `${p.labels[3]}: ${content.contact}`,
    p.next({ nextUpdate: content.nextUpdate }),
    `SMS: ${renderSms(content, p.affectedData)}`,
  ].join('\n');
}
