import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { z } from 'zod';
import { json } from '../twin/http-util.js';
import { countOf, listFrom, listingSchema, parseQuery, RetrospectionQueryError, streamJson } from './retrospection.js';
import { sentEmails, type SentEmails } from './ses-store.js';

/**
 * `/_aws/ses` as LocalStack answers it: GET lists the sent messages, filtered by `id` and by `email`
 * (the sender, LocalStack's `Source`); DELETE removes them (all, or those the same filters match).
 * Ours besides: `recipient` (an address, or `@domain` for every address there, in To, Cc or Bcc) and
 * the limits and counts of retrospection.ts.
 *
 * The emulator runs in this process, so its store is read in place: its own `GET /store` serializes
 * every message on each call (12 s and 276 MB at 50,000 notices; at 100,000 the string is too long and
 * it answers 500).
 *
 * The store keeps the newest BREACH_NOTICE_SES_MAILBOX_LIMIT emails (ses-store.ts). Once some were
 * dropped, a list answers the stored ones with `dropped` (how many older ones are gone); a count of all
 * emails or of `recipient=@domain` stays exact (kept for every email sent); any other count, and a
 * DELETE with filters, is refused with 409 rather than answered over the stored ones alone.
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

/** The filter a count kept for every email answers: none (`''`), or `recipient=@domain` alone; undefined for any other. */
function countedFilter(q: z.infer<typeof querySchema>): string | undefined {
  if (q.id !== undefined || q.email !== undefined) return undefined;
  if (q.recipient === undefined) return '';
  return q.recipient.startsWith('@') && !q.recipient.includes('@', 1) ? q.recipient : undefined;
}

const trimmed = (sent: SentEmails) => ({
  message: `the mailbox keeps the newest ${sent.limit} emails (BREACH_NOTICE_SES_MAILBOX_LIMIT) and dropped ${sent.dropped}: only counts of all emails or of recipient=@domain include them`,
  dropped: sent.dropped,
});

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
    const sent = sentEmails();
    try {
      const q = parseQuery(req.url ?? '/', querySchema);
      const match = matcher(q);
      const counted = countedFilter(q);
      if (req.method === 'DELETE') {
        if (counted === '') sent.clear();
        // Which dropped emails the filters select is not known: deleting only the stored ones would leave the counts wrong.
        else if (sent.dropped > 0) return json(res, trimmed(sent), 409);
        else sent.delete(match);
        return void res.writeHead(204).end();
      }
      if (q.count === 'true') {
        if (counted !== undefined) return json(res, { count: sent.count(counted || undefined) });
        if (sent.dropped > 0) return json(res, trimmed(sent), 409);
        return json(res, { count: countOf(sent.stored(), match) });
      }
      // LocalStack's shape until something was dropped.
      const dropped = sent.dropped > 0 ? { dropped: sent.dropped } : {};
      if (q.limit !== undefined || q.next !== undefined) {
        const listed = listFrom(sent.stored(), match, idOf, q.limit, q.next, sent.dropped);
        return json(res, { messages: listed.items.map(shape), ...(listed.next ? { next: listed.next } : {}), ...dropped });
      }
      await streamJson(res, dropped, 'messages', sent.stored().filter(match), shape);
    } catch (error) {
      if (!(error instanceof RetrospectionQueryError)) throw error;
      json(res, { message: error.message }, 400);
    }
  };
}
