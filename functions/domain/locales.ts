import { dataCategories, type DataCategory, type DraftingTexts, type LocaleCatalogue } from './locales/catalogue.js';
import { en, enDrafting } from './locales/en.js';
import { es, esDrafting } from './locales/es.js';
import { zhCN, zhCNDrafting } from './locales/zh-CN.js';

/**
 * Every language the system writes in, and the only list of them: configuration, templates and
 * page negotiation all derive from it. A new language is a module implementing `LocaleCatalogue`
 * plus its line here.
 */
export const catalogues = { en, 'zh-CN': zhCN, es } as const satisfies Record<string, LocaleCatalogue>;
export type Locale = keyof typeof catalogues;
export const supportedLocales = Object.keys(catalogues) as [Locale, ...Locale[]];

/** Each locale's texts for drafting and the incident page only (`DraftingTexts`). */
export const draftingTexts: Record<Locale, DraftingTexts> = { en: enDrafting, 'zh-CN': zhCNDrafting, es: esDrafting };

/** What a deployment writes in unless configured otherwise: Chinese and English from day one. */
export const defaultLocales: readonly Locale[] = ['en', 'zh-CN'];

export function isSupportedLocale(value: string): value is Locale {
  return Object.hasOwn(catalogues, value);
}

/** Customers in a locale we do not write in get the first configured locale. */
export function resolveLocale(value: string | undefined, configured: readonly Locale[]): Locale {
  const fallback = configured[0] ?? 'en';
  if (!value) return fallback;
  if (isSupportedLocale(value) && configured.includes(value)) return value;
  const language = value.split('-')[0]?.toLowerCase();
  return configured.find((l) => catalogues[l].language === language) ?? fallback;
}

/** The locale for an Accept-Language header: the first supported one by preference (exact tag, then language); else English. */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = Number(
        attrs
          .find((a) => a.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? 1,
      );
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const match = supportedLocales.find((l) => l.toLowerCase() === tag) ?? supportedLocales.find((l) => catalogues[l].language === tag.split('-')[0]);
    if (match) return match;
  }
  return 'en';
}

function isDataCategory(category: string): category is DataCategory {
  return (dataCategories as readonly string[]).includes(category);
}

/** A category's label; words the catalogues do not know are shown as written. */
export function dataCategoryLabel(category: string, locale: Locale): string {
  return isDataCategory(category) ? catalogues[locale].dataCategories[category] : category.replaceAll('_', ' ');
}
