import { describe, expect, it } from 'vitest';
import {
  assembleChunk,
  chunkSpans,
  partKey,
  partsOf,
  segmentResolver,
  segmentsFor,
  MAX_SEGMENTS,
  MIN_SEGMENTS,
  type DirectoryEntry,
  type SegmentCounts,
} from '../../functions/domain/assessment.js';
import { chunk } from '../../functions/domain/impact.js';
import type { AudienceMember } from '../../functions/domain/incident.js';
import { matchKeys } from '../../functions/domain/resources.js';
import { resolveScope, scopeRequestSchema, type ScopeDecision } from '../../functions/domain/scope.js';

/** A small deterministic generator, so every run checks the same cases. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('assessment over directory segments', () => {
  it('sizes the scan from the item count, within its bounds', () => {
    expect(segmentsFor(0)).toBe(MIN_SEGMENTS);
    expect(segmentsFor(2_500_000)).toBe(25);
    expect(segmentsFor(1e9)).toBe(MAX_SEGMENTS);
  });

  it('cuts every locale into chunks over all segments: full chunks but the last of each locale, each read back from the parts exactly', () => {
    const next = random(7);
    for (let round = 0; round < 300; round += 1) {
      // Prepare: segments with members in up to three locales, some empty, parts cut as assessSegment cuts them.
      const chunkSize = [1, 2, 50, 100, 500][Math.floor(next() * 5)]!;
      const segments: SegmentCounts[] = [];
      const stored = new Map<string, AudienceMember[]>();
      const written = new Map<string, string[]>();
      const total = 1 + Math.floor(next() * 12);
      for (let segment = 0; segment < total; segment += 1) {
        const counts: Record<string, number> = {};
        for (const locale of ['zh-CN', 'en', 'es']) {
          if (next() < 0.3) continue;
          const n = Math.floor(next() * 3 * chunkSize);
          if (n === 0) continue;
          counts[locale] = n;
          const members = Array.from({ length: n }, (_, i) => ({ customerId: `${locale}-${segment}-${i}`, dataCategories: ['email'] }));
          for (const [p, part] of chunk(members, chunkSize).entries()) stored.set(partKey({ segment, locale, part: p }), part);
          written.set(locale, [...(written.get(locale) ?? []), ...members.map((m) => m.customerId)]);
        }
        segments.push({ segment, counts, chunkSize });
      }
      // Act: the Map hands the segments over in any order.
      const spans = chunkSpans([...segments].reverse());
      const chunks = spans.map((span) => assembleChunk(partsOf(span, segments), (s) => stored.get(partKey(s))));
      // Assess
      expect(spans.map((s) => s.index)).toEqual(spans.map((_, i) => i));
      const locales = [...written.keys()].sort();
      expect([...new Set(spans.map((s) => s.locale))]).toEqual(locales);
      for (const locale of locales) {
        const mine = spans.flatMap((s, i) => (s.locale === locale ? [chunks[i]!] : []));
        expect(mine.flat().map((m) => m.customerId)).toEqual(written.get(locale));
        expect(mine.slice(0, -1).every((c) => c.length === chunkSize)).toBe(true);
        expect(mine.length).toBe(Math.ceil(written.get(locale)!.length / chunkSize));
      }
      for (const span of spans) {
        const owner = segments.find((s) => s.segment === span.owner)!;
        const before = segments.filter((s) => s.segment < span.owner).reduce((n, s) => n + (s.counts[span.locale] ?? 0), 0);
        expect(span.from >= before && span.from < before + (owner.counts[span.locale] ?? 0)).toBe(true);
      }
    }
  });

  it('a part holding fewer members than its count fails loudly rather than sending to fewer customers', () => {
    const segments: SegmentCounts[] = [{ segment: 0, counts: { en: 3 }, chunkSize: 50 }];
    const [span] = chunkSpans(segments);
    const act = () => assembleChunk(partsOf(span!, segments), () => [{ customerId: 'a', dataCategories: [] }]);
    expect(act).toThrow(RangeError);
  });

  it('segments cut at different chunk sizes (a deploy changed the setting mid-assessment) are refused, not read with the wrong offsets', () => {
    const segments: SegmentCounts[] = [
      { segment: 0, counts: { en: 600 }, chunkSize: 500 },
      { segment: 1, counts: { en: 600 }, chunkSize: 250 },
    ];
    expect(() => chunkSpans(segments)).toThrow(RangeError);
  });

  it('resolves every scope rule per segment as the whole directory would: the segments together give the same audience', async () => {
    // Prepare: 300 customers on two resources, some without a profile, in three countries.
    const next = random(11);
    const directory = new Map<string, DirectoryEntry>();
    for (let i = 0; i < 300; i += 1) {
      const holdings = new Map<string, string[]>();
      if (next() < 0.6) for (const key of matchKeys('arn:aws:s3:::orders').index) holdings.set(key, ['email']);
      if (next() < 0.4) for (const key of matchKeys('orders-db').index) holdings.set(key, ['card', 'name']);
      directory.set(`c${i}`, {
        ...(next() < 0.9 ? { profile: { locale: 'en', country: ['GB', 'DE', 'CN'][i % 3]!, channels: ['email'] } } : {}),
        holdings,
      });
    }
    const decision = (version: number, request: Record<string, unknown>): ScopeDecision => ({
      ...scopeRequestSchema.parse({ reason: 'r', ...request }),
      version,
      decidedBy: 'lead',
      decidedAt: '2026-11-20T08:00:00.000Z',
    });
    const decisions = [
      decision(1, { basis: 'resources', resources: ['orders-db'], mode: 'add' }),
      decision(2, { basis: 'ids', customerIds: ['c1', 'c2', 'c3', 'nobody'], mode: 'add' }),
      decision(3, { basis: 'all', countries: ['CN'], mode: 'remove' }),
      decision(4, { basis: 'all', dataCategories: ['card'], countries: ['GB'], mode: 'add' }),
    ];
    const whole = segmentResolver(directory);
    const expected = await resolveScope(['arn:aws:s3:::orders'], decisions, whole.resolver);
    for (const total of [1, 2, 7, 64]) {
      // Act: each segment alone, as the Map runs them.
      const merged = new Map<string, string[]>();
      let found = 0;
      for (let segment = 0; segment < total; segment += 1) {
        const mine = new Map([...directory].filter(([id]) => Number(id.slice(1)) % total === segment));
        const { resolver, listedFound } = segmentResolver(mine);
        const outcome = await resolveScope(['arn:aws:s3:::orders'], decisions, resolver);
        for (const [id, categories] of outcome.holdings) merged.set(id, [...categories].sort());
        found += listedFound();
      }
      // Assess
      expect(new Map([...merged].sort())).toEqual(new Map([...expected.holdings].map(([id, c]) => [id, [...c].sort()] as const).sort()));
      expect(found).toBe(3);
    }
    expect(expected.holdings.size).toBeGreaterThan(100);
  });
});
