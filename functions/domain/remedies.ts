import * as z from 'zod';
import { severityLevels, type AudienceMember, type Notice, type SeverityLevel } from './incident.js';
import type { ConfirmedAction } from './facts.js';
import { catalogues, dataCategoryLabel, draftingTexts, supportedLocales, type Locale } from './locales.js';
import { dataCategories } from './locales/catalogue.js';

/**
 * Remedies offered by rule: what a company gives customers whose data of a kind was involved (credit
 * monitoring for government ids, a new card for card details, ...), configured per deployment and
 * written into every notice of each customer whose own data matches. The team's free-text remedies
 * (facts.ts) are shown alongside them.
 */

/** The offers each locale's catalogue has default wording for (`LocaleCatalogue.remedies.offers`). */
export const remedyOfferKinds = ['credit-monitoring', 'card-replacement', 'reimbursement', 'password-reset', 'api-key-replacement'] as const;
export type RemedyOfferKind = (typeof remedyOfferKinds)[number];

/**
 * Offers that state an action as done: offered only when the team confirmed that action for the
 * incident (facts.ts `confirmedActions`), never on data category alone.
 */
const ACTION_OF_OFFER: Partial<Record<RemedyOfferKind, ConfirmedAction>> = {
  'password-reset': 'passwords-reset',
  'api-key-replacement': 'api-keys-disabled',
  'card-replacement': 'cards-replaced',
};

const DAY_MS = 86_400_000;

export const remedyRuleSchema = z.strictObject({
  /** Names the rule in reports and on the timeline: lower case, digits and dashes. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected lower case letters, digits and dashes, at most 40'),
  /** Catalogue wording to use; a rule without one must give `text` in every configured locale. */
  offer: z.enum(remedyOfferKinds).optional(),
  /** Offered to customers with data of any of these categories involved. */
  categories: z.array(z.enum(dataCategories)).min(1),
  /** Offered only when the incident's severity is at least this. @default LOW */
  minSeverity: z.enum(severityLevels).default('LOW'),
  /** How to take it up; absent: nothing to do (the company acts, e.g. reissues the card). */
  claim: z
    .strictObject({
      url: z.url().optional(),
      /** An address or number to contact; with neither url nor contact, the notice's own contacts. */
      contact: z.string().trim().min(3).max(200).optional(),
      /** Days from the first notice to take it up, as a date in each customer's own time zone. */
      deadlineDays: z.number().int().min(1).max(3650).optional(),
      /** The policy the offer is made under (its terms, limits and exclusions), printed with the offer. */
      termsUrl: z.url().optional(),
    })
    .optional(),
  /** The offer's sentence per locale, replacing the catalogue's wording. */
  text: z.partialRecord(z.enum(supportedLocales), z.string().trim().min(1).max(400)).default({}),
});
export type RemedyRule = z.output<typeof remedyRuleSchema>;
export type RemedyRuleInput = z.input<typeof remedyRuleSchema>;

/** Lambda's environment holds 4 KB in all: the rules must leave room for the other settings. */
export const MAX_RULES_JSON = 2048;

export const remedyRulesSchema = z
  .array(remedyRuleSchema)
  .max(20)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    for (const [i, rule] of rules.entries()) {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule id ${rule.id}` });
      seen.add(rule.id);
    }
  });

/**
 * The defaults, one line per data category that calls for more than advice. Every category these
 * name is sensitive, which alone makes an incident HIGH (incident.ts `severityFor`): the thresholds
 * matter once a deployment lowers them or adds rules for other categories. Name, email, phone,
 * address, date of birth and transaction history get advice (change password, beware of phishing,
 * check transactions) but no rule by default.
 */
export const DEFAULT_REMEDY_RULES: readonly RemedyRule[] = remedyRulesSchema.parse([
  { id: 'credit-monitoring', offer: 'credit-monitoring', categories: ['government_id'], minSeverity: 'HIGH', claim: { deadlineDays: 90 } },
  { id: 'card-replacement', offer: 'card-replacement', categories: ['payment_card'] },
  { id: 'reimbursement', offer: 'reimbursement', categories: ['bank_account', 'crypto_assets'], minSeverity: 'HIGH', claim: { deadlineDays: 180 } },
  { id: 'password-reset', offer: 'password-reset', categories: ['password'] },
  { id: 'api-key-replacement', offer: 'api-key-replacement', categories: ['api_keys'] },
] satisfies RemedyRuleInput[]);

/** Why the rules cannot be written in every locale notices are written in, or undefined. */
export function remedyRulesProblem(rules: readonly RemedyRule[], locales: readonly Locale[]): string | undefined {
  for (const rule of rules) {
    const missing = rule.offer ? [] : locales.filter((l) => !rule.text[l]);
    if (missing.length > 0)
      return `rule ${rule.id} has no offer and no text in ${missing.join(', ')}: give one of ${remedyOfferKinds.join(', ')} or its text in every configured locale`;
  }
  const size = JSON.stringify(rules).length;
  if (size > MAX_RULES_JSON)
    return `the rules take ${size} characters as JSON, more than ${MAX_RULES_JSON} (Lambda's environment holds 4 KB in all): shorten the texts or drop rules`;
  return undefined;
}

/** One rule's offer as a notice stores it, in one locale: no customer data, the deadline an instant. */
export interface RemedyOffer {
  ruleId: string;
  categories: string[];
  /** The offer's sentence in the notice's locale. */
  text: string;
  /** The same offer said to the public (the incident page): whom it is for, in the third person. Absent in older notices. */
  publicText?: string;
  claim?: { url?: string; contact?: string; termsUrl?: string };
  /** The last instant to take it up; each customer reads the date in their own zone. */
  deadlineAt?: string;
  /** Customers of the audience it is offered to, counted when drafted (for approvers and the final report). */
  customers?: number;
}

const rank = (s: SeverityLevel) => severityLevels.indexOf(s);

/**
 * The rules that apply to an incident: its severity reaches theirs, it involves one of their
 * categories and, for an offer stating an action as done, the team confirmed the action. Without
 * `confirmed` (counting whom a rule could reach) actions are not checked.
 */
export function applicableRules(
  rules: readonly RemedyRule[],
  severity: SeverityLevel,
  categories: readonly string[],
  confirmed?: readonly ConfirmedAction[],
): RemedyRule[] {
  return rules.filter((r) => {
    const action = r.offer ? ACTION_OF_OFFER[r.offer] : undefined;
    if (confirmed && action && !confirmed.includes(action)) return false;
    return rank(severity) >= rank(r.minSeverity) && r.categories.some((c) => categories.includes(c));
  });
}

export interface OfferInput {
  rules: readonly RemedyRule[];
  severity: SeverityLevel;
  /** The incident's data categories. */
  categories: readonly string[];
  locale: Locale;
  /** When the offer was first made (the first notice's drafting): deadlines count from here. */
  offeredAt: string;
  /** Offers whose deadline is past by then are left out (an update after the deadline). */
  now?: string;
  /** Customers per rule id, when counted. */
  reach?: Readonly<Record<string, number>>;
  /** The actions the team confirmed (facts.ts): an offer stating one as done needs it. */
  confirmed: readonly ConfirmedAction[];
}

/** The offers of an incident in one locale, in the rules' order. */
export function offersFor(input: OfferInput): RemedyOffer[] {
  const c = catalogues[input.locale];
  const text = c.remedies;
  return applicableRules(input.rules, input.severity, input.categories, input.confirmed).flatMap((rule) => {
    const deadlineAt =
      rule.claim?.deadlineDays === undefined ? undefined : new Date(Date.parse(input.offeredAt) + rule.claim.deadlineDays * DAY_MS).toISOString();
    if (deadlineAt && input.now && deadlineAt < input.now) return [];
    const offer: RemedyOffer = {
      ruleId: rule.id,
      categories: [...rule.categories],
      // A rule without catalogue wording has its own text in every configured locale (checked at synth).
      text: rule.text[input.locale] ?? (rule.offer ? text.offers[rule.offer] : (Object.values(rule.text)[0] ?? rule.id)),
      // The company's own text is shown as written; the catalogue's is said to the public.
      publicText: draftingTexts[input.locale].publicOffer({
        categories: c.formatList(rule.categories.map((category) => dataCategoryLabel(category, input.locale))),
        offer: rule.text[input.locale] ?? (rule.offer ? draftingTexts[input.locale].publicOffers[rule.offer] : (Object.values(rule.text)[0] ?? rule.id)),
      }),
      ...(rule.claim
        ? {
            claim: {
              ...(rule.claim.url ? { url: rule.claim.url } : {}),
              ...(rule.claim.contact ? { contact: rule.claim.contact } : {}),
              ...(rule.claim.termsUrl ? { termsUrl: rule.claim.termsUrl } : {}),
            },
          }
        : {}),
      ...(deadlineAt ? { deadlineAt } : {}),
      ...(input.reach ? { customers: input.reach[rule.id] ?? 0 } : {}),
    };
    return [offer];
  });
}

/** The offers a customer with `categories` receives. */
export function offersForReader(offers: readonly RemedyOffer[] | undefined, categories: readonly string[]): RemedyOffer[] {
  return (offers ?? []).filter((o) => o.categories.some((c) => categories.includes(c)));
}

/**
 * One offer as a reader in `timeZone` reads it: the offer, then how to take it up, by when and under
 * which terms. `audience` 'public': the incident page's wording, whom it is for in the third person.
 */
export function offerLine(offer: RemedyOffer, locale: Locale, timeZone: string, audience: 'reader' | 'public' = 'reader'): string {
  const c = catalogues[locale];
  const t = c.remedies;
  const offerText = c.endSentence(audience === 'public' ? (offer.publicText ?? offer.text) : offer.text);
  if (!offer.claim) return offerText;
  const sep = c.language === 'zh' ? '' : ' ';
  const deadline = offer.deadlineAt ? t.formatDeadline(offer.deadlineAt, timeZone) : undefined;
  const claim = offer.claim.url
    ? t.claimUrl({ url: offer.claim.url, deadline })
    : offer.claim.contact
      ? t.claimContact({ contact: offer.claim.contact, deadline })
      : t.claimUs({ deadline });
  const terms = offer.claim.termsUrl ? `${sep}${t.terms({ url: offer.claim.termsUrl })}` : '';
  return `${offerText}${sep}${claim}${terms}`;
}

/** Customers of the audience each rule's offer reaches (a customer counts once per rule). */
export function remedyReach(ruleCategories: ReadonlyMap<string, readonly string[]>, members: Iterable<AudienceMember>): Record<string, number> {
  const reach: Record<string, number> = Object.fromEntries([...ruleCategories.keys()].map((id) => [id, 0]));
  for (const member of members) {
    for (const [id, categories] of ruleCategories) if (categories.some((c) => member.dataCategories.includes(c))) reach[id]! += 1;
  }
  return reach;
}

/**
 * Per rule, the customers its offer reached in the notices that went out: the largest audience of a
 * sent notice that carried it (an audience only grows), in the rules' first-seen order.
 */
export function remediesOffered(notices: readonly Notice[]): { ruleId: string; customers: number }[] {
  const offered = new Map<string, number>();
  for (const notice of notices) {
    if (notice.status !== 'SENT') continue;
    const content = Object.values(notice.content)[0];
    for (const offer of content?.remedyOffers ?? []) offered.set(offer.ruleId, Math.max(offered.get(offer.ruleId) ?? 0, offer.customers ?? 0));
  }
  return [...offered].map(([ruleId, customers]) => ({ ruleId, customers }));
}
