import { request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FactsStore } from '../../functions/adapters/facts-store.js';
import { systemClock } from '../../functions/shared/clock.js';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { until } from '../support/local.js';

// The console of a running twin, driven over HTTP as a browser would; facts read back through the edge's DynamoDB.
const credentials = { accessKeyId: 'e2e', secretAccessKey: 'e2e' };
const operator = '<b>Ops</b> & "Co"';
const hostile = {
  whatHappened: '<script>alert(1)</script> happened & more',
  cause: '</textarea><img src=x onerror=alert(2)>',
  measures: '"><svg onload=alert(3)>\nRotated <i>all</i> keys',
  advice: '<a href="javascript:alert(4)">click</a> & \'quote\'',
  remedies: '&lt;already escaped&gt;',
};
const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
let twin: Twin;
let incidentId: string;
let facts: FactsStore;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function get(path: string): Promise<Answer> {
  const res = await fetch(`${twin.edgeUrl}${path}`);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The page's form secret and the cookie that goes with it, as a browser holds them. */
async function session(): Promise<{ csrf: string; cookie: string; expectedVersion: string }> {
  const page = await get(`/incidents/${incidentId}`);
  return {
    csrf: /name="csrf" value="([^"]+)"/.exec(page.text)![1]!,
    cookie: page.headers.get('set-cookie')!.split(';')[0]!,
    expectedVersion: /name="expectedVersion" value="(\d+)"/.exec(page.text)![1]!,
  };
}

async function post(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${twin.edgeUrl}/incidents/${incidentId}/facts`, { method: 'POST', body: new URLSearchParams(fields), headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A POST whose Host header names another site (what a DNS-rebinding page sends); fetch cannot set Host. */
function postWithHost(host: string, body: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${twin.edgeUrl}/incidents/${incidentId}/facts`);
    const req = request(url, { method: 'POST', headers: { host, cookie, 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  process.env.OPERATOR = operator;
  twin = await startTwin({ port: 0, customers: 20 });
  const events = new EventBridgeClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials });
  const finding = guardDutyFinding({ bucket: 'customer-data' });
  await events.send(
    new PutEventsCommand({
      Entries: [{ Source: finding.source, DetailType: finding['detail-type'], Detail: JSON.stringify(finding.detail), Resources: finding.resources }],
    }),
  );
  incidentId = await until(async () => [...twin.system.workflow.executions.values()][0]?.name, 'the execution');
  await until(async () => (await get(`/incidents/${incidentId}`)).text.includes('Facts for the notices'), 'the incident in the store');
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials }));
  facts = new FactsStore(doc, 'breach-notice-incidents', systemClock);
}, 120_000);

afterAll(async () => {
  await twin?.stop();
});

describe('the operator console: facts for the notices', () => {
  it('the incident page has a form per configured locale, a SameSite=Strict cookie and a CSP that keeps forms to itself', async () => {
    // Act
    const page = await get(`/incidents/${incidentId}`);
    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('set-cookie')).toMatch(/^breach_notice_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    // One facts form per configured locale (the scope and close forms post elsewhere).
    expect(page.text.match(/<form class="facts" method="post" action="[^"]*\/facts"/g)).toHaveLength(2);
    expect(page.text).toContain('<h3>en</h3>');
    expect(page.text).toContain('<h3>zh-CN</h3>');
    expect(page.text).toContain('Nothing written yet');
    expect(page.text).not.toContain('http-equiv="refresh"');
  });

  it('hostile text in every field is saved as written and comes back escaped, with the author and a version history', async () => {
    // Prepare
    const { csrf, cookie } = await session();
    // Act
    const saved = await post({ csrf, locale: 'en', expectedVersion: '0', ...hostile }, { cookie, origin: twin.edgeUrl });
    const page = await get(`/incidents/${incidentId}?saved=1&superseded=0`);
    // Assess
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toMatch(new RegExp(`^/incidents/${incidentId}\\?saved=1&superseded=\\d+#facts$`));
    const stored = await facts.latestFacts(incidentId);
    expect(stored).toMatchObject({ version: 1, author: operator });
    expect(stored!.locales.en).toEqual({
      whatHappened: hostile.whatHappened,
      cause: hostile.cause,
      measures: hostile.measures.split('\n'),
      advice: [hostile.advice],
      remedies: [hostile.remedies],
      confirmedActions: [],
    });
    expect(page.text).toContain('Version 1 saved.');
    for (const value of [hostile.whatHappened, hostile.cause, hostile.measures, hostile.advice, hostile.remedies, operator])
      expect(page.text).toContain(esc(value));
    expect(page.text).not.toMatch(/<script>alert|<img src=x|<svg onload|<a href="javascript|<b>Ops|<i>all/);
    expect(page.text).toMatch(/<tr><td>1<\/td><td>&lt;b&gt;Ops&lt;\/b&gt; &amp; &quot;Co&quot;<\/td><td>[^<]+<\/td><td>en<\/td><\/tr>/);
    // The languages now disagree: the page says so.
    expect(page.text).toContain('The languages disagree: zh-CN: whatHappened 0 of 1');
  });

  it('a POST without the token, with a wrong one, or without the cookie changes nothing (403)', async () => {
    // Prepare
    const { csrf, cookie, expectedVersion } = await session();
    const before = await facts.listFacts(incidentId);
    const fields = { locale: 'en', expectedVersion, whatHappened: 'forged' };
    // Act
    const statuses = [
      (await post(fields, { cookie })).status,
      // Another last character (a fixed 'A' equals the token itself when it ends in 'A', 1 run in 64).
      (await post({ ...fields, csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` }, { cookie })).status,
      (await post({ ...fields, csrf })).status,
      (await post({ ...fields, csrf }, { cookie: `breach_notice_console=${csrf}x` })).status,
    ];
    // Assess
    expect(statuses).toEqual([403, 403, 403, 403]);
    expect(await facts.listFacts(incidentId)).toEqual(before);
  });

  it('a cross-origin POST, or one naming another Host, is refused even with the token and cookie (403)', async () => {
    // Prepare
    const { csrf, cookie, expectedVersion } = await session();
    const before = await facts.listFacts(incidentId);
    const fields = { csrf, locale: 'en', expectedVersion, whatHappened: 'cross-site' };
    // Act
    const statuses = [
      (await post(fields, { cookie, origin: 'http://evil.example' })).status,
      (await post(fields, { cookie, origin: 'null' })).status,
      (await post(fields, { cookie, 'sec-fetch-site': 'cross-site' })).status,
      await postWithHost(`evil.example:${new URL(twin.edgeUrl).port}`, new URLSearchParams(fields).toString(), cookie),
    ];
    // Assess
    expect(statuses).toEqual([403, 403, 403, 403]);
    expect(await facts.listFacts(incidentId)).toEqual(before);
  });

  it('a form read before someone else saved is refused (409); a bad locale or an overlong field is refused (400); nothing is saved', async () => {
    // Prepare
    const { csrf, cookie, expectedVersion } = await session();
    const before = await facts.listFacts(incidentId);
    // Act
    const stale = await post({ csrf, locale: 'zh-CN', expectedVersion: String(Number(expectedVersion) - 1), whatHappened: '旧的' }, { cookie });
    const locale = await post({ csrf, locale: 'fr', expectedVersion, whatHappened: 'x' }, { cookie });
    const long = await post({ csrf, locale: 'zh-CN', expectedVersion, cause: 'x'.repeat(2001) }, { cookie });
    // Assess
    expect([stale.status, locale.status, long.status]).toEqual([409, 400, 400]);
    expect(stale.text).toContain('Nothing saved: Facts of');
    expect(long.text).toContain('zh-CN.cause:');
    expect(await facts.listFacts(incidentId)).toEqual(before);
  });

  it('in headless Chromium (cookies, CSP and the redirect as a browser applies them) a typed edit saves and shows', async () => {
    // Prepare
    const browser = await chromium.launch({
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
    const before = (await facts.latestFacts(incidentId))!.version;
    try {
      const page = await browser.newPage();
      await page.goto(`${twin.edgeUrl}/incidents/${incidentId}`);
      const form = page.locator('form.facts', { has: page.locator('input[name="locale"][value="en"]') });
      // Act
      await form.locator('textarea[name="remedies"]').fill('A year of credit monitoring\nA new card at no cost');
      await form.getByLabel('We reset the passwords involved').check();
      await form.getByRole('button').click();
      await page.waitForURL(/saved=/);
      // Assess
      expect(await page.locator('p.notice').textContent()).toMatch(new RegExp(`^Version ${before + 1} saved\\.`));
      expect((await facts.latestFacts(incidentId))?.locales.en?.remedies).toEqual(['A year of credit monitoring', 'A new card at no cost']);
      // Only the action ticked is confirmed: the notices may now say the passwords were reset, nothing more.
      expect((await facts.latestFacts(incidentId))?.locales.en?.confirmedActions).toEqual(['passwords-reset']);
      await page.goto(`${twin.edgeUrl}/incidents/${incidentId}`);
      expect(await form.getByLabel('We reset the passwords involved').isChecked()).toBe(true);
      expect(await form.getByLabel('We disabled the API keys involved').isChecked()).toBe(false);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('a save of one locale keeps the others; the new version carries both', async () => {
    // Prepare
    const { csrf, cookie, expectedVersion } = await session();
    // Act
    const saved = await post(
      { csrf, locale: 'zh-CN', expectedVersion, whatHappened: '存储桶曾被公开访问。', measures: '关闭了存储桶\r\n\r\n轮换了密钥' },
      { cookie },
    );
    // Assess
    expect(saved.status).toBe(303);
    const latest = await facts.latestFacts(incidentId);
    expect(latest?.version).toBe(Number(expectedVersion) + 1);
    expect(latest?.locales['zh-CN']).toEqual({
      whatHappened: '存储桶曾被公开访问。',
      measures: ['关闭了存储桶', '轮换了密钥'],
      advice: [],
      remedies: [],
      confirmedActions: [],
    });
    expect(latest?.locales.en?.whatHappened).toBe(hostile.whatHappened);
  });
});
