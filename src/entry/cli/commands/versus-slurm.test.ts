import { describe, expect, it } from 'vitest';
import { runVgacWithEnv } from '../../../../test/support/run-vgac.ts';
import { firstLook } from './versus-slurm.ts';

// No Slurm is reachable: every mistake must be reported before the command asks Slurm anything.
const NO_SLURM = { SLURM_CONF: '/nonexistent/slurm.conf' };

describe('vgac versus-slurm options', () => {
  it.each([
    [['--overload', '1'], "--overload must be a number > 1, got '1'"],
    [['--bursts', '0'], "--bursts must be an integer ≥ 1, got '0'"],
    [['--jobs', '5'], '--jobs applies to --workload trace only'],
    [['--workload', 'trace', '--quick'], '--quick, --bursts and --overload apply to --workload bursts only'],
    [['--workload', 'poisson'], "--workload must be one of bursts, trace, got 'poisson'"],
    [['--max-run', '1'], "--max-run must be an integer ≥ 2, got '1'"],
    [['--settle', 'soon'], "--settle must be an integer ≥ 1, got 'soon'"],
  ])('versus-slurm %j is refused with one line naming the option, exit 2', async (args, message) => {
    const run = await runVgacWithEnv(NO_SLURM, 'versus-slurm', ...args);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/squeue|sinfo|scontrol/);
    expect(run.stdout).toBe('');
  });
});

describe('firstLook', () => {
  // Slurm prints local times without a zone; Date.parse reads both strings the same way.
  const submitMs = Date.parse('2026-12-07T08:54:00');

  it('firstLook: a start time means queued, estimated that many seconds after submit', () => {
    expect(firstLook('2026-12-07T08:55:30', submitMs, false)).toEqual({ slurmSeconds: 90, pendingAtFirstLook: true });
  });

  it('firstLook: a job no longer listed started on the first pass: not queued, estimate 0', () => {
    expect(firstLook(undefined, submitMs, false)).toEqual({ slurmSeconds: 0, pendingAtFirstLook: false });
  });

  it('firstLook: N/A asks again until the deadline, then counts as queued without an estimate', () => {
    expect(firstLook('N/A', submitMs, false)).toBeUndefined();
    expect(firstLook('N/A', submitMs, true)).toEqual({ slurmSeconds: null, pendingAtFirstLook: true });
  });
});
