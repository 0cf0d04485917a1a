import type { DeliveryChannel } from '../../functions/domain/channels/channel.js';
import { deliveryChannels, type ChannelPorts } from '../../functions/domain/channels/registry.js';

/** A provider port the test did not give: calling it is a mistake in the test, and says so. */
function notGiven<T extends object>(port: string): T {
  return new Proxy({} as T, {
    get: (_, method) => () => {
      throw new Error(`the test gave no ${port} port, yet ${String(method)} was called`);
    },
  });
}

/**
 * The registry's channels over the providers a test gives; every other port refuses. Tests build their
 * channels here, so a new channel's port is added once (below), not in each test that sends.
 */
export function testChannels(ports: Partial<ChannelPorts>): DeliveryChannel[] {
  return deliveryChannels({ email: notGiven('email'), messaging: notGiven('messaging'), templatePrefix: 'test', smsConcurrency: 2, ...ports });
}
