/**
 * `vgac versus-slurm --quick` end to end on a real (private) Slurm: the burst workload is
 * submitted, every job is predicted by the product and looked at by `squeue --start`, every start
 * is seen, and the report's realised waits are Slurm's own (StartTime − SubmitTime).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../support/run-vgac.ts';
import { startLocalSlurm, type LocalSlurm } from '../support/slurm/local-slurm.ts';

const GPUS = 2;
/** --quick: bursts of at least twice the cluster's GPUs. */
const QUICK_OVERLOAD = 2;

interface JobLine {
  readonly jobId: string;
  readonly spec: { readonly burst: number; readonly gpus: number };
  readonly pendingAtFirstLook: boolean;
  readonly realisedSeconds: number | null;
  readonly ours: { readonly pointSeconds: number | null };
}

let slurm: LocalSlurm;
let work = '';

beforeAll(async () => {
  slurm = await startLocalSlurm({ gpus: GPUS, cpus: 4, minJobAgeSeconds: 600 });
  work = await mkdtemp(join(tmpdir(), 'vgac-versus-test-'));
}, 120_000);

afterAll(async () => {
  await slurm?.stop();
  if (work !== '') await rm(work, { recursive: true, force: true });
});

function runVersus(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...slurm.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(REPOSITORY_ROOT, 'bin/vgac.js'), 'versus-slurm', ...args],
      { cwd: REPOSITORY_ROOT, timeout: 240_000, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

function slurmTimes(line: string): { submitMs: number; startMs: number } {
  const time = (name: string): number => Date.parse(new RegExp(`${name}=(\\S+)`).exec(line)?.[1] ?? '');
  return { submitMs: time('SubmitTime'), startMs: time('StartTime') };
}

describe('vgac versus-slurm on a real Slurm', () => {
  it('versusSlurm_quickBursts_everyJobJudgedWithSlurmsOwnWaits', async () => {
    const out = join(work, 'report.json');

    const run = await runVersus(['--quick', '--max-run', '15', '--warm-up', '0', '--json', '--out', out]);

    expect(run.stderr).toMatch(/versus-slurm: \d+ jobs in 2 bursts/);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(run.stdout) as {
      compared: number;
      censored: number;
      queued: { jobs: number; distribution: { slurm: { metrics: Record<string, unknown> } } };
      all: { distribution: { ours: { metrics: Record<string, unknown> } } };
      jobs: JobLine[];
    };
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(report);
    // Each burst asks for at least twice the GPUs the cluster has.
    for (const burst of [0, 1]) {
      const demand = report.jobs.filter((job) => job.spec.burst === burst).reduce((sum, job) => sum + job.spec.gpus, 0);
      expect(demand).toBeGreaterThanOrEqual(QUICK_OVERLOAD * GPUS);
    }
    expect(report.compared).toBe(report.jobs.length);
    expect(report.censored).toBe(0);
    // A burst above capacity leaves some job pending at Slurm's first look (runs up to 15 s; sbatch takes ~1 s).
    expect(report.queued.jobs).toBe(report.jobs.filter((job) => job.pendingAtFirstLook).length);
    expect(report.queued.jobs).toBeGreaterThan(0);
    // Realised waits are Slurm's own record of each job (1 s resolution).
    for (const job of report.jobs) {
      const times = slurmTimes(await slurm.run('scontrol', ['show', 'job', '-o', job.jobId]));
      expect(job.realisedSeconds).toBe(Math.max(0, (times.startMs - times.submitMs) / 1000));
      expect(job.ours.pointSeconds).not.toBeNull();
    }
    expect(Object.keys(report.all.distribution.ours.metrics).sort()).toEqual(
      [
        'coverage80',
        'coverage80ByQueueTercile',
        'medianWidthSeconds',
        'pinball',
        'startWithinEce',
        'withinFactor2',
      ].sort(),
    );
    expect(report.queued.distribution.slurm.metrics.pinball).toBeNull();
  }, 300_000);
});
