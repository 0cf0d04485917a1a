import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import type { Usage } from '../../local/twin/usage.js';

// The bounded mailbox (local/emulators/ses-store.ts) through the real emulator and /_aws/ses: more emails
// sent than it keeps. The limit is read once, when this file's twin starts its emulator.
const LIMIT = 5;
process.env.BREACH_NOTICE_SES_MAILBOX_LIMIT = String(LIMIT);

const credentials = { accessKeyId: 'mailbox', secretAccessKey: 'mailbox' };
// Sent in this order: 9 to one domain, then 3 to another; the newest 5 are r7, r8, o0, o1, o2.
const SENT = [...Array.from({ length: 9 }, (_, n) => `r${n}@limit.example.com`), ...Array.from({ length: 3 }, (_, n) => `o${n}@other.example.com`)];
let twin: Twin;
let ses: SESv2Client;
let usageBefore: Usage;

interface Mail {
  Id: string;
  Destination: { ToAddresses: string[] };
}

async function get<T>(path: string, status = 200): Promise<T> {
  const res = await fetch(`${twin.edgeUrl}${path}`);
  expect(res.status, `${path}: ${res.status}`).toBe(status);
  return (await res.json()) as T;
}

const send = (to: string) =>
  ses.send(
    new SendEmailCommand({
      FromEmailAddress: 'limit@example.com',
      Destination: { ToAddresses: [to] },
      Content: { Simple: { Subject: { Data: to }, Body: { Text: { Data: to } } } },
    }),
  );

const toOf = (messages: Mail[]) => messages.map((m) => m.Destination.ToAddresses[0]);

beforeAll(async () => {
  twin = await startTwin({ port: 0, customers: 0 });
  ses = new SESv2Client({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
  usageBefore = await get<Usage>('/_twin/usage');
  for (const to of SENT) await send(to);
}, 180_000);

afterAll(async () => {
  ses?.destroy();
  await twin?.stop();
});

describe(`the SES mailbox bounded to ${LIMIT} (BREACH_NOTICE_SES_MAILBOX_LIMIT)`, () => {
  it('keeps the newest, in sending order, and says how many older ones were dropped; the emulator’s own store is bounded too', async () => {
    expect(await get('/_aws/ses')).toMatchObject({ dropped: SENT.length - LIMIT });
    expect(toOf((await get<{ messages: Mail[] }>('/_aws/ses')).messages)).toEqual(SENT.slice(-LIMIT));
    const store = (await (await fetch(`${twin.mailboxUrl}store`)).json()) as { emails: { destination: { to: string[] } }[] };
    expect(store.emails.map((e) => e.destination.to[0])).toEqual(SENT.slice(-LIMIT));
  });

  it('the oldest are gone: a filter over them lists nothing and says emails were dropped', async () => {
    expect(await get(`/_aws/ses?recipient=${SENT[0]}`)).toEqual({ dropped: SENT.length - LIMIT, messages: [] });
    expect(await get(`/_aws/ses?recipient=${SENT[0]}&limit=10`)).toEqual({ dropped: SENT.length - LIMIT, messages: [] });
  });

  it('counts every email sent, in total and per recipient @domain, dropped ones included', async () => {
    expect(await get('/_aws/ses?count=true')).toEqual({ count: SENT.length });
    expect(await get('/_aws/ses?recipient=@limit.example.com&count=true')).toEqual({ count: 9 });
    expect(await get('/_aws/ses?recipient=@OTHER.example.com&count=true')).toEqual({ count: 3 });
    expect(await get('/_aws/ses?recipient=@elsewhere.example.com&count=true')).toEqual({ count: 0 });
  });

  it('refuses with 409 a count it could only answer over the stored emails, and a DELETE with filters', async () => {
    for (const path of [`/_aws/ses?recipient=${SENT[8]}&count=true`, '/_aws/ses?email=limit@example.com&count=true']) {
      expect(await get(path, 409)).toEqual({ message: expect.stringContaining('dropped 7'), dropped: SENT.length - LIMIT });
    }
    const res = await fetch(`${twin.edgeUrl}/_aws/ses?recipient=@limit.example.com`, { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect(await get('/_aws/ses?count=true')).toEqual({ count: SENT.length });
  });

  it('bills every recipient sent, not the stored ones', async () => {
    const after = await get<Usage>('/_twin/usage');
    expect(after.ses.emails - usageBefore.ses.emails).toBe(SENT.length);
  });

  it('a page token survives drops while its message is stored, and is refused once it was dropped', async () => {
    const first = await get<{ messages: Mail[]; next: string }>('/_aws/ses?limit=2');
    expect(toOf(first.messages)).toEqual(SENT.slice(-5, -3));
    await send('late0@other.example.com'); // drops r7; the token's message (r8) is still stored
    const second = await get<{ messages: Mail[]; next: string }>(`/_aws/ses?limit=2&next=${first.next}`);
    expect(toOf(second.messages)).toEqual(SENT.slice(-3, -1));
    for (const n of [1, 2, 3]) await send(`late${n}@other.example.com`); // drops r8, o0 and o1, the second token's message
    expect(await get(`/_aws/ses?limit=2&next=${second.next}`, 400)).toMatchObject({ message: expect.stringContaining('dropped') });
    expect(await get('/_aws/ses?recipient=@other.example.com&count=true')).toEqual({ count: 7 });
  });

  it('DELETE without filters empties the mailbox and its counts; answers are LocalStack’s again', async () => {
    expect((await fetch(`${twin.edgeUrl}/_aws/ses`, { method: 'DELETE' })).status).toBe(204);
    expect(await get('/_aws/ses?count=true')).toEqual({ count: 0 });
    expect(await get('/_aws/ses?recipient=@limit.example.com&count=true')).toEqual({ count: 0 });
    expect(await get('/_aws/ses')).toEqual({ messages: [] });
    await send('again@limit.example.com');
    expect(toOf((await get<{ messages: Mail[] }>('/_aws/ses')).messages)).toEqual(['again@limit.example.com']);
    expect(await get('/_aws/ses?email=limit@example.com&count=true')).toEqual({ count: 1 });
  });
});
