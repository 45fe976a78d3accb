import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictJob } from '../../../app/learning/predict-job.ts';
import { recordJobOutcome } from '../../../app/learning/record-outcome.ts';
import { registerCluster } from '../../../app/learning/register-cluster.ts';
import { agentBundle } from '../../../../test/support/agent-fixtures.ts';
import { runVgacWithEnv, type VgacRun } from '../../../../test/support/run-vgac.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime } from '../../runtime.ts';

/** The CDF from quantiles, worked from its stated rule: linear in log(1 + wait) between (0 s, 0), the quantiles, and the tail's end at level 1. */
function cdfFromQuantiles(quantiles: readonly { level: number; seconds: number }[], seconds: number): number {
  const knots = [
    { level: 0, log: 0 },
    ...quantiles.map((quantile) => ({ level: quantile.level, log: Math.log(1 + quantile.seconds) })),
  ];
  const [beforeLast, last] = knots.slice(-2) as [{ level: number; log: number }, { level: number; log: number }];
  knots.push({ level: 1, log: 2 * last.log - beforeLast.log });
  const target = Math.log(1 + seconds);
  const upperIndex = knots.findIndex((knot) => knot.log > target);
  if (upperIndex === -1) return 1;
  const low = knots[upperIndex - 1] as { level: number; log: number };
  const high = knots[upperIndex] as { level: number; log: number };
  return low.level + ((high.level - low.level) * (target - low.log)) / (high.log - low.log);
}

describe('vgac predict --cluster', () => {
  let directory = '';
  const vgac = (...args: string[]): Promise<VgacRun> =>
    runVgacWithEnv({ VGAC_DATA_DIR: directory }, 'predict', ...args);

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgac-predict-'));
    const runtime = await createRuntime(loadConfig({ VGAC_DATA_DIR: directory, VGAC_LOG_LEVEL: 'silent' }));
    const startMs = Date.UTC(2026, 0, 5);
    await registerCluster(runtime.learning, {
      clusterId: 'gpu-a',
      prior: agentBundle(),
      platform: 'slurm',
      nowMs: startMs,
      longWaitThresholdSeconds: 600,
    });
    // 40 outcomes, waits 60 … 2400 s: more than the 30 a wait distribution needs.
    for (let index = 0; index < 40; index += 1) {
      const jobId = `job-${index}`;
      await predictJob(runtime.learning, {
        clusterId: 'gpu-a',
        jobId,
        features: { pendingGpusAhead: 0 },
        nowMs: startMs + index * 1000,
      });
      await recordJobOutcome(runtime.learning, {
        clusterId: 'gpu-a',
        jobId,
        waitSeconds: 60 * (index + 1),
        nowMs: startMs + index * 1000 + 500,
      });
    }
    await runtime.close();
  }, 120_000);

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('predict --cluster --within --json gives the quantiles and P(start within) read from their CDF', async () => {
    const result = await vgac('--cluster', 'gpu-a', '--job', '{"gpus":1}', '--within', '900', '--json');

    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as {
      wait_quantiles: { level: number; seconds: number }[];
      p_start_within: { seconds: number; probability: number };
    };
    expect(answer.wait_quantiles).toHaveLength(13);
    expect(answer.p_start_within.seconds).toBe(900);
    expect(answer.p_start_within.probability).toBeCloseTo(cdfFromQuantiles(answer.wait_quantiles, 900), 12);
  }, 60_000);

  it('predict --cluster prints the quantiles on one line and P(start within 1 h)', async () => {
    const json = JSON.parse((await vgac('--cluster', 'gpu-a', '--job', '{"gpus":1}', '--json')).stdout) as {
      wait_quantiles: { level: number; seconds: number }[];
    };
    const result = await vgac('--cluster', 'gpu-a', '--job', '{"gpus":1}');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^distribution {3}5 % [\d.]+ (?:s|min|h) · 10 % .* · 95 % .+$/m);
    // Worked from the quantiles the same command returns as JSON.
    const expected = cdfFromQuantiles(json.wait_quantiles, 3600);
    const percent = expected > 0.99 && expected < 1 ? '> 99 %' : `${Math.round(expected * 100)} %`;
    expect(result.stdout).toContain(`P(start within 1 h) = ${percent}`);
  }, 60_000);

  it('predict refuses a bad --within, --within without --cluster, and both --bundle and --cluster', async () => {
    const negative = await vgac('--cluster', 'gpu-a', '--job', '{"gpus":1}', '--within=-5');
    const word = await vgac('--cluster', 'gpu-a', '--job', '{"gpus":1}', '--within', 'soon');
    const bundleOnly = await vgac('--bundle', 'b.json', '--job', '{}', '--within', '60');
    const both = await vgac('--bundle', 'b.json', '--cluster', 'gpu-a', '--job', '{}');
    const badJob = await vgac('--cluster', 'gpu-a', '--job', '{"gpus":"four"}');

    expect(negative).toMatchObject({
      code: 2,
      stderr: "vgac predict: --within must be a number of seconds in [0, 1000000000], got '-5'\n",
    });
    expect(word.stderr).toMatch(/--within must be a number of seconds/);
    expect(bundleOnly).toMatchObject({
      code: 2,
      stderr:
        "vgac predict: --within needs --cluster: a bare bundle has no wait distribution (try 'vgac predict --help')\n",
    });
    expect(both.stderr).toMatch(/give --bundle or --cluster, not both/);
    expect(badJob.code).toBe(2);
    expect(badJob.stderr).toMatch(/body\.gpus/);
  }, 60_000);
});
