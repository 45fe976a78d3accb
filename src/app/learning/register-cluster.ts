/**
 * Onboarding: a new cluster starts in learning mode from a prior bundle (version 1), with its
 * long-wait threshold fixed for good — the P90 of its own history, as the prior was labelled, or a
 * threshold given explicitly — until an explicit re-baseline starts a new epoch.
 */
import { InvalidInputError } from '../../core/errors.ts';
import { initialOnlineWaitState } from '../../core/conformal/online-wait-interval.ts';
import { initialLearningState } from '../../core/learning/learning-state.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { InfrastructureError } from '../errors.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { ClusterProfile } from '../records/cluster-profile.ts';
import type { LearningRecord } from '../records/learning-record.ts';
import { calibrationOf } from './calibration-of.ts';
import type { LearningDeps } from './learning-deps.ts';

export interface RegisterClusterRequest {
  readonly clusterId: string;
  readonly prior: ModelBundle;
  readonly platform: ClusterProfile['platform'];
  readonly nowMs: number;
  /** The long-wait threshold; default: the prior's training label threshold (the P90 of the history it was trained on). */
  readonly longWaitThresholdSeconds?: number;
}

export type RegisterClusterResult =
  | { readonly status: 'registered'; readonly calibration: CalibrationRecord }
  | { readonly status: 'exists'; readonly calibration: CalibrationRecord };

export const FIRST_BUNDLE_VERSION = 1;

/** The learning record of a cluster just onboarded. */
export function initialLearningRecord(
  clusterId: string,
  longWaitThresholdSeconds: number,
  deps: Pick<LearningDeps, 'gate' | 'policy' | 'settings'>,
  nowMs: number,
): LearningRecord {
  return {
    clusterId,
    state: initialLearningState(
      { longWaitThresholdSeconds, nowMs, classifierVersion: FIRST_BUNDLE_VERSION },
      deps.gate,
      deps.policy,
    ),
    wait: initialOnlineWaitState(deps.settings.onlineWait),
    foldedJobKeys: [],
    totalOutcomes: 0,
    activeBundleVersion: FIRST_BUNDLE_VERSION,
    latestBundleVersion: FIRST_BUNDLE_VERSION,
    checkpointVersions: [],
    retrains: 0,
    featureShifts: [],
    version: 1,
    updatedAtMs: nowMs,
  };
}

/**
 * Idempotent: registering an existing cluster returns its current calibration untouched (and
 * completes a registration a crash interrupted after the learning record was written).
 * @throws InvalidInputError when no threshold is given and the prior was trained without observed waits.
 */
export async function registerCluster(
  deps: Pick<
    LearningDeps,
    'registry' | 'learning' | 'calibration' | 'bundles' | 'gate' | 'policy' | 'settings' | 'logger'
  >,
  request: RegisterClusterRequest,
): Promise<RegisterClusterResult> {
  const existing = await deps.calibration.current(request.clusterId);
  if (existing !== undefined) return { status: 'exists', calibration: existing };
  const threshold = request.longWaitThresholdSeconds ?? request.prior.training.labelThresholdSeconds;
  if (threshold === null) {
    throw new InvalidInputError(
      `cluster '${request.clusterId}' needs a long-wait threshold: its prior was trained without observed waits; give the threshold in seconds`,
    );
  }
  const versions = await deps.bundles.listVersions(request.clusterId);
  if (!versions.includes(FIRST_BUNDLE_VERSION))
    await deps.bundles.putBundle(request.clusterId, FIRST_BUNDLE_VERSION, request.prior);
  const record = initialLearningRecord(request.clusterId, threshold, deps, request.nowMs);
  const calibration = calibrationOf(record, deps.gate);
  const profile: ClusterProfile = {
    clusterId: request.clusterId,
    platform: request.platform,
    queueDepthMean: 0,
    queueDepthMax: 0,
    utilisationMean: 0,
    typicalWaitSeconds: null,
    longWaitThresholdSeconds: threshold,
    peakHoursUtc: [],
    createdAtMs: request.nowMs,
    updatedAtMs: request.nowMs,
  };
  const status = await deps.registry.register(record, calibration, profile);
  if (status === 'exists') {
    // Written concurrently by someone else, or by an earlier attempt that stopped before its summary.
    const current = await deps.calibration.current(request.clusterId);
    if (current !== undefined) return { status: 'exists', calibration: current };
    const stored = await deps.learning.load(request.clusterId);
    if (stored === undefined)
      throw new InfrastructureError(
        `cluster '${request.clusterId}' has neither a learning record nor a calibration after registering`,
      );
    const repaired = { ...stored, version: stored.version + 1 };
    const summary = calibrationOf(repaired, deps.gate);
    await deps.learning.commit(repaired, stored.version, summary);
    return { status: 'exists', calibration: (await deps.calibration.current(request.clusterId)) ?? summary };
  }
  deps.logger.info('cluster.registered', {
    clusterId: request.clusterId,
    bundleId: request.prior.bundleId,
    longWaitThresholdSeconds: threshold,
  });
  return { status: 'registered', calibration };
}
