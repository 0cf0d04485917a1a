import type { IncomingMessage, ServerResponse } from 'node:http';
import { getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store.js';
import { z } from 'zod';
import { json } from '../twin/http-util.js';
import { countOf, listFrom, listingSchema, parseQuery, RetrospectionQueryError, streamJson } from './retrospection.js';

/**
 * `/_aws/ses` as LocalStack answers it: GET lists the sent messages, filtered by `id` and by `email`
 * (the sender, LocalStack's `Source`); DELETE removes them (all, or those the same filters match).
 * Ours besides: `recipient` (an address, or `@domain` for every address there, in To, Cc or Bcc) and
 * the limits and counts of retrospection.ts.
 *
 * The emulator runs in this process, so its store is read in place: its own `GET /store` serializes
 * every message on each call (12 s and 276 MB at 50,000 notices; at 100,000 the string is too long and
 * it answers 500).
 */
const querySchema = listingSchema.extend({ id: z.string().min(1).optional(), email: z.string().min(1).optional(), recipient: z.string().min(1).optional() });

const addressOf = (from: string) => (/<([^>]+)>\s*$/.exec(from)?.[1] ?? from).trim().toLowerCase();

function matcher(q: z.infer<typeof querySchema>): (e: Email) => boolean {
  const sender = q.email?.toLowerCase();
  const recipient = q.recipient?.toLowerCase();
  const isRecipient = recipient?.startsWith('@') ? (a: string) => a.toLowerCase().endsWith(recipient) : (a: string) => a.toLowerCase() === recipient;
  return (e) =>
    (q.id === undefined || e.messageId === q.id) &&
    // LocalStack compares the whole Source; ours carry a display name, so the address alone matches too.
    (sender === undefined || e.from.toLowerCase() === sender || addressOf(e.from) === sender) &&
    (recipient === undefined || e.destination.to.some(isRecipient) || e.destination.cc.some(isRecipient) || e.destination.bcc.some(isRecipient));
}

const idOf = (e: Email) => e.messageId;

export function sesMailbox(region: string) {
  const shape = (e: Email) => ({
    Id: e.messageId,
    Region: region,
    Source: e.from,
    Destination: { ToAddresses: e.destination.to },
    Subject: e.subject,
    Body: { text_part: e.body.text ?? null, html_part: e.body.html ?? null },
    Timestamp: new Date(e.at * 1000).toISOString(),
  });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { emails } = getStoreReadonly();
    try {
      const q = parseQuery(req.url ?? '/', querySchema);
      const match = matcher(q);
      if (req.method === 'DELETE') {
        // In place: the emulator keeps appending to this same array.
        let kept = 0;
        for (const e of emails) if (!match(e)) emails[kept++] = e;
        emails.length = kept;
        return void res.writeHead(204).end();
      }
      if (q.count === 'true') return json(res, { count: countOf(emails, match) });
      if (q.limit !== undefined || q.next !== undefined) {
        const listed = listFrom(emails, match, idOf, q.limit, q.next);
        return json(res, { messages: listed.items.map(shape), ...(listed.next ? { next: listed.next } : {}) });
      }
      await streamJson(res, {}, 'messages', emails.filter(match), shape);
    } catch (error) {
      if (!(error instanceof RetrospectionQueryError)) throw error;
      json(res, { message: error.message }, 400);
    }
  };
}
