/**
 * The windows a cluster's wait distribution is learned from (online-wait-distribution.ts), kept
 * per cluster and updated from its own outcomes:
 *
 * - the job's P(long wait) bin: the rank of its probability among the probabilities of the last
 *   `probabilityWindow` observed outcomes (bin = ⌊bins · share strictly below p⌋, so bins follow
 *   whatever range the model used lately); the bin is kept with the prediction and comes back
 *   with the outcome;
 * - the last `outcomeWindow` observed (bin, wait) pairs, from which the last `binWaitWindow`
 *   waits of a bin (or of any bin, when the bin has fewer than `minBinWaits`) are read.
 *
 * The state is small and plain (bounded number arrays) so it can be persisted per cluster and
 * updated with a conditional write; every value entering a window is rounded to single precision
 * (Math.fround), so a store that packs the windows as float32 holds them exactly and every store
 * gives the same distributions. Pure: state in, new state out.
 */
import { InvalidInputError } from '../errors.ts';

export interface OnlineWaitOptions {
  /** Nominal coverage of the bundle's own wait interval, issued until a distribution can be, in (0, 1). */
  readonly coverage: number;
  /** Equal-mass probability bins, an integer ≥ 1. */
  readonly bins: number;
  /** Most recent observed outcomes' probabilities the bins are ranked on, an integer ≥ 1. */
  readonly probabilityWindow: number;
  /** Most recent observed (bin, wait) pairs kept, an integer ≥ 1. */
  readonly outcomeWindow: number;
  /** Most recent waits of one bin its distribution is read from, an integer ≥ 1. */
  readonly binWaitWindow: number;
  /** A bin with fewer waits uses all of the window's waits; a window with fewer issues no distribution (the bundle's interval). */
  readonly minBinWaits: number;
}

/** The replay-tuned settings (KTH and Alibaba traces): 10 bins. */
export const DEFAULT_ONLINE_WAIT_OPTIONS: OnlineWaitOptions = Object.freeze({
  coverage: 0.8,
  bins: 10,
  probabilityWindow: 1000,
  outcomeWindow: 2000,
  binWaitWindow: 200,
  minBinWaits: 30,
});

/** A cluster's online wait state. Arrays are oldest first. */
export interface OnlineWaitState {
  /** P(long wait) issued to each of the last `probabilityWindow` observed outcomes (single precision). */
  readonly probabilities: readonly number[];
  /** The bin each of the last `outcomeWindow` observed outcomes was issued in. */
  readonly bins: readonly number[];
  /** Their observed waits in seconds (single precision), aligned with `bins`. */
  readonly waitsSeconds: readonly number[];
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

/**
 * @throws InvalidInputError for an option out of range
 */
export function checkOnlineWaitOptions(options: OnlineWaitOptions): void {
  if (!(options.coverage > 0 && options.coverage < 1))
    throw new InvalidInputError(`coverage must be in (0, 1), got ${options.coverage}`);
  if (!(options.bins <= 255)) throw new InvalidInputError(`bins must be at most 255, got ${options.bins}`);
  for (const name of ['bins', 'probabilityWindow', 'outcomeWindow', 'binWaitWindow'] as const) {
    if (!(Number.isInteger(options[name]) && options[name] >= 1))
      throw new InvalidInputError(`${name} must be an integer ≥ 1, got ${options[name]}`);
  }
  if (!(Number.isInteger(options.minBinWaits) && options.minBinWaits >= 0))
    throw new InvalidInputError(`minBinWaits must be an integer ≥ 0, got ${options.minBinWaits}`);
}

/** A cluster's state before any outcome: empty windows. */
export function initialOnlineWaitState(options: OnlineWaitOptions = DEFAULT_ONLINE_WAIT_OPTIONS): OnlineWaitState {
  checkOnlineWaitOptions(options);
  return { probabilities: [], bins: [], waitsSeconds: [], queueDepths: [], quantileLevels: [] };
}

/** The bin of a probability: ⌊bins · (share of the window strictly below it)⌋; bin 0 on an empty window. O(n). */
export function binOf(state: OnlineWaitState, probability: number, options: OnlineWaitOptions): number {
  const count = state.probabilities.length;
  if (count === 0) return 0;
  let below = 0;
  for (let index = 0; index < count; index += 1) if ((state.probabilities[index] as number) < probability) below += 1;
  return Math.min(options.bins - 1, Math.floor((below / count) * options.bins));
}

/** The last `binWaitWindow` waits observed in `bin` (or in any bin when `bin` is null), ascending. O(outcomeWindow + m log m). */
export function recentWaits(state: OnlineWaitState, bin: number | null, options: OnlineWaitOptions): Float64Array {
  const waits: number[] = [];
  for (let index = state.waitsSeconds.length - 1; index >= 0 && waits.length < options.binWaitWindow; index -= 1) {
    if (bin === null || state.bins[index] === bin) waits.push(state.waitsSeconds[index] as number);
  }
  return Float64Array.from(waits).sort();
}

/** The last `capacity` values of `values` followed by `value`. */
function appended(values: readonly number[], value: number, capacity: number): number[] {
  const start = Math.max(0, values.length + 1 - capacity);
  const next = values.slice(start);
  next.push(value);
  return next;
}

/** One observed outcome: the P(long wait) issued to the job, its bin, and its wait. */
export interface ObservedWait {
  readonly probability: number;
  /** The bin {@link binOf} gave the job, an integer in [0, bins). */
  readonly bin: number;
  readonly waitSeconds: number;
}

/**
 * The state after one observed outcome: its probability, bin and wait enter the windows. The
 * input state is not modified.
 *
 * @throws InvalidInputError for a probability outside [0, 1], a negative or non-finite wait, or a bin out of range
 */
export function observeOnlineWait(
  state: OnlineWaitState,
  observed: ObservedWait,
  options: OnlineWaitOptions = DEFAULT_ONLINE_WAIT_OPTIONS,
): OnlineWaitState {
  if (!(observed.probability >= 0 && observed.probability <= 1))
    throw new InvalidInputError(`probability must be in [0, 1], got ${observed.probability}`);
  if (!(Number.isFinite(observed.waitSeconds) && observed.waitSeconds >= 0))
    throw new InvalidInputError(`waitSeconds must be a finite number ≥ 0, got ${observed.waitSeconds}`);
  if (!(Number.isInteger(observed.bin) && observed.bin >= 0 && observed.bin < options.bins))
    throw new InvalidInputError(`bin must be an integer in [0, ${options.bins - 1}], got ${observed.bin}`);
  return {
    ...state,
    probabilities: appended(state.probabilities, Math.fround(observed.probability), options.probabilityWindow),
    bins: appended(state.bins, observed.bin, options.outcomeWindow),
    waitsSeconds: appended(state.waitsSeconds, Math.fround(observed.waitSeconds), options.outcomeWindow),
  };
}
