import { GetSMSAttributesCommand, ListPhoneNumbersOptedOutCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Messaging, OptedOutNumberSource } from '../domain/ports.js';
import { smsStatusComplete } from '../domain/sms-delivery-status.js';
import { withBackoff } from './provider-lists.js';

export class SnsMessaging implements Messaging, OptedOutNumberSource {
  constructor(
    private readonly sns: SNSClient,
    private readonly smsSenderId?: string,
  ) {}

  async sendSms(phoneNumber: string, message: string): Promise<string> {
    const out = await this.sns.send(
      new PublishCommand({
        PhoneNumber: phoneNumber,
        Message: message,
        MessageAttributes: {
          // Transactional: security notices must not be throttled as marketing or dropped at quiet hours.
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          ...(this.smsSenderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.smsSenderId } } : {}),
        },
      }),
    );
    return out.MessageId ?? '';
  }

  /**
   * Every number opted out of SMS for the account, one list call after another (SNS continues by nextToken
   * and limits the operation's rate: a throttled call is made again after a pause). One read per notice, never one
   * CheckIfPhoneNumberIsOptedOut per recipient.
   */
  async *optedOutNumbers(): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const out = await withBackoff(() => this.sns.send(new ListPhoneNumbersOptedOutCommand({ nextToken: token })));
      yield* out.phoneNumbers ?? [];
      token = out.nextToken;
    } while (token);
  }

  /** Whether the account logs every SMS's delivery status (https://docs.aws.amazon.com/sns/latest/api/API_GetSMSAttributes.html). */
  async smsStatusLogged(): Promise<boolean> {
    const out = await this.sns.send(new GetSMSAttributesCommand({ attributes: ['DeliveryStatusIAMRole', 'DeliveryStatusSuccessSamplingRate'] }));
    return smsStatusComplete(out.attributes ?? {});
  }

  async publish(topicArn: string, subject: string, message: string, attributes: Record<string, string> = {}): Promise<string> {
    const out = await this.sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        // SNS subjects are ASCII-ish, single line, at most 100 characters.
        Subject: subject.replace(/[\r\n]+/g, ' ').slice(0, 100),
        Message: message,
        MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
      }),
    );
    return out.MessageId ?? '';
  }
}
