import type { Messaging } from '../../../functions/domain/ports.js';

/** Records SMS and topic messages. */
export class FakeMessaging implements Messaging {
  sms: { phoneNumber: string; message: string }[] = [];
  published: { topicArn: string; subject: string; message: string; attributes?: Record<string, string> }[] = [];
  private ids = 0;

  async sendSms(phoneNumber: string, message: string) {
    this.sms.push({ phoneNumber, message });
    return `sms-${++this.ids}`;
  }
  async publish(topicArn: string, subject: string, message: string, attributes?: Record<string, string>) {
    this.published.push({ topicArn, subject, message, ...(attributes ? { attributes } : {}) });
    return `msg-${++this.ids}`;
  }
}
