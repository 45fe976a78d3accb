/**
 * A new cluster starts in learning mode from a prior bundle: version 1 of its bundle is the
 * prior, its calibration is unknown, and it may only escalate until outcomes earn more.
 */
import { ActionScope, CalibrationState, DriftStatus } from '../../core/gating/gate-config.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { ClusterProfile } from '../records/cluster-profile.ts';
import type { LearningDeps } from './learning-deps.ts';

export interface RegisterClusterRequest {
  readonly clusterId: string;
  readonly prior: ModelBundle;
  readonly platform: ClusterProfile['platform'];
  readonly nowMs: number;
}

export type RegisterClusterResult =
  | { readonly status: 'registered'; readonly calibration: CalibrationRecord }
  | { readonly status: 'exists'; readonly calibration: CalibrationRecord };

export const FIRST_BUNDLE_VERSION = 1;

export function initialCalibration(clusterId: string, lastKnownGoodEce: number, nowMs: number): CalibrationRecord {
  return {
    clusterId,
    ece: null,
    eceLower: null,
    eceUpper: null,
    auroc: null,
    brier: null,
    lastKnownGoodEce,
    score: null,
    sampleCount: 0,
    windowLongWaits: 0,
    outcomeCount: 0,
    outcomesAtLastRecompute: 0,
    state: CalibrationState.learning,
    scope: ActionScope.learning,
    driftStatus: DriftStatus.none,
    qualifiedTiers: [],
    activeBundleVersion: FIRST_BUNDLE_VERSION,
    latestBundleVersion: FIRST_BUNDLE_VERSION,
    outcomesAtActivation: 0,
    recalibrations: 0,
    retrains: 0,
    version: 1,
    updatedAtMs: nowMs,
  };
}

/** Idempotent: registering an existing cluster returns its current calibration untouched. */
export async function registerCluster(deps: LearningDeps, request: RegisterClusterRequest): Promise<RegisterClusterResult> {
  const existing = await deps.store.getCalibration(request.clusterId);
  if (existing !== undefined) return { status: 'exists', calibration: existing };

  const versions = await deps.bundles.listVersions(request.clusterId);
  if (!versions.includes(FIRST_BUNDLE_VERSION)) {
    await deps.bundles.putBundle(request.clusterId, FIRST_BUNDLE_VERSION, request.prior);
  }
  const calibration = initialCalibration(request.clusterId, deps.gate.baselineEce, request.nowMs);
  const written = await deps.store.putCalibration(calibration, undefined);
  if (written.status === 'conflict') {
    const winner = await deps.store.getCalibration(request.clusterId);
    if (winner !== undefined) return { status: 'exists', calibration: winner };
  }
  if ((await deps.store.getProfile(request.clusterId)) === undefined) {
    await deps.store.putProfile({
      clusterId: request.clusterId,
      platform: request.platform,
      queueDepthMean: 0,
      queueDepthMax: 0,
      utilisationMean: 0,
      typicalWaitSeconds: null,
      longWaitThresholdSeconds: request.prior.training.labelThresholdSeconds,
      peakHoursUtc: [],
      createdAtMs: request.nowMs,
      updatedAtMs: request.nowMs,
    });
  }
  deps.logger.info('cluster.registered', { clusterId: request.clusterId, bundleId: request.prior.bundleId });
  return { status: 'registered', calibration };
}
