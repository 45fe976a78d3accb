/**
 * A cluster whose predictions wrap a VGAC platform API (VGAC_COLLECTOR=vgac-api), from the
 * command line a user types: `vgac onboard --vgac-platform` registers it with the pass-through
 * prior, `vgac ask` answers from the platform's own P(long wait) (a loopback server speaking the
 * SPEC contract's `POST /api/predict/wait`), gated by this cluster's calibration; with the
 * platform down, the answer is an honest "cannot predict now".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVgacWithEnv, type VgacRun } from '../support/run-vgac.ts';
import { startVgacPlatformServer, type VgacPlatformServer } from '../support/vgac-platform-server.ts';

describe('a cluster wrapping a VGAC platform', () => {
  let dataDir = '';
  let platform: VgacPlatformServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vgac-platform-'));
    platform = await startVgacPlatformServer();
  });

  afterAll(async () => {
    await platform?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function vgac(...args: string[]): Promise<VgacRun> {
    return runVgacWithEnv(
      {
        VGAC_DATA_DIR: dataDir,
        VGAC_COLLECTOR: 'vgac-api',
        VGAC_PLATFORM_URL: platform.url,
        VGAC_PLATFORM_CLUSTERS: 'plat-a',
      },
      ...args,
    );
  }

  it('onboards with the pass-through prior, answers from the platform\'s probability, and says "cannot predict now" while it is down', async () => {
    const onboarded = await vgac(
      'onboard',
      '--cluster',
      'plat-a',
      '--vgac-platform',
      '--long-wait-seconds',
      '600',
      '--platform',
      'other',
    );
    const answered = await vgac('ask', 'when will my 2xA100 job start on plat-a?');
    const asked = platform.requests.at(-1);
    platform.down = true;
    const whileDown = await vgac('ask', 'when will my 2xA100 job start on plat-a?');

    expect(onboarded.code).toBe(0);
    expect(onboarded.stdout).toContain(
      "the VGAC platform's own P(long wait), passed through (long wait = above 600 s)",
    );
    expect(answered.code).toBe(0);
    // Learning mode (no outcome yet): the platform's 80 %, unchanged by the pass-through prior.
    expect(answered.stdout).toMatch(
      /^I am still learning this cluster \(0 of 50 outcomes observed\)\. Rough, uncalibrated estimate P\(long wait\) 80 %/,
    );
    expect(asked).toEqual({
      path: '/api/predict/wait',
      body: { gpus: 2, gpu_type: 'A100', cluster_id: 'plat-a' },
      apiKey: undefined,
    });
    expect(whileDown.code).toBe(0);
    expect(whileDown.stdout).toMatch(
      /^I cannot predict now on plat-a: .*503.*Confidence 0; nothing was done, a human decides\./,
    );
  }, 60_000);
});
