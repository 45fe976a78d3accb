/**
 * A cluster whose predictions wrap a VGAC platform API (VGAC_COLLECTOR=vgac-api), from the
 * command line a user types: `vgac onboard --vgac-platform` registers it with the pass-through
 * prior, `vgac ask` answers from the platform's own P(long wait) (a loopback server speaking the
 * SPEC contract's `POST /api/predict/wait`), gated by this cluster's calibration; with the
 * platform down, the answer is an honest "cannot predict now".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVgacWithEnv, type VgacRun } from '../support/run-vgac.ts';

interface Platform {
  readonly url: string;
  readonly requests: { readonly path: string; readonly body: Record<string, unknown> }[];
  down: boolean;
  close(): Promise<void>;
}

/** The platform: P(long wait) 0.8 and a 5-minute estimate for every job, or HTTP 503 while `down`. */
async function startPlatform(): Promise<Platform> {
  const requests: Platform['requests'] = [];
  const platform = { down: false } as { down: boolean };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> });
      response.writeHead(platform.down ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(platform.down ? { error: 'maintenance' } : { probability_long_wait: 0.8, estimated_wait_seconds: 300, wait_category: 'long', is_calibrated: false }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(platform, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

describe('a cluster wrapping a VGAC platform', () => {
  let dataDir = '';
  let platform: Platform;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vgac-platform-'));
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function vgac(...args: string[]): Promise<VgacRun> {
    return runVgacWithEnv({ VGAC_DATA_DIR: dataDir, VGAC_COLLECTOR: 'vgac-api', VGAC_PLATFORM_URL: platform.url, VGAC_PLATFORM_CLUSTERS: 'plat-a' }, ...args);
  }

  it('onboards with the pass-through prior, answers from the platform\'s probability, and says "cannot predict now" while it is down', async () => {
    const onboarded = await vgac('onboard', '--cluster', 'plat-a', '--vgac-platform', '--long-wait-seconds', '600', '--platform', 'other');
    const answered = await vgac('ask', 'when will my 2xA100 job start on plat-a?');
    const asked = platform.requests.at(-1);
    platform.down = true;
    const whileDown = await vgac('ask', 'when will my 2xA100 job start on plat-a?');

    expect(onboarded.code).toBe(0);
    expect(onboarded.stdout).toContain("the VGAC platform's own P(long wait), passed through (long wait = above 600 s)");
    expect(answered.code).toBe(0);
    // Learning mode (no outcome yet): the platform's 80 %, unchanged by the pass-through prior.
    expect(answered.stdout).toMatch(/^I am still learning this cluster \(0 of 50 outcomes observed\)\. Rough, uncalibrated estimate P\(long wait\) 80 %/);
    expect(asked).toEqual({ path: '/api/predict/wait', body: { gpus: 2, gpu_type: 'A100', cluster_id: 'plat-a' } });
    expect(whileDown.code).toBe(0);
    expect(whileDown.stdout).toMatch(/^I cannot predict now on plat-a: .*503.*Confidence 0; nothing was done, a human decides\./);
  }, 60_000);
});
