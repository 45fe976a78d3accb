/**
 * The predictive wait distribution a cluster's predictions carry, learned online from its own
 * outcomes and calibrated per third of queue depth at submit:
 *
 * 1. Base: a conditional model of the wait given the submit-time queue state — the waits of the
 *    job's nearest neighbours among the recent observed outcomes, in a metric learned by an online
 *    ridge regression of log(1 + wait) on the job's inputs (online-wait-interval.ts). A linear
 *    quantile regression in log(1 + wait) and a point regression with the empirical distribution
 *    of its residuals were measured too (docs/wait-distribution.md): on the KTH trace both lost to
 *    this base, which stays inside the waits actually observed (no extrapolated tails in seconds).
 * 2. Conditional calibration in level space: the job's queue-depth tercile comes from cut points
 *    learned on the depths of the last `depthWindow` observed outcomes ({@link tercileCuts}); each
 *    (tercile, level τ) pair keeps an adjusted level aτ, and the issued τ-quantile is the type-7
 *    quantile of the neighbours' waits at aτ (clamped to [0, 1]). After each outcome
 *    aτ ← aτ + γ·(1{wait > issued τ-quantile} − (1 − τ)): adaptive conformal inference per level
 *    (Gibbs & Candès, "Adaptive conformal inference under distribution shift", NeurIPS 2021,
 *    https://arxiv.org/abs/2106.00170), with the step γ of the former 80 % interval. Whatever the
 *    sequence of waits, the long-run share of waits above each issued quantile is 1 − τ within each
 *    tercile (while aτ stays inside [0, 1]). Quantiles are read from the waits themselves (not
 *    interpolated between 13 knots), which keeps the base's tails and its point mass at zero.
 *    Waits of zero are frequent (a free slot): a quantile issued at zero cannot go lower, so an
 *    outcome at zero takes no step for it (it would otherwise drive aτ down for ever).
 * 3. Crossing quantiles are sorted (monotone rearrangement; Chernozhukov, Fernández-Val & Galichon
 *    2010, https://doi.org/10.3982/ECTA7880).
 * 4. The share of the job's neighbours that waited longer than the long-wait threshold becomes the
 *    raw P(long wait) the cluster's online calibrator maps to the issued one (predict-job.ts), as
 *    the neighbour window fills: the answer and its distribution come from the same neighbours.
 *    Optionally (`agreeWithProbability`, {@link agreeingQuantiles}) the distribution is re-weighted
 *    so that they are equal; off by default: on the KTH and Alibaba replays it took coverage to
 *    77 % and 79 % (74 % in Alibaba's deepest queues) and within ×2 on KTH from 49 to 41 %.
 *
 * Levels and depths enter the state rounded to single precision (Math.fround), like every other
 * window of {@link OnlineWaitState}. Pure: state in, new state out.
 */
import { InvalidInputError } from '../errors.ts';
import { quantileOfSorted } from '../metrics/quantile-of-sorted.ts';
import { checkWaitInputs, nearestWaits, type OnlineWaitOptions, type OnlineWaitState } from './online-wait-interval.ts';
import { cdfAt, checkWaitQuantiles, WAIT_QUANTILE_LEVELS, withProbabilityAbove } from './wait-distribution.ts';

/** Queue-depth groups the distribution is calibrated in. */
export const QUEUE_TERCILES = 3;

export interface WaitDistributionOptions {
  /** Most recent observed outcomes' queue depths the tercile cut points are read from, an integer ≥ 1. */
  readonly depthWindow: number;
  /** ACI step γ on each adjusted level, in (0, 1]. */
  readonly learningRate: number;
  /** Re-weight the distribution so that P(wait > threshold) is the issued P(long wait). */
  readonly agreeWithProbability: boolean;
}

/** The replay-measured settings (KTH and Alibaba traces). */
export const DEFAULT_WAIT_DISTRIBUTION_OPTIONS: WaitDistributionOptions = Object.freeze({
  depthWindow: 1000,
  learningRate: 0.005,
  agreeWithProbability: false,
});

/**
 * @throws InvalidInputError for an option out of range
 */
export function checkWaitDistributionOptions(options: WaitDistributionOptions): void {
  if (!(Number.isInteger(options.depthWindow) && options.depthWindow >= 1))
    throw new InvalidInputError(`depthWindow must be an integer ≥ 1, got ${options.depthWindow}`);
  if (!(options.learningRate > 0 && options.learningRate <= 1))
    throw new InvalidInputError(`learningRate must be in (0, 1], got ${options.learningRate}`);
}

/**
 * The tercile cut points of queue depths, null for none: the first is the type-7 1/3 quantile;
 * the second the median (type 7) of the depths above the first (the first when none is). Without
 * ties these split the depths in three about equal groups; with a large atom (often most jobs find no GPU pending
 * ahead) the tied depths stay together in the first group and the rest is split in two halves,
 * instead of leaving a middle tercile empty. O(n log n).
 */
export function tercileCuts(depths: readonly number[]): readonly [number, number] | null {
  if (depths.length === 0) return null;
  const sorted = Float64Array.from(depths).sort();
  const first = quantileOfSorted(sorted, 1 / 3);
  let above = 0;
  while (above < sorted.length && (sorted[above] as number) <= first) above += 1;
  const rest = sorted.subarray(above);
  return [first, rest.length === 0 ? first : quantileOfSorted(rest, 0.5)];
}

/**
 * {@link tercileCuts} of a state's depth window, computed once per window: a state is never
 * modified (each outcome makes a new window array), and every prediction between two outcomes
 * reads the same one.
 */
const cutsOfWindow = new WeakMap<readonly number[], readonly [number, number] | null>();

function cutsOf(depths: readonly number[]): readonly [number, number] | null {
  let cuts = cutsOfWindow.get(depths);
  if (cuts === undefined) {
    cuts = tercileCuts(depths);
    cutsOfWindow.set(depths, cuts);
  }
  return cuts;
}

/** The tercile (0, 1, 2) of a depth: 0 up to the first cut, 1 up to the second, else 2; 0 without cuts. */
export function queueTercile(depth: number, cuts: readonly [number, number] | null): number {
  if (cuts === null || depth <= cuts[0]) return 0;
  return depth <= cuts[1] ? 1 : 2;
}

/**
 * The queue depth a job's tercile is judged on, from its submit-time features: the pending GPUs
 * ahead on a cluster that uses GPUs (some pending or in use), else the pending processors ahead;
 * 0 for a missing, non-numeric or negative value.
 */
export function queueDepthOf(features: Readonly<Record<string, number | string>>): number {
  const numeric = (name: string): number => {
    const value = features[name];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
  };
  const gpus = numeric('pendingGpusAhead');
  return gpus > 0 || numeric('gpusInUse') > 0 ? gpus : numeric('pendingProcessorsAhead');
}

export interface WaitDistributionRequest {
  /** The classifier's P(long wait) for the job, in [0, 1]. */
  readonly classifierProbability: number;
  /** The job's inputs (`waitInputs`): the neighbours are searched for with them. */
  readonly inputs: readonly number[];
  /** Pending GPUs (or processors) ahead at submit, finite and ≥ 0. */
  readonly queueDepth: number;
  /** The cluster's long-wait threshold; null: no P(wait > threshold) is read. */
  readonly longWaitThresholdSeconds: number | null;
}

export interface IssuedWaitDistribution {
  /** The job's inputs (kept with the prediction: they enter the neighbour window with its outcome). */
  readonly inputs: readonly number[];
  readonly tercile: number;
  /** The depth as it will enter the state (single precision). */
  readonly queueDepth: number;
  /** Quantiles (seconds) at {@link WAIT_QUANTILE_LEVELS}; null while fewer than `minWaits` waits are known. */
  readonly quantilesSeconds: readonly number[] | null;
  /** P(wait > threshold) read from the issued quantiles (null without quantiles or threshold). */
  readonly ownProbabilityAbove: number | null;
  /**
   * The share of the nearest neighbours' waits above the threshold, (k + ½)/(n + 1) (the posterior
   * mean under Jeffreys' Beta(½, ½) prior: 0 of 30 is not certainty); null without quantiles or
   * threshold. Read from the neighbours rather than from the quantiles: the per-tercile level
   * adjustments serve the intervals' coverage and keep moving, which a calibrator fitted over a
   * window cannot follow.
   */
  readonly neighbourProbabilityAbove: number | null;
  /**
   * The raw P(long wait) the cluster's online calibrator maps to the issued one: the classifier's
   * probability moved towards the neighbours' share in proportion to how full the neighbour window
   * is (all the way once it holds `neighbours` outcomes). The nearest 30 of a few dozen outcomes
   * are most of them — the cluster's base rate, not the job's neighbourhood — so a new cluster
   * keeps its prior's resolution, and the calibrator's input changes gradually, never in one jump.
   */
  readonly longWaitForecast: number;
}

/** The adjusted level of (tercile, level index): the nominal level until the first step. */
function adjustedLevel(state: OnlineWaitState, tercile: number, index: number): number {
  return state.quantileLevels[tercile * WAIT_QUANTILE_LEVELS.length + index] ?? (WAIT_QUANTILE_LEVELS[index] as number);
}

/**
 * The distribution to issue now (see the file comment).
 *
 * @throws InvalidInputError for a probability outside [0, 1], malformed inputs, a depth that is
 *   not a finite number ≥ 0 or a threshold that is neither null nor a finite number ≥ 0
 *
 * Complexity: O(neighbours·(WAIT_INPUTS + nearest) + depthWindow·log depthWindow).
 */
export function issueWaitDistribution(
  state: OnlineWaitState,
  request: WaitDistributionRequest,
  waitOptions: OnlineWaitOptions,
): IssuedWaitDistribution {
  const { classifierProbability, inputs, queueDepth, longWaitThresholdSeconds: threshold } = request;
  if (!(classifierProbability >= 0 && classifierProbability <= 1))
    throw new InvalidInputError(`classifierProbability must be in [0, 1], got ${classifierProbability}`);
  if (!(Number.isFinite(queueDepth) && queueDepth >= 0))
    throw new InvalidInputError(`queueDepth must be a finite number ≥ 0, got ${queueDepth}`);
  if (threshold !== null && !(Number.isFinite(threshold) && threshold >= 0))
    throw new InvalidInputError(`longWaitThresholdSeconds must be null or a finite number ≥ 0, got ${threshold}`);
  checkWaitInputs(inputs);
  const depth = Math.fround(queueDepth);
  const tercile = queueTercile(depth, cutsOf(state.queueDepths));
  const job = { inputs, tercile, queueDepth: depth };
  // Without a distribution or a threshold, nothing is read above it: the classifier answers.
  const noneAbove = {
    ownProbabilityAbove: null,
    neighbourProbabilityAbove: null,
    longWaitForecast: classifierProbability,
  };
  const known = state.waitsSeconds.length;
  if (known === 0 || known < waitOptions.minWaits) return { ...job, quantilesSeconds: null, ...noneAbove };
  const waits = nearestWaits(state, inputs, waitOptions);
  const quantiles = WAIT_QUANTILE_LEVELS.map((_, index) =>
    quantileOfSorted(waits, Math.min(1, Math.max(0, adjustedLevel(state, tercile, index)))),
  );
  quantiles.sort((left, right) => left - right);
  if (threshold === null) return { ...job, quantilesSeconds: quantiles, ...noneAbove };
  let above = 0;
  for (const wait of waits) if (wait > threshold) above += 1;
  const share = (above + 0.5) / (waits.length + 1);
  const weight = Math.min(1, known / waitOptions.neighbours);
  return {
    ...job,
    quantilesSeconds: quantiles,
    ownProbabilityAbove: 1 - cdfAt(quantiles, threshold),
    neighbourProbabilityAbove: share,
    longWaitForecast: classifierProbability + weight * (share - classifierProbability),
  };
}

/**
 * The quantiles to issue with the issued P(long wait) `probability`: re-weighted so that
 * P(wait > threshold) equals it when `agreeWithProbability` is set ({@link withProbabilityAbove}),
 * else as the distribution gave them.
 *
 * @throws InvalidInputError for a probability outside [0, 1]
 */
export function agreeingQuantiles(
  distribution: IssuedWaitDistribution,
  probability: number,
  longWaitThresholdSeconds: number | null,
  options: WaitDistributionOptions = DEFAULT_WAIT_DISTRIBUTION_OPTIONS,
): readonly number[] | null {
  const quantiles = distribution.quantilesSeconds;
  if (!options.agreeWithProbability || quantiles === null || longWaitThresholdSeconds === null) return quantiles;
  return withProbabilityAbove(quantiles, longWaitThresholdSeconds, probability);
}

/** One observed outcome of a job issued a distribution (or not: `quantilesSeconds` null). */
export interface ObservedWaitDistribution {
  readonly tercile: number;
  readonly queueDepth: number;
  readonly waitSeconds: number;
  readonly quantilesSeconds: readonly number[] | null;
}

/**
 * The state after one observed outcome: its depth enters the depth window; when the job was
 * issued a distribution, each adjusted level of its tercile takes one ACI step (none for a
 * quantile issued at zero when the wait is zero), kept in [0, 1]: beyond, the issued quantile no
 * longer moves, and a level kept there would only delay the way back. The input state is not
 * modified.
 *
 * @throws InvalidInputError for a tercile out of range, a negative or non-finite depth or wait, or malformed quantiles
 */
export function observeWaitDistribution(
  state: OnlineWaitState,
  observed: ObservedWaitDistribution,
  options: WaitDistributionOptions = DEFAULT_WAIT_DISTRIBUTION_OPTIONS,
): OnlineWaitState {
  const { tercile, queueDepth, waitSeconds, quantilesSeconds } = observed;
  if (!(Number.isInteger(tercile) && tercile >= 0 && tercile < QUEUE_TERCILES))
    throw new InvalidInputError(`tercile must be 0, 1 or 2, got ${tercile}`);
  if (!(Number.isFinite(queueDepth) && queueDepth >= 0))
    throw new InvalidInputError(`queueDepth must be a finite number ≥ 0, got ${queueDepth}`);
  if (!(Number.isFinite(waitSeconds) && waitSeconds >= 0))
    throw new InvalidInputError(`waitSeconds must be a finite number ≥ 0, got ${waitSeconds}`);
  const start = Math.max(0, state.queueDepths.length + 1 - options.depthWindow);
  const queueDepths = [...state.queueDepths.slice(start), Math.fround(queueDepth)];
  if (quantilesSeconds === null) return { ...state, queueDepths };
  checkWaitQuantiles(quantilesSeconds);
  const levels = WAIT_QUANTILE_LEVELS.length;
  const quantileLevels = Array.from({ length: QUEUE_TERCILES * levels }, (_, index) =>
    Math.fround(adjustedLevel(state, Math.floor(index / levels), index % levels)),
  );
  for (const [index, level] of WAIT_QUANTILE_LEVELS.entries()) {
    const issued = quantilesSeconds[index] as number;
    const above = waitSeconds > issued;
    if (!above && issued <= 0) continue;
    const slot = tercile * levels + index;
    const next = (quantileLevels[slot] as number) + options.learningRate * ((above ? 1 : 0) - (1 - level));
    quantileLevels[slot] = Math.fround(Math.min(1, Math.max(0, next)));
  }
  return { ...state, queueDepths, quantileLevels };
}
