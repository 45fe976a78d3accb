import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCluster } from '../../../app/learning/register-cluster.ts';
import { agentBundle } from '../../../../test/support/agent-fixtures.ts';
import { runVgacWithEnv, type VgacRun } from '../../../../test/support/run-vgac.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime } from '../../runtime.ts';

describe('vgac rebaseline', () => {
  let directory = '';
  const vgac = (...args: string[]): Promise<VgacRun> =>
    runVgacWithEnv({ VGAC_DATA_DIR: directory }, 'rebaseline', ...args);
  const calibrationOf = async (clusterId: string) => {
    const runtime = await createRuntime(loadConfig({ VGAC_DATA_DIR: directory, VGAC_LOG_LEVEL: 'silent' }));
    try {
      return {
        calibration: await runtime.learning.calibration.current(clusterId),
        profile: await runtime.learning.registry.profile(clusterId),
      };
    } finally {
      await runtime.close();
    }
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgac-rebaseline-'));
    const runtime = await createRuntime(loadConfig({ VGAC_DATA_DIR: directory, VGAC_LOG_LEVEL: 'silent' }));
    await registerCluster(runtime.learning, {
      clusterId: 'gpu-a',
      prior: agentBundle(),
      platform: 'slurm',
      nowMs: Date.UTC(2026, 0, 5),
      longWaitThresholdSeconds: 600,
    });
    await runtime.close();
  }, 60_000);

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('rebaseline --threshold stores the new label threshold with the cluster and starts epoch 2 in learning mode', async () => {
    const before = await calibrationOf('gpu-a');
    const result = await vgac('gpu-a', '--threshold', '1800', '--json');
    const after = await calibrationOf('gpu-a');

    expect(before.calibration).toMatchObject({ epoch: 1, longWaitThresholdSeconds: 600 });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      clusterId: 'gpu-a',
      previousThresholdSeconds: 600,
      thresholdSeconds: 1800,
      fromOutcomes: 0,
      epoch: 2,
      scope: 'learning',
    });
    expect(after.calibration).toMatchObject({
      epoch: 2,
      longWaitThresholdSeconds: 1800,
      scope: 'learning',
      outcomes: 0,
    });
    expect(after.profile?.longWaitThresholdSeconds).toBe(1800);
  }, 60_000);

  it('rebaseline refuses on one line: no cluster, a bad threshold, an unknown cluster, too little history for a P90', async () => {
    const none = await vgac();
    const negative = await vgac('gpu-a', '--threshold=-5');
    const word = await vgac('gpu-a', '--threshold', 'soon');
    const unknown = await vgac('nope', '--threshold', '60');
    const noHistory = await vgac('gpu-a');

    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^vgac rebaseline: no cluster; usage: vgac rebaseline <cluster>/);
    expect(negative).toMatchObject({
      code: 2,
      stderr: "vgac rebaseline: --threshold must be a number of seconds ≥ 0, got '-5'\n",
    });
    expect(word).toMatchObject({
      code: 2,
      stderr: "vgac rebaseline: --threshold must be a number of seconds ≥ 0, got 'soon'\n",
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^vgac rebaseline: .*'nope'/);
    expect(noHistory).toMatchObject({
      code: 2,
      stderr:
        "vgac rebaseline: cluster 'gpu-a' has 0 recent outcomes; a threshold from its history needs 100 (or give one)\n",
    });
    expect((await calibrationOf('gpu-a')).calibration?.epoch).toBe(2);
  }, 60_000);
});
