/**
 * One scheduled collection pass (the collector Lambda, every minute): for the cluster(s) the
 * observer sees, observe the queue and feed the listing to `captureTick` (predictions at submit,
 * outcomes at start). Trackers live as long as the caller keeps them — a warm Lambda keeps them
 * between invocations; after a cold start the jobs already queued are adopted (outcomes still
 * join predictions stored before). A source that is down is reported for that cluster only.
 */
import { SourceUnavailableError } from '../errors.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { ClusterState } from '../records/queue.ts';
import { captureTick, createCaptureTracker, type CaptureTracker } from './submit-capture.ts';

export type ClusterCollection =
  | {
      readonly clusterId: string;
      readonly status: 'collected';
      readonly predicted: number;
      readonly outcomes: number;
      readonly censored: number;
      readonly adopted: number;
    }
  | { readonly clusterId: string; readonly status: 'unavailable'; readonly reason: string }
  | { readonly clusterId: string; readonly status: 'unregistered' };

/**
 * Collects each of `clusterIds` (the clusters `observer` sees) once, one after another; one not
 * registered yet is reported `unregistered` (`vgac onboard` registers it) and left alone.
 * Storage failures propagate (the invocation fails and is retried next minute).
 */
export async function collectClusters(
  deps: LearningDeps,
  observer: ClusterObserver,
  trackers: Map<string, CaptureTracker>,
  nowMs: number,
  clusterIds: readonly string[],
  /** Runs after each collected listing with its state (the job subscribers' notifications); a failure is logged, not thrown. */
  afterCollect?: (state: ClusterState) => Promise<void>,
): Promise<ClusterCollection[]> {
  const results: ClusterCollection[] = [];
  const registered = new Set(await deps.registry.list());
  for (const clusterId of clusterIds) {
    if (!registered.has(clusterId)) {
      deps.logger.warn('capture.unregistered', {
        clusterId,
        hint: 'register it with `vgac onboard --cluster <id> --trace <history>`',
      });
      results.push({ clusterId, status: 'unregistered' });
      continue;
    }
    let tracker = trackers.get(clusterId);
    if (tracker === undefined) {
      tracker = createCaptureTracker(clusterId, nowMs);
      trackers.set(clusterId, tracker);
    }
    let state;
    try {
      state = await observer.observe(clusterId);
    } catch (error) {
      if (!(error instanceof SourceUnavailableError)) throw error;
      deps.logger.warn('capture.source_unavailable', { clusterId, error: error.message });
      results.push({ clusterId, status: 'unavailable', reason: error.message });
      continue;
    }
    const tick = await captureTick(deps, tracker, state);
    if (afterCollect !== undefined) {
      try {
        await afterCollect(state);
      } catch (error) {
        deps.logger.error('capture.after_collect_failed', {
          clusterId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    results.push({
      clusterId,
      status: 'collected',
      predicted: tick.predicted.length,
      outcomes: tick.outcomes.length,
      censored: tick.censored.length,
      adopted: tick.adopted.length,
    });
  }
  return results;
}
