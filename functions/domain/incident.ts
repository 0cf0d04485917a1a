import * as z from 'zod';
import type { SettledReconciliation } from './delivery.js';
import type { ExecutionRef } from './executions.js';
import type { Locale } from './locales.js';
import type { NoticeContent, NoticeKind } from './notice.js';
import type { SendingResumed } from './reputation.js';

export const alarmSources = ['guardduty', 'securityhub', 'macie', 'cloudwatch', 'manual'] as const;
export type AlarmSource = (typeof alarmSources)[number];

export const severityLevels = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type SeverityLevel = (typeof severityLevels)[number];

/** What intake makes of any alarm: one shape, whatever the source. No customer data. */
export const incidentDraftSchema = z.object({
  source: z.enum(alarmSources),
  /** Stable identity of the finding across repeats, e.g. `guardduty:<detector>/<finding id>`. */
  findingKey: z.string().min(1).max(1024),
  /** The alarm's own severity, normalised to 0..10. */
  alarmSeverity: z.number().min(0).max(10),
  title: z.string().min(1).max(512),
  description: z.string().max(4096),
  /** Identifiers of affected resources (ARNs, bucket names, instance ids) used to find customers. */
  affectedResources: z.array(z.string().min(1)).max(500),
  firstSeenAt: z.iso.datetime({ offset: true }),
  accountId: z.string().optional(),
  region: z.string().optional(),
  /** A rehearsal (functions/domain/drill.ts): every message marked, customer notices sent to a sink. */
  drill: z.boolean().optional(),
});
export type IncidentDraft = z.infer<typeof incidentDraftSchema>;

export const incidentStatuses = ['OPEN', 'CLOSED'] as const;
/** NONE: people decided no customer is affected. */
export const scopeStates = ['PENDING', 'KNOWN', 'UNKNOWN', 'NONE'] as const;

export interface ImpactSummary {
  affectedCustomers: number;
  byDataCategory: Record<string, number>;
  byJurisdiction: Record<string, number>;
  byLocale: Record<string, number>;
  byChannel: Record<string, number>;
  /** Customers per ISO 3166-2 region (`US-CA`) where the directory gives one; absent when none does. */
  byRegion?: Record<string, number>;
  /** Customers per resolved IANA time zone (domain/time-zones.ts), for previews in each one. */
  byTimeZone?: Record<string, number>;
}

export interface Incident extends IncidentDraft {
  incidentId: string;
  status: (typeof incidentStatuses)[number];
  scope: (typeof scopeStates)[number];
  severity: SeverityLevel;
  createdAt: string;
  closedAt?: string;
  impact?: ImpactSummary;
  audienceChunks?: number;
  /** The last scope decision the audience was computed from (0 or absent: the alarm's own resources). */
  scopeVersion?: number;
  /** The newest facts version saved (written with it, see domain/approval.ts `DraftBasis`). */
  factsVersion?: number;
  /** The last scope decision saved, applied or not (written with it). */
  scopeDecided?: number;
  nextUpdateAt?: string;
  /** Where the workflow runs once it has gone on in a new execution (domain/executions.ts); absent: the execution named by the incident id. */
  currentExecution?: ExecutionRef;
}

/** `inc-YYYYMMDD-<hash>`: readable in the console, valid as an execution name, stable for a given event. */
export function incidentIdFor(findingKey: string, eventId: string, firstSeenAt: string, hash: (v: string) => string): string {
  const day = firstSeenAt.slice(0, 10).replaceAll('-', '');
  return `inc-${day}-${hash(`${findingKey}#${eventId}`).slice(0, 12)}`;
}

/** Maps a 0..10 alarm severity to a level; `affectedCustomers` and sensitive data raise it. */
export function severityFor(alarmSeverity: number, affectedCustomers: number, sensitiveData: boolean): SeverityLevel {
  let rank = alarmSeverity >= 9 ? 3 : alarmSeverity >= 7 ? 2 : alarmSeverity >= 4 ? 1 : 0;
  if (sensitiveData && affectedCustomers > 0) rank = Math.max(rank, 2);
  if (affectedCustomers >= 10_000) rank = Math.max(rank, 3);
  return severityLevels[Math.min(rank, 3)]!;
}

export const incidentIdSchema = z.string().regex(/^inc-\d{8}-[0-9a-f]{12}$/, 'expected an incident id like inc-20260101-0123456789ab');

/** One audience member: ids and data categories only; contact details stay in the customers table. */
export interface AudienceMember {
  customerId: string;
  dataCategories: string[];
}

export interface TimelineEntry {
  at: string;
  action: string;
  actor: string;
  detail?: Record<string, unknown>;
}

export interface ProgressNote {
  at: string;
  author: string;
  text: string;
}

/** WITHDRAWN: never sent; the close replaced it (by the closing notice, or by nothing when no notice went out). */
export type NoticeStatus = 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED' | 'SENT' | 'WITHDRAWN';

/** A notice of one incident (first notice or update): its wording per locale and where it stands. */
export interface Notice {
  incidentId: string;
  noticeId: string;
  kind: NoticeKind;
  sequence: number;
  status: NoticeStatus;
  content: Partial<Record<Locale, NoticeContent>>;
  createdAt: string;
  /** The time this notice tells customers the next update will come by. */
  promisedNextUpdateAt: string;
  /** Sending must start by then, or some customers would read a promise already past (domain/promises.ts); absent: promises nothing, or drafted before it was kept. */
  sendBy?: string;
  approvedAt?: string;
  sentAt?: string;
  /** 1 for the first draft; each redraft after an edit of the facts adds one. */
  version: number;
  /** A drill's notice: marked in every locale, sent only to sinks (channels/drill.ts). */
  drill?: boolean;
  /** The facts version the wording was drafted from (0: none written yet). */
  factsVersion: number;
  /** The scope decision its audience was assessed from (0: the alarm's own scope). */
  scopeVersion?: number;
  /** SHA-256 of the wording (`contentHash` in domain/notice-version.ts): what an approval is bound to. */
  contentHash: string;
  /** The hash approved; sending refuses a notice whose wording no longer has it. */
  approvedHash?: string;
  /** Its delivery figures, reconciled once when every slice was done (the final report reads them). */
  reconciliation?: SettledReconciliation;
  /** The team told its sending to go on despite its bounce or complaint rates (domain/reputation.ts): the guard lets it through. */
  sendingResumed?: SendingResumed;
  /** The version this draft replaced and its lines (`noticeTextForDiff`), so approvers see what the edit changed. */
  replacedVersion?: { version: number; lines: Partial<Record<Locale, string[]>> };
}
