import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkAndCode } from '../../local/tools/approval-client.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { until } from '../support/local.js';

// Debian's binaries, named explicitly: a plain `aws` on PATH may be another install. `.ci/run` installs both.
const AWS = '/usr/bin/aws';
const CHROMIUM = '/usr/bin/chromium';
const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:breach-notice-incident-response';
const ARTIFACTS = 'test-artifacts';
let twin: Twin;

const run = promisify(execFile);

// Asynchronous on purpose: the twin runs in this process, so a blocking spawn would starve it.
async function aws(...args: string[]): Promise<string> {
  const { stdout } = await run(AWS, ['--endpoint-url', twin.edgeUrl, '--output', 'json', '--cli-read-timeout', '20', ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'cli',
      AWS_SECRET_ACCESS_KEY: 'cli',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  return stdout;
}

beforeAll(async () => {
  twin = await startTwin({ port: 0, customers: 50 });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await twin?.stop();
});

describe('the twin with ordinary tools', () => {
  it('Debian awscli: put-events starts an incident, list-executions shows it, sesv2 and dynamodb answer', async () => {
    expect((await run(AWS, ['--version'])).stdout).toMatch(/^aws-cli\/2\./);
    const detail = JSON.stringify({ reportId: 'cli-1', title: 'Stolen laptop', severity: 'HIGH', resources: ['customer-data'] });
    const put = JSON.parse(
      await aws(
        'events',
        'put-events',
        '--entries',
        JSON.stringify([{ Source: 'breach-notice.manual', DetailType: 'Security Incident Reported', Detail: detail }]),
      ),
    ) as { FailedEntryCount: number };
    expect(put.FailedEntryCount).toBe(0);
    const listed = await until(async () => {
      const out = JSON.parse(await aws('stepfunctions', 'list-executions', '--state-machine-arn', STATE_MACHINE)) as {
        executions: { name: string; status: string }[];
      };
      return out.executions.length === 1 ? out.executions : undefined;
    }, 'the execution in list-executions');
    expect(listed[0]!.name).toMatch(/^inc-/);
    expect(listed[0]!.status).toBe('RUNNING');
    const templates = JSON.parse(await aws('sesv2', 'list-email-templates')) as { TemplatesMetadata: { TemplateName: string }[] };
    expect(templates.TemplatesMetadata.map((t) => t.TemplateName)).toContain('breach-notice-first-notice-zh-CN');
    const scan = JSON.parse(await aws('dynamodb', 'scan', '--table-name', 'breach-notice-customers', '--max-items', '3')) as { Items: unknown[] };
    expect(scan.Items).toHaveLength(3);
    const rules = JSON.parse(await aws('events', 'list-rules')) as { Rules: { Name: string }[] };
    expect(rules.Rules.map((r) => r.Name).sort()).toEqual(['GuardDutyFindings', 'MacieFindings', 'ManualReports', 'SecurityAlarms', 'SecurityHubFindings']);
  }, 60_000);

  it('headless Chromium: the console shows the incident; the approval page approves; screenshots saved', async () => {
    const browser: Browser = await chromium.launch({
      executablePath: CHROMIUM,
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
    try {
      const page = await browser.newPage();
      await page.goto(`${twin.edgeUrl}/`);
      const name = await until(
        async () => (
          await page.reload(),
          (await page.locator('table.incidents td').first().textContent())?.startsWith('inc-')
            ? page.locator('table.incidents td').first().textContent()
            : undefined
        ),
        'the incident row',
      );
      expect(name).toMatch(/^inc-/);
      await page.screenshot({ path: `${ARTIFACTS}/console.png`, fullPage: true });

      // The incident page: the path taken with where the execution is, and the whole definition (folded) marked the same.
      await page.goto(`${twin.edgeUrl}/incidents/${name}`);
      await until(async () => (await page.reload(), (await page.locator('svg.path-graph g.state.current').count()) === 1), 'the current state mark');
      expect(await page.locator('svg.path-graph g.state.current').getAttribute('data-state')).toBe('Wait for approval');
      expect(await page.locator('svg.state-graph g.state.current').getAttribute('data-state')).toBe('Wait for approval');
      expect(await page.locator('svg.state-graph g.state.visited[data-state="Assess impact"]').count()).toBe(1);
      expect(await page.locator('svg.state-graph g.state').count()).toBeGreaterThan(25);
      expect(await page.locator('text=Pending approvals').count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}/incident-graph.png`, fullPage: true });

      const messages = await until(async () => {
        const res = (await (await fetch(`${twin.edgeUrl}/_aws/ses`)).json()) as { messages: { Subject: string; Body: { text_part: string } }[] };
        return res.messages.find((m) => m.Subject.startsWith('[Approval needed'));
      }, 'the approval email');
      const link = /http:\/\/127\.0\.0\.1:\d+\/approvals\/[A-Za-z0-9_-]{43}/.exec(messages.Body.text_part)![0];
      // The page in the approver's language (Accept-Language), first in Chinese: opening it changes nothing.
      const zhContext = await browser.newContext({ locale: 'zh-CN' });
      const zhPage = await zhContext.newPage();
      await zhPage.goto(link);
      expect(await zhPage.locator('h1').textContent()).toBe('审批客户通知');
      expect(await zhPage.locator('html').getAttribute('lang')).toBe('zh-CN');
      await zhPage.screenshot({ path: `${ARTIFACTS}/approval-page-zh-CN.png`, fullPage: true });
      await zhContext.close();

      await page.goto(link);
      expect(await page.locator('h1').textContent()).toBe('Approve the customer notice');
      expect(await page.locator('[lang="zh-CN"]').count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}/approval-page-en.png`, fullPage: true });
      await page.fill('#code', linkAndCode(messages.Body.text_part).code);
      await page.getByRole('button', { name: 'Approve and send' }).click();
      await page.waitForLoadState();
      expect(await page.locator('h1').textContent()).toBe('Decision recorded');
      await page.screenshot({ path: `${ARTIFACTS}/approval-decided.png` });
      await until(async () => {
        const res = (await (await fetch(`${twin.edgeUrl}/_aws/ses`)).json()) as { messages: { Destination: { ToAddresses: string[] } }[] };
        return res.messages.filter((m) => m.Destination.ToAddresses[0]!.endsWith('@customers.example.com')).length === 50;
      }, 'the 50 notices');
    } finally {
      await browser.close();
    }
  }, 90_000);
});
