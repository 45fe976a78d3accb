/**
 * Maintenance handed to another process through a task queue (on AWS: an SNS topic the
 * Recalibrate function subscribes to, see template.yaml `RecomputeTopic`), as one small JSON
 * message. The consumer runs `maintainCluster`, which does only what is due, so a repeated or late
 * message does no harm.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';
import { InvalidInputError } from '../../core/errors.ts';
import type { MaintenanceReason, MaintenanceScheduler } from '../ports/maintenance-scheduler.ts';
import type { TaskQueue } from '../ports/task-queue.ts';

/** The message (its wire name kept from when maintenance was a recompute): which cluster, why, and when it became due (epoch ms). */
export const RecomputeTask = z.lazy(() =>
  z.strictObject({
    kind: z.literal('recompute'),
    clusterId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a cluster id'),
    reason: z.enum(['outcomes', 'schedule', 'manual']),
    requestedAtMs: z.number().int().nonnegative(),
  }),
);
export type RecomputeTask = z.infer<typeof RecomputeTask>;

/** A scheduler that enqueues one {@link RecomputeTask} per call; the queue's errors propagate. */
export function queuedMaintenanceScheduler(queue: TaskQueue<RecomputeTask>): MaintenanceScheduler {
  return {
    schedule: (clusterId: string, reason: MaintenanceReason, requestedAtMs: number) =>
      queue.enqueue({ kind: 'recompute', clusterId, reason, requestedAtMs }),
  };
}

/** Parses a recompute message's JSON text; anything else is an InvalidInputError naming the bad fields (never their values). */
export function parseRecomputeTask(text: string): RecomputeTask {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError('recompute message is not JSON');
  }
  const parsed = RecomputeTask.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
      .join('; ');
    throw new InvalidInputError(`recompute message is not valid — ${problems}`);
  }
  return parsed.data;
}
