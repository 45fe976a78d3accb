/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core against the whole
 * `vgac start` stack (embedded dynalite/s3rver, the one HTTP server, the live replay at a fast
 * clock) on port 0 in a temp data directory. Loads the page, sees both clusters with their badges,
 * approves an escalation and sees it executed, and saves a screenshot to test-results/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/app/ports.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { startStack, type Stack } from '../../src/entry/local/start-stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = join('test-results', 'dashboard.png');

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

describe('dashboard in chromium', () => {
  let dataDir: string;
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vgac-browser-'));
    const config = loadConfig({ VGAC_DATA_DIR: dataDir, VGAC_LOG_LEVEL: 'silent' }, { httpPort: 0 });
    stack = await startStack({ config, simulate: true, speed: 600, logger: silent, fallbackPort: false });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('dashboard shows both clusters, approves an escalation to executed, and screenshots', async () => {
    // Wait until the replay has produced what the page should show: a recompute on slurm-hpc and a pending escalation.
    await until('a slurm-hpc recompute', async () => {
      const history = (await (await fetch(`${stack.url}/api/clusters/slurm-hpc/history`)).json()) as { points: unknown[] };
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
    const slurmScope = await page.locator('article.cluster[data-cluster="slurm-hpc"] .badge.scope').textContent();
    const historyDots = await page.locator('article.cluster[data-cluster="slurm-hpc"] .history svg circle').count();

    const approve = page.locator('#escalations button.approve').first();
    await approve.waitFor({ timeout: 30_000 });
    const escalationId = await approve.locator('xpath=ancestor::tr').getAttribute('data-escalation');
    await approve.click();
    const decided = page.locator(`#decisions tr[data-escalation="${escalationId ?? ''}"] td.status-executed`);
    await decided.waitFor({ timeout: 15_000 });
    const stored = (await (await fetch(`${stack.url}/api/escalations?status=executed&limit=50`)).json()) as { escalations: { escalation_id: string; decided_by: string }[] };
    await mkdir('test-results', { recursive: true });
    await page.waitForTimeout(2500);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(names.sort()).toEqual(['eks-prod', 'slurm-hpc']);
    expect(['learning', 'escalate', 'notify', 'autonomous']).toContain(slurmScope);
    expect(historyDots).toBeGreaterThan(0);
    expect(stored.escalations.find((escalation) => escalation.escalation_id === escalationId)?.decided_by).toBe('api:dashboard');
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
