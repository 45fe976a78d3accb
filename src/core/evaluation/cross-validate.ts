/**
 * Honest evaluation of the whole training pipeline: stratified k-fold cross-validation with
 * pooled out-of-fold predictions, and transfer from one cluster's data to another's.
 */
import { InvalidInputError } from '../errors.ts';
import { encodeFeatureTable } from '../features/feature-encoder.ts';
import { selectRows, type FeatureTable } from '../features/feature-table.ts';
import { calibrationScore } from '../gating/calibration-score.ts';
import { DEFAULT_GATE_CONFIG, type GateConfig, type Tier } from '../gating/gate-config.ts';
import { qualifiedTiers } from '../gating/tiers.ts';
import { auroc } from '../metrics/auroc.ts';
import { BOOTSTRAP_RESAMPLES } from '../metrics/bootstrap.ts';
import { calibrationError, ECE_BINS } from '../metrics/calibration-error.ts';
import { evaluateProbabilities, type ProbabilityReport } from '../metrics/evaluate-probabilities.ts';
import { compileBundle } from '../model/apply-bundle.ts';
import type { ModelBundle } from '../model/bundle.ts';
import { DEFAULT_L2, sigmoid } from '../model/logistic-regression.ts';
import {
  DEFAULT_CALIBRATION_MODE,
  DEFAULT_CALIBRATOR,
  DEFAULT_INNER_FOLDS,
  trainBundle,
  type CalibrationMode,
  type CalibratorKind,
} from '../model/train-bundle.ts';
import { DEFAULT_WAIT_COVERAGE } from '../model/wait-model.ts';
import { seededRandom } from '../random.ts';
import { assignOuterFolds, DEFAULT_FOLD_SCHEME, type FoldScheme } from './fold-scheme.ts';
import { DEFAULT_FOLDS, DEFAULT_SEED } from './protocol-defaults.ts';
import { complementRows } from './stratified-folds.ts';

export { complementRows, stratifiedFolds } from './stratified-folds.ts';
export { DEFAULT_FOLD_SCHEME, FoldScheme } from './fold-scheme.ts';
export { DEFAULT_FOLDS, DEFAULT_SEED } from './protocol-defaults.ts';

/** How ECE bins were cut, stated in every report (ties matter on small samples). */
export const BINNING_NOTE =
  "ECE over equal-mass bins (rows sorted by probability, cut by rank); a tied group cut by a bin edge is split by count, each part carrying the group's positive rate";

export interface EvaluationOptions {
  /** Outer folds, ≥ 2. Default {@link DEFAULT_FOLDS}. */
  readonly folds?: number;
  /** Seeds the fold shuffle, the inner folds (`seeded` scheme) and (separately) the bootstrap. Default {@link DEFAULT_SEED}. */
  readonly seed?: number;
  /** Fold assignment, outer and inner. Default {@link DEFAULT_FOLD_SCHEME} (the reference's protocol). */
  readonly foldScheme?: FoldScheme;
  /** Bootstrap resamples for the intervals. Default `BOOTSTRAP_RESAMPLES`. */
  readonly resamples?: number;
  /** ECE bins. Default `ECE_BINS`. */
  readonly bins?: number;
  readonly calibrator?: CalibratorKind;
  readonly calibrationMode?: CalibrationMode;
  readonly l2?: number;
  readonly coverage?: number;
  readonly innerFolds?: number;
  /** Gate thresholds for the qualified tiers and the calibration score. Default `DEFAULT_GATE_CONFIG`. */
  readonly gate?: GateConfig;
  /** Called after each outer fold is trained and scored (`completed` of `total`): progress for long runs. */
  readonly onFold?: (completed: number, total: number) => void;
}

/** Wait-interval quality on held-out rows. */
export interface WaitIntervalReport {
  /** The interval's nominal coverage, e.g. 0.8. */
  readonly nominalCoverage: number;
  /** Fraction of rows whose observed wait fell inside its predicted interval (bounds inclusive). */
  readonly coverage: number;
  /** Median of upper − lower over the rows, in seconds. */
  readonly medianWidthSeconds: number;
  readonly count: number;
}

/** Calibration of the classifier's own sigmoid, before the calibrator. */
export interface RawScoreReport {
  readonly auroc: number;
  readonly ece: number;
}

export interface ProtocolReport {
  readonly folds: number;
  readonly foldScheme: FoldScheme;
  readonly seed: number;
  readonly innerFolds: number;
  readonly calibrator: CalibratorKind;
  readonly calibrationMode: CalibrationMode;
  readonly l2: number;
  readonly bins: number;
  readonly resamples: number;
  readonly binning: string;
}

export interface CrossValidationReport {
  readonly kind: 'cross-validation';
  readonly source: string;
  readonly numericFeatures: readonly string[];
  readonly categoricalFeatures: readonly string[];
  readonly protocol: ProtocolReport;
  /** Pooled out-of-fold calibrated probabilities. */
  readonly calibrated: ProbabilityReport;
  /** Pooled out-of-fold sigmoid(raw score), uncalibrated. */
  readonly raw: RawScoreReport;
  /** clamp(1 − slope·ECE, 0, 1) of the calibrated ECE. */
  readonly calibrationScore: number;
  /** Tiers whose ECE prerequisite the calibrated ECE meets, weakest first. */
  readonly qualifiedTiers: Tier[];
  /** Null when the data records no waits. */
  readonly waitIntervals: WaitIntervalReport | null;
}

export interface TransferReport {
  readonly kind: 'transfer';
  readonly trainSource: string;
  readonly testSource: string;
  readonly numericFeatures: readonly string[];
  readonly categoricalFeatures: readonly string[];
  readonly protocol: ProtocolReport;
  /** Cross-validation on the training data: the ECE the model would claim at home. */
  readonly home: CrossValidationReport;
  /** The model trained on all training rows, scored on every test row. */
  readonly calibrated: ProbabilityReport;
  readonly raw: RawScoreReport;
  /** ECE on the test data − out-of-fold ECE on the training data. */
  readonly calibrationGap: number;
  /** ECE on the test data ÷ out-of-fold ECE on the training data; null when the latter is 0. */
  readonly eceRatio: number | null;
  readonly calibrationScore: number;
  readonly qualifiedTiers: Tier[];
  readonly waitIntervals: WaitIntervalReport | null;
}

interface ResolvedOptions extends ProtocolReport {
  readonly coverage: number;
  readonly gate: GateConfig;
}

function resolveOptions(options: EvaluationOptions): ResolvedOptions {
  return {
    folds: options.folds ?? DEFAULT_FOLDS,
    foldScheme: options.foldScheme ?? DEFAULT_FOLD_SCHEME,
    seed: options.seed ?? DEFAULT_SEED,
    innerFolds: options.innerFolds ?? DEFAULT_INNER_FOLDS,
    calibrator: options.calibrator ?? DEFAULT_CALIBRATOR,
    calibrationMode: options.calibrationMode ?? DEFAULT_CALIBRATION_MODE,
    l2: options.l2 ?? DEFAULT_L2,
    bins: options.bins ?? ECE_BINS,
    resamples: options.resamples ?? BOOTSTRAP_RESAMPLES,
    binning: BINNING_NOTE,
    coverage: options.coverage ?? DEFAULT_WAIT_COVERAGE,
    gate: options.gate ?? DEFAULT_GATE_CONFIG,
  };
}

function protocolOf(resolved: ResolvedOptions): ProtocolReport {
  const { coverage: _coverage, gate: _gate, ...protocol } = resolved;
  return protocol;
}

function requireLabels(table: FeatureTable): Uint8Array {
  if (table.labels === null) throw new InvalidInputError(`${table.source}: evaluation needs the label column`);
  return table.labels;
}

/** Transient bundles scored inside an evaluation are never stored: their id need not be a real hash. */
const unstoredBundleId = (): string => 'unstored-evaluation-bundle';

function trainFor(table: FeatureTable, resolved: ResolvedOptions, random: () => number): ModelBundle {
  return trainBundle(table, {
    l2: resolved.l2,
    calibrator: resolved.calibrator,
    calibrationMode: resolved.calibrationMode,
    coverage: resolved.coverage,
    innerFolds: resolved.innerFolds,
    innerFoldScheme: resolved.foldScheme,
    random,
    source: table.source,
    dataHash: '',
    hash: unstoredBundleId,
  });
}

interface Scored {
  readonly probabilities: Float64Array;
  readonly rawProbabilities: Float64Array;
  readonly lowerSeconds: Float64Array | null;
  readonly upperSeconds: Float64Array | null;
}

/** Scores `table`'s rows `rowIndexes` with `bundle` into the pooled arrays `into`, through the production scorer. */
function scoreInto(bundle: ModelBundle, table: FeatureTable, rowIndexes: ArrayLike<number>, into: Scored): void {
  const compiled = compileBundle(bundle);
  const subset = selectRows(table, rowIndexes);
  const design = encodeFeatureTable(subset, bundle.categoricalFeatures);
  design.forEach((row, position) => {
    const target = rowIndexes[position] as number;
    const rawScore = compiled.rawScoreRow(row);
    const probability = compiled.predictRow(row);
    into.probabilities[target] = probability;
    into.rawProbabilities[target] = sigmoid(rawScore);
    const wait = compiled.waitFor(probability);
    if (wait !== null && into.lowerSeconds !== null && into.upperSeconds !== null) {
      into.lowerSeconds[target] = wait.lowerSeconds;
      into.upperSeconds[target] = wait.upperSeconds;
    }
  });
}

function emptyScored(rowCount: number, withWaits: boolean): Scored {
  return {
    probabilities: new Float64Array(rowCount),
    rawProbabilities: new Float64Array(rowCount),
    lowerSeconds: withWaits ? new Float64Array(rowCount) : null,
    upperSeconds: withWaits ? new Float64Array(rowCount) : null,
  };
}

function waitIntervalReport(
  scored: Scored,
  waitsSeconds: Float64Array | null,
  nominalCoverage: number,
): WaitIntervalReport | null {
  const { lowerSeconds, upperSeconds } = scored;
  if (waitsSeconds === null || lowerSeconds === null || upperSeconds === null || waitsSeconds.length === 0) return null;
  const count = waitsSeconds.length;
  const widths = new Float64Array(count);
  let covered = 0;
  for (let row = 0; row < count; row += 1) {
    const wait = waitsSeconds[row] as number;
    const lower = lowerSeconds[row] as number;
    const upper = upperSeconds[row] as number;
    if (wait >= lower && wait <= upper) covered += 1;
    widths[row] = upper - lower;
  }
  widths.sort();
  const middle = (count - 1) / 2;
  const medianWidthSeconds = ((widths[Math.floor(middle)] as number) + (widths[Math.ceil(middle)] as number)) / 2;
  return { nominalCoverage, coverage: covered / count, medianWidthSeconds, count };
}

function summarise(
  scored: Scored,
  labels: Uint8Array,
  resolved: ResolvedOptions,
): Pick<CrossValidationReport, 'calibrated' | 'raw' | 'calibrationScore' | 'qualifiedTiers'> {
  const calibrated = evaluateProbabilities(scored.probabilities, labels, {
    random: seededRandom(resolved.seed),
    resamples: resolved.resamples,
    bins: resolved.bins,
  });
  return {
    calibrated,
    raw: {
      auroc: auroc(scored.rawProbabilities, labels),
      ece: calibrationError(scored.rawProbabilities, labels, { bins: resolved.bins }).ece,
    },
    calibrationScore: calibrationScore(calibrated.ece, resolved.gate),
    qualifiedTiers: qualifiedTiers(calibrated.ece, resolved.gate),
  };
}

/**
 * Stratified k-fold cross-validation of {@link trainBundle}: for each fold, a bundle is trained
 * on the other folds only (its calibrator on inner out-of-fold scores of those folds, so no
 * test row ever reaches a fit) and scores the fold through {@link compileBundle}; the
 * out-of-fold predictions of all folds are pooled and evaluated once with
 * {@link evaluateProbabilities} (bootstrap intervals seeded by `seed`). Also reports the raw
 * (uncalibrated) out-of-fold AUROC/ECE, the calibration score and qualified tiers of the pooled
 * ECE, and wait-interval coverage + median width when the table has observed waits.
 * Folds follow `foldScheme`: `sklearn` (default) reproduces scikit-learn 1.2's
 * `StratifiedKFold(folds, shuffle=True, random_state=seed)` outer folds and
 * `CalibratedClassifierCV(cv=innerFolds)`'s unshuffled inner folds exactly; `seeded` draws outer
 * and inner folds from `seededRandom(seed)`. The bootstrap draws from a second
 * `seededRandom(seed)`, so the intervals do not depend on how much training consumed.
 *
 * Cost: folds × (innerFolds + 1) logistic fits + O(resamples · n) for the bootstrap.
 *
 * @throws InvalidInputError without labels. @throws InsufficientDataError when a class has fewer rows than folds need.
 */
export function crossValidate(table: FeatureTable, options: EvaluationOptions = {}): CrossValidationReport {
  const resolved = resolveOptions(options);
  const labels = requireLabels(table);
  const random = seededRandom(resolved.seed);
  const rowCount = labels.length;
  const scored = emptyScored(rowCount, table.waitsSeconds !== null);
  const outerFolds = assignOuterFolds(labels, resolved.folds, resolved.foldScheme, resolved.seed, random);
  outerFolds.forEach((testRows, index) => {
    const bundle = trainFor(selectRows(table, complementRows(rowCount, testRows)), resolved, random);
    scoreInto(bundle, table, testRows, scored);
    options.onFold?.(index + 1, outerFolds.length);
  });
  return {
    kind: 'cross-validation',
    source: table.source,
    numericFeatures: table.numericFeatures,
    categoricalFeatures: table.categoricalFeatures,
    protocol: protocolOf(resolved),
    ...summarise(scored, labels, resolved),
    waitIntervals: waitIntervalReport(scored, table.waitsSeconds, resolved.coverage),
  };
}

function sameNames(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((name, index) => name === right[index]);
}

/**
 * Transfer evaluation: a bundle trained on all of `trainTable` scores every row of `testTable`,
 * with the same metrics as {@link crossValidate}, plus the calibration gap: ECE on the test data
 * minus the out-of-fold ECE of cross-validation on the training data (what the model would have
 * claimed at home). Both tables must carry the same features in the same order (categories may
 * differ: a test category unseen in training encodes as all zeros).
 *
 * @throws InvalidInputError when a table has no labels or the feature lists differ.
 */
export function evaluateTransfer(
  trainTable: FeatureTable,
  testTable: FeatureTable,
  options: EvaluationOptions = {},
): TransferReport {
  const resolved = resolveOptions(options);
  if (
    !sameNames(trainTable.numericFeatures, testTable.numericFeatures) ||
    !sameNames(trainTable.categoricalFeatures, testTable.categoricalFeatures)
  ) {
    const describe = (table: FeatureTable): string =>
      [...table.numericFeatures, ...table.categoricalFeatures].join(',');
    throw new InvalidInputError(
      `feature sets differ: ${trainTable.source} has ${describe(trainTable)}; ${testTable.source} has ${describe(testTable)}`,
    );
  }
  const testLabels = requireLabels(testTable);
  const home = crossValidate(trainTable, options);
  const bundle = trainFor(trainTable, resolved, seededRandom(resolved.seed));
  const rowCount = testLabels.length;
  const scored = emptyScored(rowCount, bundle.waitModel !== null);
  scoreInto(
    bundle,
    testTable,
    Int32Array.from({ length: rowCount }, (_, row) => row),
    scored,
  );
  const summary = summarise(scored, testLabels, resolved);
  return {
    kind: 'transfer',
    trainSource: trainTable.source,
    testSource: testTable.source,
    numericFeatures: trainTable.numericFeatures,
    categoricalFeatures: trainTable.categoricalFeatures,
    protocol: protocolOf(resolved),
    home,
    ...summary,
    calibrationGap: summary.calibrated.ece - home.calibrated.ece,
    eceRatio: home.calibrated.ece > 0 ? summary.calibrated.ece / home.calibrated.ece : null,
    waitIntervals: waitIntervalReport(scored, testTable.waitsSeconds, resolved.coverage),
  };
}
