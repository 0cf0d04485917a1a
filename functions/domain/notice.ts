import { htmlEscaped } from './email-templates.js';
import type { AlarmSource, ImpactSummary } from './incident.js';
import { dataCategoryLabel, formatList, formatTime, type Locale } from './locales.js';

export type NoticeKind = 'first-notice' | 'update';

/** The approved wording of one notice in one locale: the incident-wide part of the template data. */
export interface NoticeContent {
  subject: string;
  headline: string;
  whatHappened: string;
  actionsTaken: string[];
  customerSteps: string[];
  contact: string;
  nextUpdate: string;
  /** SMS body; `{affectedData}` is replaced per customer. */
  sms: string;
  /** The fields the email's HTML part shows, HTML-escaped (operator notes are free text). */
  html: NoticeHtml;
}

export type NoticeHtml = Pick<NoticeContent, 'headline' | 'whatHappened' | 'actionsTaken' | 'customerSteps' | 'contact' | 'nextUpdate'> & { incidentId: string };

export interface CompanyProfile {
  name: string;
  contact: string;
  incidentPageUrl: string;
}

export interface DraftInput {
  kind: NoticeKind;
  sequence: number;
  incident: {
    incidentId: string;
    source: AlarmSource;
    firstSeenAt: string;
    impact: ImpactSummary;
  };
  /** Operator-entered progress notes since the last notice, oldest first. */
  progressNotes: string[];
  company: CompanyProfile;
  nextUpdateAt: string;
}

const kindPhrase: Record<AlarmSource, Record<Locale, string>> = {
  guardduty: { en: 'unauthorised activity on systems', 'zh-CN': '系统上的未经授权的活动' },
  securityhub: { en: 'a security weakness being exploited in systems', 'zh-CN': '系统中的安全漏洞被利用' },
  macie: { en: 'customer information being exposed in a storage location', 'zh-CN': '存储位置中的客户信息被暴露' },
  cloudwatch: { en: 'abnormal activity on systems', 'zh-CN': '系统上的异常活动' },
  manual: { en: 'a security incident involving systems', 'zh-CN': '涉及系统的安全事件' },
};

const sensitive = new Set(['password', 'payment_card', 'bank_account', 'government_id', 'crypto_assets', 'api_keys']);

/** Advice follows the data involved; every customer gets the phishing warning. */
function stepsFor(categories: string[], locale: Locale): string[] {
  const en = locale === 'en';
  const steps: string[] = [];
  if (categories.includes('password'))
    steps.push(en ? 'Change your password now, and anywhere else you used the same one.' : '请立即修改密码，并修改其他使用相同密码的账户。');
  if (categories.some((c) => sensitive.has(c)))
    steps.push(en ? 'Turn on two-factor authentication in your account settings.' : '请在账户设置中开启双重验证。');
  if (categories.some((c) => ['payment_card', 'bank_account', 'crypto_assets', 'transaction_history'].includes(c)))
    steps.push(
      en
        ? 'Check your recent transactions and tell us at once about any you do not recognise.'
        : '请检查近期交易记录，如发现任何不明交易请立即告知我们。',
    );
  if (categories.includes('api_keys')) steps.push(en ? 'Revoke and reissue your API keys.' : '请撤销并重新生成您的 API 密钥。');
  steps.push(
    en
      ? 'Be wary of emails, calls or messages that mention this incident and ask for passwords or codes: we will never ask for them.'
      : '请警惕提及此事件并索要密码或验证码的邮件、电话或短信：我们绝不会向您索要这些信息。',
  );
  return steps;
}

/** Drafts the wording for one locale. Plain words; approvers review it before anyone sees it. */
export function draftNotice(input: DraftInput, locale: Locale): NoticeContent {
  const { incident, company } = input;
  const en = locale === 'en';
  const when = formatTime(incident.firstSeenAt, locale);
  const nextUpdate = formatTime(input.nextUpdateAt, locale);
  const categories = Object.keys(incident.impact.byDataCategory).sort();
  const dataList = formatList(categories.map((c) => dataCategoryLabel(c, locale)), locale);
  const count = incident.impact.affectedCustomers;
  const phrase = kindPhrase[incident.source][locale];
  const first = input.kind === 'first-notice';

  const whatHappened = en
    ? `On ${when} our security monitoring detected ${phrase} that hold customer information. ` +
      `${count} customer${count === 1 ? '' : 's'} may be affected. The information involved is: ${dataList}.`
    : `${when}，我们的安全监控发现了${phrase}，这些系统存有客户信息。可能受影响的客户共 ${count} 位。涉及的信息包括：${dataList}。`;

  const actionsTaken = [
    en
      ? 'Our security response team was alerted at once and is investigating.'
      : '我们的安全响应团队已第一时间收到警报并正在调查。',
    ...input.progressNotes,
  ];
  if (!first && input.progressNotes.length === 0)
    actionsTaken.push(en ? 'The investigation continues; there is no new finding since our last message.' : '调查仍在进行中；自上次通知以来暂无新的发现。');

  const contact = en
    ? `Write to ${company.contact} or visit ${company.incidentPageUrl} for updates and answers to common questions.`
    : `请发送邮件至 ${company.contact}，或访问 ${company.incidentPageUrl} 查看最新进展和常见问题解答。`;

  const subject = first
    ? en
      ? `Important: a security incident at ${company.name} affected your information`
      : `重要通知：${company.name} 发生的安全事件涉及您的信息`
    : en
      ? `Update ${input.sequence - 1} on the security incident at ${company.name}`
      : `${company.name} 安全事件的第 ${input.sequence - 1} 次更新`;

  const headline = first
    ? en
      ? `We are writing to tell you about a security incident at ${company.name} that involved some of your information.`
      : `我们特此告知您，${company.name} 发生了一起涉及您部分信息的安全事件。`
    : en
      ? `This is an update on the security incident we told you about.`
      : `这是关于我们此前通知您的安全事件的最新进展。`;

  const sms = en
    ? `${company.name}: a security incident on ${when} involved your {affectedData}. We have emailed you the details and what to do. Updates: ${company.incidentPageUrl}`
    : `${company.name}：${when}发生的安全事件涉及您的{affectedData}。详情及应对措施已发送至您的邮箱。最新进展：${company.incidentPageUrl}`;

  const customerSteps = stepsFor(categories, locale);
  return {
    subject,
    headline,
    whatHappened,
    actionsTaken,
    customerSteps,
    contact,
    nextUpdate,
    sms,
    html: htmlEscaped({ headline, whatHappened, actionsTaken, customerSteps, contact, nextUpdate, incidentId: incident.incidentId }),
  };
}

/**
 * The per-customer part of the template data (it reaches SES only, never the workflow): plain for the
 * text part and SMS, escaped for the HTML part. Flat keys, so a per-destination merge over the
 * notice's data never replaces its `html` object.
 */
export function customerReplacementData(
  name: string,
  categories: string[],
  locale: Locale,
): { customerName: string; affectedData: string; customerNameHtml: string; affectedDataHtml: string } {
  const affectedData = formatList(categories.map((c) => dataCategoryLabel(c, locale)), locale);
  return { customerName: name, affectedData, customerNameHtml: htmlEscaped(name), affectedDataHtml: htmlEscaped(affectedData) };
}

export function renderSms(content: NoticeContent, affectedData: string): string {
  return content.sms.replace('{affectedData}', affectedData);
}

export function isSensitiveCategory(category: string): boolean {
  return sensitive.has(category);
}
