/**
 * How many SMS segments a text costs (3GPP TS 23.038 / 23.040). Every segment is billed, so a notice's
 * SMS is drafted to fit one where it can, and approvers see the count before anything goes out.
 */
export interface SmsSize {
  encoding: 'GSM-7' | 'UCS-2';
  /** What the budget is counted in: septets for GSM-7 (an extension character takes two), UTF-16 code units for UCS-2. */
  characters: number;
  segments: number;
}

/** The GSM 03.38 default alphabet: one septet each. */
const GSM_BASIC = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
/** The extension table: an escape septet plus one, so two each. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const SINGLE = { 'GSM-7': 160, 'UCS-2': 70 } as const;
/** A concatenated message spends part of each segment on its header. */
const PER_PART = { 'GSM-7': 153, 'UCS-2': 67 } as const;

export function smsSegments(text: string): SmsSize {
  const chars = [...text];
  const gsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  const encoding = gsm ? 'GSM-7' : 'UCS-2';
  // Per character: septets, or UTF-16 units (a surrogate pair is two). Neither is split across segments.
  const widths = chars.map((c) => (gsm ? (GSM_EXTENSION.has(c) ? 2 : 1) : c.length));
  const characters = widths.reduce((a, b) => a + b, 0);
  if (characters <= SINGLE[encoding]) return { encoding, characters, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > PER_PART[encoding]) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return { encoding, characters, segments };
}
