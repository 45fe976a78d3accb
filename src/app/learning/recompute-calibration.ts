/**
 * Recomputes a cluster's calibration over its recent outcome window and acts on it:
 * - metrics on the outcomes predicted by the active bundle (ECE over 15 equal-mass bins with a
 *   bootstrap interval, AUROC, Brier), drift against the last-known-good ECE, scope and tiers;
 * - when the window shows the model no longer separates long from short waits (AUROC near
 *   chance), retrain the cluster's own model on its outcomes — recalibration cannot add
 *   discrimination;
 * - else when SPEC's triggers fire (drift ratio > 5, weekly ECE > 0.07, PSI > 0.1 on a key
 *   feature of the window against the active bundle's training reference), recalibrate: refit
 *   the calibrator on the window and publish a new bundle version. ECE triggers wait for
 *   miscalibration beyond sampling noise (LearningSettings.requireSignificantMiscalibration);
 *   the PSI trigger does not, but needs PSI_MIN_OUTCOMES outcomes to be measured at all.
 * Writes are conditional on the calibration item's version; a writer that loses re-reads and
 * stops when someone else already recomputed.
 */
import { InsufficientDataError } from '../../core/errors.ts';
import { actionScope } from '../../core/gating/action-scope.ts';
import { calibrationScore } from '../../core/gating/calibration-score.ts';
import { nextCalibrationState } from '../../core/gating/calibration-state.ts';
import { driftStatus, recalibrationTriggers } from '../../core/gating/drift.ts';
import { DriftStatus } from '../../core/gating/gate-config.ts';
import { qualifiedTiers } from '../../core/gating/tiers.ts';
import { auroc } from '../../core/metrics/auroc.ts';
import { brierScore } from '../../core/metrics/brier.ts';
import { calibrationError } from '../../core/metrics/calibration-error.ts';
import { calibrationErrorInterval } from '../../core/metrics/calibration-error-interval.ts';
import { calibrationNoiseFloor } from '../../core/metrics/calibration-noise-floor.ts';
import type { FeatureReference, ModelBundle } from '../../core/model/bundle.ts';
import { featureDrift, featureReferenceOf, type FeaturePsi } from '../../core/model/feature-reference.ts';
import { sigmoid } from '../../core/model/logistic-regression.ts';
import { recalibrateBundle } from '../../core/model/recalibrate-bundle.ts';
import { trainBundle } from '../../core/model/train-bundle.ts';
import { seededRandom } from '../../core/random.ts';
import { UnknownClusterError } from '../errors.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';
import type { LearningDeps } from './learning-deps.ts';
import { numericFeatureColumns } from './feature-columns.ts';
import { publishBundle, PublishKind } from './publish-bundle.ts';
import { windowTable } from './window-table.ts';

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** A claimed bundle version not yet active blocks other recomputes for this long; after it, the claim is presumed dead (its writer crashed). */
export const PUBLISH_LEASE_MS = 5 * 60 * 1000;
const MAX_ATTEMPTS = 3;
/**
 * Fewest window outcomes on which feature PSI is measured (fewer: PSI null, its trigger cannot
 * fire). With 10 bins, n·PSI of an unshifted sample is roughly χ²(9): at 300 outcomes a PSI above
 * 0.1 by chance alone has probability ≈ 4·10⁻⁴ per feature (scipy.stats.chi2.sf(30, 9)), at 100
 * it is ≈ 0.35 (chi2.sf(10, 9)) — SPEC's 0.1 threshold assumes large samples.
 */
export const PSI_MIN_OUTCOMES = 300;

export interface RecomputeRequest {
  readonly clusterId: string;
  readonly nowMs: number;
  /** Why: `outcomes` (the counter came due), `schedule`, or `manual`. */
  readonly reason: 'outcomes' | 'schedule' | 'manual';
  /**
   * When false, a due recalibration or retrain is not run: the measured metrics are written and
   * the result names the refit in `refitDue` (the Step Functions workflow checks drift in one
   * task and refits in another). Default true. (Added by the Lambda helper, issue 6.)
   */
  readonly refit?: boolean;
}

export type RecomputeAction = 'none' | 'recalibrated' | 'retrained';

export type RecomputeResult =
  | {
      readonly status: 'updated';
      readonly action: RecomputeAction;
      readonly calibration: CalibrationRecord;
      readonly reasons: readonly string[];
      /** The window as measured before a recalibration or retrain reset the calibration (for the history). */
      readonly measured?: { readonly metrics: WindowMetrics; readonly driftStatus: CalibrationRecord['driftStatus'] };
      /** Set when `refit: false` held back a due recalibration or retrain. */
      readonly refitDue?: 'recalibrate' | 'retrain';
    }
  | { readonly status: 'skipped'; readonly reason: string };

export interface WindowMetrics {
  readonly count: number;
  /** Long waits (positives) among the `count` outcomes. */
  readonly longWaits: number;
  readonly ece: number | null;
  readonly eceLower: number | null;
  readonly eceUpper: number | null;
  readonly auroc: number | null;
  readonly brier: number | null;
  readonly weeklyEce: number | null;
  /** 95th percentile of the ECE a calibrated model would show on these forecasts (sampling noise). */
  readonly eceNoiseFloor: number | null;
}

function ratesOf(window: readonly PredictionRecord[]): { probabilities: Float64Array; labels: Uint8Array } {
  return {
    probabilities: Float64Array.from(window, (prediction) => prediction.probability),
    labels: Uint8Array.from(window, (prediction) => (prediction.outcome?.longWait === true ? 1 : 0)),
  };
}

/** AUROC of the classifier's raw scores over outcomes it scored (any calibration of it), or null with one class only. */
function rawScoreAuroc(window: readonly PredictionRecord[]): number | null {
  const { labels } = ratesOf(window);
  // auroc takes probabilities; the logistic link is monotone, so the ranking (and AUROC) is the raw scores'.
  return aurocOrNull(Float64Array.from(window, (prediction) => sigmoid(prediction.rawScore)), labels);
}

function aurocOrNull(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  try {
    return auroc(probabilities, labels);
  } catch (error) {
    if (error instanceof InsufficientDataError) return null;
    throw error;
  }
}

/**
 * Metrics of one window; null where there are too few outcomes to say anything. A window holding
 * only one class (e.g. no long waits) is still measured: its ECE is real evidence (a prior that
 * predicts long waits that never come is over-predicting), only AUROC is undefined (null). Whether
 * such a window may earn autonomy is the gate's call (GateConfig.minOutcomesPerClass), from
 * `longWaits`.
 */
export function windowMetrics(window: readonly PredictionRecord[], minOutcomes: number, resamples: number, seed: number, nowMs: number): WindowMetrics {
  const count = window.length;
  const { probabilities, labels } = ratesOf(window);
  const longWaits = labels.reduce((sum, label) => sum + label, 0);
  if (count < minOutcomes) return { count, longWaits, ece: null, eceLower: null, eceUpper: null, auroc: null, brier: null, weeklyEce: null, eceNoiseFloor: null };
  const ece = calibrationError(probabilities, labels).ece;
  // Same interval as bootstrapping calibrationError on materialised resamples, without re-sorting each one.
  const interval = calibrationErrorInterval(probabilities, labels, { random: seededRandom(seed), resamples });
  const week = window.filter((prediction) => (prediction.outcome?.observedAtMs ?? 0) >= nowMs - WEEK_MS);
  const weekly = week.length >= minOutcomes ? ratesOf(week) : null;
  return {
    count,
    longWaits,
    ece,
    eceLower: interval.lower,
    eceUpper: interval.upper,
    auroc: aurocOrNull(probabilities, labels),
    brier: brierScore(probabilities, labels),
    weeklyEce: weekly === null ? null : calibrationError(weekly.probabilities, weekly.labels).ece,
    eceNoiseFloor: calibrationNoiseFloor(probabilities, { random: seededRandom(seed + 1), resamples }).upperEce,
  };
}

export async function recomputeCalibration(deps: LearningDeps, request: RecomputeRequest): Promise<RecomputeResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const seen = await deps.store.getCalibration(request.clusterId);
    if (seen === undefined) throw new UnknownClusterError(request.clusterId);
    if (attempt > 0 && request.reason === 'outcomes' && seen.outcomeCount - seen.outcomesAtLastRecompute < deps.gate.recomputeEveryOutcomes && seen.sampleCount >= deps.gate.minOutcomes) {
      return { status: 'skipped', reason: 'another writer recomputed this window' };
    }
    if (seen.latestBundleVersion > seen.activeBundleVersion && request.nowMs - seen.updatedAtMs < PUBLISH_LEASE_MS) {
      return { status: 'skipped', reason: `bundle version ${seen.latestBundleVersion} is being published by another writer` };
    }
    const result = await recomputeOnce(deps, request, seen);
    if (result !== null) {
      await appendHistory(deps, result);
      return result;
    }
  }
  return { status: 'skipped', reason: `calibration of '${request.clusterId}' kept changing; gave up after ${MAX_ATTEMPTS} attempts` };
}

/** Calibration history for the dashboard; a failed append is logged, never fails the recompute. */
async function appendHistory(deps: LearningDeps, result: RecomputeResult): Promise<void> {
  if (deps.history === undefined || result.status !== 'updated') return;
  const { calibration, measured } = result;
  // After a recalibration the record's metrics are reset: keep what the window measured (the drift that caused it).
  const metrics = measured?.metrics ?? calibration;
  try {
    await deps.history.append({
      clusterId: calibration.clusterId,
      atMs: calibration.updatedAtMs,
      ece: metrics.ece,
      eceLower: metrics.eceLower,
      eceUpper: metrics.eceUpper,
      brier: metrics.brier,
      auroc: metrics.auroc,
      sampleCount: measured?.metrics.count ?? calibration.sampleCount,
      outcomeCount: calibration.outcomeCount,
      scope: calibration.scope,
      driftStatus: measured?.driftStatus ?? calibration.driftStatus,
      qualifiedTiers: calibration.qualifiedTiers,
      action: result.action,
      activeBundleVersion: calibration.activeBundleVersion,
    });
  } catch (error) {
    deps.logger.warn('calibration.history_failed', { clusterId: calibration.clusterId, error: error instanceof Error ? error.message : String(error) });
  }
}

async function recomputeOnce(deps: LearningDeps, request: RecomputeRequest, seen: CalibrationRecord): Promise<RecomputeResult | null> {
  const { settings, gate } = deps;
  const recent = await deps.store.recentOutcomes(request.clusterId, settings.windowSize);
  const window = recent.filter((prediction) => prediction.bundleVersion === seen.activeBundleVersion);
  const metrics = windowMetrics(window, gate.minOutcomes, settings.bootstrapResamples, settings.seed, request.nowMs);
  const drift = driftStatus(metrics.ece, seen.lastKnownGoodEce, gate);
  const psi = await windowFeaturePsi(deps, seen, window);
  // ECE triggers (drift, weekly ECE) and the PSI trigger are weighed apart: the significance rule
  // below is about ECE measured on few outcomes; PSI has its own sample floor (PSI_MIN_OUTCOMES).
  const eceTriggers = recalibrationTriggers({ driftStatus: drift, maxFeaturePsi: null, weeklyEce: metrics.weeklyEce }, gate);
  const psiTriggers = recalibrationTriggers(
    { driftStatus: DriftStatus.none, maxFeaturePsi: psi?.psi ?? null, maxPsiFeature: psi?.feature ?? null, weeklyEce: null },
    gate,
  );
  const triggers = { recalibrate: eceTriggers.recalibrate || psiTriggers.recalibrate, reasons: [...eceTriggers.reasons, ...psiTriggers.reasons] };
  const hash = deps.hash;

  // Discrimination belongs to the classifier, not to one calibration of it: a low AUROC on the
  // active version's window (as few as minOutcomes outcomes) only prompts the check, and the
  // retrain needs minOutcomesToRetrain outcomes scored by this classifier to agree.
  const classifierWindow = metrics.auroc !== null && metrics.auroc < settings.retrainBelowAuroc ? await sameClassifierWindow(deps, seen, recent) : null;
  const classifierAuroc = classifierWindow !== null && classifierWindow.length >= settings.minOutcomesToRetrain ? rawScoreAuroc(classifierWindow) : null;
  const retrainDue = classifierAuroc !== null && classifierAuroc < settings.retrainBelowAuroc;
  // See LearningSettings.requireSignificantMiscalibration: refit only on miscalibration the
  // window can tell apart from sampling noise, and say so when a trigger is held back.
  const eceSignificant = metrics.ece !== null && metrics.eceNoiseFloor !== null && metrics.ece > metrics.eceNoiseFloor;
  const eceRecalibrateDue = eceTriggers.recalibrate && metrics.ece !== null && (eceSignificant || !settings.requireSignificantMiscalibration);
  const recalibrateDue = eceRecalibrateDue || psiTriggers.recalibrate;
  if (eceTriggers.recalibrate && !eceRecalibrateDue) {
    deps.logger.info('recalibration.suppressed', {
      clusterId: request.clusterId, ece: metrics.ece, eceNoiseFloor: metrics.eceNoiseFloor, outcomes: metrics.count, triggers: eceTriggers.reasons,
      reason: 'window ECE is within the sampling noise of a calibrated model',
    });
  }
  // The reasons a refit acts on: held-back ECE triggers are not among them.
  const refitReasons = [...(eceRecalibrateDue ? eceTriggers.reasons : []), ...psiTriggers.reasons];
  const psiFields = { maxFeaturePsi: psi?.psi ?? null, maxPsiFeature: psi?.feature ?? null };
  const refitDue = retrainDue ? 'retrain' as const : recalibrateDue ? 'recalibrate' as const : undefined;
  if (retrainDue && request.refit !== false) {
    const reason = `AUROC ${classifierAuroc.toFixed(3)} < ${settings.retrainBelowAuroc} over the ${classifierWindow?.length ?? 0} outcomes this classifier scored: the model no longer separates long from short waits`;
    const published = await retrain(deps, seen, recent, request, hash);
    if (published !== null) {
      logRecomputed(deps, request, { action: 'retrained', outcomes: metrics.count, ece: metrics.ece, eceNoiseFloor: metrics.eceNoiseFloor, reasons: [reason], ...psiFields });
      return { status: 'updated', action: 'retrained', calibration: published.calibration, reasons: [reason], measured: { metrics, driftStatus: drift } };
    }
  }
  if (recalibrateDue && request.refit !== false) {
    const published = await recalibrate(deps, seen, classifierWindow ?? (await sameClassifierWindow(deps, seen, recent)), request, hash);
    if (published !== null) {
      logRecomputed(deps, request, { action: 'recalibrated', outcomes: metrics.count, ece: metrics.ece, eceNoiseFloor: metrics.eceNoiseFloor, reasons: refitReasons, ...psiFields });
      return { status: 'updated', action: 'recalibrated', calibration: published.calibration, reasons: refitReasons, measured: { metrics, driftStatus: drift } };
    }
  }

  const score = metrics.ece === null ? null : calibrationScore(metrics.ece, gate);
  const next: CalibrationRecord = {
    ...seen,
    ece: metrics.ece,
    eceLower: metrics.eceLower,
    eceUpper: metrics.eceUpper,
    auroc: metrics.auroc,
    brier: metrics.brier,
    score,
    sampleCount: metrics.count,
    windowLongWaits: metrics.longWaits,
    outcomesAtLastRecompute: seen.outcomeCount,
    driftStatus: drift,
    scope: actionScope({ outcomeCount: metrics.count, longWaitCount: metrics.longWaits, score, driftStatus: drift }, gate),
    qualifiedTiers: qualifiedTiers(metrics.ece, gate),
    // A bad-looking ECE that sampling noise alone explains is not evidence of miscalibration:
    // the state machine is told there are too few outcomes to judge (scope stays conservative).
    state: nextCalibrationState(
      seen.state,
      { outcomeCount: looksBadButNoisy(metrics, score, gate.notifyScore) ? 0 : metrics.count, driftStatus: drift, score, recalibratedNow: false },
      gate,
    ),
    ...psiFields,
    version: seen.version + 1,
    updatedAtMs: request.nowMs,
  };
  const written = await deps.store.putCalibration(next, seen.version);
  if (written.status === 'conflict') return null;
  logRecomputed(deps, request, {
    action: 'none', outcomes: metrics.count, ece: metrics.ece, eceNoiseFloor: metrics.eceNoiseFloor, score, drift, scope: next.scope, state: next.state, tiers: next.qualifiedTiers, ...psiFields,
  });
  return { status: 'updated', action: 'none', calibration: next, reasons: triggers.reasons, ...(request.refit === false && refitDue !== undefined ? { refitDue } : {}) };
}

/** One `calibration.recomputed` line per recompute that wrote, whatever it did (`action`). */
function logRecomputed(deps: LearningDeps, request: RecomputeRequest, fields: Readonly<Record<string, unknown>>): void {
  deps.logger.info('calibration.recomputed', { clusterId: request.clusterId, reason: request.reason, ...fields });
}

/**
 * The largest PSI of the window's features against the active bundle's training reference, or
 * null when the window has fewer than PSI_MIN_OUTCOMES outcomes or the bundle has no reference
 * (bundles published before references existed). A recalibrated bundle carries its classifier's
 * reference; a retrained one its own training window's.
 */
async function windowFeaturePsi(deps: LearningDeps, seen: CalibrationRecord, window: readonly PredictionRecord[]): Promise<FeaturePsi | null> {
  if (window.length < PSI_MIN_OUTCOMES) return null;
  const { bundle } = await deps.cache.load(deps.bundles, seen.clusterId, seen.activeBundleVersion);
  const reference = bundle.featureReference ?? null;
  if (reference === null) return null;
  const columns = numericFeatureColumns(window, reference.features.map((bins) => bins.feature));
  return featureDrift(reference, columns, PSI_MIN_OUTCOMES).max;
}

function looksBadButNoisy(metrics: WindowMetrics, score: number | null, notifyScore: number): boolean {
  return metrics.ece !== null && metrics.eceNoiseFloor !== null && metrics.ece <= metrics.eceNoiseFloor && score !== null && score <= notifyScore;
}

/**
 * Recalibration refits only the calibrator, so every recent outcome scored by the same
 * classifier (any earlier recalibration of it) is valid training data for it — far more than
 * the outcomes under the active version alone, which may be as few as 50.
 */
async function sameClassifierWindow(deps: LearningDeps, seen: CalibrationRecord, recent: readonly PredictionRecord[]): Promise<PredictionRecord[]> {
  const active = await deps.cache.load(deps.bundles, seen.clusterId, seen.activeBundleVersion);
  const classifier = JSON.stringify(active.bundle.classifier);
  const compatible = new Map<number, boolean>();
  for (const version of new Set(recent.map((prediction) => prediction.bundleVersion))) {
    const loaded = await deps.bundles.getBundle(seen.clusterId, version);
    compatible.set(version, loaded !== undefined && JSON.stringify(loaded.classifier) === classifier);
  }
  return recent.filter((prediction) => compatible.get(prediction.bundleVersion) === true);
}

/** The window's distribution of the bundle's numeric features: the PSI reference a recalibrated bundle carries. */
function windowReference(clusterId: string, bundle: ModelBundle, window: readonly PredictionRecord[]): FeatureReference | null {
  const reference = featureReferenceOf(windowTable(clusterId, window));
  const used = new Set(bundle.numericFeatures);
  const features = reference?.features.filter((bins) => used.has(bins.feature)) ?? [];
  return reference === null || features.length === 0 ? null : { ...reference, features };
}

async function recalibrate(deps: LearningDeps, seen: CalibrationRecord, window: readonly PredictionRecord[], request: RecomputeRequest, hash: (text: string) => string) {
  const { bundle } = await deps.cache.load(deps.bundles, request.clusterId, seen.activeBundleVersion);
  const labels = Uint8Array.from(window, (prediction) => (prediction.outcome?.longWait === true ? 1 : 0));
  const positives = labels.reduce((sum, label) => sum + label, 0);
  // recalibrateBundle's out-of-fold check needs ≥ 2 folds, i.e. at least 2 jobs of each class.
  if (positives < 2 || positives > labels.length - 2) return null;
  const refit = recalibrateBundle(
    bundle,
    {
      rawScores: Float64Array.from(window, (prediction) => prediction.rawScore),
      labels,
      waitsSeconds: Float64Array.from(window, (prediction) => prediction.outcome?.waitSeconds ?? 0),
    },
    { isotonicMinRows: deps.settings.isotonicMinOutcomes, random: seededRandom(deps.settings.seed), hash, featureReference: windowReference(request.clusterId, bundle, window) },
  );
  const result = await publishBundle(deps, seen, refit.bundle, {
    kind: PublishKind.recalibration,
    newBaselineEce: Math.max(refit.outOfFoldEce - refit.outOfFoldNoiseEce, deps.gate.baselineEce),
    nowMs: request.nowMs,
  });
  if (result.status === 'lost') {
    deps.logger.warn('recalibration.lost', { clusterId: request.clusterId, reason: result.reason });
    return null;
  }
  return result;
}

async function retrain(deps: LearningDeps, seen: CalibrationRecord, recent: readonly PredictionRecord[], request: RecomputeRequest, hash: (text: string) => string) {
  const table = windowTable(request.clusterId, recent);
  const positives = table.labels?.reduce((sum, label) => sum + label, 0) ?? 0;
  if (positives < 5 || positives > table.rows.length - 5) return null;
  const bundle = trainBundle(table, { random: seededRandom(deps.settings.seed), source: table.source, dataHash: hash(JSON.stringify(table.rows)), hash });
  const result = await publishBundle(deps, seen, bundle, {
    kind: PublishKind.retrain,
    newBaselineEce: Math.max(bundle.metrics['oofEce'] ?? deps.gate.baselineEce, deps.gate.baselineEce),
    nowMs: request.nowMs,
  });
  if (result.status === 'lost') {
    deps.logger.warn('retrain.lost', { clusterId: request.clusterId, reason: result.reason });
    return null;
  }
  return result;
}
