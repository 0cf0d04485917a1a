import type { Notice } from '../domain/incident.js';
import type { DeliveryLedgerPort, EvidenceStorePort, IncidentStorePort, NoticeStorePort, PromiseClockPort } from '../domain/ports.js';
import { openPromise } from '../domain/promises.js';
import { describeBreaches, judgeReputation, percent, REPUTATION_CHANNEL, SES_REVIEW_LEVELS, type ReputationLimits } from '../domain/reputation.js';
import { REFUSAL_MESSAGE_MAX, withoutContactPoints } from '../domain/provider-failure.js';
import type { Clock } from '../shared/clock.js';
import type { SendingPlan, Slice } from './prepare-sending.js';
import { reconcileNotice } from './reconcile-notice.js';
import { settleByEvidence, type EvidenceSettlementDeps, type LateEvidence } from './settle-by-evidence.js';
import { fallbackStep, noFallbackYet, type FallbackDeps, type FallbackState } from './fallback.js';
import { unreachableCustomers } from './unreachable-customers.js';

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
  ledger: Pick<DeliveryLedgerPort, 'recipientOutcomes' | 'outcomesForCustomer'>;
  /** UNCERTAIN recipients settled by the provider's evidence before the notice counts as sent (steps/settle-by-evidence.ts). */
  evidence: EvidenceSettlementDeps;
  /** Customers a channel never reached, sent the notice on their next channel once its evidence is in (steps/fallback.ts). */
  fallback: FallbackDeps;
  /** The notice's email evidence counts and the limits, for the page when the reputation guard paused sending (steps/send-notices.ts). */
  reputation: { evidence: Pick<EvidenceStorePort, 'counts'>; limits: ReputationLimits };
  /** The promises no notice has kept yet: the one this notice keeps is settled, its own starts. */
  promises: Pick<PromiseClockPort, 'open' | 'close'>;
  alertTeam: (event: string, subject: string, message: string) => Promise<void>;
  clock: Clock;
}

/** `awaitingEvidence`: every slice is done but a call's evidence window is not over; the state machine waits `waitSeconds` for it. */
export type ConfirmResult = SendingPlan & {
  done: boolean;
  waitSeconds: number;
  awaitingEvidence: boolean;
  fallback: FallbackState;
  lateEvidence: LateEvidence;
};

const REFUSED = 'ProviderRefusedError';
const REPUTATION = 'ReputationPausedError';
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
  if (errors.includes(REPUTATION)) return 900;
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
  input: { incidentId: string; noticeId: string; results: SliceResult[]; plan: SendingPlan & { fallback?: FallbackState; lateEvidence?: LateEvidence } },
  deps: ConfirmDeps,
): Promise<ConfirmResult> {
  const left: Slice[] = input.results.filter((r) => !r.done).map((r) => ({ from: r.from ?? 0, to: r.to ?? 0 }));
  const plan = { ...input.plan, fallback: input.plan.fallback ?? noFallbackYet(), lateEvidence: input.plan.lateEvidence ?? { seen: {}, looks: 0 } };
  if (left.length === 0) {
    const notice = await deps.notices.getNotice(input.incidentId, input.noticeId);
    if (notice.status !== 'SENT') {
      const settled = await settleByEvidence(input, deps.evidence, plan.lateEvidence);
      // Carried to the next look, whichever way this one goes: the counts it read, and one more look if it waited for late evidence (anyone behind).
      plan.lateEvidence = { seen: { ...plan.lateEvidence.seen, ...settled.seen }, looks: plan.lateEvidence.looks + (settled.behind > 0 ? 1 : 0) };
      // Evidence behind is on the timeline too: operators see why the notice is not marked sent yet.
      if (settled.confirmed + settled.reopened + settled.behind > 0) {
        await deps.incidents.appendTimeline(input.incidentId, {
          action: 'uncertain-settled',
          actor: 'confirm-sent',
          detail: { noticeId: input.noticeId, confirmed: settled.confirmed, reopened: settled.reopened, left: settled.left, behind: settled.behind },
        });
      }
      // Those with no evidence go out again, from their chunks only: the ledger skips everyone settled.
      if (settled.reopened > 0) {
        return { ...plan, slices: slicesOf(settled.reopenedChunks), round: input.plan.round + 1, done: false, waitSeconds: 0, awaitingEvidence: false };
      }
      if (settled.dueInSeconds !== undefined) return { ...plan, slices: [], done: false, waitSeconds: settled.dueInSeconds, awaitingEvidence: true };
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
    return fallBack(input, plan, deps);
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
  const pagedForReputation = errors.includes(REPUTATION) && (await pageReputationPause(input, left.length, waitSeconds, deps));
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
  } else if (input.plan.round % 4 === 0 && !pagedForReputation) {
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
  return { ...plan, slices: left, round: input.plan.round + 1, done: false, waitSeconds, awaitingEvidence: false };
}

/**
 * The notice is sent and its customers were told on their chosen channels: once the evidence is in,
 * those a channel never reached are sent it on their next one (steps/fallback.ts), their chunks going
 * round the send loop again. When nothing is left to fall back to, the figures are reconciled again
 * with the fallbacks in them, and the team hears how many customers no channel reached: the call list.
 */
async function fallBack(
  input: { incidentId: string; noticeId: string },
  plan: SendingPlan & { fallback: FallbackState; lateEvidence: LateEvidence },
  deps: ConfirmDeps,
): Promise<ConfirmResult> {
  const { incidentId, noticeId } = input;
  const step = await fallbackStep(input, plan.fallback, deps.fallback);
  if (step.kind === 'wait') return { ...plan, fallback: step.state, slices: [], done: false, waitSeconds: step.seconds, awaitingEvidence: true };
  if (step.kind === 'send') {
    await deps.incidents.appendTimeline(incidentId, {
      action: 'fallback-sending',
      actor: 'confirm-sent',
      detail: { noticeId, customers: step.customers, planned: step.planned, byChannel: step.byChannel, evidenceRound: step.state.round },
    });
    return { ...plan, fallback: step.state, slices: slicesOf(step.chunks), round: plan.round + 1, done: false, waitSeconds: 0, awaitingEvidence: false };
  }
  const done: ConfirmResult = { ...plan, fallback: step.state, slices: [], done: true, waitSeconds: 0, awaitingEvidence: false };
  const unreachable = await unreachableCustomers(input, { evidence: deps.fallback.evidence, ledger: deps.ledger });
  const fellBack = plan.fallback.round > 0;
  if (fellBack) await deps.notices.saveReconciliation(incidentId, noticeId, await reconcileNotice(deps.ledger, input));
  // Every customer reached on a chosen channel: nothing to add to the timeline.
  if (!fellBack && unreachable.length === 0) return done;
  await deps.incidents.appendTimeline(incidentId, {
    action: 'delivery-settled',
    actor: 'confirm-sent',
    detail: { noticeId, evidenceRounds: step.state.round, fellBack, unreachable: unreachable.length },
  });
  if (unreachable.length > 0) {
    await deps.alertTeam(
      'customers-unreachable',
      `${noticeId} of ${incidentId}: ${unreachable.length} customers reached on no channel`,
      [
        `${unreachable.length} customers of ${noticeId} were reached on no channel: each channel they have bounced, was rejected or failed, and they have no other address. Contact them another way (telephone, post).`,
        `The list, with why each channel failed: npm run incident -- deliveries ${incidentId} (or the incident on the operator console). The final report lists them too.`,
        'The public incident page is the last resort for anyone the team cannot reach either.',
      ].join('\n'),
    );
  }
  return done;
}

/**
 * The reputation guard stopped slices: the team is paged every round with the notice's figures, what they
 * mean and how to go on, and the pause is on the timeline. Nothing is paged when the team already resumed
 * the notice or its rates are back under the limits: the next round goes on by itself. True when paged.
 */
async function pageReputationPause(
  input: { incidentId: string; noticeId: string; results: SliceResult[]; plan: SendingPlan },
  slicesLeft: number,
  waitSeconds: number,
  deps: ConfirmDeps,
): Promise<boolean> {
  const { incidentId, noticeId } = input;
  const notice = await deps.notices.getNotice(incidentId, noticeId);
  if (notice.sendingResumed) return false;
  const { limits } = deps.reputation;
  const counts = await deps.reputation.evidence.counts(input, REPUTATION_CHANNEL);
  const verdict = judgeReputation(counts, limits);
  if (verdict.breaches.length === 0) return false;
  const stopped = input.results.filter((r) => !r.done && r.error === REPUTATION).length;
  await deps.incidents.appendTimeline(incidentId, {
    action: 'sending-paused-reputation',
    actor: 'confirm-sent',
    detail: {
      noticeId,
      round: input.plan.round,
      breaches: verdict.breaches,
      accepted: counts.Send,
      delivered: counts.Delivery,
      bounced: counts.BouncePermanent,
      complained: counts.Complaint,
      ...(verdict.bounceRate !== undefined ? { bounceRate: verdict.bounceRate } : {}),
      ...(verdict.complaintRate !== undefined ? { complaintRate: verdict.complaintRate } : {}),
      slicesStopped: stopped,
    },
  });
  await deps.alertTeam(
    'sending-paused-reputation',
    `${noticeId} of ${incidentId}: sending paused, ${verdict.breaches.map((b) => `${b} rate ${percent(b === 'bounce' ? verdict.bounceRate : verdict.complaintRate)}`).join(', ')} above the limit`,
    [
      `Sending ${noticeId} is paused (round ${input.plan.round + 1}, ${stopped} of ${slicesLeft} unfinished slices stopped by it): ${describeBreaches(counts, verdict, limits)}.`,
      `Its emails so far: ${counts.Send} accepted by SES, ${counts.Delivery} delivered, ${counts.BouncePermanent} bounced for good (${percent(verdict.bounceRate)}), ${counts.Complaint} complaints (${percent(verdict.complaintRate)}), ${counts.BounceTransient} soft bounces, ${counts.DeliveryDelay} delayed, ${counts.Reject} rejected, ${counts.RenderingFailure} failed to render. Rates are judged from ${limits.minimumMessages} emails on.`,
      `What it means: SES reviews an account from a bounce rate of about ${SES_REVIEW_LEVELS.bounceRate * 100}% or a complaint rate of about ${SES_REVIEW_LEVELS.complaintRate * 100}% and may pause its sending; every later notice and update, of this incident and any other, would stop. This notice stopped first so that people decide. Its SMS wait too.`,
      'Before going on: check the audience (old or imported addresses bounce) and the account-wide rates on the SES reputation dashboard.',
      `To send it anyway: npm run incident -- resume-sending ${incidentId} ${noticeId} (or Resume sending on the operator console). The next round, in ${waitSeconds} s, then goes on; nobody already sent is sent again. Until then this page comes every round.`,
    ].join('\n'),
  );
  return true;
}

/** Consecutive chunks as one slice each run. */
function slicesOf(chunks: readonly number[]): Slice[] {
  const slices: Slice[] = [];
  for (const chunk of chunks) {
    const last = slices.at(-1);
    if (last && last.to === chunk) last.to = chunk + 1;
    else slices.push({ from: chunk, to: chunk + 1 });
  }
  return slices;
}
