import { randomBytes } from 'node:crypto';
import { emptyFacts } from '../../functions/domain/facts.js';
import { chunk } from '../../functions/domain/impact.js';
import type { Notice } from '../../functions/domain/incident.js';
import type { Locale } from '../../functions/domain/locales.js';
import { draftNotice } from '../../functions/domain/notice.js';
import { contentHash } from '../../functions/domain/notice-version.js';
import type { IncidentStorePort, NoticeStorePort } from '../../functions/domain/ports.js';

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

/**
 * An incident assessed with `customerIds` (email data each) in chunks of `chunkSize`, and its first
 * notice drafted in en and zh-CN and approved: where sending starts from in the ledger's integration tests.
 */
export async function openApprovedFirstNotice(
  stores: { incidents: Pick<IncidentStorePort, 'openIncident' | 'saveAssessment'>; notices: Pick<NoticeStorePort, 'createNotice'> },
  opts: { label: string; customerIds: string[]; chunkSize: number; firstSeenAt: string },
): Promise<{ incidentId: string; noticeId: string }> {
  const { label, customerIds, chunkSize, firstSeenAt } = opts;
  const incidentId = `inc-20261120-${randomBytes(6).toString('hex')}`;
  const impact = { affectedCustomers: customerIds.length, byDataCategory: { email: customerIds.length }, byJurisdiction: {}, byLocale: {}, byChannel: {} };
  await stores.incidents.openIncident(
    {
      incidentId,
      source: 'guardduty',
      findingKey: `${label}:${incidentId}`,
      alarmSeverity: 8,
      title: label,
      description: '',
      affectedResources: [],
      firstSeenAt,
      status: 'OPEN',
      scope: 'PENDING',
      severity: 'HIGH',
      createdAt: firstSeenAt,
    },
    incidentId,
    '{}',
  );
  const members = customerIds.map((customerId) => ({ customerId, dataCategories: ['email'] }));
  await stores.incidents.saveAssessment(incidentId, { scope: 'KNOWN', severity: 'HIGH', impact, chunks: chunk(members, chunkSize) });
  const company = { name: 'Example Co.', contact: 'help@example.com', incidentPageUrl: 'https://status.example.com' };
  const incident = { incidentId, source: 'guardduty' as const, firstSeenAt, impact };
  const content = Object.fromEntries(
    (['en', 'zh-CN'] as Locale[]).map((l) => [
      l,
      draftNotice({ kind: 'first-notice', sequence: 1, incident, facts: emptyFacts(), company, nextUpdateAt: firstSeenAt }, l),
    ]),
  );
  const noticeId = 'first-notice-1';
  await stores.notices.createNotice(
    noticeRecord({
      incidentId,
      noticeId,
      kind: 'first-notice',
      sequence: 1,
      status: 'APPROVED',
      content,
      createdAt: firstSeenAt,
      promisedNextUpdateAt: firstSeenAt,
    }),
  );
  return { incidentId, noticeId };
}
