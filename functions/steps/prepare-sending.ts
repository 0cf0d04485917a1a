import type { Notice } from '../domain/incident.js';
import type { EmailSender, IncidentStorePort, NoticeStorePort, OptedOutNumberSource, SuppressedAddressSource, SuppressionStorePort } from '../domain/ports.js';
import { HASH_BYTES, SuppressionListBuilder, SuppressionSnapshot } from '../domain/suppression.js';
import type { Clock } from '../shared/clock.js';
import { PromisePassedError } from '../shared/errors.js';

/**
 * Recipients per second one sender is given at most: calls of 50, CALLS_IN_FLIGHT at once
 * (steps/send-notices.ts), so each call's claim, send and outcome write may take a second and keep
 * it. More senders for more rate, each its own Lambda instance, rather than one sender pushed harder.
 */
export const PER_SENDER_RATE = 200;

export interface Slice {
  /** First chunk of the slice. */
  from: number;
  /** One past its last chunk. */
  to: number;
}

export interface SendingPlan {
  slices: Slice[];
  /** Slices sent at once (the Map's MaxConcurrency). */
  concurrency: number;
  /** Each slice's share of the account's send rate, in recipients per second. */
  ratePerSecond: number;
  /** Rounds of sending so far; the confirm step counts them. */
  round: number;
}

export interface PlanSendingDeps {
  incidents: Pick<IncidentStorePort, 'appendTimeline' | 'getIncident'>;
  notices: Pick<NoticeStorePort, 'getNotice' | 'setNoticeStatus'>;
  email: Pick<EmailSender, 'sendQuota'>;
  alertTeam: (event: string, subject: string, message: string) => Promise<void>;
  clock: Clock;
  /** Chunks per slice at most: what one sender works through, over as many invocations as it takes. */
  chunksPerSlice: number;
  /** Senders at most, whatever the rate (Lambda concurrency and the SMS rate set the ceiling). */
  maxConcurrency: number;
  /** Recipients per second one sender sustains (calls of 50 one after another). */
  perSenderRate: number;
  /**
   * The providers' refusal lists, read once per notice here and kept for every sender: the SES
   * account's suppression list and SNS's opted-out numbers. @default none read (every address is tried)
   */
  suppressions?: {
    email: SuppressedAddressSource;
    sms: OptedOutNumberSource;
    store: Pick<SuppressionStorePort, 'saveSuppressions'>;
  };
}

/**
 * Splits the audience into slices for parallel senders and paces them together under the account's
 * SES quota: as many senders as the send rate needs (one sender does `perSenderRate`), each given an
 * equal share of the rate. A quota too small for the audience today, or sending paused, is put on
 * the timeline and paged before anything is sent, with the time the last email should go. A notice
 * approved after its `sendBy` is not sent at all (see `refuseLateNotice`).
 */
export async function planSending(input: { incidentId: string; noticeId: string }, deps: PlanSendingDeps): Promise<SendingPlan> {
  const notice = await deps.notices.getNotice(input.incidentId, input.noticeId);
  if (notice.sendBy && deps.clock.now().getTime() > Date.parse(notice.sendBy)) await refuseLateNotice(notice, deps);
  const incident = await deps.incidents.getIncident(input.incidentId);
  const chunks = incident.audienceChunks ?? 0;
  const quota = await deps.email.sendQuota();
  const rate = Math.max(quota.maxSendRate, 0.1);
  const senders = Math.max(1, Math.min(deps.maxConcurrency, Math.ceil(rate / deps.perSenderRate)));
  // A small audience is shared by the senders the rate calls for rather than left to one; a large one
  // is cut into slices one invocation normally finishes.
  const perSlice = Math.max(1, Math.min(deps.chunksPerSlice, Math.ceil(chunks / senders)));
  const slices: Slice[] = [];
  for (let from = 0; from < chunks; from += perSlice) slices.push({ from, to: Math.min(chunks, from + perSlice) });
  const concurrency = Math.max(1, Math.min(senders, slices.length));
  const ratePerSecond = Math.floor((rate / concurrency) * 100) / 100;
  const emails = incident.impact?.byChannel.email ?? 0;
  const now = deps.clock.now();
  const suppressed = deps.suppressions ? await readSuppressions(input, incident.impact?.byChannel ?? {}, deps.suppressions) : undefined;
  const detail = {
    noticeId: input.noticeId,
    slices: slices.length,
    concurrency,
    ratePerSecond,
    maxSendRate: quota.maxSendRate,
    emails,
    ...(suppressed ? { suppressed } : {}),
  };
  await deps.incidents.appendTimeline(input.incidentId, { action: 'sending-planned', actor: 'prepare-sending', detail });

  if (!quota.sendingEnabled) {
    await deps.alertTeam(
      'sending-paused',
      `Email sending is paused for the account (${input.incidentId})`,
      `SES reports sending disabled for this account, so ${input.noticeId} of incident ${input.incidentId} cannot reach its ${emails} email recipients. Re-enable sending (SES console, account dashboard); the workflow retries on its own and sends each customer once.`,
    );
  }
  const left = quota.max24HourSend < 0 ? Infinity : Math.max(0, quota.max24HourSend - quota.sentLast24Hours);
  if (emails > left) {
    // The 24-hour window frees as earlier sends age out: at worst a full quota per day.
    const days = Math.ceil((emails - left) / Math.max(quota.max24HourSend, 1));
    const expectedFinishAt = new Date(now.getTime() + days * 86_400_000).toISOString();
    await deps.incidents.appendTimeline(input.incidentId, {
      action: 'daily-quota-short',
      actor: 'prepare-sending',
      detail: { noticeId: input.noticeId, emails, leftToday: left, max24HourSend: quota.max24HourSend, expectedFinishAt },
    });
    await deps.alertTeam(
      'daily-quota-short',
      `SES daily quota too small for ${input.noticeId} (${input.incidentId})`,
      `${emails} customers need an email; the account may send ${left} more in the current 24 hours (quota ${quota.max24HourSend}). The rest waits for the window and should be out by ${expectedFinishAt}. Ask AWS for a higher sending quota to finish sooner.`,
    );
  }
  return { slices, concurrency, ratePerSecond, round: 0 };
}

/**
 * Customers must never read a promised time that has passed, and the approved wording (its time
 * included) cannot change without a new approval: so a notice approved too late for its promise goes
 * back to waiting for approval, the team is told, and the state machine drafts it again with a time
 * counted from now, which approvers are asked about.
 */
async function refuseLateNotice(notice: Notice, deps: PlanSendingDeps): Promise<never> {
  const detail = { noticeId: notice.noticeId, version: notice.version, promisedNextUpdateAt: notice.promisedNextUpdateAt, sendBy: notice.sendBy };
  await deps.notices.setNoticeStatus(notice.incidentId, notice.noticeId, 'PENDING_APPROVAL');
  await deps.incidents.appendTimeline(notice.incidentId, { action: 'notice-too-late-for-its-promise', actor: 'prepare-sending', detail });
  await deps.alertTeam(
    'notice-too-late-for-its-promise',
    `${notice.noticeId} of ${notice.incidentId} was approved too late to keep its promise: drafted again`,
    `${notice.noticeId} (version ${notice.version}) tells customers the next update comes by ${notice.promisedNextUpdateAt}; sending had to start by ${notice.sendBy} for every customer to read that in time. It was not sent: it is drafted again with a later time, and the approvers are asked again.`,
  );
  throw new PromisePassedError(
    `${notice.noticeId} of ${notice.incidentId} promises the next update by ${notice.promisedNextUpdateAt}: too late to start sending after ${notice.sendBy}`,
  );
}

/**
 * Reads each list a channel of this audience needs, whole and once, and keeps it for the senders;
 * returns how many entries each list holds (counts only: no address reaches the timeline).
 */
async function readSuppressions(
  ref: { incidentId: string; noticeId: string },
  byChannel: Record<string, number>,
  sources: NonNullable<PlanSendingDeps['suppressions']>,
): Promise<Record<string, number>> {
  const builders = new Map<string, SuppressionListBuilder>();
  const list = (channel: string, reason: string) => {
    const key = `${channel}/${reason}`;
    if (!builders.has(key)) builders.set(key, new SuppressionListBuilder({ channel, reason }));
    return builders.get(key)!;
  };
  if ((byChannel.email ?? 0) > 0) for await (const { address, reason } of sources.email.suppressedAddresses()) list('email', reason).add(address);
  if ((byChannel.sms ?? 0) > 0) for await (const number of sources.sms.optedOutNumbers()) list('sms', 'OPTED_OUT').add(number);
  const snapshot = new SuppressionSnapshot([...builders.values()].map((b) => b.build()));
  await sources.store.saveSuppressions(ref, snapshot);
  return Object.fromEntries(snapshot.lists.map((l) => [`${l.name.channel}/${l.name.reason}`, l.hashes.length / HASH_BYTES]));
}
