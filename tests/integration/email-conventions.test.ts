import { CreateEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { formatSender, SesEmailSender } from '../../functions/adapters/email-sender.js';
import { allEmailTemplates, noticeTemplateData, recipientTemplateData, templateName } from '../../functions/domain/email-templates.js';
import { summariseImpact } from '../../functions/domain/impact.js';
import { draftNotice, personaliseNotice, type DraftInput, type NoticeReader } from '../../functions/domain/notice.js';
import { LOCAL_CREDENTIALS } from '../../local/emulators/emulators.js';
import { endpoints, sesEmails, uniquePrefix } from '../support/local.js';

const impact = summariseImpact([
  { customerId: 'c1', locale: 'en-GB', country: 'GB', channels: ['email', 'sms'], dataCategories: ['email', 'password'] },
  { customerId: 'c2', locale: 'zh-CN', country: 'CN', channels: ['email'], dataCategories: ['email', 'email', 'payment_card'] },
  { customerId: 'c3', locale: 'zh-CN', country: 'CN', channels: ['email'], dataCategories: ['name'] },
]);
const input = (over: Partial<DraftInput> = {}): DraftInput => ({
  kind: 'first-notice',
  sequence: 1,
  incident: { incidentId: 'inc-20261120-0123456789ab', source: 'guardduty', firstSeenAt: '2026-11-20T03:12:00Z', impact },
  facts: { measures: [], advice: [], remedies: [] },
  company: { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com/s' },
  nextUpdateAt: '2026-11-27T03:12:00Z',
  ...over,
});
const wang: NoticeReader = { name: '王五', dataCategories: ['email', 'password'], timeZone: 'Asia/Shanghai' };

describe('email conventions on the SES emulator', () => {
  it("on the twin's SES: the customer's email comes from the display name, replies go to support, and the parts are whole", async () => {
    // Prepare: the stored template, as the stack and the twin create it.
    const prefix = uniquePrefix('conv');
    const ses = new SESv2Client({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().ses });
    const template = allEmailTemplates(prefix).find((t) => t.name === templateName(prefix, 'first-notice', 'zh-CN'))!;
    await ses.send(
      new CreateEmailTemplateCommand({ TemplateName: template.name, TemplateContent: { Subject: template.subject, Html: template.html, Text: template.text } }),
    );
    const content = draftNotice(input(), 'zh-CN');
    const to = `wang.${prefix}@example.com`;
    const sender = new SesEmailSender(ses, formatSender('示例公司安全团队', 'notices@example.com'), undefined, ['help@example.com']);
    // Act
    const [result] = await sender.sendBulk(template.name, noticeTemplateData(content), [
      { to, replacementData: recipientTemplateData(personaliseNotice(content, 'zh-CN', wang)) },
    ]);
    // Assess
    expect(result!.status).toBe('SUCCESS');
    const [mail] = (await sesEmails((e) => e.destination.to.includes(to))) as (Awaited<ReturnType<typeof sesEmails>>[number] & { replyTo: string[] })[];
    expect(mail!.from).toBe(formatSender('示例公司安全团队', 'notices@example.com'));
    expect(mail!.replyTo).toEqual(['help@example.com']);
    expect(mail!.body.html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(mail!.body.html).toContain('<p>尊敬的王五：</p>');
    expect(mail!.body.text).toContain('2026年11月20日 11:12（UTC+08:00）');
    expect(mail!.body.text).toContain('您收到此邮件，是因为您的部分信息涉及此次事件。');
  });
});
