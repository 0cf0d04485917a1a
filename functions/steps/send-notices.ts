import type { CustomerProfile, CustomersRepository } from '../adapters/customers-repository.js';
import type { DeliveriesLedger, Outcome } from '../adapters/deliveries-ledger.js';
import { providerRefused, SES_MAX_BULK_ENTRIES, type EmailSender } from '../adapters/email-sender.js';
import type { AudienceMember, IncidentsRepository, Notice } from '../adapters/incidents-repository.js';
import type { Messaging } from '../adapters/messaging.js';
import { isPermanentSmsError, outcomeOfSesStatus, planBatches, type Channel, type PlannedBatch, type Recipient } from '../domain/delivery.js';
import { templateName } from '../domain/email-templates.js';
import { resolveLocale, type Locale } from '../domain/locales.js';
import { customerReplacementData, renderSms } from '../domain/notice.js';
import type { Clock } from '../shared/clock.js';
import { BatchInFlightError, DeliveryRetryableError, NoticeNotApprovedError } from '../shared/errors.js';

export interface SendDeps {
  incidents: IncidentsRepository;
  customers: CustomersRepository;
  ledger: DeliveriesLedger;
  email: EmailSender;
  messaging: Messaging;
  clock: Clock;
  /** Unique per invocation (the Lambda request id): the owner of the claims it takes. */
  owner: string;
  remainingTimeMs: () => number;
  templatePrefix: string;
  locales: readonly Locale[];
  /** Chunks per invocation at most; fewer when the remaining time drops below `reserveMs`. */
  maxChunksPerInvocation: number;
  reserveMs: number;
  smsConcurrency: number;
}

export interface SendInput {
  incidentId: string;
  noticeId: string;
  fromChunk: number;
}

export interface SendResult {
  done: boolean;
  nextChunk: number;
  sent: number;
  failed: number;
  uncertain: number;
}

interface Target extends Recipient {
  customerId: string;
  locale: Locale;
  address: string;
  name: string;
  dataCategories: string[];
}

type Totals = { sent: number; failed: number; retryable: number; uncertain: number };
const zero = (): Totals => ({ sent: 0, failed: 0, retryable: 0, uncertain: 0 });
const add = (a: Totals, b: Totals) => {
  a.sent += b.sent;
  a.failed += b.failed;
  a.retryable += b.retryable;
  a.uncertain += b.uncertain;
};

/**
 * Sends an approved notice to the incident's audience, a bounded number of chunks per invocation,
 * and returns the cursor for the state machine's loop.
 *
 * Exactly once: every provider call (<= 50 recipients) is claimed by one conditional write first;
 * after the claim, a consistent read of the recipients' outcomes drops anyone already sent; outcomes
 * are written after the call. A retry re-sends only recipients without a final outcome. A holder that
 * died mid-call leaves its recipients UNCERTAIN: counted and reported for reconciliation, not re-sent.
 */
export async function sendNotices(input: SendInput, deps: SendDeps): Promise<SendResult> {
  const notice = await deps.incidents.getNotice(input.incidentId, input.noticeId);
  if (notice.status !== 'APPROVED' && notice.status !== 'SENT') {
    throw new NoticeNotApprovedError(`Notice ${input.noticeId} of ${input.incidentId} is ${notice.status}, not approved`);
  }
  const incident = await deps.incidents.getIncident(input.incidentId);
  const totalChunks = incident.audienceChunks ?? 0;
  const totals = zero();
  let chunkIndex = input.fromChunk;
  for (let processed = 0; chunkIndex < totalChunks && processed < deps.maxChunksPerInvocation; processed += 1) {
    if (processed > 0 && deps.remainingTimeMs() < deps.reserveMs) break;
    const chunkTotals = await sendChunk(notice, chunkIndex, deps);
    add(totals, chunkTotals);
    if (chunkTotals.retryable > 0) {
      // Stop here: the state machine retries with backoff from this same cursor.
      throw new DeliveryRetryableError(
        `${chunkTotals.retryable} recipients of ${input.noticeId} chunk ${chunkIndex} got a transient failure; ${chunkTotals.sent} sent in this chunk`,
      );
    }
    chunkIndex += 1;
  }
  const done = chunkIndex >= totalChunks;
  if (done && notice.status !== 'SENT') {
    await deps.incidents.setNoticeStatus(input.incidentId, input.noticeId, 'SENT');
    const ledgerTotals = await deps.ledger.noticeTotals(input.noticeId);
    await deps.incidents.appendTimeline(input.incidentId, { action: 'notice-sent', actor: 'send-notices', detail: { noticeId: input.noticeId, totals: ledgerTotals } });
  }
  return { done, nextChunk: chunkIndex, sent: totals.sent, failed: totals.failed, uncertain: totals.uncertain };
}

async function sendChunk(notice: Notice, chunkIndex: number, deps: SendDeps): Promise<Totals> {
  const members = await deps.incidents.getAudienceChunk(notice.incidentId, chunkIndex);
  const profiles = await deps.customers.getProfiles(members.map((m) => m.customerId));
  const emailTargets: Target[] = [];
  const smsTargets: Target[] = [];
  const missing: AudienceMember[] = [];
  for (const member of members) {
    const profile = profiles.get(member.customerId);
    if (!profile) {
      missing.push(member);
      continue;
    }
    const base = { customerId: member.customerId, locale: resolveLocale(profile.locale, deps.locales), name: profile.name, dataCategories: member.dataCategories };
    if (profile.channels.includes('email') && profile.email) emailTargets.push({ ...base, address: profile.email });
    if (profile.channels.includes('sms') && profile.phone) smsTargets.push({ ...base, address: profile.phone });
    if (!wantsAnyChannel(profile)) missing.push(member);
  }
  const totals = zero();
  const prefix = `c${String(chunkIndex).padStart(6, '0')}`;
  for (const batch of planBatches(emailTargets, SES_MAX_BULK_ENTRIES, prefix)) add(totals, await runBatch(notice, 'email', batch, deps));
  for (const batch of planBatches(smsTargets, SES_MAX_BULK_ENTRIES, prefix)) add(totals, await runBatch(notice, 'sms', batch, deps));
  if (missing.length > 0) add(totals, await recordUnreachable(notice, missing, prefix, deps));
  return totals;
}

function wantsAnyChannel(profile: CustomerProfile): boolean {
  return (profile.channels.includes('email') && Boolean(profile.email)) || (profile.channels.includes('sms') && Boolean(profile.phone));
}

/** Customers no channel can reach are recorded as FAILED, so the report shows them instead of hiding them. */
async function recordUnreachable(notice: Notice, members: AudienceMember[], prefix: string, deps: SendDeps): Promise<Totals> {
  const at = deps.clock.now().toISOString();
  const existing = await deps.ledger.readOutcomes(notice.noticeId, 'email', members.map((m) => m.customerId));
  const fresh = members.filter((m) => !existing.has(m.customerId));
  await deps.ledger.recordOutcomes(
    fresh.map((m) => ({
      customerId: m.customerId,
      noticeId: notice.noticeId,
      incidentId: notice.incidentId,
      channel: 'email' as Channel,
      status: 'FAILED' as const,
      batchKey: `${prefix}#unreachable`,
      reason: 'no usable contact point in the customer directory',
      at,
    })),
  );
  return { sent: 0, failed: fresh.length, retryable: 0, uncertain: 0 };
}

async function runBatch(notice: Notice, channel: Channel, batch: PlannedBatch<Target>, deps: SendDeps): Promise<Totals> {
  const ids = batch.recipients.map((r) => r.customerId);
  const claim = await deps.ledger.claim(notice.noticeId, channel, batch.batchKey, deps.owner, ids);
  if (claim.kind === 'busy') throw new BatchInFlightError(`Batch ${channel}/${batch.batchKey} of ${notice.noticeId} is held by a live invocation`);
  const known = await deps.ledger.readOutcomes(notice.noticeId, channel, ids);
  const pending = batch.recipients.filter((r) => {
    const status = known.get(r.customerId)?.status;
    return status === undefined || status === 'RETRYABLE';
  });
  const at = deps.clock.now().toISOString();
  const outcome = (r: Target, fields: Pick<Outcome, 'status'> & Partial<Outcome>): Outcome => ({
    customerId: r.customerId,
    noticeId: notice.noticeId,
    incidentId: notice.incidentId,
    channel,
    batchKey: batch.batchKey,
    at,
    ...fields,
  });

  let outcomes: Outcome[];
  if (claim.kind === 'abandoned') {
    // The previous holder may have reached the provider: never guess, never re-send.
    outcomes = pending.map((r) => outcome(r, { status: 'UNCERTAIN', reason: 'claim abandoned mid-call; reconcile with provider records' }));
  } else if (pending.length === 0) {
    outcomes = [];
  } else {
    try {
      outcomes = channel === 'email' ? await sendEmails(notice, batch.locale as Locale, pending, outcome, deps) : await sendSms(notice, pending, outcome, deps);
    } catch (error) {
      if (providerRefused(error)) {
        await deps.ledger.release(notice.noticeId, channel, batch.batchKey, deps.owner, (error as Error).name);
        throw new DeliveryRetryableError(`${channel} provider refused batch ${batch.batchKey} of ${notice.noticeId}: ${(error as Error).name}`, { cause: error });
      }
      throw error; // no answer: the claim stays held, and its lease decides what a retry may assume
    }
  }
  await deps.ledger.recordOutcomes(outcomes);
  const totals = zero();
  for (const o of outcomes) {
    if (o.status === 'SENT') totals.sent += 1;
    else if (o.status === 'FAILED') totals.failed += 1;
    else if (o.status === 'RETRYABLE') totals.retryable += 1;
    else totals.uncertain += 1;
  }
  await deps.ledger.complete(notice.noticeId, channel, batch.batchKey, deps.owner, totals);
  return totals;
}

async function sendEmails(
  notice: Notice,
  locale: Locale,
  recipients: Target[],
  outcome: (r: Target, f: Pick<Outcome, 'status'> & Partial<Outcome>) => Outcome,
  deps: SendDeps,
): Promise<Outcome[]> {
  const content = notice.content[locale];
  if (!content) throw new Error(`Notice ${notice.noticeId} has no ${locale} wording`);
  const results = await deps.email.sendBulk(
    templateName(deps.templatePrefix, notice.kind, locale),
    { ...content, incidentId: notice.incidentId },
    recipients.map((r) => ({ to: r.address, replacementData: customerReplacementData(r.name, r.dataCategories, locale) })),
  );
  return recipients.map((r, i) => {
    const result = results[i]!;
    const status = outcomeOfSesStatus(result.status);
    return outcome(r, { status, providerMessageId: result.messageId, reason: status === 'SENT' ? undefined : `${result.status ?? 'NO_RESULT'}: ${result.error ?? ''}`.trim() });
  });
}

async function sendSms(
  notice: Notice,
  recipients: Target[],
  outcome: (r: Target, f: Pick<Outcome, 'status'> & Partial<Outcome>) => Outcome,
  deps: SendDeps,
): Promise<Outcome[]> {
  const results: Outcome[] = new Array(recipients.length);
  let next = 0;
  // SNS takes one number per Publish: a few in flight at once, each outcome kept per recipient.
  const worker = async () => {
    while (next < recipients.length) {
      const i = next++;
      const r = recipients[i]!;
      const content = notice.content[r.locale];
      if (!content) throw new Error(`Notice ${notice.noticeId} has no ${r.locale} wording`);
      const text = renderSms(content, customerReplacementData(r.name, r.dataCategories, r.locale).affectedData);
      try {
        results[i] = outcome(r, { status: 'SENT', providerMessageId: await deps.messaging.sendSms(r.address, text) });
      } catch (error) {
        const name = (error as Error).name;
        results[i] = providerRefused(error)
          ? outcome(r, { status: isPermanentSmsError(name) ? 'FAILED' : 'RETRYABLE', reason: name })
          : outcome(r, { status: 'UNCERTAIN', reason: `no answer from SNS: ${name}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.smsConcurrency, recipients.length) }, worker));
  return results;
}
