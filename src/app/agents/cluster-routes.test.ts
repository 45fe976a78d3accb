import { describe, expect, it } from 'vitest';
import type { ClusterAction, ClusterActions } from '../ports/cluster-actions.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { ClusterState } from '../records/queue.ts';
import { routeClusters } from './cluster-routes.ts';

function source(name: string): { observer: ClusterObserver; actions: ClusterActions } {
  return {
    observer: {
      observe: (clusterId) =>
        Promise.resolve({
          clusterId,
          observedAtMs: 0,
          jobs: [],
          totalGpus: 0,
          gpusInUse: 0,
          features: { source: name },
        } satisfies ClusterState),
    },
    actions: {
      execute: (action) => Promise.resolve({ status: 'executed', detail: `${name}: ${action.kind} ${action.jobId}` }),
    },
  };
}

const HOLD: ClusterAction = { kind: 'hold', clusterId: 'slurm', jobId: '7', reason: 'confirm' };

describe('routeClusters', () => {
  it('routeClusters sends a routed cluster to its own source and every other cluster to the fallback', async () => {
    const routed = routeClusters([{ clusterId: 'slurm', ...source('live') }], source('simulated'));

    const live = await routed.observer.observe('slurm');
    const simulated = await routed.observer.observe('eks-prod');
    const acted = await routed.actions.execute(HOLD);
    const fellBack = await routed.actions.execute({ ...HOLD, clusterId: 'eks-prod' });

    expect([live.features.source, simulated.features.source]).toEqual(['live', 'simulated']);
    expect([acted.detail, fellBack.detail]).toEqual(['live: hold 7', 'simulated: hold 7']);
  });
});
