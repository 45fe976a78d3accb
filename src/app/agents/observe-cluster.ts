/** Observe with a deadline: a collector that is down or slow becomes a `SourceUnavailableError`. */
import { SourceUnavailableError } from '../errors.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { ClusterState, JobSpec } from '../records/queue.ts';

/**
 * `observer.observe` bounded by `timeoutMs`. Any failure of the source (thrown error, timeout) is
 * reported as SourceUnavailableError naming the cluster; the cause is kept.
 */
export async function observeCluster(
  observer: ClusterObserver,
  clusterId: string,
  job: JobSpec | undefined,
  timeoutMs: number,
): Promise<ClusterState> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SourceUnavailableError(`collector for '${clusterId}' did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([observer.observe(clusterId, job), deadline]);
  } catch (error) {
    if (error instanceof SourceUnavailableError) throw error;
    const name = error instanceof Error ? error.message : String(error);
    throw new SourceUnavailableError(`collector for '${clusterId}' failed: ${name}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
