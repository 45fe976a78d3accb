/**
 * The prediction API's use case: observe the cluster with the job in it, score and gate the job
 * through the learning loop's `predictJob` (stored when the caller names the job, so its outcome
 * can be joined later; a what-if otherwise), and answer in the VGAC shape.
 */
import { UnknownClusterError } from '../errors.ts';
import { predictJob } from '../learning/predict-job.ts';
import type { JobSpec } from '../records/queue.ts';
import type { HttpDeps } from './http-deps.ts';
import { toVgacPrediction, type VgacPrediction } from './vgac-prediction.ts';

export interface PredictWaitRequest {
  readonly clusterId: string;
  /** Undefined: what-if (not stored). */
  readonly jobId: string | undefined;
  readonly job: JobSpec;
}

/** Throws what the Observer or the learning loop throw (UnknownClusterError, SourceUnavailableError…). */
export async function predictWait(deps: Pick<HttpDeps, 'learning' | 'observer' | 'clock'>, request: PredictWaitRequest): Promise<VgacPrediction> {
  const startedMs = deps.clock.monotonicMs();
  const nowMs = deps.clock.nowMs();
  // Ask storage and the Observer together; an unknown cluster is a 404 whatever the Observer says.
  const [calibration, observed] = await Promise.allSettled([deps.learning.store.getCalibration(request.clusterId), deps.observer.observe(request.clusterId, request.job)]);
  if (calibration.status === 'rejected') throw calibration.reason;
  if (calibration.value === undefined) throw new UnknownClusterError(request.clusterId);
  if (observed.status === 'rejected') throw observed.reason;
  const state = observed.value;
  const stored = request.jobId !== undefined;
  const result = await predictJob(deps.learning, {
    clusterId: request.clusterId,
    // What-ifs are never stored; the id only labels the log line.
    jobId: request.jobId ?? `what-if-${nowMs}`,
    features: state.features,
    nowMs,
    store: stored,
    calibration: calibration.value,
  });
  const latencyUs = (deps.clock.monotonicMs() - startedMs) * 1000;
  return toVgacPrediction(result, stored, deps.learning.gate, latencyUs);
}
