/**
 * Recalibration: a new version of a bundle whose classifier is unchanged and whose calibrator
 * (and wait model) are refitted on a cluster's recent outcomes. It cannot add discrimination —
 * when the classifier no longer ranks jobs, the cluster needs a retrain instead.
 */
import { InsufficientDataError } from '../errors.ts';
import { calibrationError } from '../metrics/calibration-error.ts';
import { calibrationNoiseFloor } from '../metrics/calibration-noise-floor.ts';
import { stratifiedFolds } from '../evaluation/cross-validate.ts';
import type { Random } from '../random.ts';
import { applyCalibrator } from './apply-calibrator.ts';
import type { Calibrator, FeatureReference, ModelBundle } from './bundle.ts';
import { withBundleId } from './bundle-id.ts';
import { fitIsotonic } from './isotonic.ts';
import { fitPlatt } from './platt.ts';
import { fitWaitModel } from './wait-model.ts';

export interface RecalibrationInput {
  /** The classifier's raw scores of the window's jobs, as stored at prediction time. */
  readonly rawScores: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  /** Observed waits of the same jobs, to refit the wait interval; null keeps the old wait model. */
  readonly waitsSeconds: ArrayLike<number> | null;
}

export interface RecalibrationOptions {
  /** Below this many rows fit Platt scaling; at or above, isotonic regression. */
  readonly isotonicMinRows: number;
  readonly random: Random;
  /** Content hash used for the new bundle's id (core has no crypto). */
  readonly hash: (text: string) => string;
  readonly coverage?: number;
  /**
   * The population the new calibrator was fitted on, as the new PSI reference: after a
   * recalibration, drift is measured against the window it learned from (otherwise a lasting
   * shift re-triggers a PSI recalibration every few hundred outcomes). Undefined keeps the old one.
   */
  readonly featureReference?: FeatureReference | null;
}

export interface RecalibrationResult {
  readonly bundle: ModelBundle;
  /** ECE of the new calibrator on the window, out of fold (5 stratified folds): an honest baseline. */
  readonly outOfFoldEce: number;
  /** Median ECE a calibrated model would show on the same out-of-fold forecasts: the part of `outOfFoldEce` that is sampling noise. */
  readonly outOfFoldNoiseEce: number;
}

const FOLDS = 5;

function fitCalibrator(scores: ArrayLike<number>, labels: ArrayLike<number>, isotonicMinRows: number): Calibrator {
  if (scores.length >= isotonicMinRows) return { kind: 'isotonic', ...fitIsotonic(scores, labels) };
  const platt = fitPlatt(scores, labels);
  return { kind: 'platt', slope: platt.slope, intercept: platt.intercept };
}

function pick(values: ArrayLike<number>, indices: readonly number[]): Float64Array {
  return Float64Array.from(indices, (index) => values[index] as number);
}

/**
 * Refits the calibrator on (raw score, label) pairs — isotonic at or above `isotonicMinRows` rows,
 * else Platt — and the wait model on the window's waits; the classifier is unchanged. The
 * out-of-fold ECE uses min(5, positives, negatives) stratified folds drawn from `random`, then
 * the noise floor of those forecasts draws from the same generator. O(n log n).
 *
 * @throws InsufficientDataError with fewer than 2 rows of either class.
 */
export function recalibrateBundle(bundle: ModelBundle, input: RecalibrationInput, options: RecalibrationOptions): RecalibrationResult {
  const count = input.rawScores.length;
  let positives = 0;
  for (let index = 0; index < count; index += 1) positives += input.labels[index] as number;
  // The out-of-fold check needs ≥ 2 stratified folds, so ≥ 2 rows of each class.
  if (positives < 2 || count - positives < 2) {
    throw new InsufficientDataError(`recalibration needs ≥ 2 long and ≥ 2 short waits in the window (${positives} of ${count} long)`);
  }

  const folds = stratifiedFolds(input.labels, Math.min(FOLDS, positives, count - positives), options.random);
  const outOfFold = new Float64Array(count);
  for (const testIndices of folds) {
    const inTest = new Set(testIndices);
    const trainIndices: number[] = [];
    for (let index = 0; index < count; index += 1) if (!inTest.has(index)) trainIndices.push(index);
    const calibrator = fitCalibrator(pick(input.rawScores, trainIndices), pick(input.labels, trainIndices), options.isotonicMinRows);
    for (const index of testIndices) outOfFold[index] = applyCalibrator(calibrator, input.rawScores[index] as number);
  }
  const outOfFoldEce = calibrationError(outOfFold, input.labels).ece;
  const outOfFoldNoiseEce = calibrationNoiseFloor(outOfFold, { random: options.random }).medianEce;

  const calibrator = fitCalibrator(input.rawScores, input.labels, options.isotonicMinRows);
  const calibrated = Float64Array.from({ length: count }, (_, index) => applyCalibrator(calibrator, input.rawScores[index] as number));
  const waitModel =
    input.waitsSeconds === null ? bundle.waitModel : fitWaitModel(calibrated, input.waitsSeconds, { coverage: options.coverage ?? bundle.waitModel?.coverage ?? 0.8 });

  const { bundleId: _previousId, ...rest } = bundle;
  const unsigned = {
    ...rest,
    calibrator,
    // The training-time ensemble belongs to the old calibrator; the fingerprint guard would ignore it anyway.
    ensemble: null,
    waitModel,
    ...(options.featureReference === undefined ? {} : { featureReference: options.featureReference }),
    metrics: { ...bundle.metrics, recalibrationRows: count, recalibrationOutOfFoldEce: outOfFoldEce },
  };
  return { bundle: withBundleId(unsigned, options.hash), outOfFoldEce, outOfFoldNoiseEce };
}
