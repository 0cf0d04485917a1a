import type { ApprovalStatus } from './approval.js';
import type { OpenPromise, SendQuota } from './ports.js';

/*
 * The gauges an operator watches (shared/metric-catalogue.ts), computed from what the clocks' sweep
 * and prepare-sending read anyway. Absent values (no approval waiting, no promise open) are left out:
 * CloudWatch then has no data point, which the alarms treat as not breaching.
 */

const DAY_MS = 86_400_000;

/** The approval requests of an open incident, as far as the gauges need them. */
export interface ApprovalSummary {
  status: ApprovalStatus;
  createdAt: string;
  expiresAt: string;
}

export function approvalGauges(requests: readonly ApprovalSummary[], now: Date) {
  const waiting = requests.filter((r) => r.status === 'PENDING');
  const oldest = Math.min(...waiting.map((r) => Date.parse(r.createdAt)));
  return {
    approvalsWaiting: waiting.length,
    approvalsOverdue: waiting.filter((r) => Date.parse(r.expiresAt) <= now.getTime()).length,
    ...(waiting.length > 0 ? { oldestApprovalAge: Math.max(0, Math.round((now.getTime() - oldest) / 1000)) } : {}),
  };
}

/** `open`: the promises not kept yet that are due within a day (already due ones are the sweep's to page). */
export function promiseGauges(open: readonly OpenPromise[], now: Date) {
  const ahead = open.map((p) => Date.parse(p.promisedBy) - now.getTime()).filter((ms) => ms > 0 && ms <= DAY_MS);
  return {
    promisesDueWithinDay: ahead.length,
    ...(ahead.length > 0 ? { nextPromiseDueIn: Math.round(Math.min(...ahead) / 1000) } : {}),
  };
}

/** How much of SES's rolling daily quota is spent (none when the quota is unlimited), and the rate allowed. */
export function sendQuotaGauges(quota: SendQuota) {
  return {
    maxSendRate: quota.maxSendRate,
    ...(quota.max24HourSend > 0 ? { sendQuotaUsed: Math.round((quota.sentLast24Hours / quota.max24HourSend) * 1000) / 10 } : {}),
  };
}

/** "Within a day" of a regulator's clock, which the twin may run faster (clockScale). */
export function withinDay(msLeft: number, clockScale: number): boolean {
  return msLeft > 0 && msLeft <= DAY_MS / clockScale;
}
