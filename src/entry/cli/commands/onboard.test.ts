import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_PRIOR_FEATURES } from '../../../core/traces/live-feature-table.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime } from '../../runtime.ts';
import { runVgacWithEnv, type VgacRun } from '../../../../test/support/run-vgac.ts';

function vgac(dataDir: string, ...args: string[]): Promise<VgacRun> {
  return runVgacWithEnv({ VGAC_DATA_DIR: dataDir }, 'onboard', ...args);
}

const HEADER = 'JobID|Submit|Start|End|State|Partition|ReqCPUS|ReqMem|ReqTRES|Timelimit|User|QOS';

/** A Slurm accounting export of `count` GPU jobs, one every 5 minutes, job i waiting (i·7 mod 50) + 1 minutes. */
function sacctHistory(count: number): string {
  const at = (minutes: number): string =>
    new Date(Date.UTC(2024, 2, 4, 8, 0, 0) + minutes * 60_000).toISOString().slice(0, 19);
  const lines = [HEADER];
  for (let index = 0; index < count; index += 1) {
    const submit = index * 5;
    const start = submit + ((index * 7) % 50) + 1;
    const gpus = 1 + (index % 4);
    lines.push(
      `${7000 + index}|${at(submit)}|${at(start)}|${at(start + 30)}|COMPLETED|gpu|${4 * gpus}|16G|billing=4,cpu=${4 * gpus},gres/gpu=${gpus},mem=16G,node=1|01:00:00|user${index % 5}|normal`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('vgac onboard', () => {
  let directory = '';

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgac-onboard-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("onboard trains a prior from a sacct history in the live collector's features and registers the cluster once", async () => {
    const dataDir = join(directory, 'store');
    const history = join(directory, 'history.txt');
    await writeFile(history, sacctHistory(200));

    const first = await vgac(dataDir, '--cluster', 'gpu-a', '--trace', history);
    const again = await vgac(dataDir, '--cluster', 'gpu-a', '--trace', history);
    const status = await runVgacWithEnv({ VGAC_DATA_DIR: dataDir }, 'ask', 'status of gpu-a');
    const runtime = await createRuntime(loadConfig({ VGAC_DATA_DIR: dataDir, VGAC_LOG_LEVEL: 'silent' }));
    const calibration = await runtime.learning.calibration.current('gpu-a');
    const bundle = await runtime.learning.bundles.getBundle('gpu-a', 1);
    await runtime.close();

    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^registered cluster 'gpu-a' \(slurm\) in the embedded store under /);
    // 200 jobs, all started, waits 1…50 min (each value 4 times). The P90 is the sorted wait at index
    // floor(0.9 · 199) = 179: 2700 s, with 20 waits above it —
    // python3 -c "w=sorted((i*7%50+1)*60 for i in range(200)); print(w[179], sum(x>w[179] for x in w))"
    expect(first.stdout).toContain(': 200 jobs of history.txt, 20 long waits (above 2700 s)');
    expect(again).toMatchObject({
      code: 0,
      stdout: "cluster 'gpu-a' is already registered (bundle v1, learning): nothing changed\n",
    });
    // Registered, but no job predicted yet: the status says what it knows and that the queue is not observed.
    expect(status.stdout).toMatch(
      /^gpu-a · learning \(0 of 50 outcomes observed\): escalates, never acts · drift none · no tier qualified · queue not observable now \(.*no queue state is stored for 'gpu-a'/,
    );
    expect(calibration).toMatchObject({
      clusterId: 'gpu-a',
      state: 'learning',
      scope: 'learning',
      activeBundleVersion: 1,
      longWaitThresholdSeconds: 2700,
    });
    expect(bundle?.numericFeatures).toEqual([...LIVE_PRIOR_FEATURES]);
    expect(bundle?.training.rows).toBe(200);
  }, 60_000);

  it('onboard --json prints what was registered as JSON on stdout, and nothing on stderr when stderr is not a terminal', async () => {
    const dataDir = join(directory, 'store-json');
    const history = join(directory, 'history-json.txt');
    await writeFile(history, sacctHistory(200));

    const result = await vgac(dataDir, '--cluster', 'gpu-json', '--trace', history, '--json');

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    // The same history as above: 200 jobs, 20 waits above the P90 of 2700 s (the python3 line above).
    expect(JSON.parse(result.stdout)).toMatchObject({
      clusterId: 'gpu-json',
      status: 'registered',
      platform: 'slurm',
      scope: 'learning',
      activeBundleVersion: 1,
      prior: { rows: 200, longWaits: 20, longWaitThresholdSeconds: 2700, source: 'history-json.txt' },
      minOutcomes: 50,
    });
  }, 60_000);

  it('onboard refuses, on one line: no source or both, a bad cluster id, a log without GPUs and no --gpus, a history without long waits', async () => {
    const dataDir = join(directory, 'refusals');
    const swf = join(directory, 'cpu.swf');
    // SWF: id, submit, wait, run, processors, …, requested processors, requested time, …; waits 10…400 s.
    await writeFile(
      swf,
      Array.from(
        { length: 120 },
        (_, index) =>
          `${index + 1} ${index * 600} ${10 + ((index * 37) % 40) * 10} 120 4 -1 -1 4 600 -1 1 1 1 -1 1 -1 -1 -1`,
      ).join('\n'),
    );
    const flat = join(directory, 'flat.txt');
    await writeFile(
      flat,
      sacctHistory(30)
        .split('\n')
        .map((line, index) =>
          index === 0 || line === ''
            ? line
            : line.replace(
                /\|2024-03-04T(\d\d:\d\d:\d\d)\|2024-03-04T\d\d:\d\d:\d\d\|/,
                '|2024-03-04T$1|2024-03-04T$1|',
              ),
        )
        .join('\n'),
    );

    const neither = await vgac(dataDir, '--cluster', 'x');
    const badId = await vgac(dataDir, '--cluster', 'no spaces', '--trace', swf);
    const noGpus = await vgac(dataDir, '--cluster', 'kth', '--trace', swf);
    const mapped = await vgac(dataDir, '--cluster', 'kth', '--trace', swf, '--gpus', '8');
    const noLongWaits = await vgac(dataDir, '--cluster', 'flat', '--trace', flat);

    expect(neither).toMatchObject({
      code: 2,
      stderr: 'vgac onboard: give exactly one of --trace, --prior and --vgac-platform\n',
    });
    expect(badId.stderr).toBe(
      "vgac onboard: --cluster 'no spaces' is not a cluster id (letters, digits, . _ : -; at most 128)\n",
    );
    expect(noGpus.stderr).toBe(
      "vgac onboard: cpu.swf records no GPU request: give the live cluster's GPU count to map its processors onto GPUs\n",
    );
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toContain("registered cluster 'kth'");
    // Every job of `flat` started at its submit instant: no wait lies above the P90 of zeros.
    expect(noLongWaits.stderr).toBe(
      'vgac onboard: flat.txt: 0 of 30 started jobs waited longer than its P90 wait (0 s): too few long waits to train a prior on; give a longer history\n',
    );
  }, 60_000);
});
