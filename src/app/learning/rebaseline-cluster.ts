/**
 * An explicit re-baseline: a cluster's long-wait threshold changes only here. It starts the next
 * label epoch — learning mode, a fresh calibrator and fresh evidence (forecasts of the old label
 * say nothing about the new one) — and records the threshold in the profile. The new threshold is
 * given, or the P90 (type 7) of the waits of the cluster's recent outcomes.
 */
import { InvalidInputError } from '../../core/errors.ts';
import { rebaselined } from '../../core/learning/learning-state.ts';
import { quantileOfSorted } from '../../core/metrics/quantile-of-sorted.ts';
import { InfrastructureError, UnknownClusterError } from '../errors.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import { calibrationOf } from './calibration-of.ts';
import type { LearningDeps } from './learning-deps.ts';

/** Waits of this many recent outcomes at most set a threshold taken from the cluster's own history. */
export const REBASELINE_WINDOW = 2000;
/** Fewest recent outcomes a threshold may be taken from. */
export const REBASELINE_MIN_OUTCOMES = 100;
/** SPEC: a long wait is one above the environment's P90 wait. */
export const LONG_WAIT_QUANTILE = 0.9;

export interface RebaselineRequest {
  readonly clusterId: string;
  readonly nowMs: number;
  /** The new threshold; absent: the P90 of the recent outcomes' waits. */
  readonly longWaitThresholdSeconds?: number;
}

export interface RebaselineResult {
  readonly calibration: CalibrationRecord;
  readonly previousThresholdSeconds: number;
  readonly thresholdSeconds: number;
  /** Outcomes the threshold was taken from (0 when it was given). */
  readonly fromOutcomes: number;
}

const MAX_ATTEMPTS = 5;

/**
 * @throws UnknownClusterError for an unregistered cluster; InvalidInputError for a threshold that
 * is not a finite number ≥ 0, or too few recent outcomes to take one from.
 */
export async function rebaselineCluster(
  deps: Pick<LearningDeps, 'learning' | 'predictions' | 'registry' | 'gate' | 'policy' | 'logger'>,
  request: RebaselineRequest,
): Promise<RebaselineResult> {
  let threshold = request.longWaitThresholdSeconds;
  let fromOutcomes = 0;
  if (threshold === undefined) {
    const recent = await deps.predictions.recent(request.clusterId, { limit: REBASELINE_WINDOW, withOutcome: true });
    if (recent.length < REBASELINE_MIN_OUTCOMES) {
      throw new InvalidInputError(
        `cluster '${request.clusterId}' has ${recent.length} recent outcomes; a threshold from its history needs ${REBASELINE_MIN_OUTCOMES} (or give one)`,
      );
    }
    const waits = Float64Array.from(recent, (prediction) => prediction.outcome?.waitSeconds ?? 0).sort();
    threshold = quantileOfSorted(waits, LONG_WAIT_QUANTILE);
    fromOutcomes = recent.length;
  }
  if (!(Number.isFinite(threshold) && threshold >= 0))
    throw new InvalidInputError(`long-wait threshold must be a finite number of seconds ≥ 0, got ${threshold}`);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const record = await deps.learning.load(request.clusterId);
    if (record === undefined) throw new UnknownClusterError(request.clusterId);
    const next = {
      ...record,
      state: rebaselined(record.state, threshold, request.nowMs, deps.gate, deps.policy),
      version: record.version + 1,
      updatedAtMs: request.nowMs,
    };
    const calibration = calibrationOf(next, deps.gate);
    const written = await deps.learning.commit(next, record.version, calibration);
    if (written.status === 'conflict') continue;
    const profile = await deps.registry.profile(request.clusterId);
    if (profile !== undefined)
      await deps.registry.putProfile({ ...profile, longWaitThresholdSeconds: threshold, updatedAtMs: request.nowMs });
    deps.logger.info('cluster.rebaselined', {
      clusterId: request.clusterId,
      epoch: next.state.epoch,
      previousThresholdSeconds: record.state.longWaitThresholdSeconds,
      thresholdSeconds: threshold,
      fromOutcomes,
    });
    return {
      calibration,
      previousThresholdSeconds: record.state.longWaitThresholdSeconds,
      thresholdSeconds: threshold,
      fromOutcomes,
    };
  }
  throw new InfrastructureError(
    `learning state of '${request.clusterId}' kept changing; the re-baseline gave up after ${MAX_ATTEMPTS} attempts — try again`,
  );
}
