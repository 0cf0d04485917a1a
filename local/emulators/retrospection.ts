import type { ServerResponse } from 'node:http';
import { z } from 'zod';

/**
 * Limits and counts for the LocalStack-style retrospection endpoints (/_aws/ses, /_aws/sns/...),
 * which LocalStack does not have: without `limit`, `next` or `count` an answer is LocalStack's.
 * `limit` caps an answer; `next` is the opaque token the previous answer returned; `count=true` answers
 * how many match, without bodies. Answers follow the stored order, which is the order of sending.
 */
export const MAX_LIMIT = 10_000;

export const listingSchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional(),
  next: z.string().min(1).optional(),
  count: z.enum(['true', 'false']).optional(),
});

export class RetrospectionQueryError extends Error {
  override readonly name = 'RetrospectionQueryError';
}

/** The query string's parameters by name, checked against `schema`; the first value of a repeated one. */
export function parseQuery<T extends z.ZodType>(url: string, schema: T): z.infer<T> {
  const params = Object.fromEntries(new URL(url, 'http://edge').searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new RetrospectionQueryError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

// The token names where the answer ended and what was there, so a store cleared or trimmed since is noticed.
const tokenSchema = z.object({ at: z.number().int().min(1), after: z.string() });

function startOf<T>(items: readonly T[], idOf: (item: T) => string, next: string | undefined, offset: number): number {
  if (!next) return 0;
  let token: z.infer<typeof tokenSchema>;
  try {
    token = tokenSchema.parse(JSON.parse(Buffer.from(next, 'base64url').toString('utf8')));
  } catch {
    throw new RetrospectionQueryError('next: not a token this endpoint issued');
  }
  const at = token.at - offset;
  if (at < 1) throw new RetrospectionQueryError('next: the messages up to this token were dropped (the oldest, past the limit kept) since it was issued');
  const last = items[at - 1];
  if (!last || idOf(last) !== token.after) throw new RetrospectionQueryError('next: the messages changed (deleted or cleared) since this token was issued');
  return at;
}

/**
 * The matching items from where `next` left off: at most `limit`, and a token when more match. `offset`:
 * how many older items were dropped before `items[0]`; tokens count from the first ever, so a drop alone
 * does not invalidate them.
 */
export function listFrom<T>(
  items: readonly T[],
  match: (item: T) => boolean,
  idOf: (item: T) => string,
  limit?: number,
  next?: string,
  offset = 0,
): { items: T[]; next?: string } {
  const found: T[] = [];
  let i = startOf(items, idOf, next, offset);
  for (; i < items.length && (limit === undefined || found.length < limit); i += 1) if (match(items[i]!)) found.push(items[i]!);
  let more = false;
  for (let j = i; j < items.length && !more; j += 1) more = match(items[j]!);
  return more ? { items: found, next: Buffer.from(JSON.stringify({ at: offset + i, after: idOf(items[i - 1]!) })).toString('base64url') } : { items: found };
}

export function countOf<T>(items: readonly T[], match: (item: T) => boolean): number {
  let n = 0;
  for (const item of items) if (match(item)) n += 1;
  return n;
}

/**
 * Writes `{ ...head, [key]: [items...] }` in slices, waiting for the socket to drain: a whole mailbox
 * of 100,000 notices is hundreds of MB, past what one JSON string may hold.
 */
export async function streamJson<T>(
  res: ServerResponse,
  head: Record<string, unknown>,
  key: string,
  items: readonly T[],
  shape: (item: T) => unknown,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  // `{...,"key":[]}` without its closing `]}`.
  res.write(JSON.stringify({ ...head, [key]: [] }).slice(0, -2));
  for (let i = 0; i < items.length && !res.destroyed; i += 500) {
    const slice = items.slice(i, i + 500).map((item) => JSON.stringify(shape(item)));
    if (!res.write(`${i > 0 ? ',' : ''}${slice.join(',')}`)) await drained(res);
  }
  res.end(']}');
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
