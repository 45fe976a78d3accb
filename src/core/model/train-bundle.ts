/**
 * Training: from a validated feature table to a self-contained model bundle.
 */
import { InvalidInputError } from '../errors.ts';
import { assignInnerFolds, FoldScheme } from '../evaluation/fold-scheme.ts';
import { complementRows } from '../evaluation/stratified-folds.ts';
import { encodeFeatureTable, fitCategoricalEncodings } from '../features/feature-encoder.ts';
import type { FeatureTable } from '../features/feature-table.ts';
import { auroc } from '../metrics/auroc.ts';
import { brierScore } from '../metrics/brier.ts';
import { calibrationError } from '../metrics/calibration-error.ts';
import type { Random } from '../random.ts';
import { BUNDLE_SCHEMA_VERSION, type Calibrator, type ModelBundle } from './bundle.ts';
import { calibratorFingerprint, withBundleId } from './bundle-id.ts';
import { featureReferenceOf } from './feature-reference.ts';
import { compileBundle } from './apply-bundle.ts';
import { fitIsotonic } from './isotonic.ts';
import { DEFAULT_L2, fitLogisticRegression, linearScore, sigmoid, type LogisticModel } from './logistic-regression.ts';
import { fitPlatt } from './platt.ts';
import { fitStandardScaler, standardize, type StandardScaler } from './standard-scaler.ts';
import { DEFAULT_WAIT_COVERAGE, evaluateWaitIntervals, fitWaitModel } from './wait-model.ts';

export const CalibratorKind = { isotonic: 'isotonic', platt: 'platt' } as const;
export type CalibratorKind = (typeof CalibratorKind)[keyof typeof CalibratorKind];

/** Default calibrator: isotonic, as in the README's scikit-learn reference. */
export const DEFAULT_CALIBRATOR: CalibratorKind = CalibratorKind.isotonic;
/** Inner folds whose out-of-fold scores train the calibrator (sklearn's `CalibratedClassifierCV(cv=5)`). */
export const DEFAULT_INNER_FOLDS = 5;

/**
 * How the probability is produced from the inner folds (both keep the calibrator off in-sample scores):
 * - `ensemble`: the mean of the inner members' calibrated probabilities, each member a classifier
 *   fitted on one inner training split with a calibrator fitted on that split's held-out scores —
 *   scikit-learn's `CalibratedClassifierCV(ensemble=True)`, the default there and the protocol of
 *   the README's reference numbers.
 * - `single`: one calibrator fitted on the pooled inner out-of-fold scores, applied to the score of
 *   the classifier fitted on all rows — `CalibratedClassifierCV(ensemble=False)`.
 */
export const CalibrationMode = { ensemble: 'ensemble', single: 'single' } as const;
export type CalibrationMode = (typeof CalibrationMode)[keyof typeof CalibrationMode];
export const DEFAULT_CALIBRATION_MODE: CalibrationMode = CalibrationMode.ensemble;

export interface TrainBundleOptions {
  /** L2 penalty λ = 1/C. Default {@link DEFAULT_L2}. */
  readonly l2?: number;
  /** Default {@link DEFAULT_CALIBRATOR}. */
  readonly calibrator?: CalibratorKind;
  /** Nominal wait-interval coverage in (0, 1). Default {@link DEFAULT_WAIT_COVERAGE}. */
  readonly coverage?: number;
  /** Inner folds for the calibrator's out-of-fold scores, ≥ 2. Default {@link DEFAULT_INNER_FOLDS}. */
  readonly innerFolds?: number;
  /** Default {@link DEFAULT_CALIBRATION_MODE}. */
  readonly calibrationMode?: CalibrationMode;
  /**
   * How the inner folds are cut. Default `seeded` (shuffled with `random`); `sklearn` is
   * `CalibratedClassifierCV(cv=innerFolds)`'s unshuffled `StratifiedKFold`, as in the reference.
   */
  readonly innerFoldScheme?: FoldScheme;
  /** Shuffles the inner folds (in the `seeded` scheme). */
  readonly random: Random;
  readonly source: string;
  /** SHA-256 (hex) of the training data, computed by the caller. */
  readonly dataHash: string;
  /** Content hash for the bundle id (the CLI passes SHA-256 hex). */
  readonly hash: (text: string) => string;
  /** Extra metrics stored with the bundle (e.g. the cross-validated ECE the gate should use). */
  readonly extraMetrics?: Readonly<Record<string, number | null>>;
}

interface LinearFit {
  readonly scaler: StandardScaler;
  readonly classifier: LogisticModel;
}

function fitLinear(
  design: readonly Float64Array[],
  labels: Uint8Array,
  rowIndexes: Int32Array | null,
  l2: number,
): LinearFit {
  const rows = rowIndexes === null ? design : Array.from(rowIndexes, (row) => design[row] as Float64Array);
  const targets = rowIndexes === null ? labels : Uint8Array.from(rowIndexes, (row) => labels[row] as number);
  const scaler = fitStandardScaler(rows);
  const standardized = rows.map((row) => standardize(scaler, row));
  const fit = fitLogisticRegression(standardized, targets, { l2 });
  return { scaler, classifier: { weights: fit.weights, intercept: fit.intercept } };
}

function scoreRow(model: LinearFit, row: Float64Array, buffer: Float64Array): number {
  return linearScore(model.classifier, standardize(model.scaler, row, buffer));
}

function fitCalibrator(kind: CalibratorKind, scores: Float64Array, labels: Uint8Array): Calibrator {
  if (kind === CalibratorKind.platt) return { kind: 'platt', ...fitPlatt(scores, labels) };
  return { kind: 'isotonic', ...fitIsotonic(scores, labels) };
}

/**
 * Re-expresses a member's linear score over the bundle's standardisation: with z = (x − M)/S for
 * the bundle scaler and the member's own (m, s, w, b), the member score
 * b + Σ wⱼ(xⱼ − mⱼ)/sⱼ = [b + Σ wⱼ(Mⱼ − mⱼ)/sⱼ] + Σ (wⱼSⱼ/sⱼ)·zⱼ. Exact up to rounding.
 */
function inBundleSpace(member: LinearFit, bundleScaler: StandardScaler): { weights: number[]; intercept: number } {
  let intercept = member.classifier.intercept;
  const weights = member.classifier.weights.map((weight, column) => {
    const memberScale = member.scaler.scales[column] as number;
    intercept +=
      (weight * ((bundleScaler.means[column] as number) - (member.scaler.means[column] as number))) / memberScale;
    return (weight * (bundleScaler.scales[column] as number)) / memberScale;
  });
  return { weights, intercept };
}

/**
 * Trains a bundle: one-hot encoding of categorical columns (categories seen in training; an
 * unseen or empty value encodes as all zeros), standard scaling, L2 logistic regression on all
 * rows, a calibration and a wait-interval model.
 *
 * The calibration never sees a score of a row its classifier was trained on: the rows are split
 * into `innerFolds` stratified folds; on each fold's complement a scaler + classifier is fitted
 * and scores the held-out fold. In `ensemble` mode (default; see {@link CalibrationMode}) each of
 * these members gets its own calibrator fitted on its held-out scores, and the bundle's
 * probability is the mean of the members' calibrated probabilities — scikit-learn's
 * `CalibratedClassifierCV(cv=5, ensemble=True)`, the protocol of the reference numbers. In both
 * modes the bundle also keeps the classifier fitted on all rows (its linear score is the raw
 * score a later recalibration refits on) and one calibrator fitted on the pooled out-of-fold
 * scores; `single` mode uses only those (`ensemble=False`).
 * The wait model is fitted on the probabilities the bundle itself emits for its training rows
 * (rows with waits), so its bins are cut on the scale they are looked up by.
 * `featureReference` holds the decile bins of every numeric training column, what the learning
 * loop measures PSI against ({@link featureReferenceOf}).
 *
 * `metrics` holds: `inSampleAuroc`, `inSampleEce`, `inSampleBrier` (the bundle on its own
 * training rows — optimistic), `innerOutOfFoldAuroc` and `innerOutOfFoldRawEce` (the inner
 * folds' uncalibrated scores: honest), `waitIntervalCoverage` (the wait intervals on
 * the training rows — in-sample; null without waits), plus `extraMetrics`.
 * The bundle id is `hash` of the canonical JSON of everything else ({@link withBundleId}).
 *
 * Cost: (innerFolds + 1) logistic fits, O(n·d²) each, plus O(n log n) per calibrator fit.
 *
 * @throws InvalidInputError when the table has no labels or an option is out of range.
 * @throws InsufficientDataError when a class has fewer than `innerFolds` rows.
 */
export function trainBundle(table: FeatureTable, options: TrainBundleOptions): ModelBundle {
  const labels = table.labels;
  if (labels === null) throw new InvalidInputError(`${table.source}: training needs the label column`);
  const l2 = options.l2 ?? DEFAULT_L2;
  const calibratorKind = options.calibrator ?? DEFAULT_CALIBRATOR;
  const calibrationMode = options.calibrationMode ?? DEFAULT_CALIBRATION_MODE;
  const coverage = options.coverage ?? DEFAULT_WAIT_COVERAGE;
  const innerFolds = options.innerFolds ?? DEFAULT_INNER_FOLDS;
  if (!(coverage > 0 && coverage < 1)) throw new InvalidInputError(`coverage = ${coverage} is not in (0, 1)`);
  if (!Object.values(CalibratorKind).includes(calibratorKind)) {
    throw new InvalidInputError(
      `calibrator '${String(calibratorKind)}' is not one of ${Object.values(CalibratorKind).join(', ')}`,
    );
  }
  if (!Object.values(CalibrationMode).includes(calibrationMode)) {
    throw new InvalidInputError(
      `calibration mode '${String(calibrationMode)}' is not one of ${Object.values(CalibrationMode).join(', ')}`,
    );
  }

  const encodings = fitCategoricalEncodings(table);
  const design = encodeFeatureTable(table, encodings);
  const rowCount = design.length;
  const width = (design[0] as Float64Array).length;
  const buffer = new Float64Array(width);

  const outOfFoldScores = new Float64Array(rowCount);
  const members: { fit: LinearFit; calibrator: Calibrator }[] = [];
  for (const testRows of assignInnerFolds(
    labels,
    innerFolds,
    options.innerFoldScheme ?? FoldScheme.seeded,
    options.random,
  )) {
    const inner = fitLinear(design, labels, complementRows(rowCount, testRows), l2);
    const heldOutScores = Float64Array.from(testRows, (row) => scoreRow(inner, design[row] as Float64Array, buffer));
    heldOutScores.forEach((score, position) => {
      outOfFoldScores[testRows[position] as number] = score;
    });
    if (calibrationMode === CalibrationMode.ensemble) {
      members.push({
        fit: inner,
        calibrator: fitCalibrator(
          calibratorKind,
          heldOutScores,
          Uint8Array.from(testRows, (row) => labels[row] as number),
        ),
      });
    }
  }
  const calibrator = fitCalibrator(calibratorKind, outOfFoldScores, labels);

  const final = fitLinear(design, labels, null, l2);
  const ensemble =
    members.length === 0
      ? null
      : {
          calibratorFingerprint: calibratorFingerprint(calibrator),
          members: members.map((member) => ({
            ...inBundleSpace(member.fit, final.scaler),
            calibrator: member.calibrator,
          })),
        };

  let positives = 0;
  for (const label of labels) positives += label;
  const unsigned: Omit<ModelBundle, 'bundleId' | 'metrics'> = {
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    training: {
      source: options.source,
      dataHash: options.dataHash,
      rows: rowCount,
      positives,
      labelThresholdSeconds: table.labelThresholdSeconds,
    },
    numericFeatures: [...table.numericFeatures],
    categoricalFeatures: encodings,
    scaler: final.scaler,
    classifier: { kind: 'logistic', weights: final.classifier.weights, intercept: final.classifier.intercept, l2 },
    calibrator,
    ensemble,
    waitModel: null,
    featureReference: featureReferenceOf(table),
  };
  // In-sample metrics go through the production scorer, so they describe exactly what predicts.
  const compiled = compileBundle({ ...unsigned, bundleId: 'unsigned', metrics: {} });
  const inSample = Float64Array.from(design, (row) => compiled.predictRow(row));
  // The wait model's bins are looked up by the probability the scorer emits, so they are cut on
  // that same scale. (Cut on the single pooled calibrator's out-of-fold probabilities, an ensemble
  // bundle's averaged probabilities fell into the wrong bins: 65 % coverage of a nominal 80 % on
  // slurm_training_dataset.csv under cross-validation.)
  const waits = table.waitsSeconds;
  const waitModel = waits === null ? null : fitWaitModel(inSample, waits, { coverage });
  const waitIntervalCoverage =
    waits === null || waitModel === null ? null : evaluateWaitIntervals(waitModel, inSample, waits).coverage;
  const innerRawProbabilities = outOfFoldScores.map(sigmoid);
  return withBundleId(
    {
      ...unsigned,
      waitModel,
      metrics: {
        inSampleAuroc: auroc(inSample, labels),
        inSampleEce: calibrationError(inSample, labels).ece,
        inSampleBrier: brierScore(inSample, labels),
        innerOutOfFoldAuroc: auroc(innerRawProbabilities, labels),
        innerOutOfFoldRawEce: calibrationError(innerRawProbabilities, labels).ece,
        waitIntervalCoverage,
        ...options.extraMetrics,
      },
    },
    options.hash,
  );
}
