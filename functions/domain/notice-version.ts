import { sha256Hex } from '../shared/crypto.js';
import type { Notice } from './incident.js';

/** JSON with object keys sorted at every level, so equal wording always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of a notice's wording in every locale: what approvers saw, and what an approval is bound to. */
export function contentHash(content: Notice['content']): string {
  return sha256Hex(canonical(content));
}
