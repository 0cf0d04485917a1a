import type { CustomerProfile } from '../customer.js';
import type { ChannelName } from './registry.js';

/** SES v2 SendBulkEmail takes at most 50 destinations per call. */
export const SES_MAX_BULK_ENTRIES = 50;

/** Numbers claimed together; each is one Publish, a few in flight at once. */
export const SMS_BATCH = 20;

/** A channel's address for a customer whether or not they chose it, and its provider call's size. */
export interface ChannelContact {
  batchSize: number;
  contact: (profile: CustomerProfile) => string | undefined;
}

/**
 * The channels a customer may fall back to, with what a fallback plans by (steps/fallback.ts): those
 * whose address the directory holds whether or not the customer chose them. Kept apart from the channels
 * themselves so the confirm step plans a fallback without bundling the templates and providers. Listed in
 * the registry's order: a customer falls back to the first listed channel they were not tried on and have
 * an address for. A channel left out (one whose address exists only when chosen) is never fallen back to.
 */
export const CHANNEL_CONTACTS = {
  email: { batchSize: SES_MAX_BULK_ENTRIES, contact: (profile: CustomerProfile) => profile.email },
  sms: { batchSize: SMS_BATCH, contact: (profile: CustomerProfile) => profile.phone },
} satisfies Partial<Record<ChannelName, ChannelContact>>;
