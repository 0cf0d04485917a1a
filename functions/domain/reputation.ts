import { reputationOf, type EvidenceCounts } from './delivery-evidence.js';

/*
 * The reputation guard: a notice whose emails bounce or draw complaints too often stops sending before
 * SES's own review levels are reached. SES places an account under review from a bounce rate of about 5%
 * or a complaint rate of about 0.1%, and may pause the whole account's sending beyond
 * (https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-messages.html): in the middle of an
 * incident that would stop every later notice, so a person decides whether this one goes on.
 */

/** The channel whose provider watches these rates: SES, through the evidence its events give. */
export const REPUTATION_CHANNEL = 'email';

/** SES's review levels, as fractions: the deployment's limits must stay below them (infra/config.ts). */
export const SES_REVIEW_LEVELS = { bounceRate: 0.05, complaintRate: 0.001 } as const;

export interface ReputationLimits {
  /** Permanent bounces per message SES accepted above which sending pauses (a fraction). */
  bounceRate: number;
  /** Complaints per message delivered above which sending pauses (a fraction). */
  complaintRate: number;
  /** Each rate is judged only once its denominator (accepted, delivered) reaches this: one bounce in ten stops nothing. */
  minimumMessages: number;
}

/** The limits from the deployment's settings, given in percent (BOUNCE_RATE_LIMIT_PERCENT, ...). */
export const limitsFromPercent = (bouncePercent: number, complaintPercent: number, minimumMessages: number): ReputationLimits => ({
  bounceRate: bouncePercent / 100,
  complaintRate: complaintPercent / 100,
  minimumMessages,
});

export type ReputationBreach = 'bounce' | 'complaint';

export interface ReputationVerdict {
  bounceRate?: number;
  complaintRate?: number;
  /** The limits exceeded; empty: sending may go on. */
  breaches: ReputationBreach[];
}

/**
 * The rates of the notice's emails against the limits. A rate is judged once enough messages stand
 * behind it (accepted for bounces, delivered for complaints) and exceeds its limit strictly.
 */
export function judgeReputation(counts: EvidenceCounts, limits: ReputationLimits): ReputationVerdict {
  const { bounceRate, complaintRate } = reputationOf(counts);
  const breaches: ReputationBreach[] = [];
  if (bounceRate !== undefined && counts.Send >= limits.minimumMessages && bounceRate > limits.bounceRate) breaches.push('bounce');
  if (complaintRate !== undefined && counts.Delivery >= limits.minimumMessages && complaintRate > limits.complaintRate) breaches.push('complaint');
  return { ...(bounceRate !== undefined ? { bounceRate } : {}), ...(complaintRate !== undefined ? { complaintRate } : {}), breaches };
}

/** A fraction as a percentage with two decimals (0.031 -> "3.10%"); "n/a" before anything stands behind it. */
export const percent = (rate: number | undefined): string => (rate === undefined ? 'n/a' : `${(rate * 100).toFixed(2)}%`);

/** The verdict in one line for people: numbers, rates and limits, never an address. */
export function describeBreaches(counts: EvidenceCounts, verdict: ReputationVerdict, limits: ReputationLimits): string {
  return verdict.breaches
    .map((b) =>
      b === 'bounce'
        ? `bounce rate ${percent(verdict.bounceRate)} (${counts.BouncePermanent} permanent bounces of ${counts.Send} accepted) above the limit of ${percent(limits.bounceRate)}`
        : `complaint rate ${percent(verdict.complaintRate)} (${counts.Complaint} complaints of ${counts.Delivery} delivered) above the limit of ${percent(limits.complaintRate)}`,
    )
    .join('; ');
}

/** The team's word that a notice goes on despite its rates (adapters/notice-store.ts keeps it on the notice). */
export interface SendingResumed {
  by: string;
  at: string;
  /** The rates they saw when they decided, for the record. */
  bounceRate?: number;
  complaintRate?: number;
  accepted: number;
  delivered: number;
}

/** A notice's email evidence as people read it: the console, `npm run incident -- deliveries` and the final report. */
export interface EvidenceFigures {
  accepted: number;
  delivered: number;
  bounced: number;
  transientBounces: number;
  complained: number;
  delayed: number;
  rejected: number;
  renderingFailures: number;
  bounceRate?: number;
  complaintRate?: number;
}

export function evidenceFigures(counts: EvidenceCounts): EvidenceFigures {
  return {
    accepted: counts.Send,
    delivered: counts.Delivery,
    bounced: counts.BouncePermanent,
    transientBounces: counts.BounceTransient,
    complained: counts.Complaint,
    delayed: counts.DeliveryDelay,
    rejected: counts.Reject,
    renderingFailures: counts.RenderingFailure,
    ...reputationOf(counts),
  };
}

/** Anything reported at all: a notice with no evidence yet shows none (sent notices still do: no evidence is news). */
export const anyEvidence = (f: EvidenceFigures): boolean =>
  f.accepted + f.delivered + f.bounced + f.transientBounces + f.complained + f.delayed + f.rejected + f.renderingFailures > 0;
