/**
 * The QBETS-style baseline wait interval (after Nurmi, Brevik & Wolski, "QBETS: queue bounds
 * estimation from time series", JSSPP 2007, https://doi.org/10.1007/978-3-540-78699-3_5):
 * a rolling empirical quantile of the most recent observed waits of jobs in the same size class.
 * The upper bound is the (1 + coverage)/2 quantile and the lower bound the matching (1 − coverage)/2
 * quantile, so [lower, upper] is a two-sided interval of nominal `coverage`. A class with fewer
 * than `minClassWaits` waits falls back to the last waits of all classes. Only waits already
 * observed are ever used.
 */
import { InvalidInputError } from '../errors.ts';
import type { WaitInterval } from './adaptive-conformal.ts';
import { addToWindow, createSortedWindow, windowQuantile, windowSize, type SortedWindow } from './sorted-window.ts';

export interface QbetsOptions {
  readonly coverage: number;
  /** Waits kept per size class (and for the all-classes fallback). */
  readonly windowSize: number;
  readonly minClassWaits: number;
}

export const DEFAULT_QBETS_OPTIONS: QbetsOptions = Object.freeze({ coverage: 0.8, windowSize: 200, minClassWaits: 20 });

export interface QbetsState {
  readonly options: QbetsOptions;
  readonly byClass: Map<string, SortedWindow>;
  readonly all: SortedWindow;
}

export function createQbetsBaseline(options: QbetsOptions = DEFAULT_QBETS_OPTIONS): QbetsState {
  if (!(options.coverage > 0 && options.coverage < 1))
    throw new InvalidInputError(`coverage must be in (0, 1), got ${options.coverage}`);
  return { options, byClass: new Map(), all: createSortedWindow(options.windowSize) };
}

/**
 * The size class of a job: `gpu:<k>` when it requests GPUs, else `cpu:<k>`, with k = ⌈log₂(request)⌉
 * (requests ≤ 1 share class 0), e.g. 1 → 0, 2 → 1, 3–4 → 2, 5–8 → 3; fractional GPUs are `gpu:frac`.
 */
export function jobSizeClass(requestedProcessors: number, requestedGpus: number): string {
  if (requestedGpus > 0) return requestedGpus < 1 ? 'gpu:frac' : `gpu:${Math.ceil(Math.log2(requestedGpus))}`;
  return `cpu:${requestedProcessors <= 1 ? 0 : Math.ceil(Math.log2(requestedProcessors))}`;
}

/** The interval for a job of `sizeClass` now; null before any wait was observed. */
export function qbetsInterval(state: QbetsState, sizeClass: string): WaitInterval | null {
  const own = state.byClass.get(sizeClass);
  const window = own !== undefined && windowSize(own) >= state.options.minClassWaits ? own : state.all;
  const lower = windowQuantile(window, (1 - state.options.coverage) / 2);
  const upper = windowQuantile(window, (1 + state.options.coverage) / 2);
  return lower === null || upper === null ? null : { lowerSeconds: lower, upperSeconds: upper };
}

/** The empirical quantiles (type 7) at `levels` of the same window {@link qbetsInterval} reads; null before any wait was observed. */
export function qbetsQuantiles(state: QbetsState, sizeClass: string, levels: readonly number[]): number[] | null {
  const own = state.byClass.get(sizeClass);
  const window = own !== undefined && windowSize(own) >= state.options.minClassWaits ? own : state.all;
  if (windowSize(window) === 0) return null;
  return levels.map((level) => windowQuantile(window, level) as number);
}

/** Records an observed wait (seconds) of a job of `sizeClass`. */
export function observeQbets(state: QbetsState, sizeClass: string, waitSeconds: number): void {
  let own = state.byClass.get(sizeClass);
  if (own === undefined) {
    own = createSortedWindow(state.options.windowSize);
    state.byClass.set(sizeClass, own);
  }
  addToWindow(own, waitSeconds);
  addToWindow(state.all, waitSeconds);
}
