import type { Random } from '../random.ts';
import { aurocFromGroups } from './auroc.ts';
import { averagePrecisionFromGroups } from './auprc.ts';
import { BOOTSTRAP_LEVEL, bootstrapIntervals } from './bootstrap.ts';
import { brierDecompositionFromGroups, brierScoreFromGroups, type BrierDecomposition } from './brier.ts';
import { Binning, calibrationErrorFromGroups, type ReliabilityBin } from './calibration-error.ts';
import { groupByScore, groupIndexOfRows, type ScoreGroups } from './score-groups.ts';

export interface EvaluateProbabilitiesOptions {
  /** Drives the bootstrap; seed it for a reproducible report. */
  readonly random: Random;
  /** Bootstrap resamples, an integer ≥ 1. Default `BOOTSTRAP_RESAMPLES`. */
  readonly resamples?: number;
  /** Bins for ECE, MCE, the Brier decomposition and the reliability curve. Default `ECE_BINS`. */
  readonly bins?: number;
  /** Confidence level of the intervals, in (0, 1). Default `BOOTSTRAP_LEVEL`. */
  readonly level?: number;
}

/** Everything `vgac eval` prints about a set of probability forecasts and their outcomes. */
export interface ProbabilityReport {
  /** Rows evaluated. */
  readonly count: number;
  /** Rows with label 1. */
  readonly positives: number;
  readonly auroc: number;
  /** Average precision (sklearn's definition). */
  readonly auprc: number;
  /** ECE over equal-mass bins (SPEC's headline number). */
  readonly ece: number;
  /** ECE over equal-width bins, reported alongside. */
  readonly eceEqualWidth: number;
  /** MCE over the equal-mass bins. */
  readonly mce: number;
  readonly brier: number;
  /** Murphy decomposition over the equal-mass bins. */
  readonly brierDecomposition: BrierDecomposition;
  /** The equal-mass bins (non-empty only), ascending. */
  readonly reliabilityCurve: ReliabilityBin[];
  /** Percentile bootstrap intervals [lower, upper], all three from the same resamples. */
  readonly ci: {
    readonly auroc: [number, number];
    readonly ece: [number, number];
    readonly brier: [number, number];
    /** Confidence level of the intervals. */
    readonly level: number;
    /** Resamples with both classes present (others are skipped: AUROC is undefined there). */
    readonly resamplesUsed: number;
  };
}

/**
 * Discrimination and calibration report of probability forecasts of a binary outcome: AUROC,
 * average precision, ECE (equal-mass and equal-width), MCE, Brier with its decomposition, the
 * reliability curve, and bootstrap intervals for AUROC, ECE and Brier.
 *
 * The sample is sorted once; each bootstrap resample only re-weights the sorted distinct
 * probabilities by how often each row was drawn, so a resample costs O(n + distinct values + bins)
 * instead of a fresh sort. Resamples with one class only are skipped (see `ci.resamplesUsed`).
 *
 * @param probabilities forecasts in [0, 1]
 * @param labels 0 or 1, same length
 * @throws InvalidInputError on bad input or options
 * @throws InsufficientDataError when the sample holds one class only (AUROC is undefined)
 *
 * Complexity: O(n log n + resamples · n).
 */
export function evaluateProbabilities(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: EvaluateProbabilitiesOptions,
): ProbabilityReport {
  const groups = groupByScore(probabilities, labels);
  const equalMass = { bins: options.bins, binning: Binning.equalMass };
  const auroc = aurocFromGroups(groups);
  const calibration = calibrationErrorFromGroups(groups, equalMass);
  const decomposition = brierDecompositionFromGroups(groups, equalMass);

  const groupOfRow = groupIndexOfRows(groups, probabilities);
  const resampleCounts = new Float64Array(groups.probabilities.length);
  const resamplePositives = new Float64Array(groups.probabilities.length);
  const intervals = bootstrapIntervals(
    groups.total,
    (indices) => {
      resampleCounts.fill(0);
      resamplePositives.fill(0);
      let totalPositives = 0;
      for (let draw = 0; draw < indices.length; draw += 1) {
        const row = indices[draw] as number;
        const group = groupOfRow[row] as number;
        const label = labels[row] as number;
        resampleCounts[group] = (resampleCounts[group] as number) + 1;
        resamplePositives[group] = (resamplePositives[group] as number) + label;
        totalPositives += label;
      }
      const resampled: ScoreGroups = {
        probabilities: groups.probabilities,
        counts: resampleCounts,
        positives: resamplePositives,
        total: indices.length,
        totalPositives,
      };
      return [
        aurocFromGroups(resampled),
        calibrationErrorFromGroups(resampled, equalMass).ece,
        brierScoreFromGroups(resampled),
      ];
    },
    { random: options.random, resamples: options.resamples, level: options.level },
  );
  const [aurocInterval, eceInterval, brierInterval] = intervals as [
    (typeof intervals)[number],
    (typeof intervals)[number],
    (typeof intervals)[number],
  ];

  return {
    count: groups.total,
    positives: groups.totalPositives,
    auroc,
    auprc: averagePrecisionFromGroups(groups),
    ece: calibration.ece,
    eceEqualWidth: calibrationErrorFromGroups(groups, { bins: options.bins, binning: Binning.equalWidth }).ece,
    mce: calibration.mce,
    brier: decomposition.brier,
    brierDecomposition: decomposition,
    reliabilityCurve: calibration.bins,
    ci: {
      auroc: [aurocInterval.lower, aurocInterval.upper],
      ece: [eceInterval.lower, eceInterval.upper],
      brier: [brierInterval.lower, brierInterval.upper],
      level: options.level ?? BOOTSTRAP_LEVEL,
      resamplesUsed: aurocInterval.resamplesUsed,
    },
  };
}
