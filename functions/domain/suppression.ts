import { createHash } from 'node:crypto';

/**
 * Contact points a provider will not deliver to: addresses on the SES account's suppression list
 * (SES accepts a send to them and drops it, reporting a bounce, so a 200 would count them as sent)
 * and numbers opted out of SMS at SNS. Read once per notice when sending is planned and kept as
 * sorted 8-byte hashes per list: a million entries are 8 MB, no address is stored, and the send step
 * checks each recipient in memory instead of asking the provider per recipient.
 */

/** A list of refused contact points: the channel it applies to and why (the reason goes on each outcome). */
export interface SuppressionListName {
  channel: string;
  /** SES: BOUNCE or COMPLAINT; SNS: OPTED_OUT. */
  reason: string;
}

export const HASH_BYTES = 8;

/** Emails compare case-insensitively (as SES's list does); numbers are E.164 already. */
export function normaliseContact(channel: string, address: string): string {
  const trimmed = address.trim();
  return channel === 'email' ? trimmed.toLowerCase() : trimmed.replace(/[\s().-]/g, '');
}

export function contactHash(channel: string, address: string): bigint {
  return createHash('sha256')
    .update(`${channel}\0${normaliseContact(channel, address)}`)
    .digest()
    .readBigUInt64BE(0);
}

/** Builds a sorted, de-duplicated hash list from contact points as they are read, a list call at a time. */
export class SuppressionListBuilder {
  private readonly hashes: bigint[] = [];
  constructor(readonly name: SuppressionListName) {}

  add(address: string): void {
    this.hashes.push(contactHash(this.name.channel, address));
  }

  build(): { name: SuppressionListName; hashes: Buffer } {
    const sorted = BigUint64Array.from(this.hashes).sort();
    const out = Buffer.alloc(sorted.length * HASH_BYTES);
    let n = 0;
    for (let i = 0; i < sorted.length; i += 1) if (i === 0 || sorted[i] !== sorted[i - 1]) out.writeBigUInt64BE(sorted[i]!, HASH_BYTES * n++);
    return { name: this.name, hashes: out.subarray(0, n * HASH_BYTES) };
  }
}

/** The lists of one notice, as planned; `reasonFor` answers in memory (binary search per list). */
export class SuppressionSnapshot {
  private readonly views: { name: SuppressionListName; hashes: Buffer }[];

  constructor(readonly lists: { name: SuppressionListName; hashes: Uint8Array }[]) {
    for (const l of lists)
      if (l.hashes.length % HASH_BYTES !== 0)
        throw new RangeError(`Suppression list ${l.name.channel}/${l.name.reason} is ${l.hashes.length} bytes, not a multiple of ${HASH_BYTES}`);
    this.views = lists.map((l) => ({ name: l.name, hashes: Buffer.from(l.hashes.buffer, l.hashes.byteOffset, l.hashes.length) }));
  }

  static readonly empty = new SuppressionSnapshot([]);

  /** The reason the channel's provider refuses this address, or undefined when it may be sent to. */
  reasonFor(channel: string, address: string): string | undefined {
    let hash: bigint | undefined;
    for (const { name, hashes } of this.views) {
      if (name.channel !== channel || hashes.length === 0) continue;
      hash ??= contactHash(channel, address);
      if (contains(hashes, hash)) return name.reason;
    }
    return undefined;
  }

  get size(): number {
    return this.lists.reduce((n, l) => n + l.hashes.length / HASH_BYTES, 0);
  }
}

function contains(sorted: Buffer, hash: bigint): boolean {
  let lo = 0;
  let hi = sorted.length / HASH_BYTES - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = sorted.readBigUInt64BE(mid * HASH_BYTES);
    if (at === hash) return true;
    if (at < hash) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The outcome reason for a suppressed recipient: `categoryOf` (delivery.ts) reads "suppress" as the suppressed category. */
export function suppressedReason(channel: string, reason: string): string {
  return channel === 'sms' ? `suppressed: number opted out of SMS (${reason})` : `suppressed: on the ${channel} provider's suppression list (${reason})`;
}
