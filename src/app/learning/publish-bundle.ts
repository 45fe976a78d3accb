/**
 * Publishes a new bundle version for a cluster without ever leaving a torn state:
 * 1. claim `latestBundleVersion + 1` with a conditional write on the calibration item's version
 *    counter (two writers can never claim the same number; the loser stops cleanly);
 * 2. write the bundle to S3 under that number (an immutable object; old versions are kept);
 * 3. switch the active pointer with another conditional write, retried on conflicts with
 *    unrelated writers (recomputes), and abandoned if a newer version became active meanwhile.
 * A crash between 2 and 3 leaves an unused S3 object and a claimed number — never a pointer to a
 * missing or half-written bundle.
 */
import { ActionScope, CalibrationState, DriftStatus } from '../../core/gating/gate-config.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { LearningDeps } from './learning-deps.ts';

export const PublishKind = { recalibration: 'recalibration', retrain: 'retrain' } as const;
export type PublishKind = (typeof PublishKind)[keyof typeof PublishKind];

export type PublishResult =
  | { readonly status: 'published'; readonly version: number; readonly calibration: CalibrationRecord }
  | { readonly status: 'lost'; readonly reason: string };

const MAX_SWITCH_ATTEMPTS = 5;

export async function publishBundle(
  deps: LearningDeps,
  seen: CalibrationRecord,
  bundle: ModelBundle,
  change: { readonly kind: PublishKind; readonly newBaselineEce: number; readonly nowMs: number },
): Promise<PublishResult> {
  const version = seen.latestBundleVersion + 1;
  const claimed: CalibrationRecord = { ...seen, latestBundleVersion: version, version: seen.version + 1, updatedAtMs: change.nowMs };
  const claim = await deps.store.putCalibration(claimed, seen.version);
  if (claim.status === 'conflict') {
    return { status: 'lost', reason: `calibration of '${seen.clusterId}' changed (version ${seen.version}) while preparing the ${change.kind}` };
  }
  await deps.bundles.putBundle(seen.clusterId, version, bundle);

  for (let attempt = 0; attempt < MAX_SWITCH_ATTEMPTS; attempt += 1) {
    const current = attempt === 0 ? claimed : await deps.store.getCalibration(seen.clusterId);
    if (current === undefined) return { status: 'lost', reason: `calibration of '${seen.clusterId}' disappeared` };
    if (current.activeBundleVersion >= version) {
      return { status: 'lost', reason: `bundle version ${current.activeBundleVersion} is already active` };
    }
    const switched: CalibrationRecord = {
      ...current,
      activeBundleVersion: version,
      outcomesAtActivation: current.outcomeCount,
      outcomesAtLastRecompute: current.outcomeCount,
      // The new bundle has no outcomes yet: autonomy must be earned again from nothing.
      ece: null,
      eceLower: null,
      eceUpper: null,
      auroc: null,
      brier: null,
      score: null,
      sampleCount: 0,
      windowLongWaits: 0,
      lastKnownGoodEce: change.newBaselineEce,
      state: CalibrationState.recalibrated,
      scope: ActionScope.learning,
      driftStatus: DriftStatus.none,
      qualifiedTiers: [],
      // Measured on the old bundle's window; the new one's is measured at its first recompute.
      maxFeaturePsi: null,
      maxPsiFeature: null,
      recalibrations: current.recalibrations + (change.kind === PublishKind.recalibration ? 1 : 0),
      retrains: current.retrains + (change.kind === PublishKind.retrain ? 1 : 0),
      version: current.version + 1,
      updatedAtMs: change.nowMs,
    };
    const written = await deps.store.putCalibration(switched, current.version);
    if (written.status === 'written') {
      deps.logger.info('bundle.published', { clusterId: seen.clusterId, kind: change.kind, bundleVersion: version, bundleId: bundle.bundleId, baselineEce: change.newBaselineEce });
      return { status: 'published', version, calibration: switched };
    }
  }
  return { status: 'lost', reason: `could not switch '${seen.clusterId}' to bundle ${version} after ${MAX_SWITCH_ATTEMPTS} attempts` };
}
