import * as z from 'zod';
import { supportedLocales, type Locale } from './locales.js';

const text = z.string().trim().min(1);

/**
 * Actions on customers' accounts that a notice states as done only when the team has confirmed them
 * for this incident; without the confirmation customers get the advice instead (domain/notice.ts).
 */
export const confirmedActionKinds = ['passwords-reset', 'api-keys-disabled', 'cards-replaced'] as const;
export type ConfirmedAction = (typeof confirmedActionKinds)[number];
const line = text.max(600);

/**
 * What the response team writes about the incident in one language: the facts no alarm knows. The
 * drafter puts them into every notice; each locale is written by people (never machine-translated).
 */
export const noticeFactsSchema = z.object({
  /** The team's own account of what happened, after the drafted sentence (when, what, how many). */
  whatHappened: text.max(2000).optional(),
  /** The cause, once known. */
  cause: text.max(2000).optional(),
  /** What the company has done: closed the bucket, rotated keys, reset passwords. */
  measures: z.array(line).max(20).default([]),
  /** Steps for customers beyond the advice the data categories bring. */
  advice: z.array(line).max(20).default([]),
  /** Remedies and compensation offered in this case. */
  remedies: z.array(line).max(20).default([]),
  /** The actions the team confirms it took for this incident; absent in facts saved before they existed. */
  confirmedActions: z.array(z.enum(confirmedActionKinds)).max(confirmedActionKinds.length).optional(),
});
export type NoticeFacts = z.infer<typeof noticeFactsSchema>;

export const factsByLocaleSchema = z.partialRecord(z.enum(supportedLocales), noticeFactsSchema);
export type FactsByLocale = Partial<Record<Locale, NoticeFacts>>;

/** One saved version of the facts; every save is a whole new version, never an edit in place. */
export interface FactsVersion {
  incidentId: string;
  /** 1, 2, 3 ... per incident; 0 means "nothing written yet". */
  version: number;
  author: string;
  at: string;
  locales: FactsByLocale;
}

/** The actions confirmed in `facts`, none when the team has confirmed none. */
export const confirmedActions = (facts: NoticeFacts): readonly ConfirmedAction[] => facts.confirmedActions ?? [];

export const emptyFacts = (): NoticeFacts => ({ measures: [], advice: [], remedies: [] });

/** The facts of `locale` in a version (empty when the team has written none in it). */
export function factsFor(version: Pick<FactsVersion, 'locales'> | undefined, locale: Locale): NoticeFacts {
  return version?.locales[locale] ?? emptyFacts();
}

/**
 * Where the locales disagree in shape (one lists a measure another lacks, one names a cause the other
 * does not): approvers are shown it, because a customer must read the same facts in every language.
 */
export function factsGaps(version: Pick<FactsVersion, 'locales'> | undefined, locales: readonly Locale[]): string[] {
  const gaps: string[] = [];
  const shape = (f: NoticeFacts) => ({
    whatHappened: f.whatHappened ? 1 : 0,
    cause: f.cause ? 1 : 0,
    measures: f.measures.length,
    advice: f.advice.length,
    remedies: f.remedies.length,
    confirmedActions: f.confirmedActions?.length ?? 0,
  });
  const shapes = locales.map((l) => [l, shape(factsFor(version, l))] as const);
  for (const field of ['whatHappened', 'cause', 'measures', 'advice', 'remedies', 'confirmedActions'] as const) {
    const most = Math.max(...shapes.map(([, s]) => s[field]));
    for (const [locale, s] of shapes) if (s[field] < most) gaps.push(`${locale}: ${field} ${s[field]} of ${most}`);
  }
  return gaps;
}
