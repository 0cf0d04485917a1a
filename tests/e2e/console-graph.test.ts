import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDutyFinding } from '../../local/tools/sample-alarms.js';
import { startTwin, type Twin } from '../../local/twin/twin.js';
import { until } from '../support/local.js';

// An incident's page on the twin's console as an operator sees it in Chromium on a laptop-sized window.
const VIEWPORT = { width: 1400, height: 900 };
/** The console's text is 12 px; drawn smaller than this, a state's name cannot be read. */
const READABLE_PX = 11;
let twin: Twin;
let browser: Browser;
let incidentId: string;

/** The parts of an SVG element read here (the project's types carry no DOM library). */
interface DrawnSvg {
  getBoundingClientRect(): { width: number };
  viewBox: { baseVal: { width: number } };
}

/** The size, in CSS pixels, at which the graph's 12-px text is drawn: its box against its viewBox. */
const drawnTextPx = (page: Page, selector: string) =>
  page.locator(selector).evaluate((svg: DrawnSvg) => (12 * svg.getBoundingClientRect().width) / svg.viewBox.baseVal.width);

beforeAll(async () => {
  twin = await startTwin({ port: 0, customers: 20 });
  const events = new EventBridgeClient({ endpoint: twin.edgeUrl, region: 'us-east-1', credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' } });
  const finding = guardDutyFinding({ bucket: 'customer-data' });
  await events.send(
    new PutEventsCommand({
      Entries: [{ Source: finding.source, DetailType: finding['detail-type'], Detail: JSON.stringify(finding.detail), Resources: finding.resources }],
    }),
  );
  incidentId = await until(async () => [...twin.system.workflow.executions.values()][0]?.name, 'the execution');
  // Waiting for its approval: a dozen states behind it, the definition's 57 in all.
  await until(async () => {
    const html = await (await fetch(`${twin.edgeUrl}/incidents/${incidentId}`)).text();
    return /class="state [a-z ]*current" data-state="Wait for approval"/.test(html);
  }, 'the execution waiting for approval');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await twin?.stop();
});

describe("an incident's graph on the console", () => {
  it('shows the path taken at readable size with the current state in view; the whole definition folded, readable when opened', async () => {
    // Prepare
    const page = await browser.newPage({ viewport: VIEWPORT });
    // Act
    await page.goto(`${twin.edgeUrl}/incidents/${incidentId}`);
    // Assess: the path, unscaled, its current state inside the window without scrolling
    expect(await drawnTextPx(page, 'svg.path-graph')).toBeGreaterThanOrEqual(READABLE_PX);
    const current = await page.locator('svg.path-graph g.current rect').boundingBox();
    expect(current).not.toBeNull();
    expect(current!.y).toBeGreaterThanOrEqual(0);
    expect(current!.y + current!.height).toBeLessThanOrEqual(VIEWPORT.height);
    expect(current!.x + current!.width).toBeLessThanOrEqual(VIEWPORT.width);
    expect(await page.locator('svg.path-graph g.current text').textContent()).toBe('Wait for approval');
    // The whole definition: folded, and when opened drawn at the same size (it scrolls in its box)
    expect(await page.locator('svg.state-graph').isVisible()).toBe(false);
    await page.locator('details.whole-graph summary').click();
    expect(await page.locator('svg.state-graph').isVisible()).toBe(true);
    expect(await drawnTextPx(page, 'svg.state-graph')).toBeGreaterThanOrEqual(READABLE_PX);
    await page.close();
  }, 60_000);
});
