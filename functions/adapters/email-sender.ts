import { GetAccountCommand, ListSuppressedDestinationsCommand, SendBulkEmailCommand, SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { SES_MAX_BULK_ENTRIES } from '../domain/channels/email.js';
import type { BulkEntry, BulkEntryResult, EmailSender, SendQuota, SuppressedAddressSource } from '../domain/ports.js';
import { withBackoff } from './provider-lists.js';

/** RFC 2047 allows 75 characters per encoded word: `=?UTF-8?B?` and `?=` leave 63, so 45 bytes of text. */
const ENCODED_WORD_BYTES = 45;

/**
 * `"Name" <address>` for a From header. SES takes 7-bit ASCII only: a name with other characters goes
 * as RFC 2047 encoded words (base64 UTF-8, split between characters), an ASCII name as a quoted string.
 */
export function formatSender(name: string, address: string): string {
  if (/[\r\n]/.test(name)) throw new RangeError(`A sender name must be one line, got ${JSON.stringify(name)}`);
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/["\\]/g, (c) => `\\${c}`)}" <${address}>`;
  const words: string[] = [];
  let chunk = '';
  for (const char of name) {
    if (Buffer.byteLength(chunk + char) > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  words.push(chunk);
  return `${words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(' ')} <${address}>`;
}

export class SesEmailSender implements EmailSender, SuppressedAddressSource {
  /**
   * `from` is an address or `formatSender`'s `"Name" <address>`; `replyTo` is where replies go
   * (customers answer the support address, not the sending identity).
   */
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
    private readonly replyTo: string[] = [],
  ) {}

  async sendBulk(templateName: string, defaultData: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]> {
    if (entries.length === 0) return [];
    if (entries.length > SES_MAX_BULK_ENTRIES) throw new RangeError(`SendBulkEmail takes at most ${SES_MAX_BULK_ENTRIES} entries, got ${entries.length}`);
    const out = await this.ses.send(
      new SendBulkEmailCommand({
        FromEmailAddress: this.from,
        ReplyToAddresses: this.replyTo.length > 0 ? this.replyTo : undefined,
        ConfigurationSetName: this.configurationSet,
        // SES reads the default only for an entry whose data is empty (see the email channel): each entry carries all its data.
        DefaultContent: { Template: { TemplateName: templateName, TemplateData: JSON.stringify(defaultData) } },
        BulkEmailEntries: entries.map((e) => ({
          Destination: { ToAddresses: [e.to] },
          ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(e.replacementData) } },
          ...(e.tags ? { ReplacementTags: Object.entries(e.tags).map(([Name, Value]) => ({ Name, Value })) } : {}),
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
        ReplyToAddresses: this.replyTo.length > 0 ? this.replyTo : undefined,
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
        ReplyToAddresses: this.replyTo.length > 0 ? this.replyTo : undefined,
        ConfigurationSetName: this.configurationSet,
        Destination: { ToAddresses: to },
        Content: {
          Simple: { Subject: { Data: subject, Charset: 'UTF-8' }, Body: { Html: { Data: html, Charset: 'UTF-8' }, Text: { Data: text, Charset: 'UTF-8' } } },
        },
      }),
    );
    return out.MessageId ?? '';
  }

  /**
   * The account's suppression list, 1,000 a call (the most SES returns). The operation is rate-limited
   * per account: a throttled call is made again after a pause, so a long list is read whole.
   */
  async *suppressedAddresses(): AsyncIterable<{ address: string; reason: string }> {
    let token: string | undefined;
    do {
      const out = await withBackoff(() => this.ses.send(new ListSuppressedDestinationsCommand({ PageSize: 1000, NextToken: token })));
      for (const d of out.SuppressedDestinationSummaries ?? []) if (d.EmailAddress) yield { address: d.EmailAddress, reason: d.Reason ?? 'BOUNCE' };
      token = out.NextToken;
    } while (token);
  }

  async sendQuota(): Promise<SendQuota> {
    const out = await this.ses.send(new GetAccountCommand({}));
    const q = out.SendQuota ?? {};
    return {
      maxSendRate: q.MaxSendRate ?? 1,
      max24HourSend: q.Max24HourSend ?? -1,
      sentLast24Hours: q.SentLast24Hours ?? 0,
      sendingEnabled: out.SendingEnabled ?? true,
    };
  }
}
