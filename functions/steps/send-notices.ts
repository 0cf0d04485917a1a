import type { CustomerProfile, CustomersRepository } from '../adapters/customers-repository.js';
import { isFinal, type DeliveriesLedger, type Outcome } from '../adapters/deliveries-ledger.js';
import { SES_MAX_BULK_ENTRIES, type EmailSender } from '../adapters/email-sender.js';
import { classifyProviderFailure } from '../adapters/provider-failure.js';
import type { AudienceMember, IncidentsRepository, Notice } from '../adapters/incidents-repository.js';
import type { Messaging } from '../adapters/messaging.js';
import { isPermanentSmsError, outcomeOfSesStatus, planBatches, type Channel, type OutcomeStatus, type PlannedBatch, type Recipient } from '../domain/delivery.js';
import { templateName } from '../domain/email-templates.js';
import { resolveLocale, type Locale } from '../domain/locales.js';
import { customerReplacementData, renderSms } from '../domain/notice.js';
import type { Clock } from '../shared/clock.js';
import { BatchInFlightError, DeliveryRetryableError, NoticeContentMissingError, NoticeNotApprovedError } from '../shared/errors.js';

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
 * Exactly once: the recipients' outcomes are read, then the provider call (<= 50 recipients) is
 * claimed by one conditional write that fails if anyone claimed since; outcomes are written after
 * the call. A retry re-sends only recipients without a final outcome. A call whose answer is lost
 * (5xx, reset, timeout) or whose holder died leaves its recipients UNCERTAIN: counted, listed and
 * reported for reconciliation, never re-sent. A refusal (4xx) or an error before the call frees the claim.
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
    const ledgerTotals = await deps.ledger.noticeTotals(input);
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
  const existing = await deps.ledger.readOutcomes(notice, 'email', members.map((m) => m.customerId));
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
  const ref = { incidentId: notice.incidentId, noticeId: notice.noticeId };
  const ids = batch.recipients.map((r) => r.customerId);
  const claim = await deps.ledger.acquire(ref, channel, batch.batchKey, ids, deps.owner);
  if (claim.kind === 'busy') throw new BatchInFlightError(`Batch ${channel}/${batch.batchKey} of ${notice.noticeId} is held by a live invocation`);
  if (claim.kind === 'settled') return zero();
  const pending = batch.recipients.filter((r) => !isFinal(claim.known.get(r.customerId)?.status));
  const at = deps.clock.now().toISOString();
  const outcome = (r: Target, fields: Pick<Outcome, 'status'> & Partial<Outcome>): Outcome => ({
    customerId: r.customerId,
    ...ref,
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
    let call: () => Promise<Outcome[]>;
    try {
      call = channel === 'email' ? prepareEmails(notice, batch.locale as Locale, pending, outcome, deps) : prepareSms(notice, pending, outcome, deps);
    } catch (error) {
      // Nothing was sent: free the claim so a fixed retry is not refused as in flight.
      await deps.ledger.release(ref, channel, batch.batchKey, claim.token, (error as Error).name);
      throw error;
    }
    try {
      outcomes = await call();
    } catch (error) {
      if (classifyProviderFailure(error) === 'refused') {
        await deps.ledger.release(ref, channel, batch.batchKey, claim.token, (error as Error).name);
        throw new DeliveryRetryableError(`${channel} provider refused batch ${batch.batchKey} of ${notice.noticeId}: ${(error as Error).name}`, { cause: error });
      }
      // The request left and no trustworthy answer came back: delivered or not, nobody knows.
      const reason = `no answer from the provider: ${(error as Error).name}`;
      outcomes = pending.map((r) => outcome(r, { status: 'UNCERTAIN', reason }));
    }
  }
  await deps.ledger.recordOutcomes(outcomes);
  const attempt = tally(outcomes.map((o) => o.status));
  // The claim carries the batch's totals over every attempt: earlier outcomes plus this attempt's.
  const latest = new Map([...claim.known].map(([id, o]) => [id, o.status]));
  for (const o of outcomes) latest.set(o.customerId, o.status);
  const batchStatuses = ids.flatMap((id) => (latest.has(id) ? [latest.get(id)!] : []));
  const uncertainIds = ids.filter((id) => latest.get(id) === 'UNCERTAIN');
  await deps.ledger.complete(ref, channel, batch.batchKey, claim.token, tally(batchStatuses), uncertainIds);
  return attempt;
}

function tally(statuses: OutcomeStatus[]): Totals {
  const totals = zero();
  for (const status of statuses) {
    if (status === 'SENT') totals.sent += 1;
    else if (status === 'FAILED') totals.failed += 1;
    else if (status === 'RETRYABLE') totals.retryable += 1;
    else totals.uncertain += 1;
  }
  return totals;
}

type MakeOutcome = (r: Target, f: Pick<Outcome, 'status'> & Partial<Outcome>) => Outcome;

/** Renders everything the call needs first, so an error here is known to have sent nothing. */
function prepareEmails(notice: Notice, locale: Locale, recipients: Target[], outcome: MakeOutcome, deps: SendDeps): () => Promise<Outcome[]> {
  const content = notice.content[locale];
  if (!content) throw new NoticeContentMissingError(`Notice ${notice.noticeId} has no ${locale} wording`);
  const template = templateName(deps.templatePrefix, notice.kind, locale);
  const defaults = { ...content, incidentId: notice.incidentId };
  const entries = recipients.map((r) => ({ to: r.address, replacementData: customerReplacementData(r.name, r.dataCategories, locale) }));
  return async () => {
    const results = await deps.email.sendBulk(template, defaults, entries);
    return recipients.map((r, i) => {
      const result = results[i]!;
      const status = outcomeOfSesStatus(result.status);
      return outcome(r, { status, providerMessageId: result.messageId, reason: status === 'SENT' ? undefined : `${result.status ?? 'NO_RESULT'}: ${result.error ?? ''}`.trim() });
    });
  };
}

/** SNS takes one number per Publish: a few in flight at once, each outcome kept per recipient. */
function prepareSms(notice: Notice, recipients: Target[], outcome: MakeOutcome, deps: SendDeps): () => Promise<Outcome[]> {
  const texts = recipients.map((r) => {
    const content = notice.content[r.locale];
    if (!content) throw new NoticeContentMissingError(`Notice ${notice.noticeId} has no ${r.locale} wording`);
    return renderSms(content, customerReplacementData(r.name, r.dataCategories, r.locale).affectedData);
  });
  return async () => {
    const results: Outcome[] = new Array(recipients.length);
    let next = 0;
    const worker = async () => {
      while (next < recipients.length) {
        const i = next++;
        const r = recipients[i]!;
        try {
          results[i] = outcome(r, { status: 'SENT', providerMessageId: await deps.messaging.sendSms(r.address, texts[i]!) });
        } catch (error) {
          const name = (error as Error).name;
          results[i] =
            classifyProviderFailure(error) === 'refused'
              ? outcome(r, { status: isPermanentSmsError(name) ? 'FAILED' : 'RETRYABLE', reason: name })
              : outcome(r, { status: 'UNCERTAIN', reason: `no answer from SNS: ${name}` });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.smsConcurrency, recipients.length) }, worker));
    return results;
  };
}
