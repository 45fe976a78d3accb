/**
 * Loading and applying a model bundle: validation on load, then a compiled scorer whose hot
 * path is a dot product and a binary search, with no training code and no per-call allocation.
 */
import { InvalidBundleError, InvalidInputError } from '../errors.ts';
import { encodedFeatureNames, encodedWidth } from '../features/feature-encoder.ts';
import { resolveFeatures } from '../features/feature-schema.ts';
import { applyCalibrator } from './apply-calibrator.ts';
import {
  ModelBundleSchema,
  type CalibrationEnsemble,
  type Calibrator,
  type ModelBundle,
  type WaitModel,
} from './bundle.ts';
import { calibratorFingerprint } from './bundle-id.ts';
import { waitBinIndex, type WaitEstimate } from './wait-model.ts';

/** One scored job. */
export interface JobPrediction {
  /** The classifier's uncalibrated linear score (log-odds); what a recalibration refits on. */
  readonly rawScore: number;
  /** Calibrated P(long wait), in [0, 1]. */
  readonly probability: number;
  /** Wait point + interval, or null when the bundle was trained without observed waits. */
  readonly wait: WaitEstimate | null;
  /** Input features the job did not give, scored as unknown (see {@link CompiledBundle.predict}), in input order. */
  readonly unknownFeatures: readonly string[];
}

/** A bundle prepared for scoring. Not re-entrant across threads (it reuses one scratch row); JS callers are safe. */
export interface CompiledBundle {
  readonly bundleId: string;
  /** How probabilities are produced (see {@link scoringPath}). */
  readonly path: ScoringPath;
  /** Keys `predict` accepts: numeric feature names, then categorical columns. */
  readonly inputFeatures: readonly string[];
  /** Columns of the encoded row `predictRow` takes: numeric names, then `column=value` indicators. */
  readonly featureNames: readonly string[];
  /**
   * Scores one job given by feature name. Numeric features must be finite numbers; a categorical
   * value must be a string (an unseen or empty one encodes as all zeros). A feature the job does
   * not give is UNKNOWN, never an error: a numeric one takes its training mean (standardised 0, so
   * it moves the score neither way) and a categorical one no category (as an unseen value); the
   * result lists them, so an answer can say what it did not know.
   * @throws InvalidInputError naming an unknown or mistyped feature.
   */
  predict(job: Readonly<Record<string, number | string>>): JobPrediction;
  /** Raw linear score of an encoded row (length `featureNames.length`). Allocates nothing. */
  rawScoreRow(features: ArrayLike<number>): number;
  /**
   * Calibrated probability of an encoded row. Allocates nothing.
   * @throws InvalidInputError on a wrong row length or a non-finite value.
   */
  predictRow(features: ArrayLike<number>): number;
  /**
   * Calibrated probabilities of `out.length` encoded rows stored row-major in `matrix`. Allocates nothing.
   * @throws InvalidInputError when `matrix.length ≠ out.length × featureNames.length` or a value is not finite.
   */
  predictMany(matrix: Float64Array, out: Float64Array): Float64Array;
  /** The wait estimate for a calibrated probability (a shared, frozen object), or null without a wait model. */
  waitFor(probability: number): WaitEstimate | null;
}

function describePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** Throws the bundle's one-line error; the message already names the bad path. */
type Fail = (message: string) => never;

function requireLength(fail: Fail, path: string, actual: number, expected: number): void {
  if (actual !== expected) fail(`${path} has ${actual} values; the features need ${expected}`);
}

function requireIncreasing(fail: Fail, path: string, values: readonly number[], strictly: boolean): void {
  for (let index = 1; index < values.length; index += 1) {
    const previous = values[index - 1] as number;
    const current = values[index] as number;
    if (strictly ? current <= previous : current < previous) {
      fail(`${path}[${index}] = ${current} is not ${strictly ? 'above' : 'at least'} ${previous}`);
    }
  }
}

function checkCalibrator(fail: Fail, path: string, calibrator: Calibrator): void {
  if (calibrator.kind !== 'isotonic') return;
  if (calibrator.values.length !== calibrator.thresholds.length) {
    fail(`${path}.values has ${calibrator.values.length} values for ${calibrator.thresholds.length} thresholds`);
  }
  requireIncreasing(fail, `${path}.thresholds`, calibrator.thresholds, true);
  requireIncreasing(fail, `${path}.values`, calibrator.values, false);
}

/** Checks what the schema cannot express: consistent lengths, ordered breakpoints, allowed features. */
function checkConsistency(bundle: ModelBundle, fail: Fail): void {
  try {
    resolveFeatures([...bundle.numericFeatures, ...bundle.categoricalFeatures.map((encoding) => encoding.column)]);
  } catch (error) {
    // resolveFeatures throws InvalidInputError only; its message names the feature.
    fail(`features: ${(error as Error).message}`);
  }
  bundle.categoricalFeatures.forEach((encoding, position) => {
    const unique = new Set(encoding.categories);
    if (unique.size !== encoding.categories.length || unique.has('')) {
      fail(`categoricalFeatures[${position}].categories must be distinct and non-empty`);
    }
  });
  const width = encodedWidth(bundle.numericFeatures.length, bundle.categoricalFeatures);
  requireLength(fail, 'scaler.means', bundle.scaler.means.length, width);
  requireLength(fail, 'scaler.scales', bundle.scaler.scales.length, width);
  requireLength(fail, 'classifier.weights', bundle.classifier.weights.length, width);
  checkCalibrator(fail, 'calibrator', bundle.calibrator);
  bundle.ensemble?.members.forEach((member, index) => {
    requireLength(fail, `ensemble.members[${index}].weights`, member.weights.length, width);
    checkCalibrator(fail, `ensemble.members[${index}].calibrator`, member.calibrator);
  });
  const waitModel = bundle.waitModel;
  if (waitModel !== null) {
    if (waitModel.bins.length !== waitModel.binUpperEdges.length + 1) {
      fail(`waitModel.bins has ${waitModel.bins.length} bins for ${waitModel.binUpperEdges.length} edges`);
    }
    requireIncreasing(fail, 'waitModel.binUpperEdges', waitModel.binUpperEdges, true);
    waitModel.bins.forEach((bin, index) => {
      if (!(bin.lowerSeconds <= bin.medianSeconds && bin.medianSeconds <= bin.upperSeconds)) {
        fail(`waitModel.bins[${index}] must have lowerSeconds ≤ medianSeconds ≤ upperSeconds`);
      }
    });
  }
}

/**
 * Validates a parsed JSON value as a model bundle: the zod schema, then consistency (feature
 * count matches scaler and weights, isotonic breakpoints ordered, one wait bin per edge + 1,
 * only allowed submit-time features). `source` (a file name) prefixes messages.
 *
 * @throws InvalidBundleError naming the first bad path, e.g. `bundle.json: invalid bundle at calibrator.values[3]: …`.
 */
export function parseBundle(json: unknown, source?: string): ModelBundle {
  const prefix = source === undefined ? 'invalid bundle' : `${source}: invalid bundle`;
  const parsed = ModelBundleSchema.safeParse(json);
  if (!parsed.success) {
    // zod reports at least one issue on failure.
    const issue = parsed.error.issues[0] as (typeof parsed.error.issues)[number];
    throw new InvalidBundleError(`${prefix} at ${describePath(issue.path)}: ${issue.message}`);
  }
  checkConsistency(parsed.data, (message) => {
    throw new InvalidBundleError(`${prefix}: ${message}`);
  });
  return parsed.data;
}

function compileWait(waitModel: WaitModel | null): (probability: number) => WaitEstimate | null {
  if (waitModel === null) return () => null;
  const edges = Float64Array.from(waitModel.binUpperEdges);
  const estimates = waitModel.bins.map((bin) =>
    Object.freeze({
      pointSeconds: bin.medianSeconds,
      lowerSeconds: bin.lowerSeconds,
      upperSeconds: bin.upperSeconds,
      coverage: waitModel.coverage,
    }),
  );
  return (probability) => estimates[waitBinIndex(edges, probability)] as WaitEstimate;
}

/** Which path turns a row into a probability. */
export const ScoringPath = {
  /** calibrator(raw score). */
  single: 'single',
  /** Mean of the ensemble members' calibrated probabilities. */
  ensemble: 'ensemble',
} as const;
export type ScoringPath = (typeof ScoringPath)[keyof typeof ScoringPath];

/**
 * The scoring path of a bundle: its ensemble when it has one whose fingerprint still matches its
 * calibrator; otherwise (no ensemble, or a calibrator replaced by a recalibration) the single one.
 */
export function scoringPath(bundle: ModelBundle): ScoringPath {
  const ensemble = bundle.ensemble;
  return ensemble !== null &&
    ensemble !== undefined &&
    ensemble.calibratorFingerprint === calibratorFingerprint(bundle.calibrator)
    ? ScoringPath.ensemble
    : ScoringPath.single;
}

/**
 * Prepares a validated bundle for scoring. Everything is precomputed once: typed arrays of
 * means, scales and weights, lookup maps for feature names and categories, frozen wait
 * estimates per bin. The raw score is computed exactly as in training (standardise, then
 * intercept + Σ weightⱼ·zⱼ in feature order), so it is bit-identical to the trainer's. The
 * probability follows {@link scoringPath}.
 * O(features + categories + wait bins) to compile; per prediction O(members × (features +
 * log breakpoints)), members = 1 on the single path.
 */
export function compileBundle(bundle: ModelBundle): CompiledBundle {
  const numericNames = bundle.numericFeatures;
  const numericCount = numericNames.length;
  const encodings = bundle.categoricalFeatures;
  const width = encodedWidth(numericCount, encodings);
  const featureNames = Object.freeze(encodedFeatureNames(numericNames, encodings));
  const inputFeatures = Object.freeze([...numericNames, ...encodings.map((encoding) => encoding.column)]);
  const knownInputs = new Set(inputFeatures);
  const categoryLookups = encodings.map(
    (encoding) => new Map(encoding.categories.map((category, index) => [category, index])),
  );
  const categoryOffsets = Int32Array.from(encodings, (_, position) =>
    encodings.slice(0, position).reduce((offset, encoding) => offset + encoding.categories.length, numericCount),
  );
  const means = Float64Array.from(bundle.scaler.means);
  const scales = Float64Array.from(bundle.scaler.scales);
  const weights = Float64Array.from(bundle.classifier.weights);
  const intercept = bundle.classifier.intercept;
  const calibrator = bundle.calibrator;
  const path = scoringPath(bundle);
  const members = path === ScoringPath.ensemble ? (bundle.ensemble as CalibrationEnsemble).members : [];
  const memberCount = members.length;
  const memberWeights = new Float64Array(memberCount * width);
  members.forEach((member, index) => memberWeights.set(member.weights, index * width));
  const memberIntercepts = Float64Array.from(members, (member) => member.intercept);
  const memberCalibrators = members.map((member) => member.calibrator);
  const waitFor = compileWait(bundle.waitModel);
  const scratch = new Float64Array(width);
  const standardized = new Float64Array(width);
  const expected = inputFeatures.join(', ');

  /** Standardises row `offset` of `features` into `standardized` and returns the main classifier's raw score. */
  const scoreAt = (features: ArrayLike<number>, offset: number): number => {
    let score = intercept;
    for (let column = 0; column < width; column += 1) {
      const z = ((features[offset + column] as number) - (means[column] as number)) / (scales[column] as number);
      standardized[column] = z;
      score += (weights[column] as number) * z;
    }
    if (!Number.isFinite(score)) throw new InvalidInputError('features contain a value that is not a finite number');
    return score;
  };
  /** The probability of the row last passed to `scoreAt`. */
  const probabilityOf = (rawScore: number): number => {
    if (memberCount === 0) return applyCalibrator(calibrator, rawScore);
    let sum = 0;
    for (let member = 0; member < memberCount; member += 1) {
      let score = memberIntercepts[member] as number;
      const offset = member * width;
      for (let column = 0; column < width; column += 1)
        score += (memberWeights[offset + column] as number) * (standardized[column] as number);
      sum += applyCalibrator(memberCalibrators[member] as Calibrator, score);
    }
    return sum / memberCount;
  };
  const requireWidth = (features: ArrayLike<number>): void => {
    if (features.length !== width)
      throw new InvalidInputError(`row has ${features.length} values; the bundle expects ${width}`);
  };

  /** Encodes `job` into `scratch`; returns the input features it did not give. */
  const encodeJob = (job: Readonly<Record<string, number | string>>): string[] => {
    for (const key in job) {
      if (!knownInputs.has(key)) throw new InvalidInputError(`unknown feature '${key}'; expected one of ${expected}`);
    }
    const unknown: string[] = [];
    for (let column = 0; column < numericCount; column += 1) {
      const name = numericNames[column] as string;
      const value = job[name];
      if (value === undefined) {
        unknown.push(name);
        scratch[column] = means[column] as number;
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InvalidInputError(`feature '${name}' must be a finite number, got ${String(JSON.stringify(value))}`);
      }
      scratch[column] = value;
    }
    scratch.fill(0, numericCount);
    for (let position = 0; position < encodings.length; position += 1) {
      const column = (encodings[position] as (typeof encodings)[number]).column;
      const value = job[column];
      if (value === undefined) {
        unknown.push(column);
        continue;
      }
      if (typeof value !== 'string')
        throw new InvalidInputError(`feature '${column}' must be a string, got ${JSON.stringify(value)}`);
      const category = categoryLookups[position]?.get(value);
      if (category !== undefined) scratch[(categoryOffsets[position] as number) + category] = 1;
    }
    return unknown;
  };

  return {
    bundleId: bundle.bundleId,
    path,
    inputFeatures,
    featureNames,
    predict(job) {
      const unknownFeatures = encodeJob(job);
      const rawScore = scoreAt(scratch, 0);
      const probability = probabilityOf(rawScore);
      return { rawScore, probability, wait: waitFor(probability), unknownFeatures };
    },
    rawScoreRow(features) {
      requireWidth(features);
      return scoreAt(features, 0);
    },
    predictRow(features) {
      requireWidth(features);
      return probabilityOf(scoreAt(features, 0));
    },
    predictMany(matrix, out) {
      if (matrix.length !== out.length * width) {
        throw new InvalidInputError(
          `matrix has ${matrix.length} values; ${out.length} rows need ${out.length * width}`,
        );
      }
      for (let row = 0; row < out.length; row += 1) out[row] = probabilityOf(scoreAt(matrix, row * width));
      return out;
    },
    waitFor,
  };
}
