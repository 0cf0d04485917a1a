import type { BulkEntry, BulkEntryResult, EmailSender, SendQuota } from '../../../functions/domain/ports.js';

/** Records every email; `failNext` makes the next calls of a kind throw (after which they work again). */
export class FakeEmail implements EmailSender {
  sent: { to: string[]; subject: string; html: string; text: string }[] = [];
  templated: { to: string[]; templateName: string; data: Record<string, unknown> }[] = [];
  bulk: { templateName: string; defaultData: Record<string, unknown>; entries: BulkEntry[] }[] = [];
  /** Errors thrown by the next `send` calls, in order; `undefined` lets that call through. */
  failures: (Error | undefined)[] = [];
  private ids = 0;

  async sendBulk(templateName: string, defaultData: Record<string, unknown>, entries: BulkEntry[]): Promise<BulkEntryResult[]> {
    this.bulk.push(structuredClone({ templateName, defaultData, entries }));
    return entries.map(() => ({ status: 'SUCCESS', messageId: `bulk-${++this.ids}` }));
  }
  async sendTemplated(to: string[], templateName: string, data: Record<string, unknown>) {
    this.templated.push(structuredClone({ to, templateName, data }));
    return `templated-${++this.ids}`;
  }
  /** What `sendQuota` answers; tests set it. */
  quota: SendQuota = { maxSendRate: 200, max24HourSend: 50_000, sentLast24Hours: 0, sendingEnabled: true };
  async sendQuota() {
    return { ...this.quota };
  }
  async send(to: string[], subject: string, html: string, text: string) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push({ to: [...to], subject, html, text });
    return `email-${++this.ids}`;
  }
  /** Everyone a plain email went to, in order. */
  recipients() {
    return this.sent.flatMap((m) => m.to);
  }
}
