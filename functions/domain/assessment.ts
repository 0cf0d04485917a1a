import type { CustomerProfile } from './customer.js';
import type { AudienceMember, ImpactSummary } from './incident.js';
import { matchKeys } from './resources.js';
import type { Holdings, ScopeResolver } from './scope.js';

/**
 * Impact assessment fanned out over parallel scan segments of the directory, so that no invocation
 * reads more than a segment at a million customers. The customers table's partition key is the
 * customer id, so a customer's profile and resource items fall in one segment, and every scope rule
 * (resources, everyone, an id list, a segment of countries or categories) is decided per customer:
 * a segment resolves its customers alone. The workflow then cuts the audience into chunks over all
 * segments: each locale's members in segment order, cut every `chunkSize`, so sending keeps its
 * ceil(n / 50) calls per locale.
 */

/** What a scan segment holds of one customer: the profile fields assessment reads, and categories per match key. */
export interface DirectoryEntry {
  profile?: Pick<CustomerProfile, 'locale' | 'country' | 'region' | 'timeZone' | 'channels'>;
  holdings: Map<string, string[]>;
}

/** What one segment found: its members per written locale (in the order they are kept). */
export interface SegmentCounts {
  segment: number;
  counts: Record<string, number>;
  /** The size its parts were cut at: the chunks are cut at the same, whatever the setting is by the later phases. */
  chunkSize: number;
}

/** One audience chunk as global offsets into its locale's members (segments in order). */
export interface ChunkSpan {
  index: number;
  locale: string;
  from: number;
  to: number;
  /** The segment holding the chunk's first member: the one that writes it. */
  owner: number;
}

/** A slice of one stored part (a segment's members of a locale, cut every `partSize`). */
export interface PartSlice {
  segment: number;
  locale: string;
  part: number;
  from: number;
  to: number;
}

/** How parts read back are keyed. */
export const partKey = (s: Pick<PartSlice, 'segment' | 'locale' | 'part'>) => `${s.segment}/${s.locale}/${s.part}`;

/** Items per scan segment: 50,000 customers at the demo directory's 2 items each (a profile and a resource). */
export const ITEMS_PER_SEGMENT = 100_000;
/**
 * At least this many: DynamoDB refreshes a table's ItemCount about every six hours
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html), so a
 * directory imported since reads small; four segments keep a million within each invocation's bound.
 */
export const MIN_SEGMENTS = 4;
/** DynamoDB's own bound on TotalSegments is 1,000,000; the workflow's Map runs at most this many. */
export const MAX_SEGMENTS = 64;

/** How many segments to scan a directory of `itemCount` items in. */
export function segmentsFor(itemCount: number, itemsPerSegment = ITEMS_PER_SEGMENT): number {
  return Math.min(MAX_SEGMENTS, Math.max(MIN_SEGMENTS, Math.ceil(Math.max(0, itemCount) / itemsPerSegment)));
}

/**
 * The scope rules over one segment's customers, as the directory-wide reads would answer them for
 * these customers. `listedFound` counts the listed ids found here (unknown ids are counted over all segments).
 */
export function segmentResolver(entries: ReadonlyMap<string, DirectoryEntry>): { resolver: ScopeResolver; listedFound: () => number } {
  let found = 0;
  const all = (entry: DirectoryEntry) => new Set([...entry.holdings.values()].flat());
  const resolver: ScopeResolver = {
    onResources: async (resources) => {
      const wanted = new Set(resources.flatMap((r) => matchKeys(r).query));
      const out: Holdings = new Map();
      for (const [id, entry] of entries) {
        let hit: Set<string> | undefined;
        for (const [key, categories] of entry.holdings) {
          if (!wanted.has(key)) continue;
          hit ??= new Set();
          for (const c of categories) hit.add(c);
        }
        if (hit) out.set(id, hit);
      }
      return out;
    },
    everyone: async () => new Map([...entries].map(([id, entry]) => [id, all(entry)])),
    byIds: async (ids) => {
      const out: Holdings = new Map();
      for (const id of new Set(ids)) {
        const entry = entries.get(id);
        if (entry) out.set(id, all(entry));
      }
      found += out.size;
      return out;
    },
    countries: async (ids) => new Map(ids.flatMap((id) => (entries.get(id)?.profile ? [[id, entries.get(id)!.profile!.country] as const] : []))),
  };
  return { resolver, listedFound: () => found };
}

/**
 * The one size every segment cut its parts at. Segments cut at different sizes (a deploy changed the
 * setting while the Map ran) cannot be read as chunks: the assessment fails and the team is paged.
 */
export function chunkSizeOf(segments: readonly SegmentCounts[]): number {
  const sizes = new Set(segments.map((s) => s.chunkSize));
  const [size] = sizes;
  if (sizes.size !== 1 || size === undefined || size < 1) throw new RangeError(`segments cut at chunk sizes ${[...sizes].join(', ')}: one size >= 1 expected`);
  return size;
}

/** Every chunk of the audience: locales in sorted order, each locale's members over the segments in order. */
export function chunkSpans(segments: readonly SegmentCounts[]): ChunkSpan[] {
  const chunkSize = chunkSizeOf(segments);
  const ordered = [...segments].sort((a, b) => a.segment - b.segment);
  const locales = [...new Set(ordered.flatMap((s) => Object.keys(s.counts)))].sort();
  const spans: ChunkSpan[] = [];
  for (const locale of locales) {
    const starts = offsets(ordered, locale);
    const total = starts.at(-1)!.end;
    for (let from = 0; from < total; from += chunkSize) {
      const owner = starts.find((s) => from >= s.start && from < s.end)!.segment;
      spans.push({ index: spans.length, locale, from, to: Math.min(total, from + chunkSize), owner });
    }
  }
  return spans;
}

/** The stored parts a chunk is read from, in order. */
export function partsOf(span: ChunkSpan, segments: readonly SegmentCounts[]): PartSlice[] {
  const partSize = chunkSizeOf(segments);
  const out: PartSlice[] = [];
  for (const { segment, start, end } of offsets(
    [...segments].sort((a, b) => a.segment - b.segment),
    span.locale,
  )) {
    const from = Math.max(span.from, start);
    const to = Math.min(span.to, end);
    for (let at = from; at < to; ) {
      const part = Math.floor((at - start) / partSize);
      const partEnd = Math.min(to, start + (part + 1) * partSize);
      out.push({ segment, locale: span.locale, part, from: at - start - part * partSize, to: partEnd - start - part * partSize });
      at = partEnd;
    }
  }
  return out;
}

function offsets(ordered: readonly SegmentCounts[], locale: string): { segment: number; start: number; end: number }[] {
  let at = 0;
  return ordered.map(({ segment, counts }) => {
    const start = at;
    at += counts[locale] ?? 0;
    return { segment, start, end: at };
  });
}

/** Sums segment summaries into the incident's. */
export function mergeImpact(parts: readonly ImpactSummary[]): ImpactSummary {
  const out: ImpactSummary = { affectedCustomers: 0, byDataCategory: {}, byJurisdiction: {}, byLocale: {}, byChannel: {} };
  const add = (into: Record<string, number>, from: Record<string, number> | undefined) => {
    for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
  };
  for (const p of parts) {
    out.affectedCustomers += p.affectedCustomers;
    add(out.byDataCategory, p.byDataCategory);
    add(out.byJurisdiction, p.byJurisdiction);
    add(out.byLocale, p.byLocale);
    add(out.byChannel, p.byChannel);
    if (p.byRegion) add((out.byRegion ??= {}), p.byRegion);
    if (p.byTimeZone) add((out.byTimeZone ??= {}), p.byTimeZone);
  }
  return out;
}

/** A segment's own result, kept until the assessment is saved. */
export interface SegmentSummary {
  impact: ImpactSummary;
  /** Affected customers with resource items but no profile. */
  missingProfiles: number;
  /** Ids of the decisions' lists found in this segment. */
  listedFound: number;
}

/** A chunk's members, from its part slices read in order. */
export function assembleChunk(slices: readonly PartSlice[], read: (slice: PartSlice) => AudienceMember[] | undefined): AudienceMember[] {
  return slices.flatMap((slice) => {
    const part = read(slice);
    if (!part || part.length < slice.to)
      throw new RangeError(`assessment part ${slice.segment}/${slice.locale}/${slice.part} holds fewer members than its count`);
    return part.slice(slice.from, slice.to);
  });
}
