/**
 * Refreshes a cluster's environment profile (`SK = PROFILE`) from its recent predictions and
 * outcomes: queue depth and utilisation at submit time (from the stored features), the typical
 * wait (median observed wait) and the busiest submission hours. The typical wait is replaced only
 * once at least `gate.minOutcomes` waits back it. The long-wait threshold is not a statistic here:
 * it is the label, fixed at onboarding and moved only by an explicit re-baseline.
 */
import { clusterProfileStatistics, type ProfileSample } from '../../core/profile/cluster-profile-statistics.ts';
import { UnknownClusterError } from '../errors.ts';
import type { ClusterProfile } from '../records/cluster-profile.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';
import type { LearningDeps } from './learning-deps.ts';

/** Predictions the profile is computed from, newest first. */
export const DEFAULT_PROFILE_SAMPLE_SIZE = 1000;
/** Feature names holding the queue depth at submit time, first present wins: live collectors, then the datasets. */
export const QUEUE_DEPTH_FEATURES = ['pendingJobsAhead', 'total_pending'] as const;
/** Feature names holding GPU utilisation as a fraction in [0, 1], first present wins. */
export const UTILISATION_FEATURES = ['gpuUtilisation'] as const;

export interface UpdateProfileRequest {
  readonly clusterId: string;
  readonly nowMs: number;
  /** Default {@link DEFAULT_PROFILE_SAMPLE_SIZE}. */
  readonly sampleSize?: number;
}

export interface UpdateProfileResult {
  readonly profile: ClusterProfile;
  readonly predictions: number;
  readonly outcomes: number;
  /** False when too few outcomes kept the stored wait statistics. */
  readonly waitsUpdated: boolean;
}

function firstNumber(features: Readonly<Record<string, number | string>>, names: readonly string[]): number | null {
  for (const name of names) {
    const value = features[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return null;
}

function sampleOf(prediction: PredictionRecord): ProfileSample {
  const utilisation = firstNumber(prediction.features, UTILISATION_FEATURES);
  const depth = firstNumber(prediction.features, QUEUE_DEPTH_FEATURES);
  return {
    predictedAtMs: prediction.predictedAtMs,
    queueDepth: depth !== null && depth >= 0 ? depth : null,
    // A collector reporting a percentage, or nonsense, is left out rather than failing the profile.
    utilisation: utilisation !== null && utilisation >= 0 && utilisation <= 1 ? utilisation : null,
    waitSeconds: prediction.outcome?.waitSeconds ?? null,
  };
}

/** Unknown cluster (no profile item) → UnknownClusterError. */
export async function updateProfile(
  deps: Pick<LearningDeps, 'registry' | 'predictions' | 'gate' | 'logger'>,
  request: UpdateProfileRequest,
): Promise<UpdateProfileResult> {
  const existing = await deps.registry.profile(request.clusterId);
  if (existing === undefined) throw new UnknownClusterError(request.clusterId);
  const predictions = await deps.predictions.recent(request.clusterId, {
    limit: request.sampleSize ?? DEFAULT_PROFILE_SAMPLE_SIZE,
  });
  const stats = clusterProfileStatistics(predictions.map(sampleOf));
  const waitsUpdated = stats.waitCount >= deps.gate.minOutcomes;
  const profile: ClusterProfile = {
    ...existing,
    queueDepthMean: stats.queueDepthMean,
    queueDepthMax: stats.queueDepthMax,
    utilisationMean: stats.utilisationMean,
    typicalWaitSeconds: waitsUpdated ? stats.typicalWaitSeconds : existing.typicalWaitSeconds,
    // The label's threshold is fixed at onboarding and moved only by a re-baseline, never by the statistics.
    longWaitThresholdSeconds: existing.longWaitThresholdSeconds,
    peakHoursUtc: predictions.length === 0 ? existing.peakHoursUtc : stats.peakHoursUtc,
    updatedAtMs: request.nowMs,
  };
  await deps.registry.putProfile(profile);
  deps.logger.info('profile.updated', {
    clusterId: request.clusterId,
    predictions: predictions.length,
    outcomes: stats.waitCount,
    waitsUpdated,
  });
  return { profile, predictions: predictions.length, outcomes: stats.waitCount, waitsUpdated };
}
