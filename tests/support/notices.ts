import type { Notice } from '../../functions/domain/incident.js';
import { contentHash } from '../../functions/domain/notice-version.js';

/**
 * A stored notice for step tests: version 1, drafted from no facts, its hash computed from its
 * wording, and (once APPROVED or SENT) approved with that hash, as the real path leaves it.
 */
export function noticeRecord(
  fields: Omit<Notice, 'version' | 'factsVersion' | 'contentHash'> & Partial<Pick<Notice, 'version' | 'factsVersion' | 'contentHash'>>,
): Notice {
  const hash = fields.contentHash ?? contentHash(fields.content);
  const approved = fields.status === 'APPROVED' || fields.status === 'SENT';
  return { version: 1, factsVersion: 0, ...fields, contentHash: hash, ...(approved && fields.approvedHash === undefined ? { approvedHash: hash } : {}) };
}
