/**
 * The prediction API's use case: observe the cluster with the job in it, score and gate the job
 * through the learning loop's `predictJob` (stored when the caller names the job, so its outcome
 * can be joined later; a what-if otherwise), and answer in the VGAC shape — with P(start within
 * T) from the job's wait distribution when the caller asks "will it start by then?".
 */
import { cdfAt } from '../../core/conformal/wait-distribution.ts';
import { InvalidRequestError, UnknownClusterError } from '../errors.ts';
import { predictJob } from '../learning/predict-job.ts';
import type { JobSpec } from '../records/queue.ts';
import type { HttpDeps } from './http-deps.ts';
import { toVgacPrediction, type VgacPrediction } from './vgac-prediction.ts';

/** "Will it start by then?": by a time (epoch ms, checked not past against the clock), or within a horizon from now. */
export type StartHorizon = { readonly startByMs: number; readonly field: string } | { readonly withinSeconds: number };

export interface PredictWaitRequest {
  readonly clusterId: string;
  /** Undefined: what-if (not stored). */
  readonly jobId: string | undefined;
  readonly job: JobSpec;
  /** When given, the answer carries `p_start_within` for this horizon. */
  readonly horizon?: StartHorizon;
}

/** The horizon in seconds from `nowMs`; InvalidRequestError naming the field for a time already past. */
function horizonSeconds(horizon: StartHorizon, nowMs: number): number {
  if ('withinSeconds' in horizon) return horizon.withinSeconds;
  if (horizon.startByMs < nowMs) {
    throw new InvalidRequestError(
      `${horizon.field} ${new Date(horizon.startByMs).toISOString()} is in the past (now ${new Date(nowMs).toISOString()})`,
      [{ path: horizon.field, message: 'in the past' }],
    );
  }
  return (horizon.startByMs - nowMs) / 1000;
}

/** Throws what the Observer or the learning loop throw (UnknownClusterError, SourceUnavailableError…). */
export async function predictWait(
  deps: Pick<HttpDeps, 'learning' | 'observer' | 'clock'>,
  request: PredictWaitRequest,
): Promise<VgacPrediction> {
  const startedMs = deps.clock.monotonicMs();
  const nowMs = deps.clock.nowMs();
  // A past start_by is the client's mistake: refuse it before reading anything.
  const withinSeconds = request.horizon === undefined ? undefined : horizonSeconds(request.horizon, nowMs);
  // Ask storage and the Observer together; an unknown cluster is a 404 whatever the Observer says.
  const [calibration, observed] = await Promise.allSettled([
    deps.learning.calibration.current(request.clusterId),
    deps.observer.observe(request.clusterId, request.job),
  ]);
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
  const answer = toVgacPrediction(result, stored, deps.learning.gate, latencyUs);
  if (withinSeconds === undefined) return answer;
  const quantiles = result.waitDistribution.quantilesSeconds;
  return {
    ...answer,
    p_start_within: {
      seconds: withinSeconds,
      probability: quantiles === null ? null : cdfAt(quantiles, withinSeconds),
    },
  };
}
