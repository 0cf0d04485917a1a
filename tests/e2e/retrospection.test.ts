import { CreateEmailTemplateCommand, SendBulkEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from '../../local/twin/twin.js';

// The twin's retrospection endpoints read with plain HTTP, as any tool would: LocalStack's answers and
// filters, and our limits and counts, over more messages than one answer holds.
const credentials = { accessKeyId: 'retro', secretAccessKey: 'retro' };
const EMAILS = 1234;
const NUMBERS = 40;
const SMS_EACH = 3;
const recipient = (n: number) => `r${n}@retro.example.com`;
const phone = (n: number) => `+44770090${String(n).padStart(4, '0')}`;
let twin: Twin;

interface Mail {
  Id: string;
  Region: string;
  Source: string;
  Destination: { ToAddresses: string[] };
  Subject: string;
  Body: { text_part: string | null; html_part: string | null };
  Timestamp: string;
}
interface Sms {
  messageId: string;
  phoneNumber: string;
  message: string;
}

async function get<T>(path: string, status = 200): Promise<T> {
  const res = await fetch(`${twin.edgeUrl}${path}`);
  expect(res.status, `${path}: ${res.status}`).toBe(status);
  return (await res.json()) as T;
}

/** Follows `next` from the first answer to the last; returns every answer's items and how many answers. */
async function listAll<T>(path: string, items: (answer: Record<string, unknown>) => T[]): Promise<{ items: T[]; answers: number }> {
  const found: T[] = [];
  let answers = 0;
  let next: string | undefined;
  do {
    const answer = await get<Record<string, unknown>>(`${path}${next ? `&next=${encodeURIComponent(next)}` : ''}`);
    found.push(...items(answer));
    next = answer.next as string | undefined;
    answers += 1;
  } while (next);
  return { items: found, answers };
}

beforeAll(async () => {
  twin = await startTwin({ port: 0, customers: 0 });
  const ses = new SESv2Client({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
  await ses.send(
    new CreateEmailTemplateCommand({ TemplateName: 'retro', TemplateContent: { Subject: 'Notice {{n}}', Text: 'Body {{n}}', Html: '<p>{{n}}</p>' } }),
  );
  for (let i = 0; i < EMAILS; i += 50) {
    const entries = Array.from({ length: Math.min(50, EMAILS - i) }, (_, k) => ({
      Destination: { ToAddresses: [recipient(i + k)] },
      ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify({ n: i + k }) } },
    }));
    await ses.send(
      new SendBulkEmailCommand({
        FromEmailAddress: '"Retro Co." <retro@example.com>',
        DefaultContent: { Template: { TemplateName: 'retro', TemplateData: '{}' } },
        BulkEmailEntries: entries,
      }),
    );
  }
  const sns = new SNSClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
  for (let k = 0; k < SMS_EACH; k += 1)
    for (let n = 0; n < NUMBERS; n += 1) await sns.send(new PublishCommand({ PhoneNumber: phone(n), Message: `sms ${k} to ${n}` }));
  await sns.send(new PublishCommand({ TopicArn: twin.system.responseTeamTopicArn, Subject: 'Paged', Message: 'team' }));
  ses.destroy();
  sns.destroy();
}, 180_000);

afterAll(async () => {
  await twin?.stop();
});

describe('SES retrospection (/_aws/ses)', () => {
  it('answers as LocalStack does: every message, and the id and email (sender) filters', async () => {
    const { messages } = await get<{ messages: Mail[] }>('/_aws/ses');
    expect(messages).toHaveLength(EMAILS);
    expect(messages[7]).toMatchObject({
      Region: 'us-east-1',
      Source: '"Retro Co." <retro@example.com>',
      Destination: { ToAddresses: [recipient(7)] },
      Subject: 'Notice 7',
      Body: { text_part: 'Body 7', html_part: '<p>7</p>' },
    });
    expect(Object.keys(messages[7]!).sort()).toEqual(['Body', 'Destination', 'Id', 'Region', 'Source', 'Subject', 'Timestamp']);

    const byId = await get<{ messages: Mail[] }>(`/_aws/ses?id=${encodeURIComponent(messages[100]!.Id)}`);
    expect(byId.messages.map((m) => m.Id)).toContain(messages[100]!.Id);
    expect(byId.messages.every((m) => m.Id === messages[100]!.Id)).toBe(true);
    expect(await get('/_aws/ses?id=ses-000000000')).toEqual({ messages: [] });

    // The sender as LocalStack's `email`: the whole Source, or its address alone.
    expect(await get('/_aws/ses?email=retro@example.com&count=true')).toEqual({ count: EMAILS });
    expect(await get(`/_aws/ses?email=${encodeURIComponent('"Retro Co." <retro@example.com>')}&count=true`)).toEqual({ count: EMAILS });
    expect(await get('/_aws/ses?email=nobody@example.com')).toEqual({ messages: [] });
  });

  it('filters by recipient (ours): an address, or @domain for every address there', async () => {
    const one = await get<{ messages: Mail[] }>(`/_aws/ses?recipient=${recipient(42).toUpperCase()}`);
    expect(one.messages.map((m) => m.Destination.ToAddresses)).toEqual([[recipient(42)]]);
    expect(await get('/_aws/ses?recipient=@retro.example.com&count=true')).toEqual({ count: EMAILS });
    expect(await get('/_aws/ses?recipient=@elsewhere.example.com&count=true')).toEqual({ count: 0 });
  });

  it('lists in sending order, each message exactly once, with or without a filter; counts without bodies', async () => {
    for (const path of ['/_aws/ses?limit=100', '/_aws/ses?recipient=@retro.example.com&limit=500', `/_aws/ses?email=retro@example.com&limit=${EMAILS}`]) {
      const started = performance.now();
      const { items, answers } = await listAll(path, (p) => p.messages as Mail[]);
      console.log(`${path}: ${answers} answers in ${Math.round(performance.now() - started)} ms`);
      expect(items.map((m) => m.Destination.ToAddresses[0])).toEqual(Array.from({ length: EMAILS }, (_, n) => recipient(n)));
      expect(answers).toBe(Math.ceil(EMAILS / Number(new URL(path, 'http://x').searchParams.get('limit'))));
    }
    const count = await fetch(`${twin.edgeUrl}/_aws/ses?count=true`);
    expect(await count.json()).toEqual({ count: EMAILS });
  });

  it('counts the SendBulkEmail calls that stored them: one per 50 recipients', async () => {
    const { calls } = await get<{ calls: Record<string, Record<string, number>> }>('/_twin/requests');
    expect(calls.ses?.SendBulkEmail).toBe(Math.ceil(EMAILS / 50));
  });

  it('refuses a malformed token, a bad limit, and a token from before a deletion; DELETE removes what the filters match', async () => {
    expect(await get('/_aws/ses?limit=10&next=not-a-token', 400)).toMatchObject({ message: expect.stringContaining('next') });
    expect(await get('/_aws/ses?limit=0', 400)).toMatchObject({ message: expect.stringContaining('limit') });
    expect(await get('/_aws/ses?limit=ten', 400)).toMatchObject({ message: expect.stringContaining('limit') });
    const first = await get<{ messages: Mail[]; next: string }>('/_aws/ses?limit=10');

    expect((await fetch(`${twin.edgeUrl}/_aws/ses?recipient=${recipient(3)}`, { method: 'DELETE' })).status).toBe(204);
    expect(await get('/_aws/ses?count=true')).toEqual({ count: EMAILS - 1 });
    expect(await get(`/_aws/ses?limit=10&next=${first.next}`, 400)).toMatchObject({ message: expect.stringContaining('changed') });
  });
});

describe('SNS retrospection (/_aws/sns/sms-messages, /_aws/sns/topic-messages)', () => {
  it('answers as LocalStack does: SMS by number, and the phoneNumber filter, also for a number with none', async () => {
    const all = await get<{ region: string; sms_messages: Record<string, Sms[]> }>('/_aws/sns/sms-messages');
    expect(all.region).toBe('us-east-1');
    expect(Object.keys(all.sms_messages)).toHaveLength(NUMBERS);
    expect(Object.values(all.sms_messages).every((list) => list.length === SMS_EACH)).toBe(true);
    const one = await get<{ sms_messages: Record<string, Sms[]> }>(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone(5))}`);
    expect(one.sms_messages[phone(5)]!.map((m) => m.message)).toEqual(['sms 0 to 5', 'sms 1 to 5', 'sms 2 to 5']);
    expect(Object.keys(one.sms_messages)).toEqual([phone(5)]);
    expect((await get<{ sms_messages: unknown }>('/_aws/sns/sms-messages?phoneNumber=%2B15550000000')).sms_messages).toEqual({ '+15550000000': [] });
  });

  it('lists each SMS exactly once and counts messages and numbers without bodies', async () => {
    const { items, answers } = await listAll('/_aws/sns/sms-messages?limit=7', (p) => Object.values(p.sms_messages as Record<string, Sms[]>).flat());
    expect(answers).toBe(Math.ceil((NUMBERS * SMS_EACH) / 7));
    expect(new Set(items.map((m) => m.messageId)).size).toBe(NUMBERS * SMS_EACH);
    expect(items).toHaveLength(NUMBERS * SMS_EACH);
    expect(await get('/_aws/sns/sms-messages?count=true')).toEqual({ region: 'us-east-1', count: NUMBERS * SMS_EACH, phoneNumbers: NUMBERS });
    const topic = encodeURIComponent(twin.system.responseTeamTopicArn);
    expect(await get(`/_aws/sns/topic-messages?topicArn=${topic}&count=true`)).toEqual({ region: 'us-east-1', count: 1, topics: 1 });
  });

  it("DELETE with phoneNumber removes that number's SMS only", async () => {
    expect((await fetch(`${twin.edgeUrl}/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone(0))}`, { method: 'DELETE' })).status).toBe(204);
    expect(await get('/_aws/sns/sms-messages?count=true')).toEqual({ region: 'us-east-1', count: (NUMBERS - 1) * SMS_EACH, phoneNumbers: NUMBERS - 1 });
    expect(await get(`/_aws/sns/topic-messages?count=true`)).toMatchObject({ count: 1 });
    // Counts by number, kept as messages are recorded and deleted (a bench asks every 100 ms).
    expect(await get(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone(0))}&count=true`)).toEqual({
      region: 'us-east-1',
      count: 0,
      phoneNumbers: 0,
    });
    expect(await get(`/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone(5))}&count=true`)).toEqual({
      region: 'us-east-1',
      count: SMS_EACH,
      phoneNumbers: 1,
    });
  });
});
