import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/errors.ts';
import type { TaskQueue } from '../ports/task-queue.ts';
import { parseRecomputeTask, queuedMaintenanceScheduler, type RecomputeTask } from './queued-maintenance-scheduler.ts';

describe('queuedMaintenanceScheduler', () => {
  it('queuedMaintenanceScheduler enqueues one task naming the cluster, the reason and when it became due', async () => {
    const enqueued: RecomputeTask[] = [];
    const queue: TaskQueue<RecomputeTask> = {
      enqueue: (task) => {
        enqueued.push(task);
        return Promise.resolve();
      },
    };

    await queuedMaintenanceScheduler(queue).schedule('slurm-hpc', 'outcomes', 1_767_600_000_000);

    expect(enqueued).toEqual([
      { kind: 'recompute', clusterId: 'slurm-hpc', reason: 'outcomes', requestedAtMs: 1_767_600_000_000 },
    ]);
  });

  it("queuedMaintenanceScheduler lets the queue's failure reach the caller", async () => {
    const queue: TaskQueue<RecomputeTask> = { enqueue: () => Promise.reject(new Error('SNS down')) };

    await expect(queuedMaintenanceScheduler(queue).schedule('c1', 'outcomes', 1)).rejects.toThrow('SNS down');
  });
});

describe('parseRecomputeTask', () => {
  it('parseRecomputeTask reads back what the scheduler publishes', () => {
    const text = '{"kind":"recompute","clusterId":"eks-prod","reason":"manual","requestedAtMs":42}';

    expect(parseRecomputeTask(text)).toEqual({
      kind: 'recompute',
      clusterId: 'eks-prod',
      reason: 'manual',
      requestedAtMs: 42,
    });
  });

  it.each([
    ['not JSON', 'hello', /not JSON/],
    ['a missing field', '{"kind":"recompute","clusterId":"c1","reason":"outcomes"}', /requestedAtMs/],
    ['an unknown reason', '{"kind":"recompute","clusterId":"c1","reason":"whim","requestedAtMs":1}', /reason/],
    [
      'a bad cluster id',
      '{"kind":"recompute","clusterId":"../etc","reason":"outcomes","requestedAtMs":1}',
      /clusterId/,
    ],
    [
      'an extra field',
      '{"kind":"recompute","clusterId":"c1","reason":"outcomes","requestedAtMs":1,"x":1}',
      /\(message\)|x/,
    ],
  ])('parseRecomputeTask refuses %s with an InvalidInputError naming it', (_name, text, pattern) => {
    expect(() => parseRecomputeTask(text)).toThrow(InvalidInputError);
    expect(() => parseRecomputeTask(text)).toThrow(pattern);
  });
});
