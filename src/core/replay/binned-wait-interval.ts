/**
 * An online wait interval conditioned on the model's P(long wait): jobs are put in equal-mass bins
 * of the probabilities issued recently (a job's bin is the rank of its probability among the last
 * `probabilityWindow` issued, so bins follow whatever range the cluster's model currently uses),
 * and each bin keeps the waits of its most recent `waitWindow` observed outcomes. The interval of a
 * bin is the SHORTEST range holding ⌈coverage·n⌉ of its n waits (on waits with a mass at zero this is
 * [0, q] rather than the equal-tailed [q₁₀, q₉₀]). Used as the base interval that adaptive conformal
 * inference then widens or narrows (adaptive-conformal.ts). Only observed outcomes are ever used.
 * Per query O(n) for the shortest range, per update O(log w + w) (sorted-window.ts).
 */
import { InvalidInputError } from '../errors.ts';
import type { WaitInterval } from './adaptive-conformal.ts';
import { addToWindow, createSortedWindow, windowSize, type SortedWindow } from './sorted-window.ts';

export interface BinnedWaitIntervalOptions {
  readonly coverage: number;
  readonly bins: number;
  readonly probabilityWindow: number;
  readonly waitWindow: number;
  /** A bin with fewer waits uses the waits of all bins. */
  readonly minBinWaits: number;
}

export const DEFAULT_BINNED_WAIT_INTERVAL: BinnedWaitIntervalOptions = Object.freeze({
  coverage: 0.8,
  bins: 10,
  probabilityWindow: 2000,
  waitWindow: 300,
  minBinWaits: 30,
});

export interface BinnedWaitIntervalState {
  readonly options: BinnedWaitIntervalOptions;
  readonly probabilities: SortedWindow;
  readonly waitsByBin: SortedWindow[];
  readonly all: SortedWindow;
}

export function createBinnedWaitInterval(
  options: BinnedWaitIntervalOptions = DEFAULT_BINNED_WAIT_INTERVAL,
): BinnedWaitIntervalState {
  if (!(options.coverage > 0 && options.coverage < 1))
    throw new InvalidInputError(`coverage must be in (0, 1), got ${options.coverage}`);
  if (!(Number.isInteger(options.bins) && options.bins >= 1))
    throw new InvalidInputError(`bins must be an integer ≥ 1, got ${options.bins}`);
  return {
    options,
    probabilities: createSortedWindow(options.probabilityWindow),
    waitsByBin: Array.from({ length: options.bins }, () => createSortedWindow(options.waitWindow)),
    all: createSortedWindow(options.waitWindow),
  };
}

/**
 * The bin of a probability issued now, and records it among the recent probabilities (it is known
 * at prediction time). Bin = ⌊bins · (share of recent probabilities strictly below p)⌋; the first
 * probability goes to bin 0.
 */
export function assignProbabilityBin(state: BinnedWaitIntervalState, probability: number): number {
  const sorted = state.probabilities.sorted;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < probability) low = middle + 1;
    else high = middle;
  }
  const share = sorted.length === 0 ? 0 : low / sorted.length;
  addToWindow(state.probabilities, probability);
  return Math.min(state.options.bins - 1, Math.floor(share * state.options.bins));
}

/** The shortest range of sorted values holding ⌈coverage·n⌉ of them; null when empty. O(n). */
export function shortestCoveringRange(sorted: ArrayLike<number>, coverage: number): WaitInterval | null {
  const count = sorted.length;
  if (count === 0) return null;
  const inside = Math.min(count, Math.max(1, Math.ceil(coverage * count)));
  let best = 0;
  let bestWidth = Number.POSITIVE_INFINITY;
  for (let start = 0; start + inside <= count; start += 1) {
    const width = (sorted[start + inside - 1] as number) - (sorted[start] as number);
    if (width < bestWidth) {
      bestWidth = width;
      best = start;
    }
  }
  return { lowerSeconds: sorted[best] as number, upperSeconds: sorted[best + inside - 1] as number };
}

/** The base interval for a job in `bin`; null before any wait was observed. */
export function binnedInterval(state: BinnedWaitIntervalState, bin: number): WaitInterval | null {
  const own = state.waitsByBin[bin];
  const window = own !== undefined && windowSize(own) >= state.options.minBinWaits ? own : state.all;
  return shortestCoveringRange(window.sorted, state.options.coverage);
}

/** Records the observed wait of a job that was predicted in `bin`. */
export function observeBinnedWait(state: BinnedWaitIntervalState, bin: number, waitSeconds: number): void {
  const own = state.waitsByBin[bin];
  if (own === undefined) throw new InvalidInputError(`bin ${bin} is not in [0, ${state.options.bins - 1}]`);
  addToWindow(own, waitSeconds);
  addToWindow(state.all, waitSeconds);
}
