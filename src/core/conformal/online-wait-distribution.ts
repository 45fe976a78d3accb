/**
 * The predictive wait distribution a cluster's predictions carry, learned online from its own
 * outcomes and calibrated per third of queue depth at submit:
 *
 * 1. Base: the empirical quantiles (type 7) at {@link WAIT_QUANTILE_LEVELS} of the recent waits
 *    in the job's P(long wait) bin (the bins and windows of online-wait-interval.ts: the classifier's
 *    view of the submit-time queue state decides which past jobs resemble this one).
 * 2. Conditional calibration: the job's queue-depth tercile is its depth's rank among the depths
 *    of the last `depthWindow` observed outcomes ({@link tercileAmong}); each (tercile,
 *    level) pair has an offset θ in log(1 + wait) added to the base quantile, and after each
 *    outcome θ ← θ + η·(1{wait > issued quantile} − (1 − level)): the quantile tracker, the P term
 *    of conformal PID control (Angelopoulos, Barber & Bates, "Conformal PID control for time series
 *    prediction", NeurIPS 2023, https://arxiv.org/abs/2307.16895). It makes the long-run share of
 *    waits above each issued quantile 1 − level within each tercile, whatever the sequence of
 *    waits, as long as θ stays bounded. A quantile already issued at a zero wait takes no
 *    downward step (waits cannot be negative: a point mass at zero would otherwise wind θ down for
 *    ever), and θ is clamped to ±`maxOffset`.
 * 3. Crossing quantiles are sorted (monotone rearrangement; Chernozhukov, Fernández-Val & Galichon
 *    2010, https://doi.org/10.3982/ECTA7880), then the distribution is re-weighted so that
 *    P(wait > long-wait threshold) equals the issued, calibrated P(long wait)
 *    ({@link withProbabilityAbove}): one coherent answer, the gate's probability unchanged.
 *
 * Offsets and depths enter the state rounded to single precision (Math.fround), like every other
 * window of {@link OnlineWaitState}. Pure: state in, new state out.
 */
import { InvalidInputError } from '../errors.ts';
import { quantileOfSorted, quantileType7 } from '../metrics/quantile-of-sorted.ts';
import { binOf, kthSmallest, recentWaits, type OnlineWaitOptions, type OnlineWaitState } from './online-wait-interval.ts';
import { cdfAt, checkWaitQuantiles, WAIT_QUANTILE_LEVELS, withProbabilityAbove } from './wait-distribution.ts';

/** Queue-depth groups the distribution is calibrated in. */
export const QUEUE_TERCILES = 3;

export interface WaitDistributionOptions {
  /** Most recent observed outcomes' queue depths the tercile cut points are read from, an integer ≥ 1. */
  readonly depthWindow: number;
  /** Quantile-tracker step η in log(1 + wait) units, finite and > 0. */
  readonly learningRate: number;
  /** Bound on |θ| in log(1 + wait) units, finite and > 0. */
  readonly maxOffset: number;
}

/** The replay-measured settings (KTH and Alibaba traces). */
export const DEFAULT_WAIT_DISTRIBUTION_OPTIONS: WaitDistributionOptions = Object.freeze({ depthWindow: 1000, learningRate: 0.05, maxOffset: 8 });

/**
 * @throws InvalidInputError for an option out of range
 */
export function checkWaitDistributionOptions(options: WaitDistributionOptions): void {
  if (!(Number.isInteger(options.depthWindow) && options.depthWindow >= 1)) throw new InvalidInputError(`depthWindow must be an integer ≥ 1, got ${options.depthWindow}`);
  for (const name of ['learningRate', 'maxOffset'] as const) {
    if (!(Number.isFinite(options[name]) && options[name] > 0)) throw new InvalidInputError(`${name} must be a finite number > 0, got ${options[name]}`);
  }
}

/**
 * The cut points (type-7 quantiles at 1/3 and 2/3) of queue depths, null for none. Expected
 * O(n) (quickselect, no sort).
 */
export function tercileCuts(depths: readonly number[]): readonly [number, number] | null {
  if (depths.length === 0) return null;
  const orderStatistic = (index: number): number => kthSmallest(depths, index + 1);
  return [quantileType7(depths.length, 1 / 3, orderStatistic), quantileType7(depths.length, 2 / 3, orderStatistic)];
}

/**
 * The tercile (0, 1, 2) of a depth among recent depths, by the share of them strictly below it:
 * under 1/3 → 0, under 2/3 → 1, else 2 (0 for none). Ties go to the lower tercile, as
 * {@link queueTercile} puts a depth equal to a cut below it. O(n), no allocation.
 */
export function tercileAmong(depth: number, depths: readonly number[]): number {
  let below = 0;
  for (const value of depths) if (value < depth) below += 1;
  const share = depths.length === 0 ? 0 : below / depths.length;
  return share < 1 / 3 ? 0 : share < 2 / 3 ? 1 : 2;
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
  /** The issued (calibrated) P(long wait), in [0, 1]. */
  readonly probability: number;
  /** Pending GPUs (or processors) ahead at submit, finite and ≥ 0. */
  readonly queueDepth: number;
  /** The cluster's long-wait threshold; null: the distribution is not re-weighted. */
  readonly longWaitThresholdSeconds: number | null;
}

export interface IssuedWaitDistribution {
  /** The job's P(long wait) bin (kept with the prediction, as online-wait-interval.ts's). */
  readonly bin: number;
  readonly tercile: number;
  /** The depth as it will enter the state (single precision). */
  readonly queueDepth: number;
  /** Quantiles (seconds) at {@link WAIT_QUANTILE_LEVELS}; null while fewer than `minBinWaits` waits are known. */
  readonly quantilesSeconds: readonly number[] | null;
  /** P(wait > threshold) before the re-weighting (null without quantiles or threshold): how far the two models disagreed. */
  readonly ownProbabilityAbove: number | null;
}

function offsetOf(state: OnlineWaitState, tercile: number, level: number): number {
  return state.quantileOffsets[tercile * WAIT_QUANTILE_LEVELS.length + level] ?? 0;
}

/**
 * The distribution to issue now (see the file comment).
 *
 * @throws InvalidInputError for a probability outside [0, 1], a depth that is not a finite
 *   number ≥ 0 or a threshold that is neither null nor a finite number ≥ 0
 *
 * Complexity: O(probabilityWindow + outcomeWindow + depthWindow) expected, plus sorting at most
 * `binWaitWindow` waits.
 */
export function issueWaitDistribution(state: OnlineWaitState, request: WaitDistributionRequest, waitOptions: OnlineWaitOptions): IssuedWaitDistribution {
  const { probability, queueDepth, longWaitThresholdSeconds: threshold } = request;
  if (!(probability >= 0 && probability <= 1)) throw new InvalidInputError(`probability must be in [0, 1], got ${probability}`);
  if (!(Number.isFinite(queueDepth) && queueDepth >= 0)) throw new InvalidInputError(`queueDepth must be a finite number ≥ 0, got ${queueDepth}`);
  if (threshold !== null && !(Number.isFinite(threshold) && threshold >= 0)) throw new InvalidInputError(`longWaitThresholdSeconds must be null or a finite number ≥ 0, got ${threshold}`);
  const bin = binOf(state, probability, waitOptions);
  const depth = Math.fround(queueDepth);
  const tercile = tercileAmong(depth, state.queueDepths);
  const known = state.waitsSeconds.length;
  if (known === 0 || known < waitOptions.minBinWaits) return { bin, tercile, queueDepth: depth, quantilesSeconds: null, ownProbabilityAbove: null };
  const own = recentWaits(state, bin, waitOptions);
  const waits = own.length >= waitOptions.minBinWaits ? own : recentWaits(state, null, waitOptions);
  const shifted = WAIT_QUANTILE_LEVELS.map((level, index) => Math.expm1(Math.max(0, Math.log1p(quantileOfSorted(waits, level)) + offsetOf(state, tercile, index))));
  shifted.sort((left, right) => left - right);
  if (threshold === null) return { bin, tercile, queueDepth: depth, quantilesSeconds: shifted, ownProbabilityAbove: null };
  const ownProbabilityAbove = 1 - cdfAt(shifted, threshold);
  return { bin, tercile, queueDepth: depth, quantilesSeconds: withProbabilityAbove(shifted, threshold, probability), ownProbabilityAbove };
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
 * issued a distribution, each offset of its tercile takes one quantile-tracker step. The input
 * state is not modified.
 *
 * @throws InvalidInputError for a tercile out of range, a negative or non-finite depth or wait, or malformed quantiles
 */
export function observeWaitDistribution(state: OnlineWaitState, observed: ObservedWaitDistribution, options: WaitDistributionOptions = DEFAULT_WAIT_DISTRIBUTION_OPTIONS): OnlineWaitState {
  const { tercile, queueDepth, waitSeconds, quantilesSeconds } = observed;
  if (!(Number.isInteger(tercile) && tercile >= 0 && tercile < QUEUE_TERCILES)) throw new InvalidInputError(`tercile must be 0, 1 or 2, got ${tercile}`);
  if (!(Number.isFinite(queueDepth) && queueDepth >= 0)) throw new InvalidInputError(`queueDepth must be a finite number ≥ 0, got ${queueDepth}`);
  if (!(Number.isFinite(waitSeconds) && waitSeconds >= 0)) throw new InvalidInputError(`waitSeconds must be a finite number ≥ 0, got ${waitSeconds}`);
  const start = Math.max(0, state.queueDepths.length + 1 - options.depthWindow);
  const queueDepths = [...state.queueDepths.slice(start), Math.fround(queueDepth)];
  if (quantilesSeconds === null) return { ...state, queueDepths };
  checkWaitQuantiles(quantilesSeconds);
  const levels = WAIT_QUANTILE_LEVELS.length;
  const quantileOffsets = Array.from({ length: QUEUE_TERCILES * levels }, (_, index) => state.quantileOffsets[index] ?? 0);
  for (const [index, level] of WAIT_QUANTILE_LEVELS.entries()) {
    const issued = quantilesSeconds[index] as number;
    const above = waitSeconds > issued;
    if (!above && issued <= 0) continue;
    const slot = tercile * levels + index;
    const next = (quantileOffsets[slot] as number) + options.learningRate * ((above ? 1 : 0) - (1 - level));
    quantileOffsets[slot] = Math.fround(Math.min(options.maxOffset, Math.max(-options.maxOffset, next)));
  }
  return { ...state, queueDepths, quantileOffsets };
}
