import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sesAnswer } from '../twin/http-util.js';

/**
 * The SES v2 account-level suppression list, which aws-ses-v2-local lacks: Put/Get/Delete
 * SuppressedDestination and ListSuppressedDestinations with the REST JSON shapes SES uses
 * (`/v2/email/suppression/addresses[/{EmailAddress}]`, epoch-second timestamps, `x-amzn-ErrorType`
 * on errors), so the SDK and `aws sesv2 … --endpoint-url` work against the twin. In memory.
 *
 * Unlike SES, the emulator still stores a message sent to a listed address (SES accepts it with a
 * 200 and drops it): on the twin, a send the code should have skipped shows in the mailbox. Its events
 * are SES's, a Send and a Bounce (ses-events.ts).
 */
interface Entry {
  EmailAddress: string;
  Reason: 'BOUNCE' | 'COMPLAINT';
  LastUpdateTime: number;
}

const PATH = '/v2/email/suppression/addresses';
const REASONS = new Set(['BOUNCE', 'COMPLAINT']);

export class SesSuppressionList {
  /** Keyed by the lower-cased address, as SES compares them. */
  private readonly entries = new Map<string, Entry>();

  put(address: string, reason: 'BOUNCE' | 'COMPLAINT', at = new Date()): void {
    this.entries.set(address.toLowerCase(), { EmailAddress: address, Reason: reason, LastUpdateTime: Math.floor(at.getTime() / 1000) });
  }

  /** Whether `address` is on the list (any letter case). */
  has(address: string): boolean {
    return this.entries.has(address.toLowerCase());
  }

  /** Handles the suppression routes; false for any other request (left to the emulator). */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== PATH && !url.pathname.startsWith(`${PATH}/`)) return false;
    const address = url.pathname.length > PATH.length + 1 ? decodeURIComponent(url.pathname.slice(PATH.length + 1)) : undefined;
    if (address === undefined && req.method === 'PUT') {
      let body: { EmailAddress?: unknown; Reason?: unknown };
      try {
        body = JSON.parse((await readBody(req)) || '{}') as typeof body;
      } catch {
        sesAnswer(res, 400, { message: 'The request body is not valid JSON.' }, 'BadRequestException');
        return true;
      }
      if (typeof body.EmailAddress !== 'string' || !body.EmailAddress.includes('@') || typeof body.Reason !== 'string' || !REASONS.has(body.Reason)) {
        sesAnswer(res, 400, { message: 'EmailAddress must be an address and Reason one of BOUNCE, COMPLAINT.' }, 'BadRequestException');
        return true;
      }
      this.put(body.EmailAddress, body.Reason as Entry['Reason']);
      sesAnswer(res, 200, {});
      return true;
    }
    if (address === undefined && req.method === 'GET') {
      sesAnswer(res, ...this.list(url.searchParams));
      return true;
    }
    if (address !== undefined && (req.method === 'GET' || req.method === 'DELETE')) {
      const entry = this.entries.get(address.toLowerCase());
      if (!entry) sesAnswer(res, 404, { message: `Email address ${address} does not exist on your suppression list.` }, 'NotFoundException');
      else if (req.method === 'DELETE') {
        this.entries.delete(address.toLowerCase());
        sesAnswer(res, 200, {});
      } else sesAnswer(res, 200, { SuppressedDestination: { ...entry, Attributes: {} } });
      return true;
    }
    sesAnswer(res, 405, { message: `${req.method} is not supported on ${url.pathname}` }, 'BadRequestException');
    return true;
  };

  private list(q: URLSearchParams): [number, unknown, string?] {
    const reasons = q.getAll('Reason');
    const limit = q.has('PageSize') ? Number(q.get('PageSize')) : 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return [400, { message: 'PageSize must be between 1 and 1000.' }, 'BadRequestException'];
    const start = q.has('StartDate') ? Date.parse(q.get('StartDate')!) / 1000 : -Infinity;
    const end = q.has('EndDate') ? Date.parse(q.get('EndDate')!) / 1000 : Infinity;
    const offset = q.has('NextToken') ? Number(Buffer.from(q.get('NextToken')!, 'base64url').toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) return [400, { message: 'NextToken is not valid.' }, 'BadRequestException'];
    const matching = [...this.entries.values()].filter(
      (e) => (reasons.length === 0 || reasons.includes(e.Reason)) && e.LastUpdateTime >= start && e.LastUpdateTime <= end,
    );
    const listed = matching.slice(offset, offset + limit);
    const next = offset + limit < matching.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
    return [200, { SuppressedDestinationSummaries: listed, ...(next ? { NextToken: next } : {}) }];
  }
}
