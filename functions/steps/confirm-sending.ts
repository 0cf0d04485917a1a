import type { DeliveryLedgerPort, IncidentStorePort, NoticeStorePort } from '../domain/ports.js';
import type { SendingPlan, Slice } from './plan-sending.js';
import { reconcileNotice } from './reconcile-notice.js';

/** What one slice of the Map returned: done, or where it stopped and why. */
export interface SliceResult {
  done: boolean;
  from?: number;
  to?: number;
  /** The error name that ended the slice's attempts. */
  error?: string;
}

export interface ConfirmDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline'>;
  notices: Pick<NoticeStorePort, 'getNotice' | 'saveReconciliation' | 'setNoticeStatus'>;
  ledger: Pick<DeliveryLedgerPort, 'recipientOutcomes'>;
  alertTeam: (event: string, subject: string, message: string) => Promise<void>;
}

export type ConfirmResult = SendingPlan & { done: boolean; waitSeconds: number };

/** How long unfinished slices wait before the next round: a paused account or a spent daily quota waits for people or the window. */
function waitFor(errors: string[], round: number): number {
  if (errors.includes('SendingPausedError')) return 900;
  if (errors.includes('DailyQuotaExceededError')) return 3600;
  return Math.min(300 * 2 ** round, 3600);
}

/**
 * After a round of the Map: every slice done marks the notice sent (timeline first, with the
 * ledger's totals); otherwise the slices left (from where each stopped) go round again after a wait,
 * and the team is told why. One slice's failure never stops the others, and nobody is sent twice:
 * the ledger skips every settled call.
 */
export async function confirmSending(input: { incidentId: string; noticeId: string; results: SliceResult[]; plan: SendingPlan }, deps: ConfirmDeps): Promise<ConfirmResult> {
  const left: Slice[] = input.results.filter((r) => !r.done).map((r) => ({ from: r.from ?? 0, to: r.to ?? 0 }));
  if (left.length === 0) {
    const notice = await deps.notices.getNotice(input.incidentId, input.noticeId);
    if (notice.status !== 'SENT') {
      // Reconciled once, here, and kept on the notice: the final report reads it instead of every recipient again.
      const reconciliation = await reconcileNotice(deps.ledger, input);
      await deps.notices.saveReconciliation(input.incidentId, input.noticeId, reconciliation);
      await deps.incidents.appendTimeline(input.incidentId, {
        action: 'notice-sent',
        actor: 'confirm-sending',
        detail: { noticeId: input.noticeId, totals: reconciliation.channels, reconciled: reconciliation.problems.length === 0, rounds: input.plan.round + 1 },
      });
      await deps.notices.setNoticeStatus(input.incidentId, input.noticeId, 'SENT');
    }
    return { ...input.plan, slices: [], done: true, waitSeconds: 0 };
  }
  const errors = input.results.flatMap((r) => (!r.done && r.error ? [r.error] : []));
  const byError = Object.fromEntries([...new Set(errors)].map((e) => [e, errors.filter((x) => x === e).length]));
  const waitSeconds = waitFor(errors, input.plan.round);
  await deps.incidents.appendTimeline(input.incidentId, {
    action: 'sending-unfinished',
    actor: 'confirm-sending',
    detail: { noticeId: input.noticeId, slicesLeft: left.length, errors: byError, round: input.plan.round, waitSeconds },
  });
  // The first round and every fourth after: the team hears of it without a page every few minutes.
  if (input.plan.round % 4 === 0) {
    await deps.alertTeam(
      errors.includes('SendingPausedError') ? 'sending-paused' : 'sending-unfinished',
      `${input.noticeId} of ${input.incidentId}: ${left.length} of ${input.results.length} slices not sent yet`,
      `Round ${input.plan.round + 1} of sending ${input.noticeId} left ${left.length} slices unfinished (${Object.entries(byError).map(([e, n]) => `${e} x${n}`).join(', ') || 'no error recorded'}). The workflow tries them again in ${waitSeconds} s; customers already sent are not sent again.${errors.includes('SendingPausedError') ? ' SES sending is paused: re-enable it.' : ''}`,
    );
  }
  return { ...input.plan, slices: left, round: input.plan.round + 1, done: false, waitSeconds };
}
