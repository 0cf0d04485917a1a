import { SendBulkEmailCommand, SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { SES_MAX_BULK_ENTRIES } from '../domain/channels/email.js';
import type { BulkEntry, BulkEntryResult, EmailSender } from '../domain/ports.js';


export class SesEmailSender implements EmailSender {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async sendBulk(templateName: string, defaultData: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]> {
    if (entries.length === 0) return [];
    if (entries.length > SES_MAX_BULK_ENTRIES) throw new RangeError(`SendBulkEmail takes at most ${SES_MAX_BULK_ENTRIES} entries, got ${entries.length}`);
    const out = await this.ses.send(
      new SendBulkEmailCommand({
        FromEmailAddress: this.from,
        ConfigurationSetName: this.configurationSet,
        DefaultContent: { Template: { TemplateName: templateName, TemplateData: JSON.stringify(defaultData) } },
        BulkEmailEntries: entries.map((e) => ({
          Destination: { ToAddresses: [e.to] },
          ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(e.replacementData) } },
        })),
      }),
    );
    const results = out.BulkEmailEntryResults ?? [];
    // A 200 can carry per-entry failures; a missing entry result is treated as not sent.
    return entries.map((_, i) => {
      const r = results[i];
      return { status: r?.Status, messageId: r?.MessageId, error: r?.Error };
    });
  }

  async sendTemplated(to: string[], templateName: string, data: Record<string, unknown>): Promise<string> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        ConfigurationSetName: this.configurationSet,
        Destination: { ToAddresses: to },
        Content: { Template: { TemplateName: templateName, TemplateData: JSON.stringify(data) } },
      }),
    );
    return out.MessageId ?? '';
  }

  async send(to: string[], subject: string, html: string, text: string): Promise<string> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        ConfigurationSetName: this.configurationSet,
        Destination: { ToAddresses: to },
        Content: { Simple: { Subject: { Data: subject, Charset: 'UTF-8' }, Body: { Html: { Data: html, Charset: 'UTF-8' }, Text: { Data: text, Charset: 'UTF-8' } } } },
      }),
    );
    return out.MessageId ?? '';
  }
}
