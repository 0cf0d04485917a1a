import { getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store.js';
import { z } from 'zod';

/**
 * The SES emulator's mailbox, bounded: aws-ses-v2-local pushes every sent email onto one array in the
 * process's heap (3.4 GB resident at 100,000 notices), so the twin replaces that array with a ring of the
 * newest `BREACH_NOTICE_SES_MAILBOX_LIMIT` emails. Counts are kept for every email sent, dropped ones
 * included: in total and per recipient domain (what `/_aws/ses?recipient=@domain&count=true` asks), and
 * the recipients SES bills. Sending and SES events never read the store, so dropping does not touch them.
 */
const DEFAULT_MAILBOX_LIMIT = 200_000;

const limitSchema = z.coerce.number().int().min(1).default(DEFAULT_MAILBOX_LIMIT);

/** The bound from the environment; a bad value stops the twin with the variable named. */
export function mailboxLimit(env: Record<string, string | undefined> = process.env): number {
  const raw = env.BREACH_NOTICE_SES_MAILBOX_LIMIT;
  const parsed = limitSchema.safeParse(raw || undefined);
  if (!parsed.success)
    throw new Error(`Invalid BREACH_NOTICE_SES_MAILBOX_LIMIT=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

const recipientsOf = (e: Email) => [...e.destination.to, ...e.destination.cc, ...e.destination.bcc];

/** `@domain` of each address, lower-cased, once per email: the key a `recipient=@domain` filter matches (address ends with it). */
function domainsOf(e: Email): Set<string> {
  const domains = new Set<string>();
  for (const a of recipientsOf(e)) {
    const at = a.lastIndexOf('@');
    if (at >= 0) domains.add(a.slice(at).toLowerCase());
  }
  return domains;
}

const bump = (counts: Map<string, number>, key: string, by: number) => {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
};

/**
 * The newest `limit` emails in sending order, and counts over every email sent since the mailbox was last
 * cleared. Stands in for the emulator's `emails` array: the emulator calls push, filter, find, and
 * serializes it for `GET /store`.
 */
export class SentEmails {
  // A ring once full: `head` is the oldest, overwritten by the next email (O(1), no shift of the array).
  private ring: Email[] = [];
  private head = 0;
  /** Emails sent and not deleted, dropped ones included; and how many of them have a recipient in each `@domain`. */
  total = 0;
  private readonly byDomain = new Map<string, number>();
  /** Of those, the oldest ones the bound dropped. */
  dropped = 0;
  /** Every recipient of every email sent: what SES bills. Not undone by DELETE or clear-store (SES billed them). */
  billedRecipients = 0;

  constructor(readonly limit: number) {}

  push(...emails: Email[]): number {
    for (const e of emails) this.add(e);
    return this.ring.length;
  }

  private add(e: Email): void {
    this.billedRecipients += recipientsOf(e).length;
    this.total += 1;
    for (const d of domainsOf(e)) bump(this.byDomain, d, 1);
    if (this.ring.length < this.limit) {
      this.ring.push(e);
      return;
    }
    this.ring[this.head] = e;
    this.head = (this.head + 1) % this.limit;
    this.dropped += 1;
  }

  get length(): number {
    return this.ring.length;
  }

  /** The stored emails, oldest first (the ring itself until it first wraps: no copy in the usual case). */
  stored(): readonly Email[] {
    return this.head === 0 ? this.ring : this.ring.slice(this.head).concat(this.ring.slice(0, this.head));
  }

  filter(match: (e: Email) => boolean): Email[] {
    return this.stored().filter(match);
  }

  find(match: (e: Email) => boolean): Email | undefined {
    return this.stored().find(match);
  }

  toJSON(): readonly Email[] {
    return this.stored();
  }

  [Symbol.iterator](): Iterator<Email> {
    return this.stored()[Symbol.iterator]();
  }

  /** Emails sent with a recipient in `domain` (`@example.com`), or all without one, dropped ones included. */
  count(domain?: string): number {
    return domain === undefined ? this.total : (this.byDomain.get(domain.toLowerCase()) ?? 0);
  }

  /** Deletes the stored emails `match` selects. Only while none was dropped: which dropped ones it would select is unknown. */
  delete(match: (e: Email) => boolean): void {
    if (this.dropped > 0) throw new Error('delete with a filter after emails were dropped');
    const kept: Email[] = [];
    for (const e of this.ring) {
      if (!match(e)) kept.push(e);
      else {
        this.total -= 1;
        for (const d of domainsOf(e)) bump(this.byDomain, d, -1);
      }
    }
    this.ring = kept;
  }

  /** Empties the mailbox, its counts of dropped emails included (the emulator's clear-store, or DELETE without filters). */
  clear(): void {
    this.ring = [];
    this.head = 0;
    this.total = 0;
    this.byDomain.clear();
    this.dropped = 0;
  }
}

let installed: SentEmails | undefined;

/**
 * The emulator's store with its `emails` replaced by the bounded mailbox, once per process (the emulator's
 * store is its module's, one per process); the limit is read then. clear-store assigns a new array: that empties it.
 */
export function sentEmails(): SentEmails {
  if (installed) return installed;
  const store = getStoreReadonly();
  // Another copy of this module (a test runner's second project) installed it on the emulator's one store already.
  const current = store.emails as unknown as Partial<SentEmails>;
  if (typeof current.count === 'function' && typeof current.billedRecipients === 'number') return (installed = current as SentEmails);
  const sent = new SentEmails(mailboxLimit());
  for (const e of store.emails) sent.push(e);
  Object.defineProperty(store, 'emails', { get: () => sent, set: () => sent.clear(), enumerable: true });
  installed = sent;
  return sent;
}
