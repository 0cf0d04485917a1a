import { catalogues, negotiateLocale, type Locale } from './locales.js';
import type { ApprovalPageTexts } from './locales/catalogue.js';

/**
 * The approval pages' sentences, from each locale's catalogue. Refusals are keyed so the same refusal
 * reads right in the approver's language, and logs keep the English.
 */
export type ApprovalPageLocale = Locale;
export type Params = Record<string, string | number>;
export type TextKey = keyof ApprovalPageTexts;

/** A sentence in `locale`. Parameters are inserted as given: escape them first where HTML matters. */
export function say(locale: ApprovalPageLocale, key: TextKey, params: Params = {}): string {
  // Refusals carry their parameters untyped across the error; each sentence reads only its own.
  const sentence = catalogues[locale].approvalPage[key] as (p: Params) => string;
  return sentence(params);
}

/** The page language from an Accept-Language header: the first supported one by preference; else English. */
export function approvalPageLocale(acceptLanguage: string | undefined): ApprovalPageLocale {
  return negotiateLocale(acceptLanguage);
}
