/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core against the whole
 * `vgac start` stack (embedded dynalite/s3rver, the one HTTP server, the live replay at a fast
 * clock) on port 0 in a temp data directory. Loads the page, sees both clusters with their badges,
 * approves an escalation and sees it executed, and saves a screenshot to test-results/; opens a
 * job's predicted wait distribution by click and by keyboard and measures its chart. With the
 * page's clock under Playwright's control, counts its requests: one GET /api/dashboard per
 * interval the server announces, none while the tab is hidden, one when it is shown again.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/app/ports/logger.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { startStack, type Stack } from '../../src/entry/local/start-stack.ts';
import { DynamoEscalationStore } from '../../src/adapters/dynamodb/dynamo-escalation-store.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = join('test-results', 'dashboard.png');

/**
 * Run in the page (plain JavaScript: the tests are type-checked without the DOM library): the
 * smallest chart text as drawn — its CSS font-size times its SVG's scale on screen, as a shrunk
 * viewBox shrinks its text — tick labels, pairs of chart labels whose boxes overlap, raw floats.
 */
const MEASURE_PAGE = `(() => {
        const texts = [...document.querySelectorAll('article.cluster svg text')];
        // The size as drawn: the CSS font-size times the SVG's scale on screen (a shrunk viewBox shrinks its text).
        const drawnPx = texts.map((text) => Number.parseFloat(getComputedStyle(text).fontSize) * (text.ownerSVGElement?.getScreenCTM()?.a ?? 1));
        const overlaps = [];
        for (const svg of document.querySelectorAll('article.cluster svg')) {
          const boxes = [...svg.querySelectorAll('text')].map((text) => ({ text: text.textContent ?? '', box: text.getBoundingClientRect() }));
          boxes.forEach((left, index) => {
            for (const right of boxes.slice(index + 1)) {
              const overlapX = Math.min(left.box.right, right.box.right) - Math.max(left.box.left, right.box.left);
              const overlapY = Math.min(left.box.bottom, right.box.bottom) - Math.max(left.box.top, right.box.top);
              if (overlapX > 0.5 && overlapY > 0.5) overlaps.push(\`\${left.text} / \${right.text}\`);
            }
          });
        }
        return {
          smallestFontPx: Math.min(...drawnPx),
          historyTicks: document.querySelectorAll('article.cluster[data-cluster="slurm-hpc"] .history svg text.tick').length,
          reliabilityTicks: document.querySelectorAll('article.cluster[data-cluster="slurm-hpc"] .reliability svg text.tick').length,
          overlaps,
          rawFloats: document.body.innerText.match(/\\d+\\.\\d{5,}/g) ?? [],
        };
      })()`;

/**
 * Run in the page: scrolls the open job chart into view, then measures it (its tick labels, the text under it, its smallest text as
 * drawn) and, from MEASURE_PAGE's overlap rule, the pairs of its labels whose boxes overlap.
 */
const MEASURE_JOB_CHART = `(() => {
        const svg = document.querySelector('article.cluster .job-distribution svg');
        if (svg === null) return null;
        // Scrolled to and measured in one synchronous step: a refresh cannot redraw the card in between.
        svg.scrollIntoView({ block: 'center' });
        const texts = [...svg.querySelectorAll('text')];
        const boxes = texts.map((text) => ({ text: text.textContent ?? '', box: text.getBoundingClientRect() }));
        const overlaps = [];
        boxes.forEach((left, index) => {
          for (const right of boxes.slice(index + 1)) {
            const overlapX = Math.min(left.box.right, right.box.right) - Math.max(left.box.left, right.box.left);
            const overlapY = Math.min(left.box.bottom, right.box.bottom) - Math.max(left.box.top, right.box.top);
            if (overlapX > 0.5 && overlapY > 0.5) overlaps.push(\`\${left.text} / \${right.text}\`);
          }
        });
        const drawnPx = texts.map((text) => Number.parseFloat(getComputedStyle(text).fontSize) * (svg.getScreenCTM()?.a ?? 1));
        return {
          xTicks: [...svg.querySelectorAll('text.x-tick')].map((text) => text.textContent ?? ''),
          yTicks: [...svg.querySelectorAll('text.y-tick')].map((text) => text.textContent ?? ''),
          markers: [...svg.querySelectorAll('text.marker-label')].map((text) => text.textContent ?? ''),
          words: [...document.querySelectorAll('article.cluster .job-distribution p.distribution-text')].map((p) => p.textContent ?? ''),
          smallestFontPx: Math.min(...drawnPx),
          overlaps,
          withinViewport: (() => {
            const box = svg.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
          })(),
        };
      })()`;

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `vgac start`'s stack in a temp data directory with `env`, and a headless Chromium; `close` stops both and removes the directory. */
async function startBrowserStack(
  env: Record<string, string>,
  simulate: boolean,
  dashboardRefreshMs?: number,
): Promise<{ stack: Stack; browser: Browser; close: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vgac-browser-'));
  const config = loadConfig({ VGAC_DATA_DIR: dataDir, VGAC_LOG_LEVEL: 'silent', ...env }, { httpPort: 0 });
  const stack = await startStack({
    config,
    simulate,
    speed: 600,
    logger: silent,
    fallbackPort: false,
    ...(dashboardRefreshMs === undefined ? {} : { dashboardRefreshMs }),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    stack,
    browser,
    close: async () => {
      await browser.close();
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe('dashboard in chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, browser, close } = await startBrowserStack({}, true));
  }, 120_000);

  afterAll(() => close?.());

  it('dashboard shows both clusters, approves an escalation to executed, and screenshots', async () => {
    // Wait until the replay has produced what the page should show: a recompute on slurm-hpc and a pending escalation.
    await until('a slurm-hpc recompute', async () => {
      const history = (await (await fetch(`${stack.url}/api/clusters/slurm-hpc/history`)).json()) as {
        points: unknown[];
      };
      return history.points.length >= 1 ? true : undefined;
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    const response = await page.goto(`${stack.url}/`);
    await page.locator('article.cluster[data-cluster="eks-prod"]').waitFor({ timeout: 15_000 });
    await page.locator('article.cluster[data-cluster="slurm-hpc"]').waitFor({ timeout: 15_000 });
    const names = await page.locator('article.cluster .cluster-name').allTextContents();
    // The badge shows the scope the API reports (the page polls; the replay may move it meanwhile).
    const badgeMatchesApi = await until("the slurm-hpc badge to show the API's scope", async () => {
      const listed = (await (await fetch(`${stack.url}/api/clusters`)).json()) as {
        clusters: { cluster_id: string; scope: string }[];
      };
      const apiScope = listed.clusters.find((cluster) => cluster.cluster_id === 'slurm-hpc')?.scope;
      const badge = await page.locator('article.cluster[data-cluster="slurm-hpc"] .badge.scope').textContent();
      return apiScope !== undefined && badge === apiScope ? badge : undefined;
    });
    const historyDots = await page.locator('article.cluster[data-cluster="slurm-hpc"] .history svg circle').count();
    const keyFormShown = await page.locator('#api-key-form').isVisible();

    const approve = page.locator('#escalations button.approve').first();
    await approve.waitFor({ timeout: 30_000 });
    const escalationId = await approve.locator('xpath=ancestor::tr').getAttribute('data-escalation');
    // That row's button: the replay adds escalations all the time, so "the first one" may be another by the time of the click.
    await page.locator(`#escalations tr[data-escalation="${escalationId ?? ''}"] button.approve`).click();
    const decided = page.locator(`#decisions tr[data-escalation="${escalationId ?? ''}"] td.status-executed`);
    await decided.waitFor({ timeout: 15_000 });
    const stored = (await (await fetch(`${stack.url}/api/escalations?status=executed&limit=50`)).json()) as {
      escalations: { escalation_id: string; decided_by: string }[];
    };
    await mkdir('test-results', { recursive: true });
    await page.waitForTimeout(2500);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(names.sort()).toEqual(['eks-prod', 'slurm-hpc']);
    expect(['learning', 'escalate', 'notify', 'autonomous']).toContain(badgeMatchesApi);
    expect(historyDots).toBeGreaterThan(0);
    expect(keyFormShown).toBe(false);
    expect(stored.escalations.find((escalation) => escalation.escalation_id === escalationId)?.decided_by).toBe(
      'api:dashboard',
    );
    expect(consoleErrors).toEqual([]);
  }, 120_000);

  it('reads at 1440×900 and 390×844: chart text ≥ 11 px as rendered, tick values, no overlapping labels, no raw floats; screenshots', async () => {
    await until('a slurm-hpc recompute', async () => {
      const history = (await (await fetch(`${stack.url}/api/clusters/slurm-hpc/history`)).json()) as {
        points: unknown[];
      };
      return history.points.length >= 1 ? true : undefined;
    });
    const directory = join(tmpdir(), 'vgac-screenshots');
    await mkdir(directory, { recursive: true });
    const measured: {
      width: number;
      smallestFontPx: number;
      historyTicks: number;
      reliabilityTicks: number;
      overlaps: string[];
      rawFloats: string[];
      screenshot: string;
    }[] = [];

    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.goto(`${stack.url}/`);
      await page.locator('article.cluster[data-cluster="slurm-hpc"] .history svg').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1000);
      const facts = await page.evaluate<{
        smallestFontPx: number;
        historyTicks: number;
        reliabilityTicks: number;
        overlaps: string[];
        rawFloats: string[];
      }>(MEASURE_PAGE);
      const screenshot = join(directory, `dashboard-${width}x${height}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      await page.close();
      measured.push({ width, ...facts, screenshot });
    }
    console.log(`dashboard screenshots: ${measured.map((entry) => entry.screenshot).join(', ')}`);

    for (const entry of measured) {
      expect(entry.smallestFontPx, `smallest chart text at ${entry.width} px`).toBeGreaterThanOrEqual(11 - 0.01);
      expect(entry.historyTicks).toBe(3);
      // 0, 0.5 and 1 on each axis.
      expect(entry.reliabilityTicks).toBe(6);
      expect(entry.overlaps).toEqual([]);
      expect(entry.rawFloats).toEqual([]);
    }
  }, 60_000);

  it('a job opens its predicted wait distribution (by click and by keyboard): ≥ 3 tick values, ≥ 11 px text, no overlapping labels, P(start within 1 h / 4 h) in words; screenshots at 1440×900 and 390×844', async () => {
    await until('a slurm-hpc prediction issued with a wait distribution, and its job started', async () => {
      const listed = (await (await fetch(`${stack.url}/api/clusters/slurm-hpc/predictions?limit=10`)).json()) as {
        predictions: { wait_quantiles: unknown; outcome: unknown }[];
      };
      return listed.predictions.some((prediction) => prediction.wait_quantiles !== null && prediction.outcome !== null)
        ? true
        : undefined;
    });
    const directory = join(tmpdir(), 'vgac-screenshots');
    await mkdir(directory, { recursive: true });
    const measured: {
      width: number;
      jobId: string;
      expanded: string | null;
      chart: {
        xTicks: string[];
        yTicks: string[];
        markers: string[];
        words: string[];
        smallestFontPx: number;
        overlaps: string[];
        withinViewport: boolean;
      } | null;
      page: { smallestFontPx: number; overlaps: string[]; rawFloats: string[] };
      openAfterSecondPress: number;
      screenshot: string;
    }[] = [];

    for (const [width, height, how] of [
      [1440, 900, 'click'],
      [390, 844, 'keyboard'],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.goto(`${stack.url}/`);
      // By click a job still waiting or started; by keyboard a started one, whose actual wait is marked too.
      const toggle = page
        .locator(
          `article.cluster[data-cluster="slurm-hpc"] button.job-toggle[data-distribution="yes"]${how === 'keyboard' ? '[data-outcome="yes"]' : ''}`,
        )
        .first();
      // The page lists the newest predictions and refreshes every 2 s: wait until one of the kind wanted is listed
      // (a loaded machine runs the simulation slowly, and a burst of fresh submits can fill the list for a while).
      await toggle.waitFor({ timeout: 60_000 });
      const jobId = (await toggle.getAttribute('data-job')) ?? '';
      if (how === 'click') await toggle.click();
      else {
        await toggle.focus();
        await page.keyboard.press('Enter');
      }
      const chart = page.locator(
        `article.cluster[data-cluster="slurm-hpc"] .job-distribution[data-job="${jobId}"] svg`,
      );
      await chart.waitFor({ timeout: 15_000 });
      const expanded = await page
        .locator(`article.cluster[data-cluster="slurm-hpc"] button.job-toggle[data-job="${jobId}"]`)
        .first()
        .getAttribute('aria-expanded');
      const chartFacts = await page.evaluate<(typeof measured)[number]['chart']>(MEASURE_JOB_CHART);
      const pageFacts = await page.evaluate<{ smallestFontPx: number; overlaps: string[]; rawFloats: string[] }>(
        MEASURE_PAGE,
      );
      const screenshot = join(directory, `dashboard-job-${width}x${height}.png`);
      await page.screenshot({ path: screenshot });
      // The same button closes it again (the keyboard's focus stays on it through the redraw).
      if (how === 'click') await page.locator(`button.job-toggle[data-job="${jobId}"]`).first().click();
      else await page.keyboard.press('Enter');
      await page.locator('article.cluster .job-distribution').waitFor({ state: 'detached', timeout: 15_000 });
      // Nothing stays open (the job may have left the newest predictions meanwhile: then its row is gone too).
      const openAfterSecondPress = await page
        .locator('article.cluster button.job-toggle[aria-expanded="true"]')
        .count();
      await page.close();
      measured.push({ width, jobId, expanded, chart: chartFacts, page: pageFacts, openAfterSecondPress, screenshot });
    }
    console.log(`dashboard job screenshots: ${measured.map((entry) => entry.screenshot).join(', ')}`);
    // What the API issued for those jobs: the words must give its P(start within 1 h / 4 h), rounded to a percent.
    const issued = (await (await fetch(`${stack.url}/api/clusters/slurm-hpc/predictions?limit=500`)).json()) as {
      predictions: { job_id: string; p_start_within: { seconds: number; probability: number }[] | null }[];
    };
    const percentOf = (probability: number): string =>
      probability < 0.01 ? 'under 1 %' : probability > 0.99 ? 'over 99 %' : `${Math.round(probability * 100)} %`;

    for (const entry of measured) {
      expect(entry.expanded, `aria-expanded at ${entry.width} px`).toBe('true');
      expect(entry.openAfterSecondPress).toBe(0);
      const chart = entry.chart;
      expect(chart, `the chart at ${entry.width} px`).not.toBeNull();
      if (chart === null) continue;
      expect(chart.xTicks.length).toBeGreaterThanOrEqual(3);
      for (const tick of chart.xTicks) expect(tick).toMatch(/^(0|\d+ (s|min|h|days?|weeks?))$/);
      expect(chart.yTicks).toEqual(['0%', '50%', '100%']);
      const within = issued.predictions.find((prediction) => prediction.job_id === entry.jobId)?.p_start_within;
      expect(within?.map((horizon) => horizon.seconds)).toEqual([3600, 14_400]);
      expect(chart.words.join(' ')).toContain(
        `Starts within 1 h of submitting: ${percentOf(within?.[0]?.probability ?? Number.NaN)}, `,
      );
      expect(chart.words.join(' ')).toContain(
        `within 4 h of submitting: ${percentOf(within?.[1]?.probability ?? Number.NaN)}, `,
      );
      expect(chart.markers[0]).toMatch(/^median (under a minute|about \d+(\.5)? (min|h|days?))$/);
      if (entry.width === 390) {
        expect(chart.markers[1]).toMatch(/^actual \d+(\.\d)? (s|min|h)$/);
        expect(chart.words.join(' ')).toMatch(/Actual wait \d+(\.\d)? (s|min|h): (inside|outside) the 80 % range\./);
      }
      expect(chart.smallestFontPx, `smallest job chart text at ${entry.width} px`).toBeGreaterThanOrEqual(11 - 0.01);
      expect(chart.overlaps).toEqual([]);
      expect(chart.withinViewport).toBe(true);
      expect(chart.words.join(' ')).toMatch(
        /Starts within 1 h of submitting: (under 1 %|over 99 %|\d+ %), [a-z ]+; within 4 h of submitting: (under 1 %|over 99 %|\d+ %), [a-z ]+\./,
      );
      expect(entry.page.smallestFontPx).toBeGreaterThanOrEqual(11 - 0.01);
      expect(entry.page.overlaps).toEqual([]);
      expect(entry.page.rawFloats).toEqual([]);
    }
  }, 180_000);
});

describe('dashboard in chromium, with an API key', () => {
  const API_KEY = 'dashboard-key-0123456789';
  let stack: Stack;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, browser, close } = await startBrowserStack({ VGAC_API_KEY: API_KEY }, false));
  }, 120_000);

  afterAll(() => close?.());

  it('asks for the key, then shows the clusters, and records the operator who approves', async () => {
    const escalations = new DynamoEscalationStore({
      client: stack.runtime.clients.dynamo,
      tableName: stack.runtime.config.table,
    });
    await escalations.create({
      escalationId: 'esc-browser-key',
      clusterId: 'eks-prod',
      jobId: 'job-key-1',
      probability: 0.72,
      scope: 'learning',
      reasons: ['learning mode'],
      action: {
        kind: 'annotate',
        clusterId: 'eks-prod',
        jobId: 'job-key-1',
        value: 'vgac: long wait likely',
        reason: 'annotate',
      },
      status: 'pending',
      createdAtMs: Date.now(),
      decidedBy: null,
      decidedAtMs: null,
      result: null,
      history: [],
    });
    const page = await browser.newPage();

    await page.goto(`${stack.url}/`);
    await page.locator('#api-key-form').waitFor({ state: 'visible', timeout: 15_000 });
    const refusedStatus = await page.locator('#status').textContent();
    const refusedPanel = await page.locator('#clusters .error-box').textContent();
    await page.fill('#operator', 'ops-ana');
    await page.locator('#operator').dispatchEvent('change');
    await page.fill('#api-key', API_KEY);
    await page.click('#api-key-form button[type=submit]');
    await page.locator('article.cluster[data-cluster="eks-prod"]').waitFor({ timeout: 15_000 });
    const approve = page.locator('#escalations tr[data-escalation="esc-browser-key"] button.approve');
    await approve.click();
    await page
      .locator('#decisions tr[data-escalation="esc-browser-key"] td.status-executed')
      .waitFor({ timeout: 15_000 });
    const stored = await escalations.get('eks-prod', 'esc-browser-key');

    expect(refusedStatus).toBe('This deployment requires an API key: enter it above.');
    expect(refusedPanel).toMatch(/^The API refused the request: /);
    expect(stored).toMatchObject({ status: 'executed', decidedBy: 'api:ops-ana' });
  }, 120_000);
});

/** The page globals the polling test touches (the tests are type-checked without the DOM library). */
interface PageGlobals {
  readonly dashboardFetches: number;
  readonly document: {
    getElementById(id: string): { readonly dataset: Record<string, string | undefined> } | null;
    dispatchEvent(event: unknown): boolean;
  };
  readonly Event: new (type: string) => unknown;
}

describe('dashboard in chromium, polling at the interval the server announces', () => {
  /** What a deployed API announces; the page's clock is Playwright's, so no test waits that long. */
  const ANNOUNCED_MS = 15_000;
  const START_MS = Date.UTC(2025, 0, 1, 9, 0, 0);
  let stack: Stack;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, browser, close } = await startBrowserStack({}, false, ANNOUNCED_MS));
  }, 120_000);

  afterAll(() => close?.());

  it('sends one GET /api/dashboard per announced interval (304 while nothing changed), none while hidden, one when shown again', async () => {
    const page = await browser.newPage();
    const apiRequests: string[] = [];
    const dashboardStatuses: number[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/api/')) apiRequests.push(path);
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/dashboard') dashboardStatuses.push(response.status());
    });
    // Counts the page's own fetch calls synchronously, so "no request yet" is known the moment the clock stops.
    await page.addInitScript({
      content: `
        window.dashboardFetches = 0;
        const originalFetch = window.fetch.bind(window);
        window.fetch = (input, init) => {
          const url = input instanceof Request ? input.url : String(input);
          if (new URL(url, location.href).pathname === '/api/dashboard') window.dashboardFetches += 1;
          return originalFetch(input, init);
        };`,
    });
    // Installed a second early so that pausing at START_MS moves time forward (pausing never goes back).
    await page.clock.install({ time: START_MS - 1_000 });
    await page.clock.pauseAt(START_MS);
    // Page-side functions see the page's globals through PageGlobals (no DOM library here).
    const fetches = () => page.evaluate(() => (globalThis as unknown as PageGlobals).dashboardFetches);
    /** Waits (in real time, not the page's) until the page has scheduled its next refresh at `atMs`. */
    const scheduledAt = (atMs: number) =>
      page.waitForFunction(
        (expected) =>
          (globalThis as unknown as PageGlobals).document.getElementById('status')?.dataset['nextRefreshAt'] ===
          expected,
        String(atMs),
        { timeout: 15_000 },
      );
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate((visibility) => {
        const { document, Event } = globalThis as unknown as PageGlobals;
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => visibility === 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);

    await page.goto(`${stack.url}/`);
    await page.locator('article.cluster').first().waitFor({ timeout: 15_000 });
    await scheduledAt(START_MS + ANNOUNCED_MS);
    const afterLoad = await fetches();
    const counts: number[] = [];
    for (let cycle = 1; cycle <= 3; cycle += 1) {
      await page.clock.runFor(ANNOUNCED_MS - 1);
      counts.push(await fetches());
      await page.clock.runFor(1);
      counts.push(await fetches());
      await scheduledAt(START_MS + (cycle + 1) * ANNOUNCED_MS);
    }
    await setVisibility('hidden');
    await page.clock.runFor(10 * ANNOUNCED_MS);
    const whileHidden = await fetches();
    await setVisibility('visible');
    const shown = await fetches();
    const shownAtMs = START_MS + 3 * ANNOUNCED_MS + 10 * ANNOUNCED_MS;
    await scheduledAt(shownAtMs + ANNOUNCED_MS);
    await page.clock.runFor(ANNOUNCED_MS - 1);
    const beforeNext = await fetches();
    await page.clock.runFor(1);
    const next = await fetches();
    await expect.poll(() => dashboardStatuses.length, { timeout: 15_000 }).toBe(next);

    expect(afterLoad).toBe(1);
    // Each interval: nothing 1 ms before it ends, exactly one request when it does.
    expect(counts).toEqual([1, 2, 2, 3, 3, 4]);
    expect(whileHidden).toBe(4);
    expect(shown).toBe(5);
    expect([beforeNext, next]).toEqual([5, 6]);
    // One request per refresh, and nothing but it; unchanged data comes back as an empty 304.
    expect(apiRequests).toEqual(Array.from({ length: 6 }, () => '/api/dashboard'));
    expect(dashboardStatuses[0]).toBe(200);
    expect(dashboardStatuses.slice(1)).toEqual([304, 304, 304, 304, 304]);
  }, 120_000);
});
