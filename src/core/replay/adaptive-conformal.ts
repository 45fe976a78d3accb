/**
 * Online conformal adjustment of wait intervals, so that their coverage holds on a live cluster
 * whose waits drift: conformalized quantile regression (CQR; Romano, Patterson & Candès 2019,
 * https://arxiv.org/abs/1905.03222) on log(1 + wait), with the miss rate steered by adaptive
 * conformal inference (ACI; Gibbs & Candès 2021, https://arxiv.org/abs/2106.00170).
 *
 * A base interval [L, U] (the model's score-binned quantiles) is widened or narrowed by one shift q
 * in log space: [e^(log(1+L) − q) − 1, e^(log(1+U) + q) − 1]. The nonconformity score of an
 * observed wait y is s = max(log(1+L) − log(1+y), log(1+y) − log(1+U)) (y is covered iff s ≤ q).
 * q is the split-conformal quantile of the last `windowSize` scores at miss rate αₜ, and after each
 * outcome αₜ₊₁ = αₜ + γ·(α − missₜ), where missₜ says whether the interval actually issued for that
 * job missed. ACI guarantees that the long-run miss rate over any T outcomes is within
 * (max(α₁, 1 − α₁) + γ)/(γT) of α, whatever the sequence of waits.
 *
 * Outcomes may arrive late and out of order (a job's wait is known when it starts): the state only
 * ever holds outcomes already observed, so the interval for a job depends only on the past.
 */
import { InvalidInputError } from '../errors.ts';
import { addToWindow, conformalQuantile, createSortedWindow, windowSize, type SortedWindow } from './sorted-window.ts';

export interface AdaptiveConformalOptions {
  /** Target coverage in (0, 1); the target miss rate is α = 1 − coverage. */
  readonly coverage: number;
  /** ACI step γ > 0: how fast αₜ reacts to misses. */
  readonly learningRate: number;
  /** Most recent scores kept (integer ≥ 1). */
  readonly windowSize: number;
  /** Below this many scores the base interval is issued unchanged (integer ≥ 0). */
  readonly minScores: number;
}

export const DEFAULT_ADAPTIVE_CONFORMAL: AdaptiveConformalOptions = Object.freeze({
  coverage: 0.8,
  learningRate: 0.005,
  windowSize: 1000,
  minScores: 50,
});

export interface WaitInterval {
  readonly lowerSeconds: number;
  readonly upperSeconds: number;
}

export interface AdaptiveConformalState {
  readonly options: AdaptiveConformalOptions;
  /** The current αₜ (may leave [0, 1]: below 0 the widest score is used, above 1 the narrowest). */
  alpha: number;
  readonly scores: SortedWindow;
  /** Outcomes observed. */
  outcomes: number;
  /** Outcomes whose issued interval missed. */
  misses: number;
}

/**
 * A fresh state with α₁ = 1 − coverage.
 * @throws InvalidInputError for an option out of range.
 */
export function createAdaptiveConformal(
  options: AdaptiveConformalOptions = DEFAULT_ADAPTIVE_CONFORMAL,
): AdaptiveConformalState {
  if (!(options.coverage > 0 && options.coverage < 1))
    throw new InvalidInputError(`coverage must be in (0, 1), got ${options.coverage}`);
  if (!(options.learningRate > 0 && Number.isFinite(options.learningRate))) {
    throw new InvalidInputError(`learningRate must be a finite number > 0, got ${options.learningRate}`);
  }
  if (!(Number.isInteger(options.minScores) && options.minScores >= 0))
    throw new InvalidInputError(`minScores must be an integer ≥ 0, got ${options.minScores}`);
  return {
    options,
    alpha: 1 - options.coverage,
    scores: createSortedWindow(options.windowSize),
    outcomes: 0,
    misses: 0,
  };
}

function checkInterval(base: WaitInterval): void {
  if (!(
    Number.isFinite(base.lowerSeconds) &&
    Number.isFinite(base.upperSeconds) &&
    base.lowerSeconds >= 0 &&
    base.upperSeconds >= base.lowerSeconds
  )) {
    throw new InvalidInputError(`wait interval [${base.lowerSeconds}, ${base.upperSeconds}] is not 0 ≤ lower ≤ upper`);
  }
}

/** The shift q the next interval gets (0 while fewer than `minScores` scores are known). */
export function conformalShift(state: AdaptiveConformalState): number {
  if (windowSize(state.scores) < state.options.minScores) return 0;
  return conformalQuantile(state.scores, state.alpha) ?? 0;
}

/**
 * The interval to issue now for a job whose base interval is `base` (seconds). When q < 0 would
 * cross the bounds, both meet at the base interval's geometric centre in log(1 + wait).
 * @throws InvalidInputError unless 0 ≤ lower ≤ upper, both finite.
 */
export function adjustInterval(state: AdaptiveConformalState, base: WaitInterval): WaitInterval {
  checkInterval(base);
  return shiftWaitInterval(base, conformalShift(state));
}

/**
 * The base interval `base` (seconds, 0 ≤ lower ≤ upper) widened by `shift` in log(1 + wait) on
 * both sides (narrowed when shift < 0); when a negative shift would cross the bounds, both meet at
 * the base interval's geometric centre in log(1 + wait). Shift 0 returns the base unchanged.
 */
export function shiftWaitInterval(base: WaitInterval, shift: number): WaitInterval {
  if (shift === 0) return { lowerSeconds: base.lowerSeconds, upperSeconds: base.upperSeconds };
  const logLower = Math.log1p(base.lowerSeconds) - shift;
  const logUpper = Math.log1p(base.upperSeconds) + shift;
  if (logLower > logUpper) {
    const centre = Math.expm1((Math.log1p(base.lowerSeconds) + Math.log1p(base.upperSeconds)) / 2);
    return { lowerSeconds: centre, upperSeconds: centre };
  }
  return { lowerSeconds: Math.max(0, Math.expm1(logLower)), upperSeconds: Math.expm1(logUpper) };
}

/**
 * CQR nonconformity score of an observed wait against the base interval it was issued from:
 * s = max(log(1+L) − log(1+y), log(1+y) − log(1+U)); y lies in the shifted interval iff s ≤ shift.
 */
export function conformityScore(base: WaitInterval, waitSeconds: number): number {
  const logWait = Math.log1p(waitSeconds);
  return Math.max(Math.log1p(base.lowerSeconds) - logWait, logWait - Math.log1p(base.upperSeconds));
}

/** Whether `waitSeconds` fell outside the interval actually issued (bounds inclusive count as covered). */
export function missedInterval(issued: WaitInterval, waitSeconds: number): boolean {
  return waitSeconds < issued.lowerSeconds || waitSeconds > issued.upperSeconds;
}

/**
 * Learns from one observed wait: `base` is the job's base interval and `issued` the interval it
 * was actually given (by {@link adjustInterval} when it was predicted). Updates αₜ and the scores.
 * @throws InvalidInputError for a negative or non-finite wait or a malformed interval.
 */
export function observeConformalOutcome(
  state: AdaptiveConformalState,
  base: WaitInterval,
  issued: WaitInterval,
  waitSeconds: number,
): void {
  checkInterval(base);
  if (!(Number.isFinite(waitSeconds) && waitSeconds >= 0))
    throw new InvalidInputError(`waitSeconds must be a finite number ≥ 0, got ${waitSeconds}`);
  const missed = missedInterval(issued, waitSeconds);
  state.alpha = nextAlpha(state.alpha, missed, state.options);
  state.outcomes += 1;
  if (missed) state.misses += 1;
  addToWindow(state.scores, conformityScore(base, waitSeconds));
}

/** The ACI step αₜ₊₁ = αₜ + γ·(α − missₜ), with α = 1 − coverage and γ the learning rate. */
export function nextAlpha(
  alpha: number,
  missed: boolean,
  options: Pick<AdaptiveConformalOptions, 'coverage' | 'learningRate'>,
): number {
  return alpha + options.learningRate * (1 - options.coverage - (missed ? 1 : 0));
}
