import type { Locale } from './locales.js';
import type { NoticeContent } from './notice.js';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const placeholders: Record<Locale, { name: string; data: string; labels: [string, string, string, string]; next: (when: string) => string }> = {
  en: {
    name: '[customer name]',
    data: '[the data of theirs involved]',
    labels: ['What happened', 'What we have done', 'What you should do now', 'How to reach us'],
    next: (when) => `Our next update will come by ${when}.`,
  },
  'zh-CN': {
    name: '[客户姓名]',
    data: '[与其相关的数据]',
    labels: ['发生了什么', '我们已采取的措施', '您现在应该做什么', '联系我们'],
    next: (when) => `我们将在${when}之前发布下一次更新。`,
  },
};

/** The notice as a customer will read it, with placeholders for the per-customer parts. */
export function noticePreviewHtml(content: NoticeContent, locale: Locale): string {
  const p = placeholders[locale];
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  return [
    `<p><strong>${escapeHtml(content.subject)}</strong></p>`,
    `<p>${escapeHtml(p.name)}</p>`,
    `<p>${escapeHtml(content.headline)}</p>`,
    `<h4>${p.labels[0]}</h4><p>${escapeHtml(content.whatHappened)}</p>`,
    `<p><em>${escapeHtml(p.data)}</em></p>`,
    `<h4>${p.labels[1]}</h4>${list(content.actionsTaken)}`,
    `<h4>${p.labels[2]}</h4>${list(content.customerSteps)}`,
    `<h4>${p.labels[3]}</h4><p>${escapeHtml(content.contact)}</p>`,
    `<p>${escapeHtml(p.next(content.nextUpdate))}</p>`,
    `<p><small>SMS: ${escapeHtml(content.sms.replace('{affectedData}', p.data))}</small></p>`,
  ].join('\n');
}

export function noticePreviewText(content: NoticeContent, locale: Locale): string {
  const p = placeholders[locale];
  return [
    content.subject,
    '',
    content.headline,
    '',
    `${p.labels[0]}: ${content.whatHappened}`,
    `${p.labels[1]}: ${content.actionsTaken.join(' / ')}`,
    `${p.labels[2]}: ${content.customerSteps.join(' / ')}`,
    `${p.labels[3]}: ${content.contact}`,
    p.next(content.nextUpdate),
    `SMS: ${content.sms.replace('{affectedData}', p.data)}`,
  ].join('\n');
}
