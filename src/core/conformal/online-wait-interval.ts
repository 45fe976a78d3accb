/**
 * The wait interval a cluster's predictions carry in production, learned online from that
 * cluster's own outcomes, so that its coverage holds while the cluster's waits drift:
 *
 * 1. Base interval, conditioned on the model's P(long wait): at prediction, the job's bin is the
 *    rank of its probability among the probabilities of the last `probabilityWindow` observed
 *    outcomes (bin = ⌊bins · share strictly below p⌋, so bins follow whatever range the model
 *    used lately); the bin is kept with the prediction and comes back with the outcome. The base
 *    interval is the SHORTEST range holding ⌈coverage·m⌉ of the last m ≤ `binWaitWindow` waits
 *    observed in that bin (the last `binWaitWindow` waits of any bin when the bin has fewer than
 *    `minBinWaits`; the bundle's fixed interval while fewer than that are known at all).
 * 2. Conformal adjustment (CQR on log(1 + wait) with ACI; see core/replay/adaptive-conformal.ts,
 *    Romano et al. 2019 https://arxiv.org/abs/1905.03222, Gibbs & Candès 2021
 *    https://arxiv.org/abs/2106.00170): the base is widened or narrowed by the split-conformal
 *    quantile of the last `scoreWindow` nonconformity scores at miss rate αₜ, and αₜ moves by
 *    γ·(α − missₜ) after each outcome whose issued interval is known.
 *
 * The state is small and plain (three bounded number arrays and three scalars) so it can be
 * persisted per cluster and updated with a conditional write; every value entering a window is
 * rounded to single precision (Math.fround), so a store that packs the windows as float32 holds
 * them exactly and every store gives the same intervals. Pure: state in, new state out.
 */
import { InvalidInputError } from '../errors.ts';
import { conformityScore, missedInterval, nextAlpha, shiftWaitInterval, type WaitInterval } from '../replay/adaptive-conformal.ts';
import { shortestCoveringRange } from '../replay/binned-wait-interval.ts';

export interface OnlineWaitOptions {
  /** Nominal coverage of the issued interval, in (0, 1); the target miss rate is 1 − coverage. */
  readonly coverage: number;
  /** Equal-mass probability bins, an integer ≥ 1. */
  readonly bins: number;
  /** Most recent observed outcomes' probabilities the bins are ranked on, an integer ≥ 1. */
  readonly probabilityWindow: number;
  /** Most recent observed (bin, wait) pairs kept, an integer ≥ 1. */
  readonly outcomeWindow: number;
  /** Most recent waits of one bin its base interval is read from, an integer ≥ 1. */
  readonly binWaitWindow: number;
  /** A bin with fewer waits uses all of the window's waits; a window with fewer uses the bundle's interval. */
  readonly minBinWaits: number;
  /** ACI step γ > 0. */
  readonly learningRate: number;
  /** Most recent conformity scores kept, an integer ≥ 1. */
  readonly scoreWindow: number;
  /** Below this many scores the base interval is issued unshifted (integer ≥ 0). */
  readonly minScores: number;
}

/** The replay-tuned settings (KTH and Alibaba traces): 80 % intervals, 10 bins. */
export const DEFAULT_ONLINE_WAIT_OPTIONS: OnlineWaitOptions = Object.freeze({
  coverage: 0.8,
  bins: 10,
  probabilityWindow: 1000,
  outcomeWindow: 2000,
  binWaitWindow: 200,
  minBinWaits: 30,
  learningRate: 0.005,
  scoreWindow: 1000,
  minScores: 50,
});

/** A cluster's online wait-interval state. Arrays are oldest first. */
export interface OnlineWaitState {
  /** The current ACI miss rate αₜ (may leave [0, 1]). */
  readonly alpha: number;
  /** Outcomes scored against an issued interval. */
  readonly scoredOutcomes: number;
  /** Of those, outcomes outside the interval issued. */
  readonly misses: number;
  /** P(long wait) issued to each of the last `probabilityWindow` observed outcomes (single precision). */
  readonly probabilities: readonly number[];
  /** The bin each of the last `outcomeWindow` observed outcomes was issued in. */
  readonly bins: readonly number[];
  /** Their observed waits in seconds (single precision), aligned with `bins`. */
  readonly waitsSeconds: readonly number[];
  /** Conformity scores of the last scored outcomes (single precision). */
  readonly scores: readonly number[];
  /**
   * Queue depth at submit of the last observed outcomes (single precision): the wait
   * distribution's tercile cut points (see online-wait-distribution.ts).
   */
  readonly queueDepths: readonly number[];
  /**
   * The wait distribution's adjusted quantile levels (ACI), tercile-major (tercile ×
   * level), single precision; empty until the first outcome with a distribution is observed.
   */
  readonly quantileLevels: readonly number[];
}

/** An interval issued for one job: `base` is kept with the prediction to score its outcome later. */
export interface IssuedWait {
  /** The job's probability bin: keep it with the prediction and pass it back with the outcome. */
  readonly bin: number;
  /** Null when nothing is known yet (no observed wait, no fallback): no interval is issued. */
  readonly estimate: WaitEstimateIssued | null;
}

export interface WaitEstimateIssued {
  readonly base: WaitInterval;
  readonly pointSeconds: number;
  readonly lowerSeconds: number;
  readonly upperSeconds: number;
  readonly coverage: number;
}

/** What the bundle alone would say (its fixed, score-binned interval), or null when it has no wait model. */
export interface FallbackWait {
  readonly pointSeconds: number;
  readonly lowerSeconds: number;
  readonly upperSeconds: number;
}

/**
 * @throws InvalidInputError for an option out of range
 */
export function checkOnlineWaitOptions(options: OnlineWaitOptions): void {
  if (!(options.coverage > 0 && options.coverage < 1)) throw new InvalidInputError(`coverage must be in (0, 1), got ${options.coverage}`);
  if (!(options.learningRate > 0 && Number.isFinite(options.learningRate))) throw new InvalidInputError(`learningRate must be a finite number > 0, got ${options.learningRate}`);
  if (!(options.bins <= 255)) throw new InvalidInputError(`bins must be at most 255, got ${options.bins}`);
  for (const name of ['bins', 'probabilityWindow', 'outcomeWindow', 'binWaitWindow', 'scoreWindow'] as const) {
    if (!(Number.isInteger(options[name]) && options[name] >= 1)) throw new InvalidInputError(`${name} must be an integer ≥ 1, got ${options[name]}`);
  }
  for (const name of ['minBinWaits', 'minScores'] as const) {
    if (!(Number.isInteger(options[name]) && options[name] >= 0)) throw new InvalidInputError(`${name} must be an integer ≥ 0, got ${options[name]}`);
  }
}

/** A cluster's state before any outcome: α₁ = 1 − coverage, empty windows. */
export function initialOnlineWaitState(options: OnlineWaitOptions = DEFAULT_ONLINE_WAIT_OPTIONS): OnlineWaitState {
  checkOnlineWaitOptions(options);
  return { alpha: 1 - options.coverage, scoredOutcomes: 0, misses: 0, probabilities: [], bins: [], waitsSeconds: [], scores: [], queueDepths: [], quantileLevels: [] };
}

/** The bin of a probability: ⌊bins · (share of the window strictly below it)⌋; bin 0 on an empty window. O(n). */
export function binOf(state: OnlineWaitState, probability: number, options: OnlineWaitOptions): number {
  const count = state.probabilities.length;
  if (count === 0) return 0;
  let below = 0;
  for (let index = 0; index < count; index += 1) if ((state.probabilities[index] as number) < probability) below += 1;
  return Math.min(options.bins - 1, Math.floor((below / count) * options.bins));
}

/** Median (type 7) of ascending, non-empty values. */
function medianOfSorted(sorted: Float64Array): number {
  const position = (sorted.length - 1) / 2;
  const below = Math.floor(position);
  const lowValue = sorted[below] as number;
  return lowValue + (position - below) * ((sorted[Math.ceil(position)] as number) - lowValue);
}

/** The last `binWaitWindow` waits observed in `bin` (or in any bin when `bin` is null), ascending. O(outcomeWindow + m log m). */
export function recentWaits(state: OnlineWaitState, bin: number | null, options: OnlineWaitOptions): Float64Array {
  const waits: number[] = [];
  for (let index = state.waitsSeconds.length - 1; index >= 0 && waits.length < options.binWaitWindow; index -= 1) {
    if (bin === null || state.bins[index] === bin) waits.push(state.waitsSeconds[index] as number);
  }
  return Float64Array.from(waits).sort();
}

/**
 * The k-th smallest (1-based) of `values`, by quickselect on a copy (Hoare's FIND,
 * https://doi.org/10.1145/366622.366647): expected O(n), no full sort per prediction.
 */
export function kthSmallest(values: readonly number[], k: number): number {
  const work = Float64Array.from(values);
  const target = k - 1;
  let low = 0;
  let high = work.length - 1;
  while (low < high) {
    const pivot = work[(low + high) >>> 1] as number;
    let left = low;
    let right = high;
    while (left <= right) {
      while ((work[left] as number) < pivot) left += 1;
      while ((work[right] as number) > pivot) right -= 1;
      if (left <= right) {
        const held = work[left] as number;
        work[left] = work[right] as number;
        work[right] = held;
        left += 1;
        right -= 1;
      }
    }
    if (target <= right) high = right;
    else if (target >= left) low = left;
    else return work[target] as number;
  }
  return work[target] as number;
}

/** The split-conformal quantile of the scores at miss rate α (the ⌈(n+1)(1−α)⌉-th smallest, clamped to [1, n]); 0 below `minScores`. */
function conformalShiftOf(state: OnlineWaitState, options: OnlineWaitOptions): number {
  const count = state.scores.length;
  if (count === 0 || count < options.minScores) return 0;
  const rank = Math.ceil((count + 1) * (1 - state.alpha));
  return kthSmallest(state.scores, Math.min(Math.max(rank, 1), count));
}

/**
 * The wait estimate to issue now for a job scored `probability`: its bin, the base interval from
 * the bin's recent waits (or `fallback`, the bundle's own, while fewer than `minBinWaits` waits are
 * known), shifted by the conformal quantile; the point is the median of those waits (the
 * fallback's point), kept inside the interval. `estimate` is null when there is neither an
 * observed wait nor a fallback.
 *
 * @param probability P(long wait) in [0, 1]
 * @throws InvalidInputError for a probability outside [0, 1] or a malformed fallback
 *
 * Complexity: O(probabilityWindow + outcomeWindow + scoreWindow) expected, plus sorting at most
 * `binWaitWindow` waits.
 */
export function issueOnlineWait(state: OnlineWaitState, probability: number, fallback: FallbackWait | null, options: OnlineWaitOptions = DEFAULT_ONLINE_WAIT_OPTIONS): IssuedWait {
  if (!(probability >= 0 && probability <= 1)) throw new InvalidInputError(`probability must be in [0, 1], got ${probability}`);
  if (fallback !== null && !(fallback.lowerSeconds >= 0 && fallback.upperSeconds >= fallback.lowerSeconds && Number.isFinite(fallback.upperSeconds))) {
    throw new InvalidInputError(`fallback interval [${fallback.lowerSeconds}, ${fallback.upperSeconds}] is not 0 ≤ lower ≤ upper`);
  }
  const bin = binOf(state, probability, options);
  let chosen: { base: WaitInterval; pointSeconds: number } | null = null;
  if (state.waitsSeconds.length > 0 && state.waitsSeconds.length >= options.minBinWaits) {
    const own = recentWaits(state, bin, options);
    const waits = own.length >= options.minBinWaits ? own : recentWaits(state, null, options);
    chosen = { base: shortestCoveringRange(waits, options.coverage) as WaitInterval, pointSeconds: medianOfSorted(waits) };
  } else if (fallback !== null) {
    chosen = { base: { lowerSeconds: fallback.lowerSeconds, upperSeconds: fallback.upperSeconds }, pointSeconds: fallback.pointSeconds };
  }
  if (chosen === null) return { bin, estimate: null };
  const issued = shiftWaitInterval(chosen.base, conformalShiftOf(state, options));
  return {
    bin,
    estimate: {
      base: chosen.base,
      pointSeconds: Math.min(Math.max(chosen.pointSeconds, issued.lowerSeconds), issued.upperSeconds),
      lowerSeconds: issued.lowerSeconds,
      upperSeconds: issued.upperSeconds,
      coverage: options.coverage,
    },
  };
}

/** The last `capacity` values of `values` followed by `value`. */
function appended(values: readonly number[], value: number, capacity: number): number[] {
  const start = Math.max(0, values.length + 1 - capacity);
  const next = values.slice(start);
  next.push(value);
  return next;
}

/** One observed outcome: its bin and what the job was told (`base`/`issued`, null when it got no interval), and its wait. */
export interface ObservedWait {
  readonly probability: number;
  /** The bin {@link issueOnlineWait} gave the job, an integer in [0, bins). */
  readonly bin: number;
  readonly waitSeconds: number;
  readonly base: WaitInterval | null;
  readonly issued: WaitInterval | null;
}

/**
 * The state after one observed outcome: the (probability, wait) pair enters the outcome window;
 * when the job was issued an interval, its conformity score enters the score window and α takes
 * one ACI step on whether the issued interval missed. The input state is not modified.
 *
 * @throws InvalidInputError for a probability outside [0, 1], a negative or non-finite wait, or a bin out of range
 */
export function observeOnlineWait(state: OnlineWaitState, observed: ObservedWait, options: OnlineWaitOptions = DEFAULT_ONLINE_WAIT_OPTIONS): OnlineWaitState {
  if (!(observed.probability >= 0 && observed.probability <= 1)) throw new InvalidInputError(`probability must be in [0, 1], got ${observed.probability}`);
  if (!(Number.isFinite(observed.waitSeconds) && observed.waitSeconds >= 0)) throw new InvalidInputError(`waitSeconds must be a finite number ≥ 0, got ${observed.waitSeconds}`);
  if (!(Number.isInteger(observed.bin) && observed.bin >= 0 && observed.bin < options.bins)) throw new InvalidInputError(`bin must be an integer in [0, ${options.bins - 1}], got ${observed.bin}`);
  const windows = {
    probabilities: appended(state.probabilities, Math.fround(observed.probability), options.probabilityWindow),
    bins: appended(state.bins, observed.bin, options.outcomeWindow),
    waitsSeconds: appended(state.waitsSeconds, Math.fround(observed.waitSeconds), options.outcomeWindow),
  };
  if (observed.base === null || observed.issued === null) return { ...state, ...windows };
  const missed = missedInterval(observed.issued, observed.waitSeconds);
  return {
    ...state,
    ...windows,
    alpha: nextAlpha(state.alpha, missed, options),
    scoredOutcomes: state.scoredOutcomes + 1,
    misses: state.misses + (missed ? 1 : 0),
    scores: appended(state.scores, Math.fround(conformityScore(observed.base, observed.waitSeconds)), options.scoreWindow),
  };
}
