/**
 * Calibeating by tracking (Gupta & Ramdas, "Online Platt Scaling with Calibeating", ICML 2023,
 * https://proceedings.mlr.press/v202/gupta23c.html, §4: "tracking"): the forecast of the layer
 * below (online Platt) is put in one of `bins` equal-width bins, and the issued probability is the
 * frequency of long waits among past outcomes whose forecast fell in the same bin. Platt's two
 * parameters cannot bend the curve; the bins can, so what Platt leaves miscalibrated inside a bin
 * is tracked away.
 *
 * Two departures from the paper, both for a queue whose behaviour drifts:
 * - the bins forget (each outcome's weight halves every `halfLifeOutcomes` outcomes), so a bin
 *   tracks the recent frequency, not the all-time one;
 * - a bin's frequency is shrunk towards the forecast it replaces with `pseudoOutcomes` pseudo-
 *   outcomes at that forecast: a bin with little recent evidence issues (about) Platt's forecast,
 *   a well-filled one its own frequency.
 *
 * State in, state out; O(bins) per outcome.
 */
import { InvalidInputError } from '../errors.ts';

export interface CalibeatingOptions {
  /** Equal-width probability bins, an integer ≥ 1 (the paper uses 10). */
  readonly bins: number;
  /** Outcomes after which an outcome's weight in its bin has halved, > 0. */
  readonly halfLifeOutcomes: number;
  /** Pseudo-outcomes at the lower layer's forecast added to every bin, > 0. */
  readonly pseudoOutcomes: number;
}

/**
 * Ten bins as in the paper. A bin sees about a tenth of the outcomes, so it remembers four times
 * longer than online Platt's default half-life; 50 pseudo-outcomes let a bin override Platt only
 * once its own frequency is known to about ±0.05 (binomial sd at p = 0.2 and n = 50 is 0.057).
 */
export const DEFAULT_CALIBEATING_OPTIONS: CalibeatingOptions = Object.freeze({
  bins: 10,
  halfLifeOutcomes: 2000,
  pseudoOutcomes: 50,
});

export interface CalibeatingState {
  /** Decayed count of outcomes per bin, ≥ 0. */
  readonly weights: readonly number[];
  /** Decayed count of long waits per bin, in [0, weights[b]]. */
  readonly longWaits: readonly number[];
}

export function checkCalibeatingOptions(options: CalibeatingOptions): void {
  if (!(Number.isInteger(options.bins) && options.bins >= 1))
    throw new InvalidInputError(`bins must be an integer ≥ 1, got ${options.bins}`);
  if (!(options.halfLifeOutcomes > 0 && Number.isFinite(options.halfLifeOutcomes))) {
    throw new InvalidInputError(`halfLifeOutcomes must be a finite number > 0, got ${options.halfLifeOutcomes}`);
  }
  if (!(options.pseudoOutcomes > 0 && Number.isFinite(options.pseudoOutcomes))) {
    throw new InvalidInputError(`pseudoOutcomes must be a finite number > 0, got ${options.pseudoOutcomes}`);
  }
}

/** Empty bins: every forecast passes through unchanged. */
export function initialCalibeating(options: CalibeatingOptions = DEFAULT_CALIBEATING_OPTIONS): CalibeatingState {
  return { weights: new Array<number>(options.bins).fill(0), longWaits: new Array<number>(options.bins).fill(0) };
}

/** The bin of a forecast: ⌊bins·p⌋, with p = 1 in the last bin. */
export function calibeatingBin(forecast: number, bins: number): number {
  return Math.min(bins - 1, Math.floor(forecast * bins));
}

function requireForecast(forecast: number): void {
  if (!(forecast >= 0 && forecast <= 1)) throw new InvalidInputError(`forecast must be in [0, 1], got ${forecast}`);
}

/**
 * The issued probability for a lower-layer forecast: (long waits in its bin + k·forecast) /
 * (outcomes in its bin + k), k = `pseudoOutcomes`. In [0, 1].
 * @throws InvalidInputError when `forecast` is not in [0, 1].
 */
export function applyCalibeating(
  state: CalibeatingState,
  forecast: number,
  options: CalibeatingOptions = DEFAULT_CALIBEATING_OPTIONS,
): number {
  requireForecast(forecast);
  const bin = calibeatingBin(forecast, options.bins);
  const k = options.pseudoOutcomes;
  return ((state.longWaits[bin] as number) + k * forecast) / ((state.weights[bin] as number) + k);
}

/**
 * The state after one outcome whose lower-layer forecast (at learning time) was `forecast`: every
 * bin decays by one step, then the outcome enters its bin. The input state is not modified.
 * @throws InvalidInputError when `forecast` is not in [0, 1] or `label` is not 0/1.
 */
export function learnCalibeating(
  state: CalibeatingState,
  forecast: number,
  label: number,
  options: CalibeatingOptions = DEFAULT_CALIBEATING_OPTIONS,
): CalibeatingState {
  requireForecast(forecast);
  if (label !== 0 && label !== 1) throw new InvalidInputError(`label must be 0 or 1, got ${label}`);
  const decay = Math.pow(0.5, 1 / options.halfLifeOutcomes);
  const weights = state.weights.map((weight) => weight * decay);
  const longWaits = state.longWaits.map((count) => count * decay);
  const bin = calibeatingBin(forecast, options.bins);
  weights[bin] = (weights[bin] as number) + 1;
  longWaits[bin] = (longWaits[bin] as number) + label;
  return { weights, longWaits };
}
