import { catalogues, dataCategoryLabel, type Locale } from './locales.js';
import { exampleNotice, fieldTexts, noticeLayout, worstSmsSize, type NoticeContent } from './notice.js';

export { noticeTextForDiff } from './notice.js';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** What approvers are shown about the audience, besides the wording. */
export interface PreviewContext {
  /** Zones present in the audience, most customers first. */
  timeZones: string[];
  /** Customers who receive the SMS. */
  smsRecipients: number;
  /** Unset: no cost estimate. */
  smsPrice?: { perSegment: number; currency: string };
}

/** Zones shown with an example time each; the rest are counted. */
const ZONES_SHOWN = 5;
const SINGLE_SEGMENT_LIMIT = { 'GSM-7': 160, 'UCS-2': 70 } as const;

interface Preview {
  subject: string;
  blocks: { heading?: string; paragraphs: string[]; items: string[]; small: boolean }[];
  localTimes: { heading: string; lines: string[] };
  /** Which remedies by rule go to how many customers; absent when none applies. */
  remedies?: { heading: string; lines: string[] };
  sms: { heading: string; text: string; lines: string[] };
}

/**
 * The notice as a customer in the audience's main time zone will read it (stand-ins for their name
 * and data), one example time per zone, and the SMS with its size and cost for the whole audience.
 */
function preview(content: NoticeContent, locale: Locale, ctx: PreviewContext): Preview {
  const c = catalogues[locale];
  const p = c.preview;
  const zones = ctx.timeZones.length > 0 ? ctx.timeZones : ['UTC'];
  const example = exampleNotice(content, locale, zones[0]);
  const blocks = noticeLayout(content.kind).flatMap((block) => {
    const texts = block.fields.flatMap((f) => fieldTexts(example, f));
    if (block.optional && texts.length === 0) return [];
    const list = block.as === 'list';
    return [{ heading: block.heading && c.noticeEmail[block.heading], paragraphs: list ? [] : texts, items: list ? texts : [], small: block.as === 'small' }];
  });
  const times = zones.slice(0, ZONES_SHOWN).map((zone) => {
    const firstSeen = c.formatTime(content.firstSeenAt, zone);
    return content.nextUpdateAt === null
      ? p.zoneTimes({ zone, firstSeen })
      : p.zoneTimesWithNext({ zone, firstSeen, nextUpdate: c.formatTime(content.nextUpdateAt, zone) });
  });
  if (zones.length > ZONES_SHOWN) times.push(p.moreZones({ count: zones.length - ZONES_SHOWN }));
  const size = worstSmsSize(content, locale, zones);
  const segments = size.segments;
  const cost =
    ctx.smsRecipients === 0
      ? p.noSms
      : ctx.smsPrice
        ? p.smsCost({
            recipients: ctx.smsRecipients,
            segments,
            perSegment: c.formatMoney(ctx.smsPrice.perSegment, ctx.smsPrice.currency),
            total: c.formatMoney(ctx.smsRecipients * segments * ctx.smsPrice.perSegment, ctx.smsPrice.currency),
          })
        : p.smsCostUnpriced({ recipients: ctx.smsRecipients, segments });
  const offers = content.remedyOffers ?? [];
  const r = c.remedies;
  return {
    subject: example.subject,
    blocks,
    localTimes: { heading: p.localTimes, lines: times },
    ...(offers.length > 0
      ? {
          remedies: {
            heading: r.previewHeading,
            lines: offers.map((o) =>
              r.previewLine({
                offer: o.text,
                customers: o.customers ?? 0,
                categories: c.formatList(o.categories.map((cat) => dataCategoryLabel(cat, locale))),
              }),
            ),
          },
        }
      : {}),
    sms: {
      heading: p.sms,
      text: example.sms,
      lines: [p.smsSize({ encoding: size.encoding, characters: size.characters, limit: SINGLE_SEGMENT_LIMIT[size.encoding], segments }), cost],
    },
  };
}

export function noticePreviewHtml(content: NoticeContent, locale: Locale, ctx: PreviewContext): string {
  const v = preview(content, locale, ctx);
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  return [
    `<p><strong>${escapeHtml(v.subject)}</strong></p>`,
    ...v.blocks.map(
      (b) =>
        (b.heading ? `<h4>${escapeHtml(b.heading)}</h4>` : '') +
        b.paragraphs.map((t) => (b.small ? `<p><small>${escapeHtml(t)}</small></p>` : `<p>${escapeHtml(t)}</p>`)).join('') +
        (b.items.length > 0 ? list(b.items) : ''),
    ),
    `<h4>${escapeHtml(v.localTimes.heading)}</h4>${list(v.localTimes.lines)}`,
    ...(v.remedies ? [`<h4>${escapeHtml(v.remedies.heading)}</h4>${list(v.remedies.lines)}`] : []),
    `<h4>${escapeHtml(v.sms.heading)}</h4><blockquote>${escapeHtml(v.sms.text)}</blockquote>`,
    ...v.sms.lines.map((l) => `<p>${escapeHtml(l)}</p>`),
  ].join('\n');
}

export function noticePreviewText(content: NoticeContent, locale: Locale, ctx: PreviewContext): string {
  const v = preview(content, locale, ctx);
  return [
    v.subject,
    '',
    ...v.blocks.flatMap((b) => [...(b.heading ? [b.heading] : []), ...b.paragraphs, ...b.items.map((i) => `- ${i}`), '']),
    v.localTimes.heading,
    ...v.localTimes.lines.map((l) => `- ${l}`),
    '',
    ...(v.remedies ? [v.remedies.heading, ...v.remedies.lines.map((l) => `- ${l}`), ''] : []),
    v.sms.heading,
    v.sms.text,
    ...v.sms.lines,
  ].join('\n');
}
