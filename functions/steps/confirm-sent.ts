import type { Notice } from '../domain/incident.js';
import type { DeliveryLedgerPort, IncidentStorePort, NoticeStorePort, PromiseClockPort } from '../domain/ports.js';
import { openPromise } from '../domain/promises.js';
import { REFUSAL_MESSAGE_MAX, withoutContactPoints } from '../domain/provider-failure.js';
import type { Clock } from '../shared/clock.js';
import type { SendingPlan, Slice } from './prepare-sending.js';
import { reconcileNotice } from './reconcile-notice.js';

/** What one slice of the Map returned: done, or where it stopped and why. */
export interface SliceResult {
  done: boolean;
  from?: number;
  to?: number;
  /** The error name that ended the slice's attempts. */
  error?: string;
  /** Step Functions' Cause of that error, kept for a ProviderRefusedError only: the provider's reason. */
  cause?: string;
}

export interface ConfirmDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline'>;
  notices: Pick<NoticeStorePort, 'getNotice' | 'listNotices' | 'saveReconciliation' | 'setNoticeStatus'>;
  ledger: Pick<DeliveryLedgerPort, 'recipientOutcomes'>;
  /** The promises no notice has kept yet: the one this notice keeps is settled, its own starts. */
  promises: Pick<PromiseClockPort, 'open' | 'close'>;
  alertTeam: (event: string, subject: string, message: string) => Promise<void>;
  clock: Clock;
}

export type ConfirmResult = SendingPlan & { done: boolean; waitSeconds: number };

const REFUSED = 'ProviderRefusedError';
/** Distinct reasons told at most (each KMS refusal carries its own request id). */
const MAX_REASONS = 5;

/** What the team checks when a provider refuses for good, by the provider named at the start of the reason. */
const REFUSAL_ADVICE: Record<string, string> = {
  SES: "Check the send function's role (ses:SendBulkEmail), that the notice templates and the configuration set exist, the sender identity's verification and SES production access (out of the sandbox; npm run preflight checks these two).",
  SNS: "Check the send function's role (sns:Publish), the account's SMS settings (npm run preflight checks the SMS sandbox and spend limit), and for an encrypted topic its KMS key's policy and state.",
};
const GENERIC_ADVICE = "Check the send function's role and the provider's settings (npm run preflight).";

/**
 * The provider's reason from a slice's Cause: Lambda reports a function's error to Step Functions as
 * JSON with errorType, errorMessage and trace (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html);
 * anything else is taken as it is. Cleaned and cut again here: a page must never carry an address.
 */
function reasonOf(cause: string): string {
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') text = parsed.errorMessage;
  } catch {
    // Not Lambda's JSON: the cause itself.
  }
  const clean = withoutContactPoints(text).replace(/\s+/g, ' ').trim();
  // The provider's part is cut at REFUSAL_MESSAGE_MAX; the name of provider and error come before it.
  return clean.length > 2 * REFUSAL_MESSAGE_MAX ? `${clean.slice(0, 2 * REFUSAL_MESSAGE_MAX - 1)}…` : clean;
}

/**
 * How long unfinished slices wait before the next round: a refusal people must fix or a paused account
 * waits for people, a spent daily quota for the window.
 */
function waitFor(errors: string[], round: number): number {
  if (errors.includes(REFUSED)) return 900;
  if (errors.includes('SendingPausedError')) return 900;
  if (errors.includes('DailyQuotaExceededError')) return 3600;
  return Math.min(300 * 2 ** round, 3600);
}

/**
 * The notice is out: the promise the last one sent made customers is kept, or was kept late (each on
 * the timeline with both times), and its clock stops; the notice's own promise starts its clock
 * (regulator-clocks pages the team when one comes due unkept). A closing notice promises nothing.
 */
async function settlePromises(notice: Notice, deps: ConfirmDeps): Promise<void> {
  const sentAt = deps.clock.now().toISOString();
  const previous = openPromise(await deps.notices.listNotices(notice.incidentId), notice.sequence);
  if (previous) {
    const promisedBy = previous.promisedNextUpdateAt;
    const lateMs = Date.parse(sentAt) - Date.parse(promisedBy);
    await deps.incidents.appendTimeline(notice.incidentId, {
      action: lateMs <= 0 ? 'promise-kept' : 'promise-fulfilled-late',
      actor: 'confirm-sent',
      detail: { noticeId: previous.noticeId, promisedBy, by: notice.noticeId, sentAt, ...(lateMs > 0 ? { lateSeconds: Math.ceil(lateMs / 1000) } : {}) },
    });
    await deps.promises.close({ incidentId: notice.incidentId, noticeId: previous.noticeId, promisedBy });
  }
  if (notice.kind !== 'closing')
    await deps.promises.open({ incidentId: notice.incidentId, noticeId: notice.noticeId, promisedBy: notice.promisedNextUpdateAt });
}

/**
 * After a round of the Map: every slice done marks the notice sent (timeline first, with the
 * ledger's totals, then the promises it keeps and makes); otherwise the slices left (from where each stopped) go round again after a wait,
 * and the team is told why. One slice's failure never stops the others, and nobody is sent twice:
 * the ledger skips every settled call.
 */
export async function confirmSending(
  input: { incidentId: string; noticeId: string; results: SliceResult[]; plan: SendingPlan },
  deps: ConfirmDeps,
): Promise<ConfirmResult> {
  const left: Slice[] = input.results.filter((r) => !r.done).map((r) => ({ from: r.from ?? 0, to: r.to ?? 0 }));
  if (left.length === 0) {
    const notice = await deps.notices.getNotice(input.incidentId, input.noticeId);
    if (notice.status !== 'SENT') {
      // Reconciled once, here, and kept on the notice: the final report reads it instead of every recipient again.
      const reconciliation = await reconcileNotice(deps.ledger, input);
      await deps.notices.saveReconciliation(input.incidentId, input.noticeId, reconciliation);
      await deps.incidents.appendTimeline(input.incidentId, {
        action: 'notice-sent',
        actor: 'confirm-sent',
        detail: { noticeId: input.noticeId, totals: reconciliation.channels, reconciled: reconciliation.problems.length === 0, rounds: input.plan.round + 1 },
      });
      await settlePromises(notice, deps);
      await deps.notices.setNoticeStatus(input.incidentId, input.noticeId, 'SENT');
    }
    return { ...input.plan, slices: [], done: true, waitSeconds: 0 };
  }
  const errors = input.results.flatMap((r) => (!r.done && r.error ? [r.error] : []));
  const byError = Object.fromEntries([...new Set(errors)].map((e) => [e, errors.filter((x) => x === e).length]));
  const waitSeconds = waitFor(errors, input.plan.round);
  const reasons = [...new Set(input.results.flatMap((r) => (!r.done && r.error === REFUSED ? [reasonOf(r.cause ?? '') || REFUSED] : [])))];
  await deps.incidents.appendTimeline(input.incidentId, {
    action: 'sending-unfinished',
    actor: 'confirm-sent',
    detail: {
      noticeId: input.noticeId,
      slicesLeft: left.length,
      errors: byError,
      round: input.plan.round,
      waitSeconds,
      ...(reasons.length > 0 ? { refusals: reasons.slice(0, MAX_REASONS) } : {}),
    },
  });
  if (reasons.length > 0) {
    // Waiting will not fix it: the team hears of it every round, with the provider's reason and what to check.
    const advice = Object.entries(REFUSAL_ADVICE).flatMap(([provider, text]) => (reasons.some((r) => r.startsWith(`${provider} refused:`)) ? [text] : []));
    await deps.alertTeam(
      'provider-refused',
      `${input.noticeId} of ${input.incidentId}: the provider refused to send; ${left.length} of ${input.results.length} slices waiting`,
      [
        `Round ${input.plan.round + 1} of sending ${input.noticeId} left ${left.length} slices unfinished (${Object.entries(byError)
          .map(([e, n]) => `${e} x${n}`)
          .join(', ')}): refused in a way that waiting does not fix.`,
        ...reasons.slice(0, MAX_REASONS),
        ...(reasons.length > MAX_REASONS ? [`... and ${reasons.length - MAX_REASONS} other reasons.`] : []),
        ...(advice.length > 0 ? advice : [GENERIC_ADVICE]),
        `The workflow tries again in ${waitSeconds} s, and pages again each round until the provider accepts; nobody already sent is sent again.`,
      ].join('\n'),
    );
  } else if (input.plan.round % 4 === 0) {
    // The first round and every fourth after: the team hears of it without a page every few minutes.
    await deps.alertTeam(
      errors.includes('SendingPausedError') ? 'sending-paused' : 'sending-unfinished',
      `${input.noticeId} of ${input.incidentId}: ${left.length} of ${input.results.length} slices not sent yet`,
      `Round ${input.plan.round + 1} of sending ${input.noticeId} left ${left.length} slices unfinished (${
        Object.entries(byError)
          .map(([e, n]) => `${e} x${n}`)
          .join(', ') || 'no error recorded'
      }). The workflow tries them again in ${waitSeconds} s; customers already sent are not sent again.${errors.includes('SendingPausedError') ? ' SES sending is paused: re-enable it.' : ''}`,
    );
  }
  return { ...input.plan, slices: left, round: input.plan.round + 1, done: false, waitSeconds };
}
