import { describe, expect, it } from 'vitest';
import { unavailableClusterActions } from './unavailable-cluster-actions.ts';

const ACTION = { kind: 'hold', clusterId: 'slurm-hpc', jobId: '42', reason: 'require confirmation' } as const;

describe('unavailableClusterActions', () => {
  it('unavailableClusterActions fails every action, naming it and the reason', async () => {
    const actions = unavailableClusterActions('this deployment observes the queue read-only');

    const result = await actions.execute(ACTION);

    expect(result).toEqual({
      status: 'failed',
      detail: 'hold on job 42 of slurm-hpc not executed: this deployment observes the queue read-only',
    });
  });

  it('unavailableClusterActions reports a dry run with its value, changing nothing', async () => {
    const actions = unavailableClusterActions('read-only');

    const result = await actions.execute({ ...ACTION, kind: 'adjust_priority', value: 110 }, { dryRun: true });

    expect(result).toEqual({ status: 'dry_run', detail: 'adjust_priority=110 on job 42 of slurm-hpc (read-only)' });
  });
});
