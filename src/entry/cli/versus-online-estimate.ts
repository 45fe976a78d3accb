/**
 * The wait estimate `vgac versus-slurm` issues for a live cluster, learned online from that
 * cluster's own outcomes as they arrive — the same approach as the replay's
 * (src/core/replay/binned-wait-interval.ts + adaptive-conformal.ts), sized for a few dozen jobs:
 * jobs are binned by the rank of the learning loop's P(long wait) among recent predictions; the
 * point is the median of the bin's observed waits and the base interval its shortest 80 % range,
 * widened or narrowed by adaptive conformal inference (ACI). Before any outcome is known the prior
 * bundle's wait estimate is issued unchanged. Pure: state in, state out, no clock.
 */
import {
  adjustInterval,
  createAdaptiveConformal,
  observeConformalOutcome,
  type AdaptiveConformalOptions,
  type AdaptiveConformalState,
  type WaitInterval,
} from '../../core/replay/adaptive-conformal.ts';
import {
  assignProbabilityBin,
  binnedInterval,
  createBinnedWaitInterval,
  observeBinnedWait,
  type BinnedWaitIntervalOptions,
  type BinnedWaitIntervalState,
} from '../../core/replay/binned-wait-interval.ts';
import { windowSize } from '../../core/replay/sorted-window.ts';

export interface OnlineWaitEstimateOptions {
  readonly binned: BinnedWaitIntervalOptions;
  readonly conformal: AdaptiveConformalOptions;
}

/** Few bins and short windows: a live head-to-head sees tens of outcomes, not thousands. */
export const DEFAULT_ONLINE_WAIT_ESTIMATE: OnlineWaitEstimateOptions = Object.freeze({
  binned: Object.freeze({ coverage: 0.8, bins: 3, probabilityWindow: 200, waitWindow: 100, minBinWaits: 8 }),
  conformal: Object.freeze({ coverage: 0.8, learningRate: 0.05, windowSize: 200, minScores: 10 }),
});

export interface OnlineWaitEstimateState {
  readonly binned: BinnedWaitIntervalState;
  readonly conformal: AdaptiveConformalState;
}

/** What was issued for one job, kept until its outcome is observed. */
export interface IssuedWaitEstimate {
  readonly bin: number;
  readonly pointSeconds: number;
  /** Before the conformal shift; null while the prior's interval was used (nothing to learn from). */
  readonly base: WaitInterval | null;
  readonly issued: WaitInterval;
  /** `observed`: from this cluster's outcomes; `prior`: the prior bundle's estimate (no outcome yet). */
  readonly source: 'observed' | 'prior';
}

export function createOnlineWaitEstimate(
  options: OnlineWaitEstimateOptions = DEFAULT_ONLINE_WAIT_ESTIMATE,
): OnlineWaitEstimateState {
  return { binned: createBinnedWaitInterval(options.binned), conformal: createAdaptiveConformal(options.conformal) };
}

/** The median of ascending values (mean of the middle two for an even count); null when empty. */
export function sortedMedian(sorted: readonly number[]): number | null {
  const count = sorted.length;
  if (count === 0) return null;
  const middle = Math.floor(count / 2);
  return count % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The estimate for a job predicted now with learning-loop probability `probability` ∈ [0, 1];
 * `prior` is the prior bundle's wait estimate (seconds), used until an outcome is known.
 * Records the probability among the recent ones (it is known at prediction time).
 */
export function issueWaitEstimate(
  state: OnlineWaitEstimateState,
  probability: number,
  prior: { readonly pointSeconds: number; readonly lowerSeconds: number; readonly upperSeconds: number },
): IssuedWaitEstimate {
  const bin = assignProbabilityBin(state.binned, probability);
  const base = binnedInterval(state.binned, bin);
  if (base === null) {
    return {
      bin,
      pointSeconds: prior.pointSeconds,
      base: null,
      issued: { lowerSeconds: prior.lowerSeconds, upperSeconds: prior.upperSeconds },
      source: 'prior',
    };
  }
  const own = state.binned.waitsByBin[bin];
  const waits = own !== undefined && windowSize(own) >= state.binned.options.minBinWaits ? own : state.binned.all;
  return {
    bin,
    pointSeconds: sortedMedian(waits.sorted) ?? 0,
    base,
    issued: adjustInterval(state.conformal, base),
    source: 'observed',
  };
}

/** Learns from a job's observed wait (seconds ≥ 0), given what was issued for it. */
export function observeWait(state: OnlineWaitEstimateState, issued: IssuedWaitEstimate, waitSeconds: number): void {
  if (issued.base !== null) observeConformalOutcome(state.conformal, issued.base, issued.issued, waitSeconds);
  observeBinnedWait(state.binned, issued.bin, waitSeconds);
}
