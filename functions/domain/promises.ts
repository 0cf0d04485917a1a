import type { Notice } from './incident.js';
import type { NoticeKind } from './notice.js';

/*
 * "We will send our next update by T." Every notice but the closing one promises customers a time,
 * and the next notice keeps the promise when it is sent by then. Keeping it takes a lead: an update
 * is drafted `leadSeconds` before it is due, so that both approval tiers and the sending fit before
 * the time customers were given; and each promise is counted from when its own notice is planned to
 * go out, never from when it was drafted.
 */

export interface PromiseSettings {
  /** Between a notice going out and the next one being due. */
  cadenceSeconds: number;
  /** How long before an update is due its drafting starts. */
  leadSeconds: number;
  /** The approval tiers' configured timeouts. */
  approvalSeconds: number;
  escalationSeconds: number;
}

/**
 * The lead when none is set: both approval tiers in full and a third of that again for sending (a
 * quarter of the lead, `sendingMarginSeconds`). The configuration refuses one not shorter than the cadence.
 */
export function defaultLeadSeconds(approvalSeconds: number, escalationSeconds: number): number {
  return Math.ceil(((approvalSeconds + escalationSeconds) * 4) / 3);
}

/** The part of the lead kept for sending: an update's approvals end this long before it is due. */
export function sendingMarginSeconds(leadSeconds: number): number {
  return Math.ceil(leadSeconds / 4);
}

/** When drafting the update due at `dueAt` starts: the lead before it (at once when that has passed). */
export function draftingStartsAt(dueAt: string, leadSeconds: number): Date {
  return new Date(Date.parse(dueAt) - leadSeconds * 1000);
}

/**
 * The approval tiers' timeouts when they must end within `availableSeconds`: as configured when both
 * fit; otherwise the backup approvers keep at most a quarter, so the escalation comes well before
 * the end, and the approvers the rest. Each at least a second (Step Functions refuses 0).
 */
export function approvalWindows(
  availableSeconds: number,
  approvalSeconds: number,
  escalationSeconds: number,
): { approvalSeconds: number; escalationSeconds: number } {
  if (approvalSeconds + escalationSeconds <= availableSeconds) return { approvalSeconds, escalationSeconds };
  const available = Math.max(2, Math.floor(availableSeconds));
  const approval = Math.max(1, Math.min(approvalSeconds, available - Math.min(escalationSeconds, Math.ceil(available / 4))));
  return { approvalSeconds: approval, escalationSeconds: Math.max(1, Math.min(escalationSeconds, available - approval)) };
}

export interface NoticePlan {
  /** What the notice tells customers; null for the closing notice, which promises nothing. */
  promisedNextUpdateAt: string | null;
  /** The last moment sending may start: later, some customers would read a promise already past. */
  sendBy: string | null;
  approvalSeconds: number;
  escalationSeconds: number;
}

/**
 * The promise a notice drafted `now` makes, and its approval timeouts. It is planned to go out when
 * it is due (`dueAt`, the promise of the last notice sent), or, when that is nearer than the lead
 * (drafted late, or a first notice, which nothing is due before), a lead from now; it promises the
 * next one a cadence after that. An update's approvals are fitted to end a sending margin before
 * then, so approvers are escalated ahead of the time customers were given. A first notice keeps its
 * configured approvals: if nobody decides it, no customer is told at all; its promise leaves the lead
 * for them instead.
 */
export function planNotice(o: { kind: NoticeKind; now: Date; dueAt?: string; settings: PromiseSettings }): NoticePlan {
  const { cadenceSeconds, leadSeconds, approvalSeconds, escalationSeconds } = o.settings;
  const now = o.now.getTime();
  const marginMs = sendingMarginSeconds(leadSeconds) * 1000;
  const plannedSendAt = Math.max(o.dueAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(o.dueAt), now + leadSeconds * 1000);
  const windows =
    o.kind === 'first-notice'
      ? { approvalSeconds, escalationSeconds }
      : approvalWindows((plannedSendAt - marginMs - now) / 1000, approvalSeconds, escalationSeconds);
  if (o.kind === 'closing') return { promisedNextUpdateAt: null, sendBy: null, ...windows };
  const promise = plannedSendAt + cadenceSeconds * 1000;
  return { promisedNextUpdateAt: new Date(promise).toISOString(), sendBy: new Date(promise - marginMs).toISOString(), ...windows };
}

/** The promise that the next notice keeps: the last notice sent, unless it was the closing notice. */
export function openPromise(notices: readonly Notice[], before = Number.POSITIVE_INFINITY): Notice | undefined {
  const last = notices
    .filter((n) => n.status === 'SENT' && n.sequence < before)
    .sort((a, b) => a.sequence - b.sequence)
    .at(-1);
  return last?.kind === 'closing' ? undefined : last;
}

export interface PromiseRecord {
  /** The notice that promised. */
  noticeId: string;
  promisedBy: string;
  /** The next notice sent, which kept the promise or came after it. */
  next?: { noticeId: string; sentAt: string };
  /** `open`: not due yet, and no notice sent since. */
  outcome: 'kept' | 'missed' | 'open';
  /** How late the next notice came (missed, once it came). */
  lateSeconds?: number;
}

/** Each promise the incident's sent notices made, and whether the notice after it kept it. */
export function promiseRecords(notices: readonly Notice[], now: Date): PromiseRecord[] {
  const sent = notices.filter((n) => n.status === 'SENT' && n.sentAt).sort((a, b) => a.sequence - b.sequence);
  return sent.flatMap((n, i): PromiseRecord[] => {
    if (n.kind === 'closing') return [];
    const promisedBy = n.promisedNextUpdateAt;
    const next = sent[i + 1];
    if (!next) return [{ noticeId: n.noticeId, promisedBy, outcome: Date.parse(promisedBy) < now.getTime() ? 'missed' : 'open' }];
    const lateMs = Date.parse(next.sentAt!) - Date.parse(promisedBy);
    return [
      {
        noticeId: n.noticeId,
        promisedBy,
        next: { noticeId: next.noticeId, sentAt: next.sentAt! },
        outcome: lateMs <= 0 ? 'kept' : 'missed',
        ...(lateMs > 0 ? { lateSeconds: Math.ceil(lateMs / 1000) } : {}),
      },
    ];
  });
}

/** The settings as deployed: the lead set (`updateLeadMinutes`), or its default from the approvals. */
export function promiseSettings(s: Omit<PromiseSettings, 'leadSeconds'> & { leadSeconds?: number }): PromiseSettings {
  return { ...s, leadSeconds: s.leadSeconds ?? defaultLeadSeconds(s.approvalSeconds, s.escalationSeconds) };
}
