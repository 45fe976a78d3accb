/**
 * The windows a cluster's wait distribution is learned from (online-wait-distribution.ts), kept
 * per cluster and updated from its own outcomes: the job's submit-time queue state decides which
 * past jobs resemble it, through a metric the cluster learns.
 *
 * - Inputs ({@link waitInputs}): log(1 + x) of each numeric queue-state feature in
 *   {@link WAIT_INPUT_FEATURES} (counts and seconds are heavy-tailed: a log scale makes "twice as
 *   many pending processors" the same step at any size), and the classifier's logit of
 *   P(long wait), shifted to be ≥ 0. Each is kept in [0, 255/{@link INPUT_STEPS_PER_UNIT}].
 * - A neighbour window: the inputs of the last `neighbours` observed outcomes, quantized to
 *   1/{@link INPUT_STEPS_PER_UNIT} (one byte each; a step of 1/12 in log(1 + x) is an 8.7 %
 *   change), with their waits (single precision).
 * - The metric: an exponentially weighted ridge regression of log(1 + wait) on the inputs
 *   (forgetting factor λ, penalty ρ; sufficient statistics A = Σ λ^age·z·zᵀ and b = Σ λ^age·z·y
 *   with z = (1, inputs), kept in the state, solved by Cholesky when needed). The distance between
 *   two jobs is Σⱼ wⱼ²·(xⱼ − x'ⱼ)²: each input counts as much as it moves the predicted log-wait,
 *   so inputs that do not explain the wait on this cluster drop out of the distance (a learned,
 *   supervised metric; the scale of each input cancels, so no standardization is needed).
 * - The base distribution of a job is the waits of its `nearest` neighbours in the window
 *   ({@link nearestWaits}): nearest-neighbour conditional quantiles.
 *
 * The state is small and plain (bounded number arrays: one byte per stored input, float32 waits)
 * so it can be persisted per cluster and updated with a conditional write; every wait entering a
 * window is rounded to single precision (Math.fround), so a store that packs the windows as
 * float32 holds them exactly and every store gives the same distributions. Pure: state in, new
 * state out.
 */
import { InvalidInputError } from '../errors.ts';
import { SNAPSHOT_FEATURES, type SnapshotFeature } from '../traces/queue-state.ts';

/** Submit-time features a wait does not depend on as a quantity (a clock reading, not a count). */
const CALENDAR_FEATURES: ReadonlySet<SnapshotFeature> = new Set(['hourOfDay', 'dayOfWeek']);

/**
 * The numeric submit-time features the wait distribution conditions on (log(1 + x) each), in input
 * order: the queue snapshot's features without the calendar ones (as sin/cos inputs they changed
 * nothing on either trace).
 */
export const WAIT_INPUT_FEATURES: readonly SnapshotFeature[] = SNAPSHOT_FEATURES.filter(
  (name) => !CALENDAR_FEATURES.has(name),
);

/** Inputs per job: the features above and the classifier's logit. */
export const WAIT_INPUTS = WAIT_INPUT_FEATURES.length + 1;

/** Quantization steps per unit of an input: a stored input is round(x·12), one byte. */
export const INPUT_STEPS_PER_UNIT = 12;

/** The largest input value a byte holds. */
export const MAX_INPUT = 255 / INPUT_STEPS_PER_UNIT;

/** The classifier's logit is clamped to ±this and shifted by it (≥ 0): P(long wait) in [4.5e−5, 1 − 4.5e−5]. */
export const LOGIT_LIMIT = 10;

/** Length of the ridge statistics: the upper triangle of A (row-major) then b, for z of length WAIT_INPUTS + 1. */
export const RIDGE_LENGTH = ((WAIT_INPUTS + 1) * (WAIT_INPUTS + 2)) / 2 + WAIT_INPUTS + 1;

export interface OnlineWaitOptions {
  /** Nominal coverage of the bundle's own wait interval, issued until a distribution can be, in (0, 1). */
  readonly coverage: number;
  /** Most recent observed outcomes kept as neighbours, an integer ≥ 1. */
  readonly neighbours: number;
  /** Neighbours a job's distribution is read from, an integer ≥ 1. */
  readonly nearest: number;
  /** A window with fewer waits issues no distribution (the bundle's interval), an integer ≥ 0. */
  readonly minWaits: number;
  /** Forgetting factor λ of the ridge statistics, in (0, 1]. */
  readonly forgetting: number;
  /** Ridge penalty ρ, > 0 (keeps the solve defined before the inputs vary). */
  readonly ridgePenalty: number;
}

/**
 * The replay-measured settings (KTH and Alibaba traces): 1,000 neighbours (a byte per input: 14 KB
 * of inputs and 4 KB of waits), the 30 nearest, λ = 0.999 (an effective memory of 1,000 outcomes,
 * like the window), ρ = 1.
 */
export const DEFAULT_ONLINE_WAIT_OPTIONS: OnlineWaitOptions = Object.freeze({
  coverage: 0.8,
  neighbours: 1000,
  nearest: 30,
  minWaits: 30,
  forgetting: 0.999,
  ridgePenalty: 1,
});

/** A cluster's online wait state. Arrays are oldest first. */
export interface OnlineWaitState {
  /** Observed waits of the neighbours, seconds (single precision), aligned with `neighbourInputs`. */
  readonly waitsSeconds: readonly number[];
  /** The neighbours' quantized inputs, WAIT_INPUTS bytes (integers 0–255) per neighbour, flattened. */
  readonly neighbourInputs: readonly number[];
  /** The ridge statistics (see RIDGE_LENGTH); empty before the first outcome with inputs. */
  readonly ridge: readonly number[];
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
  for (const name of ['neighbours', 'nearest'] as const) {
    if (!(Number.isInteger(options[name]) && options[name] >= 1))
      throw new InvalidInputError(`${name} must be an integer ≥ 1, got ${options[name]}`);
  }
  if (!(Number.isInteger(options.minWaits) && options.minWaits >= 0))
    throw new InvalidInputError(`minWaits must be an integer ≥ 0, got ${options.minWaits}`);
  if (!(options.forgetting > 0 && options.forgetting <= 1))
    throw new InvalidInputError(`forgetting must be in (0, 1], got ${options.forgetting}`);
  if (!(options.ridgePenalty > 0 && Number.isFinite(options.ridgePenalty)))
    throw new InvalidInputError(`ridgePenalty must be a finite number > 0, got ${options.ridgePenalty}`);
}

/** A cluster's state before any outcome: empty windows. */
export function initialOnlineWaitState(options: OnlineWaitOptions = DEFAULT_ONLINE_WAIT_OPTIONS): OnlineWaitState {
  checkOnlineWaitOptions(options);
  return { waitsSeconds: [], neighbourInputs: [], ridge: [], queueDepths: [], quantileLevels: [] };
}

const clampInput = (value: number): number => Math.min(MAX_INPUT, Math.max(0, value));

/**
 * A job's inputs (see the file comment) from its submit-time features and the classifier's
 * P(long wait): log(1 + x) of each WAIT_INPUT_FEATURES value (0 for a missing, non-numeric,
 * non-finite or negative one), then the logit clamped to ±LOGIT_LIMIT plus LOGIT_LIMIT; each in [0, MAX_INPUT].
 *
 * @throws InvalidInputError for a classifier probability outside [0, 1]
 */
export function waitInputs(
  features: Readonly<Record<string, number | string>>,
  classifierProbability: number,
): number[] {
  if (!(classifierProbability >= 0 && classifierProbability <= 1))
    throw new InvalidInputError(`classifierProbability must be in [0, 1], got ${classifierProbability}`);
  const inputs = WAIT_INPUT_FEATURES.map((name) => {
    const value = features[name];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? clampInput(Math.log1p(value)) : 0;
  });
  const logit = Math.log(classifierProbability / (1 - classifierProbability));
  inputs.push(Math.min(LOGIT_LIMIT, Math.max(-LOGIT_LIMIT, logit)) + LOGIT_LIMIT);
  return inputs;
}

/** @throws InvalidInputError unless `inputs` holds WAIT_INPUTS numbers in [0, MAX_INPUT] */
export function checkWaitInputs(inputs: readonly number[]): void {
  if (inputs.length !== WAIT_INPUTS)
    throw new InvalidInputError(`wait inputs must hold ${WAIT_INPUTS} numbers, got ${inputs.length}`);
  for (const [index, value] of inputs.entries()) {
    if (!(value >= 0 && value <= MAX_INPUT))
      throw new InvalidInputError(`wait input ${index} = ${value} is not a number in [0, ${MAX_INPUT}]`);
  }
}

/** The byte an input is stored as: round(x·INPUT_STEPS_PER_UNIT). */
export function quantizeInput(value: number): number {
  return Math.round(clampInput(value) * INPUT_STEPS_PER_UNIT);
}

/** z = (1, inputs): the regressors of the ridge, with an intercept. */
function regressors(inputs: readonly number[]): number[] {
  return [1, ...inputs];
}

/** The ridge statistics after one (inputs, log(1 + wait)) pair: A ← λA + z·zᵀ, b ← λb + z·y. */
export function updateRidge(
  ridge: readonly number[],
  inputs: readonly number[],
  waitSeconds: number,
  forgetting: number,
): number[] {
  const z = regressors(inputs);
  const size = z.length;
  const next =
    ridge.length === RIDGE_LENGTH ? ridge.map((value) => value * forgetting) : new Array<number>(RIDGE_LENGTH).fill(0);
  let slot = 0;
  for (let row = 0; row < size; row += 1) {
    for (let column = row; column < size; column += 1) {
      next[slot] = (next[slot] as number) + (z[row] as number) * (z[column] as number);
      slot += 1;
    }
  }
  const y = Math.log1p(waitSeconds);
  for (let row = 0; row < size; row += 1) next[slot + row] = (next[slot + row] as number) + (z[row] as number) * y;
  return next;
}

/**
 * The ridge coefficients w = (A + ρI)⁻¹·b (intercept first), by Cholesky decomposition (A + ρI is
 * symmetric positive definite for ρ > 0); all zeros for empty statistics. O(d³) with d = WAIT_INPUTS + 1.
 */
export function ridgeWeights(ridge: readonly number[], penalty: number): number[] {
  const size = WAIT_INPUTS + 1;
  if (ridge.length !== RIDGE_LENGTH) return new Array<number>(size).fill(0);
  const matrix = Array.from({ length: size }, () => new Float64Array(size));
  let slot = 0;
  for (let row = 0; row < size; row += 1) {
    for (let column = row; column < size; column += 1) {
      const value = (ridge[slot] as number) + (row === column ? penalty : 0);
      (matrix[row] as Float64Array)[column] = value;
      (matrix[column] as Float64Array)[row] = value;
      slot += 1;
    }
  }
  // In place: the lower triangle becomes L with A + ρI = L·Lᵀ.
  for (let column = 0; column < size; column += 1) {
    const pivotRow = matrix[column] as Float64Array;
    let pivot = pivotRow[column] as number;
    for (let inner = 0; inner < column; inner += 1) pivot -= (pivotRow[inner] as number) ** 2;
    const diagonal = Math.sqrt(pivot);
    pivotRow[column] = diagonal;
    for (let row = column + 1; row < size; row += 1) {
      const current = matrix[row] as Float64Array;
      let value = current[column] as number;
      for (let inner = 0; inner < column; inner += 1) value -= (current[inner] as number) * (pivotRow[inner] as number);
      current[column] = value / diagonal;
    }
  }
  const forward = new Float64Array(size);
  for (let row = 0; row < size; row += 1) {
    const current = matrix[row] as Float64Array;
    let value = ridge[slot + row] as number;
    for (let inner = 0; inner < row; inner += 1) value -= (current[inner] as number) * (forward[inner] as number);
    forward[row] = value / (current[row] as number);
  }
  const weights = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row -= 1) {
    let value = forward[row] as number;
    for (let inner = row + 1; inner < size; inner += 1)
      value -= ((matrix[inner] as Float64Array)[row] as number) * (weights[inner] as number);
    weights[row] = value / ((matrix[row] as Float64Array)[row] as number);
  }
  return weights;
}

/**
 * The waits of the `nearest` neighbours of `inputs` (distance Σⱼ wⱼ²·(xⱼ − x'ⱼ)² with the ridge
 * coefficients w, x' the stored quantized inputs), ascending; ties in distance go to the more
 * recent neighbour. All of the window's waits when it holds at most `nearest`.
 * O(neighbours·(WAIT_INPUTS + nearest)) at worst, plus the ridge solve.
 *
 * @throws InvalidInputError for malformed inputs
 */
export function nearestWaits(
  state: OnlineWaitState,
  inputs: readonly number[],
  options: OnlineWaitOptions,
): Float64Array {
  checkWaitInputs(inputs);
  const count = state.waitsSeconds.length;
  if (count <= options.nearest) return Float64Array.from(state.waitsSeconds).sort();
  const weights = ridgeWeights(state.ridge, options.ridgePenalty);
  // In stored units (steps): the query scaled once, the weights divided by the step² once.
  const query = inputs.map((value) => value * INPUT_STEPS_PER_UNIT);
  const scale = weights.slice(1).map((weight) => (weight * weight) / (INPUT_STEPS_PER_UNIT * INPUT_STEPS_PER_UNIT));
  // The nearest so far, by ascending distance; visited newest first, a neighbour replaces the
  // farthest kept only when strictly nearer, so among equal distances the more recent stay.
  const keptDistances: number[] = [];
  const keptWaits: number[] = [];
  let farthest = Number.POSITIVE_INFINITY;
  for (let neighbour = count - 1; neighbour >= 0; neighbour -= 1) {
    let distance = 0;
    const offset = neighbour * WAIT_INPUTS;
    // The sum only grows: once it reaches the farthest kept, this neighbour cannot be kept.
    for (let input = 0; input < WAIT_INPUTS && distance < farthest; input += 1) {
      const gap = (query[input] as number) - (state.neighbourInputs[offset + input] as number);
      distance += (scale[input] as number) * gap * gap;
    }
    if (keptDistances.length === options.nearest) {
      if (!(distance < farthest)) continue;
      keptDistances.pop();
      keptWaits.pop();
    }
    let at = keptDistances.length;
    while (at > 0 && (keptDistances[at - 1] as number) > distance) at -= 1;
    keptDistances.splice(at, 0, distance);
    keptWaits.splice(at, 0, state.waitsSeconds[neighbour] as number);
    if (keptDistances.length === options.nearest) farthest = keptDistances[options.nearest - 1] as number;
  }
  return Float64Array.from(keptWaits).sort();
}

/** The last `capacity` values of `values` followed by `added`. */
function appended(values: readonly number[], added: readonly number[], capacity: number): number[] {
  // slice + concat: copying the window with spread or push is two orders of magnitude slower in V8.
  return values.slice(Math.max(0, values.length + added.length - capacity)).concat(added);
}

/** One observed outcome: the inputs its job was issued with, and its wait. */
export interface ObservedWait {
  readonly inputs: readonly number[];
  readonly waitSeconds: number;
}

/**
 * The state after one observed outcome: its quantized inputs and wait enter the neighbour window,
 * and the ridge statistics take the pair. The input state is not modified.
 *
 * @throws InvalidInputError for malformed inputs or a negative or non-finite wait
 */
export function observeOnlineWait(
  state: OnlineWaitState,
  observed: ObservedWait,
  options: OnlineWaitOptions = DEFAULT_ONLINE_WAIT_OPTIONS,
): OnlineWaitState {
  checkWaitInputs(observed.inputs);
  if (!(Number.isFinite(observed.waitSeconds) && observed.waitSeconds >= 0))
    throw new InvalidInputError(`waitSeconds must be a finite number ≥ 0, got ${observed.waitSeconds}`);
  return {
    ...state,
    waitsSeconds: appended(state.waitsSeconds, [Math.fround(observed.waitSeconds)], options.neighbours),
    neighbourInputs: appended(
      state.neighbourInputs,
      observed.inputs.map(quantizeInput),
      options.neighbours * WAIT_INPUTS,
    ),
    ridge: updateRidge(state.ridge, observed.inputs, observed.waitSeconds, options.forgetting),
  };
}
