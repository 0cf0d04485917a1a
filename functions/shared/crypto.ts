import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A CSPRNG id of `bytes` bytes, base64url without padding (32 bytes = 256 bits = 43 chars). */
export function randomId(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Short, stable id fragment for keys that must be deterministic across retries. */
export function shortHash(value: string, length = 16): string {
  return sha256Hex(value).slice(0, length);
}

/** `digits` decimal digits from the CSPRNG, for codes a person types. */
export function randomDigits(digits: number): string {
  return Array.from({ length: digits }, () => randomInt(0, 10)).join('');
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
