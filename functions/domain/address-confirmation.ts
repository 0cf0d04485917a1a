import { createHmac } from 'node:crypto';
import type { Locale } from './locales.js';

/**
 * Before anything is sent to the address an asker typed, its owner confirms it through a link: one
 * email per question, and no more than CONFIRMATIONS_PER_ADDRESS per address and window whatever the
 * questions, so the form cannot make the company's sender write to strangers.
 */
export const CONFIRMATION_DAYS = 7;
export const CONFIRMATIONS_PER_ADDRESS = 2;
export const CONFIRMATION_WINDOW_SECONDS = 86_400;

/** An asker's address-confirmation link as stored: the hash of its id, never the id. */
export interface ConfirmationLink {
  linkHash: string;
  incidentId: string;
  questionId: string;
  locale: Locale;
  expiresAt: string;
  /** When the link confirmed the address (it confirms once). */
  usedAt?: string;
}

/** The rate limit's key for an address: an HMAC under a secret key, so no counter holds an address or a hash one can reverse by guessing. */
export function addressKey(key: string, address: string): string {
  return createHmac('sha256', key).update(`address\0${address.trim().toLowerCase()}`).digest('base64url').slice(0, 32);
}
