import { ACCEPTANCE_EVENTS, evidenceEvents, providerAccepted } from '../domain/delivery-evidence.js';
import { chunkOfBatchKey, type NoticeRef, type Outcome, type UncertainCall } from '../domain/delivery.js';
import type { EvidenceStorePort, UncertainSettlementPort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface EvidenceSettlementDeps {
  ledger: UncertainSettlementPort;
  evidence: Pick<EvidenceStorePort, 'read' | 'counts'>;
  clock: Clock;
  /** Channels whose provider reports evidence by message tag (email); UNCERTAIN on any other stays so: no evidence will come. */
  evidenceChannels: readonly string[];
  /**
   * Channels whose evidence depends on the account's settings (SMS: SNS logs every delivery's status only
   * when told to), asked only when such a channel has UNCERTAIN recipients: without the evidence, silence
   * would re-send to people who were told.
   */
  settingsEvidenceChannels?: () => Promise<readonly string[]>;
  /** How long after a call finished its evidence is awaited before a recipient with none counts as not sent. */
  evidenceWindowSeconds: number;
  /**
   * Records SMS statuses kept because they came before these UNCERTAIN outcomes (steps/record-sms-status.ts
   * `recordEarlyLost`), before silence may decide: a lost call's status matches it only by time. @default none
   */
  recordEarly?: (ref: NoticeRef, outcomes: readonly Pick<Outcome, 'customerId' | 'channel' | 'status' | 'at'>[]) => Promise<unknown>;
}

export interface EvidenceSettlement {
  /** UNCERTAIN recipients the provider's evidence shows it accepted: now SENT. */
  confirmed: number;
  /** UNCERTAIN recipients with no evidence after the window: now RETRYABLE, sent again by the next round. */
  reopened: number;
  /** Still UNCERTAIN: a channel without evidence, rounds spent, their window not over yet, or their evidence behind. */
  left: number;
  /**
   * Of `left`, those whose window is over but whose call's answered recipients have mostly no evidence yet:
   * the evidence is late (a backlog in its queue or function, a slow carrier), so silence proves nothing yet.
   */
  behind: number;
  /** The audience chunks holding reopened recipients: the slices the next round sends. */
  reopenedChunks: number[];
  /** Seconds until the next call's window ends, when one has not ended yet. */
  dueInSeconds?: number;
  /** The notice's acceptance events per channel read at this look: what the next look compares with (`LateEvidence`). */
  seen: EvidenceSeen;
}

/** Acceptance events of the notice per channel at a look (ACCEPTANCE_EVENTS). */
export type EvidenceSeen = Record<string, number>;

/** What the workflow carries from one look to the next while evidence is behind: the counts seen, and the looks that waited for it. */
export interface LateEvidence {
  seen: EvidenceSeen;
  looks: number;
}

/** Settling rounds per call: a recipient whose re-send is lost again is tried at most this often, then stays UNCERTAIN and listed. */
export const MAX_EVIDENCE_ROUNDS = 3;

/**
 * How long past a call's own window its settling waits at most for evidence that is behind: 64 windows,
 * and never more than 16 h (16 h at the default 15-minute window), long enough for a backlog to drain (at
 * 100,000 customers the twin's SMS statuses ran minutes behind, dozens of its scaled windows) and only
 * while evidence keeps coming. Each wait is as long as the time already waited (at least a window).
 */
export const LATE_EVIDENCE_WINDOWS = 64;
export const LATE_EVIDENCE_MAX_SECONDS = 16 * 3600;
const lateLimit = (windowSeconds: number) => Math.min(LATE_EVIDENCE_WINDOWS * windowSeconds, LATE_EVIDENCE_MAX_SECONDS);

/** How long the next wait for late evidence is, `elapsed` seconds past the window: the time waited so far, at least a window, never past the limit. */
export function lateEvidenceWait(elapsedSeconds: number, windowSeconds: number): number {
  return Math.min(Math.max(windowSeconds, elapsedSeconds), lateLimit(windowSeconds) - elapsedSeconds);
}

/**
 * Looks of one notice that wait for late evidence, at most, over all its calls and rounds (the plan counts
 * them): as many as one call's waits take to reach the limit. tests/infra/limits.test.ts counts them in the history.
 */
export const LATE_EVIDENCE_LOOKS = (() => {
  let looks = 0;
  for (let elapsed = 0; elapsed < LATE_EVIDENCE_WINDOWS; elapsed += lateEvidenceWait(elapsed, 1)) looks += 1;
  return looks;
})();

/**
 * The call's evidence has come in when at least half of the recipients the provider answered for (SENT)
 * have some: the lost answer's message was sent at the same moment as theirs, so its evidence, if any,
 * travels with theirs. A call lost whole has no such witness, and counts as behind: it waits until the
 * notice's evidence stops coming (at 100,000 customers on the twin whole SMS batches of 20 lost their
 * answers while the statuses ran 5 minutes behind: 611 numbers got a second SMS when the window alone decided).
 */
function evidenceCaughtUp(call: UncertainCall, witnessed: number): boolean {
  return call.totals.sent > 0 && witnessed * 2 >= call.totals.sent;
}

/**
 * A call whose answer was lost left its recipients UNCERTAIN. Once every slice is done and the call's
 * evidence window is over, each is settled by what the provider reported under its message tags (SMS:
 * its delivery status, matched by number and call time): any event (send, delivery, bounce, an SMS
 * failure...) proves the provider accepted it (SENT); none proves nothing for sure,
 * since EventBridge delivers SES events best effort (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ses.html),
 * but a customer never told is the worse failure, so they are sent again (RETRYABLE), exactly once through
 * the ledger's claim. Silence counts only once the call's evidence has come in (`evidenceCaughtUp`), or
 * has stopped coming for the notice since the last look (`late`), or after the late limit or looks: a
 * backlog of evidence longer than the window would otherwise re-send to people who were told (seen at
 * 100,000 customers on the twin: ~150 SMS sent twice). Each call is settled in one transaction conditioned on its claim unchanged.
 */
export async function settleByEvidence(ref: NoticeRef, deps: EvidenceSettlementDeps, late: LateEvidence = { seen: {}, looks: 0 }): Promise<EvidenceSettlement> {
  const now = deps.clock.now();
  const result: EvidenceSettlement = { confirmed: 0, reopened: 0, left: 0, behind: 0, reopenedChunks: [], seen: {} };
  // Acceptance evidence still coming for the notice on this channel since the last look (or no look yet): a backlog draining.
  const stillComing = async (channel: string) => {
    if (result.seen[channel] === undefined) {
      const counts = await deps.evidence.counts(ref, channel);
      result.seen[channel] = (ACCEPTANCE_EVENTS[channel] ?? evidenceEvents).reduce((sum, event) => sum + counts[event], 0);
    }
    return late.seen[channel] === undefined || result.seen[channel]! > late.seen[channel]!;
  };
  const mayWait = late.looks < LATE_EVIDENCE_LOOKS;
  const later = (seconds: number) => {
    const due = Math.max(1, Math.ceil(seconds));
    result.dueInSeconds = Math.min(result.dueInSeconds ?? due, due);
  };
  const chunks = new Set<number>();
  let fromSettings: readonly string[] | undefined;
  const hasEvidence = async (channel: string) =>
    deps.evidenceChannels.includes(channel) || (fromSettings ??= (await deps.settingsEvidenceChannels?.()) ?? []).includes(channel);
  for (const call of await deps.ledger.uncertainCalls(ref)) {
    const windowEnds = Date.parse(call.completedAt) + deps.evidenceWindowSeconds * 1000;
    if (call.evidenceRounds >= MAX_EVIDENCE_ROUNDS || !(await hasEvidence(call.channel))) {
      result.left += call.uncertainIds.length;
      continue;
    }
    if (now.getTime() < windowEnds) {
      result.left += call.uncertainIds.length;
      later((windowEnds - now.getTime()) / 1000);
      continue;
    }
    await deps.recordEarly?.(
      ref,
      call.uncertainIds.map((customerId) => ({ customerId, channel: call.channel, status: 'UNCERTAIN' as const, at: call.completedAt })),
    );
    // The answered recipients' evidence too (one BatchGet of the call's keys): they witness whether it has come in.
    const evidence = await deps.evidence.read(ref, call.channel, call.recipients);
    const uncertain = new Set(call.uncertainIds);
    const witnessed = call.recipients.filter((id) => !uncertain.has(id) && providerAccepted(evidence.get(id)?.seen ?? {})).length;
    const accepted = call.uncertainIds.filter((id) => providerAccepted(evidence.get(id)?.seen ?? {}));
    const silent = call.uncertainIds.filter((id) => !accepted.includes(id));
    const elapsed = (now.getTime() - windowEnds) / 1000;
    const caughtUp = evidenceCaughtUp(call, witnessed);
    // Someone silent while the evidence is behind: wait while it keeps coming, up to the last late window;
    // evidence that stopped coming proves what it can.
    if (silent.length > 0 && !caughtUp && mayWait && elapsed < lateLimit(deps.evidenceWindowSeconds) && (await stillComing(call.channel))) {
      result.left += call.uncertainIds.length;
      result.behind += call.uncertainIds.length;
      later(lateEvidenceWait(elapsed, deps.evidenceWindowSeconds));
      continue;
    }
    const outcome = (customerId: string, fields: Pick<Outcome, 'status' | 'reason'> & Partial<Outcome>): Outcome => ({
      ...ref,
      customerId,
      channel: call.channel,
      batchKey: call.batchKey,
      attempt: call.attempts,
      at: now.toISOString(),
      ...fields,
    });
    const why = caughtUp
      ? `no provider evidence within ${deps.evidenceWindowSeconds} s of the call: sent again`
      : `no provider evidence ${Math.round(elapsed + deps.evidenceWindowSeconds)} s after the call, most of its other recipients' still missing and no more coming: sent again`;
    const outcomes = [
      ...accepted.map((id) => {
        const messageId = evidence.get(id)?.messageId;
        return outcome(id, { status: 'SENT', reason: 'confirmed by the provider’s delivery evidence', ...(messageId ? { providerMessageId: messageId } : {}) });
      }),
      ...silent.map((id) => outcome(id, { status: 'RETRYABLE', reason: why })),
    ];
    const totals = {
      sent: call.totals.sent + accepted.length,
      failed: call.totals.failed,
      retryable: call.totals.retryable + silent.length,
      uncertain: Math.max(0, call.totals.uncertain - call.uncertainIds.length),
    };
    // Claimed since it was read: a sender is at it; the next confirm looks again.
    if (!(await deps.ledger.settleUncertain(ref, call, totals, [], outcomes))) {
      result.left += call.uncertainIds.length;
      continue;
    }
    result.confirmed += accepted.length;
    result.reopened += silent.length;
    if (silent.length > 0) chunks.add(chunkOfBatchKey(call.batchKey));
  }
  result.reopenedChunks = [...chunks].sort((a, b) => a - b);
  return result;
}
