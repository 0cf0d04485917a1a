import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoticeStore } from '../../functions/adapters/notice-store.js';
import type { Notice } from '../../functions/domain/incident.js';
import type { Locale } from '../../functions/domain/locales.js';
import { draftNotice } from '../../functions/domain/notice.js';
import { MIN_FILL_MS } from '../../functions/domain/question-form.js';
import { systemClock } from '../../functions/shared/clock.js';
import { lambdaContext } from '../../local/twin/http-api.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { noticeRecord } from '../support/notices.js';

// The twin end to end: a sent notice's page written through the S3 stand-in, served at /pages/ like CloudFront, read by Chromium.
const incidentId = 'inc-20261120-00000000e2e1';
const hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
const locales: Locale[] = ['en', 'zh-CN'];
let twin: Twin;
let browser: Browser;

function sentNotice(): Notice {
  const content = Object.fromEntries(
    locales.map((l) => [
      l,
      draftNotice(
        {
          kind: 'first-notice',
          sequence: 1,
          incident: {
            incidentId,
            source: 'guardduty',
            firstSeenAt: '2026-11-20T08:00:00.000Z',
            impact: { affectedCustomers: 3, byDataCategory: { email: 3 }, byJurisdiction: {}, byLocale: {}, byChannel: {} },
          },
          facts: {
            whatHappened: hostile,
            measures: [`We closed it. ${hostile}`],
            advice: [],
            remedies: [l === 'en' ? 'A year of credit monitoring.' : '一年免费信用监控。'],
          },
          company: { name: 'Example Co.', contact: 'security-help@example.com', incidentPageUrl: `${twin.edgeUrl}/pages` },
          nextUpdateAt: '2026-11-27T08:00:00.000Z',
        },
        l,
      ),
    ]),
  );
  return {
    ...noticeRecord({
      incidentId,
      noticeId: 'first-notice-1',
      kind: 'first-notice',
      sequence: 1,
      status: 'SENT',
      content,
      createdAt: '2026-11-20T09:00:00.000Z',
      promisedNextUpdateAt: '2026-11-27T08:00:00.000Z',
    }),
    sentAt: '2026-11-20T10:00:00.000Z',
  };
}

beforeAll(async () => {
  twin = await startTwin({ port: 0, customers: 5 });
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  await new NoticeStore(doc, twin.system.tables.incidents, systemClock).createNotice(sentNotice());
  await doc.send(
    new PutCommand({
      TableName: twin.system.tables.incidents,
      Item: { pk: `INC#${incidentId}`, sk: 'META', type: 'incident', incidentId, status: 'OPEN', firstSeenAt: '2026-11-20T08:00:00.000Z' },
    }),
  );
  await twin.system.publishIncidentPage({ incidentId, noticeId: 'first-notice-1' }, lambdaContext('breach-notice-publish-incident-page'));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await twin?.stop();
});

describe('the incident page on the twin', () => {
  it.each(locales)(
    'renders in %s with its lang, the approved wording, the remedies and the strict CSP; hostile text shows as text and runs nothing',
    async (locale) => {
      // Act
      const page = await browser.newPage({ viewport: { width: 375, height: 700 } });
      const response = await page.goto(`${twin.edgeUrl}/pages/${incidentId}/${locale}.html`);
      // Assess
      expect(response!.status()).toBe(200);
      expect(response!.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered; textContent would also hold the text of an injected <script>.
      const body = await page.locator('body').innerText();
      expect(body).toContain(locale === 'en' ? 'A year of credit monitoring.' : '一年免费信用监控。');
      expect(body).toContain(locale === 'en' ? 'Our statement' : '我们的声明');
      expect(body).toContain('<script>window.__pwned = 1</script>');
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('script, img').count()).toBe(0);
      // Readable on a phone: nothing wider than the screen.
      expect(
        await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth),
      ).toBeLessThanOrEqual(375);
      await page.close();
    },
    60_000,
  );

  it('has a JSON twin and was announced once per locale to the public-channels topic with the page summary and attributes', async () => {
    const json = (await (await fetch(`${twin.edgeUrl}/pages/${incidentId}/en.json`)).json()) as { summary: string; pageUrl: string };
    expect(json.pageUrl).toBe(`${twin.edgeUrl}/pages/${incidentId}/en.html`);
    // A second run (a retry) announces nothing again.
    await twin.system.publishIncidentPage({ incidentId, noticeId: 'first-notice-1' }, lambdaContext('breach-notice-publish-incident-page'));
    const res = await fetch(`${twin.edgeUrl}/_aws/sns/topic-messages?topicArn=${encodeURIComponent(twin.system.publicChannelsTopicArn)}`);
    const messages =
      ((await res.json()) as { topic_messages: Record<string, { message: string; attributes: Record<string, string> }[]> }).topic_messages[
        twin.system.publicChannelsTopicArn
      ] ?? [];
    expect(messages.map((m) => m.attributes.locale).sort()).toEqual(['en', 'zh-CN']);
    const en = messages.find((m) => m.attributes.locale === 'en')!;
    expect(en.message).toBe(json.summary);
    expect(en.attributes).toEqual({ incidentId, noticeId: 'first-notice-1', locale: 'en', pageUrl: json.pageUrl });
  });

  it('serves nothing but page paths from the folder', async () => {
    expect((await fetch(`${twin.edgeUrl}/pages/${incidentId}/../../etc/passwd`)).status).toBe(404);
    expect((await fetch(`${twin.edgeUrl}/pages/${incidentId}/fr.html`)).status).toBe(404);
  });

  it('links the question form, which takes a typed question and shows it back escaped; the form takes it once; the honeypot and a too-fast submit are refused; past the limit it answers 429', async () => {
    // Prepare
    const page = await browser.newPage();
    await page.goto(`${twin.edgeUrl}/pages/${incidentId}/en.html`);
    await page.getByRole('link', { name: 'Open the question form' }).click();
    await page.waitForURL(/\/questions\//);
    const usedToken = await page.locator('input[name="token"]').inputValue();
    await page.locator('textarea[name="question"]').fill(hostile);
    // Act: a person takes a few seconds.
    await page.waitForTimeout(3_200);
    await page.getByRole('button', { name: 'Send' }).click();
    // Assess
    await page.waitForSelector('blockquote');
    expect(await page.locator('h1').textContent()).toBe('Thank you');
    expect(await page.locator('blockquote').textContent()).toBe(hostile);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    // The same form sent again (back and send, or a replay) stores nothing more.
    const replayed = await fetch(`${twin.edgeUrl}/questions/${incidentId}`, {
      method: 'POST',
      body: new URLSearchParams({ locale: 'en', token: usedToken, question: 'Sent twice?' }),
    });
    expect(replayed.status).toBe(409);

    // A bot that fills every field, and one that posts at once, are refused.
    await page.goto(`${twin.edgeUrl}/questions/${incidentId}?locale=en`);
    await page.locator('textarea[name="question"]').fill('Is my card safe?');
    await page.locator('input[name="website"]').fill('http://spam.example', { force: true });
    await page.waitForTimeout(3_200);
    const honeypot = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Send' }).click();
    expect((await honeypot).status()).toBe(400);
    await page.goto(`${twin.edgeUrl}/questions/${incidentId}?locale=zh-CN`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.locator('textarea[name="question"]').fill('我的银行卡安全吗？');
    const fast = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: '发送' }).click();
    expect((await fast).status()).toBe(400);
    // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees, as above.
    expect(await page.locator('body').innerText()).toContain('表单提交过快');
    await page.close();

    // The client's allowance is 5 per window: 4 more are taken, the next is 429; each question on a form of its own.
    const forms = await Promise.all(
      Array.from(
        { length: 5 },
        async () => /name="token" value="([^"]+)"/.exec(await (await fetch(`${twin.edgeUrl}/questions/${incidentId}?locale=en`)).text())![1]!,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, MIN_FILL_MS + 200));
    const statuses = [];
    for (const [i, token] of forms.entries()) {
      const res = await fetch(`${twin.edgeUrl}/questions/${incidentId}`, {
        method: 'POST',
        body: new URLSearchParams({ locale: 'en', token, question: `Question number ${i}?` }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  }, 90_000);
});
