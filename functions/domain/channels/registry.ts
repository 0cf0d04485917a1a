import type { EmailSender, Messaging } from '../ports.js';
import type { DeliveryChannel } from './channel.js';
import { emailChannel } from './email.js';
import { smsChannel } from './sms.js';
import { drillChannel } from './drill.js';

/** What the channels need from the outside; a new channel's port is added here. */
export interface ChannelPorts {
  email: Pick<EmailSender, 'sendBulk'>;
  messaging: Messaging;
  templatePrefix: string;
  smsConcurrency: number;
  /** Where a drill notice's SMS go (E.164); absent: not sent (channels/drill.ts). */
  drillSmsSink?: string;
}

/** Every channel customers can choose, by the name the directory uses: adding one is one module and one line. */
const factories = {
  email: emailChannel,
  sms: smsChannel,
} satisfies Record<string, (ports: ChannelPorts) => DeliveryChannel>;

export type ChannelName = keyof typeof factories;
export const CHANNEL_NAMES = Object.keys(factories) as ChannelName[];

export function deliveryChannels(ports: ChannelPorts): DeliveryChannel[] {
  // A drill notice never reaches a customer (channels/drill.ts); other notices pass through.
  return CHANNEL_NAMES.map((name) => drillChannel(factories[name](ports), ports.drillSmsSink));
}
