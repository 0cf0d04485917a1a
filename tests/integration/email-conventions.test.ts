import { CreateEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { formatSender, SesEmailSender } from '../../functions/adapters/email-sender.js';
import { allEmailTemplates, noticeTemplateData, recipientTemplateData, templateName } from '../../functions/domain/email-templates.js';
import { summariseImpact } from '../../functions/domain/impact.js';
import { draftNotice, personaliseNotice, usesCaliforniaFormat, type DraftInput, type NoticeReader } from '../../functions/domain/notice.js';
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
    expect(mail!.body.text).toContain('2026年11月20日 11:12（北京时间）');
    expect(mail!.body.text).toContain('您收到此邮件，是因为您的部分信息涉及此次事件。');
  });

  it("on the twin's SES: a California resident's email is titled \"Notice of Data Breach\" under the statute's headings, a Texan's is not, from one bulk call", async () => {
    // Prepare
    const prefix = uniquePrefix('ca');
    const ses = new SESv2Client({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: endpoints().ses });
    const template = allEmailTemplates(prefix).find((t) => t.name === templateName(prefix, 'first-notice', 'en'))!;
    await ses.send(
      new CreateEmailTemplateCommand({ TemplateName: template.name, TemplateContent: { Subject: template.subject, Html: template.html, Text: template.text } }),
    );
    const content = draftNotice(input(), 'en');
    const sender = new SesEmailSender(ses, 'notices@example.com');
    const [ca, tx] = [`ca.${prefix}@example.com`, `tx.${prefix}@example.com`];
    const reader = (region: string): NoticeReader & { region: string } => ({
      name: 'Ann',
      dataCategories: ['email'],
      timeZone: 'America/Los_Angeles',
      dateLocale: 'en-US',
      region,
    });
    // Act
    const results = await sender.sendBulk(template.name, noticeTemplateData(content), [
      { to: ca, replacementData: recipientTemplateData(personaliseNotice(content, 'en', reader('US-CA')), { california: usesCaliforniaFormat('US-CA') }) },
      { to: tx, replacementData: recipientTemplateData(personaliseNotice(content, 'en', reader('US-TX')), { california: usesCaliforniaFormat('US-TX') }) },
    ]);
    // Assess
    expect(results.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
    const [caMail] = await sesEmails((e) => e.destination.to.includes(ca));
    const [txMail] = await sesEmails((e) => e.destination.to.includes(tx));
    expect(caMail!.subject).toBe('Notice of Data Breach');
    expect(caMail!.body.html).toContain('<h1>Notice of Data Breach</h1>');
    for (const heading of ['What Happened', 'What Information Was Involved', 'What We Are Doing', 'What You Can Do', 'For More Information'])
      expect(caMail!.body.html).toContain(`<h2>${heading}</h2>`);
    expect(caMail!.body.text).toContain('November 19, 2026 at 7:12 PM PST');
    expect(txMail!.subject).toBe(content.subject);
    expect(txMail!.body.html).not.toContain('Notice of Data Breach');
    expect(txMail!.body.html).toContain('<h2>What happened</h2>');
  });
});
