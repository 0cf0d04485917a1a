import { providerAccepted } from '../domain/delivery-evidence.js';
import { chunkOfBatchKey, type NoticeRef, type Outcome, type UncertainCall } from '../domain/delivery.js';
import type { EvidenceStorePort, UncertainSettlementPort } from '../domain/ports.js';
import type { Clock } from '../shared/clock.js';

export interface EvidenceSettlementDeps {
  ledger: UncertainSettlementPort;
  evidence: Pick<EvidenceStorePort, 'read'>;
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
}

/** Settling rounds per call: a recipient whose re-send is lost again is tried at most this often, then stays UNCERTAIN and listed. */
export const MAX_EVIDENCE_ROUNDS = 3;

/**
 * Windows a call's settling waits past its own for evidence that is behind, then silence decides anyway (a
 * provider may never report on some messages). Each is one more wait of the workflow's loop: at most this many.
 */
export const LATE_EVIDENCE_WINDOWS = 2;

/**
 * The call's evidence has come in when at least half of the recipients the provider answered for (SENT)
 * have some: the lost answer's message was sent at the same moment as theirs, so its evidence, if any,
 * travels with theirs. A call lost whole has no such witness: its window alone decides (see DeliveryEvidenceLate).
 */
function evidenceCaughtUp(call: UncertainCall, witnessed: number): boolean {
  return call.totals.sent === 0 || witnessed * 2 >= call.totals.sent;
}

/**
 * A call whose answer was lost left its recipients UNCERTAIN. Once every slice is done and the call's
 * evidence window is over, each is settled by what the provider reported under its message tags (SMS:
 * its delivery status, matched by number and call time): any event (send, delivery, bounce, an SMS
 * failure...) proves the provider accepted it (SENT); none proves nothing for sure,
 * since EventBridge delivers SES events best effort (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ses.html),
 * but a customer never told is the worse failure, so they are sent again (RETRYABLE), exactly once through
 * the ledger's claim. Silence counts only once the call's evidence has come in (`evidenceCaughtUp`): a
 * backlog of evidence longer than the window would otherwise re-send to people who were told (seen at
 * 100,000 customers on the twin: ~150 SMS sent twice). Each call is settled in one transaction conditioned on its claim unchanged.
 */
export async function settleByEvidence(ref: NoticeRef, deps: EvidenceSettlementDeps): Promise<EvidenceSettlement> {
  const now = deps.clock.now();
  const result: EvidenceSettlement = { confirmed: 0, reopened: 0, left: 0, behind: 0, reopenedChunks: [] };
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
    // The answered recipients' evidence too (one BatchGet of the call's keys): they witness whether it has come in.
    const evidence = await deps.evidence.read(ref, call.channel, call.recipients);
    const uncertain = new Set(call.uncertainIds);
    const witnessed = call.recipients.filter((id) => !uncertain.has(id) && providerAccepted(evidence.get(id)?.seen ?? {})).length;
    const givesUpAt = windowEnds + LATE_EVIDENCE_WINDOWS * deps.evidenceWindowSeconds * 1000;
    if (!evidenceCaughtUp(call, witnessed) && now.getTime() < givesUpAt) {
      result.left += call.uncertainIds.length;
      result.behind += call.uncertainIds.length;
      later(Math.min(deps.evidenceWindowSeconds, (givesUpAt - now.getTime()) / 1000));
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
    const accepted = call.uncertainIds.filter((id) => providerAccepted(evidence.get(id)?.seen ?? {}));
    const silent = call.uncertainIds.filter((id) => !accepted.includes(id));
    const why = evidenceCaughtUp(call, witnessed)
      ? `no provider evidence within ${deps.evidenceWindowSeconds} s of the call: sent again`
      : `no provider evidence within ${(LATE_EVIDENCE_WINDOWS + 1) * deps.evidenceWindowSeconds} s of the call, most of its other recipients' still missing: sent again`;
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
