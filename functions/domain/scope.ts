import * as z from 'zod';

/**
 * Who is affected, as people decide it when the alarm cannot say (an unmapped resource) or when the
 * team widens or narrows what the alarm said. Decisions are kept in order and folded: each one
 * replaces the audience so far, adds to it or removes from it. The alarm's own resources are the start.
 */
export const scopeBases = ['alarm', 'all', 'resources', 'ids', 'none'] as const;
export const scopeModes = ['replace', 'add', 'remove'] as const;

/** Customer ids as the directory holds them (see domain/customer-import.ts). */
const customerId = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[^\s,]+$/, 'customer ids have no spaces or commas');

/** Id lists beyond this are split over several decisions (or imported as a directory resource). */
export const MAX_SCOPE_IDS = 200_000;

export const scopeRequestSchema = z
  .object({
    basis: z.enum(scopeBases),
    /** With basis `resources`: ARNs, bucket names or other identifiers as the directory maps them. */
    resources: z.array(z.string().trim().min(1).max(2048)).max(1000).default([]),
    /** With basis `ids`: the uploaded list. */
    customerIds: z.array(customerId).max(MAX_SCOPE_IDS).default([]),
    /** A segment: only customers in these countries (ISO 3166-1 alpha-2)... */
    countries: z
      .array(
        z
          .string()
          .trim()
          .toUpperCase()
          .regex(/^[A-Z]{2}$/, 'expected ISO country codes such as DE'),
      )
      .max(300)
      .default([]),
    /** ...and only these data categories (a customer holding none of them is left out; the others are not mentioned to them). */
    dataCategories: z.array(z.string().trim().min(1).max(64)).max(50).default([]),
    mode: z.enum(scopeModes).default('replace'),
    /** Why: on the timeline and in the final report. */
    reason: z.string().trim().min(1, 'say why the scope is decided this way').max(1000),
  })
  .superRefine((d, ctx) => {
    if (d.basis === 'resources' && d.resources.length === 0) ctx.addIssue({ code: 'custom', path: ['resources'], message: 'name at least one resource' });
    if (d.basis === 'ids' && d.customerIds.length === 0) ctx.addIssue({ code: 'custom', path: ['customerIds'], message: 'the id list is empty' });
    if (d.basis !== 'resources' && d.resources.length > 0) ctx.addIssue({ code: 'custom', path: ['resources'], message: 'resources go with basis resources' });
    if (d.basis !== 'ids' && d.customerIds.length > 0) ctx.addIssue({ code: 'custom', path: ['customerIds'], message: 'customer ids go with basis ids' });
    if (d.basis === 'none' && (d.mode !== 'replace' || d.countries.length + d.dataCategories.length > 0)) {
      ctx.addIssue({ code: 'custom', path: ['basis'], message: 'none stands alone: no customer is affected' });
    }
  });
export type ScopeRequest = z.infer<typeof scopeRequestSchema>;

/** A kept decision: the request, who made it and when, and its place in the order. */
export interface ScopeDecision extends ScopeRequest {
  version: number;
  decidedBy: string;
  decidedAt: string;
}

/** What the directory resolves a basis to: each customer with the data categories it holds there. */
export type Holdings = Map<string, Set<string>>;

export interface ScopeResolver {
  /** The customers on these resources (the alarm's when `basis` is alarm). */
  onResources(resources: string[]): Promise<Holdings>;
  /** Every customer in the directory, with every category they hold. */
  everyone(): Promise<Holdings>;
  /** These customers, with every category they hold (unknown ids are left out and counted). */
  byIds(ids: string[]): Promise<Holdings>;
  /** Countries of these customers, for segment filters. */
  countries(ids: string[]): Promise<Map<string, string>>;
}

export interface ScopeOutcome {
  holdings: Holdings;
  /** True when the last deciding word is that nobody is affected. */
  none: boolean;
  /** Ids a decision named that the directory does not know. */
  unknownIds: number;
}

/** Folds the decisions over the alarm's own scope; deterministic, so a retry computes the same audience. */
export async function resolveScope(alarmResources: string[], decisions: readonly ScopeDecision[], resolver: ScopeResolver): Promise<ScopeOutcome> {
  let holdings: Holdings = await resolver.onResources(alarmResources);
  let none = false;
  let unknownIds = 0;
  for (const d of [...decisions].sort((a, b) => a.version - b.version)) {
    if (d.basis === 'none') {
      holdings = new Map();
      none = true;
      continue;
    }
    let picked: Holdings;
    if (d.basis === 'alarm') picked = await resolver.onResources(alarmResources);
    else if (d.basis === 'resources') picked = await resolver.onResources(d.resources);
    else if (d.basis === 'all') picked = await resolver.everyone();
    else {
      picked = await resolver.byIds(d.customerIds);
      unknownIds += new Set(d.customerIds).size - picked.size;
    }
    picked = await segment(picked, d, resolver);
    if (d.mode === 'replace') holdings = picked;
    else if (d.mode === 'add') holdings = union(holdings, picked);
    else for (const id of picked.keys()) holdings.delete(id);
    none = false;
  }
  return { holdings, none, unknownIds };
}

async function segment(picked: Holdings, d: ScopeRequest, resolver: ScopeResolver): Promise<Holdings> {
  let out = picked;
  if (d.dataCategories.length > 0) {
    const wanted = new Set(d.dataCategories);
    out = new Map();
    for (const [id, categories] of picked) {
      const kept = [...categories].filter((c) => wanted.has(c));
      if (kept.length > 0) out.set(id, new Set(kept));
    }
  }
  if (d.countries.length > 0) {
    const wanted = new Set(d.countries);
    const countries = await resolver.countries([...out.keys()]);
    out = new Map([...out].filter(([id]) => wanted.has((countries.get(id) ?? '').toUpperCase())));
  }
  return out;
}

function union(a: Holdings, b: Holdings): Holdings {
  const out: Holdings = new Map([...a].map(([id, c]) => [id, new Set(c)]));
  for (const [id, categories] of b) {
    const set = out.get(id) ?? new Set<string>();
    for (const c of categories) set.add(c);
    out.set(id, set);
  }
  return out;
}

/** One line for pages, the timeline and the final report; ids never listed, only counted. */
export function describeScope(d: Pick<ScopeRequest, 'basis' | 'resources' | 'customerIds' | 'countries' | 'dataCategories' | 'mode'>): string {
  const basis =
    d.basis === 'none'
      ? 'no customer is affected'
      : d.basis === 'all'
        ? 'every customer in the directory'
        : d.basis === 'alarm'
          ? "the customers on the alarm's resources"
          : d.basis === 'resources'
            ? `the customers on ${d.resources.length} listed resource(s): ${d.resources.slice(0, 5).join(', ')}${d.resources.length > 5 ? ', …' : ''}`
            : `${new Set(d.customerIds).size} listed customer id(s)`;
  const filters = [
    d.countries.length > 0 ? `in ${d.countries.join(', ')}` : '',
    d.dataCategories.length > 0 ? `holding ${d.dataCategories.join(', ')}` : '',
  ].filter(Boolean);
  const mode = d.mode === 'add' ? 'add ' : d.mode === 'remove' ? 'remove ' : '';
  return `${mode}${basis}${filters.length > 0 ? ` ${filters.join(' ')}` : ''}`;
}
