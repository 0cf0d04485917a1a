import type { Locale } from './locales.js';
import { supportedLocales } from './locales.js';

/**
 * SES stored templates. The stack deploys exactly these and the local twin loads exactly these,
 * so the variables below are the contract between drafting and delivery.
 * Handlebars: `{{x}}` is HTML-escaped by SES; lists use `{{#each}}`.
 */
export const noticeKinds = ['first-notice', 'update', 'final-report'] as const;
export type TemplateKind = (typeof noticeKinds)[number];

export interface EmailTemplate {
  name: string;
  subject: string;
  html: string;
  text: string;
}

export function templateName(prefix: string, kind: TemplateKind, locale: Locale): string {
  return `${prefix}-${kind}-${locale}`;
}

const noticeBody = {
  en: {
    greeting: 'Dear {{customerName}},',
    yourData: 'What this means for you: the information of yours involved is your {{affectedData}}.',
    happened: 'What happened',
    done: 'What we have done',
    todo: 'What you should do now',
    contact: 'How to reach us',
    next: 'Our next update will come by {{nextUpdate}}.',
    footer: 'Reference: {{incidentId}}. This message was sent to you because your account was affected.',
  },
  'zh-CN': {
    greeting: '尊敬的{{customerName}}：',
    yourData: '与您相关的信息：您的{{affectedData}}。',
    happened: '发生了什么',
    done: '我们已采取的措施',
    todo: '您现在应该做什么',
    contact: '联系我们',
    next: '我们将在{{nextUpdate}}之前发布下一次更新。',
    footer: '参考编号：{{incidentId}}。您收到此邮件是因为您的账户受到影响。',
  },
} as const;

function noticeTemplate(kind: 'first-notice' | 'update', locale: Locale, prefix: string): EmailTemplate {
  const t = noticeBody[locale];
  const list = (key: string) => `<ul>{{#each ${key}}}<li>{{this}}</li>{{/each}}</ul>`;
  const textList = (key: string) => `{{#each ${key}}}- {{this}}\n{{/each}}`;
  return {
    name: templateName(prefix, kind, locale),
    subject: '{{subject}}',
    html: [
      `<p>${t.greeting}</p>`,
      '<p>{{headline}}</p>',
      `<h3>${t.happened}</h3><p>{{whatHappened}}</p>`,
      `<p><strong>${t.yourData}</strong></p>`,
      `<h3>${t.done}</h3>${list('actionsTaken')}`,
      `<h3>${t.todo}</h3>${list('customerSteps')}`,
      `<h3>${t.contact}</h3><p>{{contact}}</p>`,
      `<p>${t.next}</p>`,
      `<p><small>${t.footer}</small></p>`,
    ].join('\n'),
    text: [
      t.greeting,
      '',
      '{{headline}}',
      '',
      `${t.happened}:`,
      '{{whatHappened}}',
      '',
      t.yourData,
      '',
      `${t.done}:`,
      textList('actionsTaken'),
      `${t.todo}:`,
      textList('customerSteps'),
      `${t.contact}: {{contact}}`,
      '',
      t.next,
      '',
      t.footer,
    ].join('\n'),
  };
}

const reportBody = {
  en: {
    subject: 'Final report: incident {{incidentId}} ({{title}})',
    intro: 'Incident {{incidentId}} is closed. This is the final report of the customer communication.',
    counts: 'Delivery figures',
    notices: 'Notices and approvals',
    timeline: 'Timeline',
  },
  'zh-CN': {
    subject: '最终报告：事件 {{incidentId}}（{{title}}）',
    intro: '事件 {{incidentId}} 已关闭。以下是客户沟通的最终报告。',
    counts: '送达统计',
    notices: '通知与审批',
    timeline: '时间线',
  },
} as const;

function reportTemplate(locale: Locale, prefix: string): EmailTemplate {
  const t = reportBody[locale];
  return {
    name: templateName(prefix, 'final-report', locale),
    subject: t.subject,
    html: [
      `<p>${t.intro}</p>`,
      `<h3>${t.counts}</h3><ul>{{#each deliveryLines}}<li>{{this}}</li>{{/each}}</ul>`,
      `<h3>${t.notices}</h3><ul>{{#each noticeLines}}<li>{{this}}</li>{{/each}}</ul>`,
      `<h3>${t.timeline}</h3><ol>{{#each timelineLines}}<li>{{this}}</li>{{/each}}</ol>`,
    ].join('\n'),
    text: [
      t.intro,
      '',
      `${t.counts}:`,
      '{{#each deliveryLines}}- {{this}}\n{{/each}}',
      `${t.notices}:`,
      '{{#each noticeLines}}- {{this}}\n{{/each}}',
      `${t.timeline}:`,
      '{{#each timelineLines}}- {{this}}\n{{/each}}',
    ].join('\n'),
  };
}

/** Every template the system sends with, for all supported locales. */
export function allEmailTemplates(prefix: string): EmailTemplate[] {
  return supportedLocales.flatMap((locale) => [
    noticeTemplate('first-notice', locale, prefix),
    noticeTemplate('update', locale, prefix),
    reportTemplate(locale, prefix),
  ]);
}
