/**
 * The API side of the agent's queue state: a registered cluster's pushed state, checked (size,
 * clock) and stored as its latest unless a newer one is already stored (pushes may arrive out of
 * order after retries). Job questions read it back (jobs/pushed-state-job-lookup.ts).
 */
import { InvalidRequestError, UnknownClusterError } from '../errors.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { PushedQueueStateStore } from '../ports/pushed-queue-state-store.ts';
import { jsonBytes, MAX_QUEUE_STATE_BYTES, pushedQueueStateOf, type QueueStateBody } from './queue-state-wire.ts';

/** How far ahead of the server's clock an agent's `observed_at_ms` may be (clock skew); later is refused, or it would never go stale. */
export const MAX_AGENT_CLOCK_AHEAD_MS = 300_000;

export interface StoredQueueState {
  /** False when a state observed at the same instant or later was already stored (this one is older: dropped). */
  readonly stored: boolean;
  readonly jobs: number;
}

/**
 * @throws UnknownClusterError when the cluster is not registered; InvalidRequestError naming the
 *   field for a state over {@link MAX_QUEUE_STATE_BYTES} or observed in the future; the store's errors.
 */
export async function storeQueueState(
  deps: Pick<LearningDeps, 'calibration' | 'logger'> & { readonly queueStates: PushedQueueStateStore },
  request: { readonly clusterId: string; readonly body: QueueStateBody; readonly nowMs: number },
): Promise<StoredQueueState> {
  const { clusterId, body, nowMs } = request;
  const bytes = jsonBytes(body);
  if (bytes > MAX_QUEUE_STATE_BYTES)
    throw new InvalidRequestError(`the queue state is ${bytes} bytes, more than ${MAX_QUEUE_STATE_BYTES}`, [
      { path: 'body.jobs', message: `leave out the lowest-priority pending jobs (count them in omitted_jobs)` },
    ]);
  if (body.observed_at_ms > nowMs + MAX_AGENT_CLOCK_AHEAD_MS)
    throw new InvalidRequestError(
      `observed_at_ms ${body.observed_at_ms} is more than ${MAX_AGENT_CLOCK_AHEAD_MS / 1000} s ahead of the server's clock`,
      [{ path: 'body.observed_at_ms', message: "ahead of the server's clock: check the agent host's time" }],
    );
  if ((await deps.calibration.current(clusterId)) === undefined) throw new UnknownClusterError(clusterId);
  const stored = await deps.queueStates.put(pushedQueueStateOf(clusterId, body));
  deps.logger.info('ingest.queue_state', {
    clusterId,
    stored,
    jobs: body.jobs.length,
    omittedJobs: body.omitted_jobs,
    bytes,
    lagMs: Math.max(0, nowMs - body.observed_at_ms),
  });
  return { stored, jobs: body.jobs.length };
}
