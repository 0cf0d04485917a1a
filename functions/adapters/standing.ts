import type { DraftBasis } from '../domain/approval.js';
import { keys } from './keys.js';

/**
 * The incident's item as the one record every change and every approval request is decided
 * against (domain/approval.ts `DraftBasis`): edits, scope decisions and closes write it in the same
 * transaction as their own item; a request is stored, and decided, only while it still holds.
 */
export function standingWrite(table: string, incidentId: string, set: 'factsVersion' | 'scopeDecided', version: number) {
  return {
    Update: {
      TableName: table,
      Key: keys.incident(incidentId),
      UpdateExpression: `SET ${set} = :version`,
      // Versions only grow; a missing incident is refused rather than half-created.
      ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(${set}) OR ${set} < :version)`,
      ExpressionAttributeValues: { ':version': version },
    },
  };
}

/** A transaction's check that the incident still stands where `basis` was drafted: the same facts, no scope decision since, open unless the draft is the closing one. */
export function basisCheck(table: string, incidentId: string, basis: DraftBasis) {
  const facts = basis.factsVersion === 0 ? '(attribute_not_exists(factsVersion) OR factsVersion = :facts)' : 'factsVersion = :facts';
  return {
    ConditionCheck: {
      TableName: table,
      Key: keys.incident(incidentId),
      ConditionExpression: `attribute_exists(pk) AND ${facts} AND (attribute_not_exists(scopeDecided) OR scopeDecided <= :scope)${basis.closing ? '' : ' AND #status <> :closed'}`,
      ...(basis.closing ? {} : { ExpressionAttributeNames: { '#status': 'status' } }),
      ExpressionAttributeValues: { ':facts': basis.factsVersion, ':scope': basis.scopeVersion, ...(basis.closing ? {} : { ':closed': 'CLOSED' }) },
    },
  };
}
