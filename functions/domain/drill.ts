import { catalogues, type Locale } from './locales.js';
import type { NoticeContent } from './notice.js';

/** `text` starting with the locale's drill marker (once: marking twice changes nothing). */
export function withDrillMarker(text: string, locale: Locale): string {
  const { marker } = catalogues[locale].drill;
  return text.startsWith(marker) ? text : `${marker} ${text}`;
}

/**
 * A drill notice's wording: subject, headline and SMS start with the marker, and the headline says
 * it is a drill. The SMS may take one segment more than the real notice's would.
 */
export function markDrillContent(content: NoticeContent, locale: Locale): NoticeContent {
  const { sentence } = catalogues[locale].drill;
  return {
    ...content,
    subject: withDrillMarker(content.subject, locale),
    headline: content.headline.startsWith(catalogues[locale].drill.marker) ? content.headline : withDrillMarker(`${sentence} ${content.headline}`, locale),
    sms: withDrillMarker(content.sms, locale),
  };
}
