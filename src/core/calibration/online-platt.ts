/**
 * Online Platt scaling with forgetting: the calibrated probability is σ(slope·x + intercept), where
 * x is the logit of the classifier's probability, refitted after every outcome by exact maximum
 * likelihood over the last `window` outcomes weighted by recency (weight 2^(−age/halfLife)),
 * with a Gaussian prior centred on the identity map (slope 1, intercept 0) of strength
 * `priorStrength` pseudo-outcomes. Gupta & Ramdas, "Online Platt Scaling with Calibeating",
 * ICML 2023 (https://proceedings.mlr.press/v202/gupta23c.html) update the same two parameters with
 * an online Newton step; we solve the weighted problem exactly instead (a few warm-started Newton
 * iterations over a bounded window), so the forgetting is stated in outcomes and there is no step
 * size to choose.
 *
 * State in, state out: the window is kept oldest first, every value rounded to single precision so
 * a store can pack it as float32 exactly.
 */
import { InvalidInputError } from '../errors.ts';

export interface OnlinePlattOptions {
  /** Most recent outcomes kept for the fit, an integer ≥ 1. */
  readonly window: number;
  /** Outcomes after which an outcome's weight has halved, > 0. */
  readonly halfLifeOutcomes: number;
  /** Weight of the prior towards the identity map, in pseudo-outcomes, > 0 (keeps the fit finite on one class). */
  readonly priorStrength: number;
  /**
   * Newton steps per refit while they stay small, an integer ≥ 1: warm-started from the previous
   * optimum, which one more outcome barely moves, one step lands within O(step²) of the new one
   * (quadratic convergence); a large step switches to damped Newton run to convergence.
   */
  readonly maxIterations: number;
}

/** Four half-lives of memory (older outcomes weigh under 1/16); one pseudo-outcome of prior. */
export const DEFAULT_ONLINE_PLATT_OPTIONS: OnlinePlattOptions = Object.freeze({
  window: 2000,
  halfLifeOutcomes: 500,
  priorStrength: 1,
  maxIterations: 1,
});

export interface OnlinePlattState {
  readonly slope: number;
  readonly intercept: number;
  /** Logits of the classifier's probability for the outcomes in the window, oldest first (single precision). */
  readonly logits: readonly number[];
  /** Their labels, 0 or 1, aligned with `logits`. */
  readonly labels: readonly number[];
}

/** Probabilities are clipped to [LOGIT_CLIP, 1 − LOGIT_CLIP] before the logit: isotonic calibrators emit exact 0 and 1. */
export const LOGIT_CLIP = 1e-4;

const CONVERGED_STEP = 1e-6;

export function checkOnlinePlattOptions(options: OnlinePlattOptions): void {
  if (!(Number.isInteger(options.window) && options.window >= 1))
    throw new InvalidInputError(`window must be an integer ≥ 1, got ${options.window}`);
  if (!(options.halfLifeOutcomes > 0 && Number.isFinite(options.halfLifeOutcomes))) {
    throw new InvalidInputError(`halfLifeOutcomes must be a finite number > 0, got ${options.halfLifeOutcomes}`);
  }
  if (!(options.priorStrength > 0 && Number.isFinite(options.priorStrength))) {
    throw new InvalidInputError(`priorStrength must be a finite number > 0, got ${options.priorStrength}`);
  }
  if (!(Number.isInteger(options.maxIterations) && options.maxIterations >= 1)) {
    throw new InvalidInputError(`maxIterations must be an integer ≥ 1, got ${options.maxIterations}`);
  }
}

/** The identity map over an empty window: the classifier's own probability until outcomes arrive. */
export function initialOnlinePlatt(): OnlinePlattState {
  return { slope: 1, intercept: 0, logits: [], labels: [] };
}

/**
 * The logit of a probability clipped to [{@link LOGIT_CLIP}, 1 − {@link LOGIT_CLIP}], rounded to single precision.
 * @throws InvalidInputError when `probability` is not in [0, 1].
 */
export function clippedLogit(probability: number): number {
  if (!(probability >= 0 && probability <= 1))
    throw new InvalidInputError(`probability must be in [0, 1], got ${probability}`);
  const clipped = Math.min(Math.max(probability, LOGIT_CLIP), 1 - LOGIT_CLIP);
  return Math.fround(Math.log(clipped / (1 - clipped)));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** σ(slope·logit + intercept): the calibrated probability of a classifier logit. */
export function applyOnlinePlatt(state: Pick<OnlinePlattState, 'slope' | 'intercept'>, logit: number): number {
  return sigmoid(state.slope * logit + state.intercept);
}

/** Σ wᵢ·logloss + prior at (slope, intercept): the objective both fits minimise. O(window). */
function objective(state: OnlinePlattState, slope: number, intercept: number, options: OnlinePlattOptions): number {
  const decay = Math.pow(0.5, 1 / options.halfLifeOutcomes);
  let total = (options.priorStrength / 2) * ((slope - 1) ** 2 + intercept ** 2);
  let weight = 1;
  for (let index = state.logits.length - 1; index >= 0; index -= 1) {
    const z = slope * (state.logits[index] as number) + intercept;
    // log(1 + e^z) − y·z, computed without overflow.
    total +=
      weight * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (state.labels[index] as number) * z);
    weight *= decay;
  }
  return total;
}

/** One Newton direction (−H⁻¹g) at (slope, intercept). The objective is strictly convex (λ > 0), so H is positive definite. O(window). */
function newtonStep(
  state: OnlinePlattState,
  slope: number,
  intercept: number,
  options: OnlinePlattOptions,
): { readonly slope: number; readonly intercept: number } {
  const decay = Math.pow(0.5, 1 / options.halfLifeOutcomes);
  const prior = options.priorStrength;
  let gradientSlope = prior * (slope - 1);
  let gradientIntercept = prior * intercept;
  let hessianSlope = prior;
  let hessianCross = 0;
  let hessianIntercept = prior;
  let weight = 1;
  for (let index = state.logits.length - 1; index >= 0; index -= 1) {
    const logit = state.logits[index] as number;
    const probability = sigmoid(slope * logit + intercept);
    const residual = probability - (state.labels[index] as number);
    const curvature = weight * probability * (1 - probability);
    gradientSlope += weight * residual * logit;
    gradientIntercept += weight * residual;
    hessianSlope += curvature * logit * logit;
    hessianCross += curvature * logit;
    hessianIntercept += curvature;
    weight *= decay;
  }
  const determinant = hessianSlope * hessianIntercept - hessianCross * hessianCross;
  return {
    slope: -(hessianIntercept * gradientSlope - hessianCross * gradientIntercept) / determinant,
    intercept: -(hessianSlope * gradientIntercept - hessianCross * gradientSlope) / determinant,
  };
}

/** A step this small in both parameters is taken without a line search: one more outcome only nudges the optimum. */
const TRUSTED_STEP = 0.25;
const MAX_FULL_ITERATIONS = 50;
const MIN_STEP_FRACTION = 1 / 1024;

/**
 * Minimises Σ wᵢ·logloss(yᵢ, σ(a·xᵢ + b)) + (λ/2)·((a − 1)² + b²), wᵢ = 2^(−(n−1−i)/halfLife), by
 * Newton's method from the current parameters: `maxIterations` plain steps while the steps stay
 * small (the warm start is next to the optimum), otherwise damped Newton (step halving until the
 * objective decreases) to convergence, so a changed memory or window can never make it diverge.
 * O(window · iterations).
 */
export function refitOnlinePlatt(
  state: OnlinePlattState,
  options: OnlinePlattOptions = DEFAULT_ONLINE_PLATT_OPTIONS,
): OnlinePlattState {
  let slope = state.slope;
  let intercept = state.intercept;
  let damped = false;
  for (let iteration = 0; iteration < (damped ? MAX_FULL_ITERATIONS : options.maxIterations); iteration += 1) {
    const step = newtonStep(state, slope, intercept, options);
    const size = Math.abs(step.slope) + Math.abs(step.intercept);
    if (!damped && size > TRUSTED_STEP) damped = true;
    if (damped) {
      const before = objective(state, slope, intercept, options);
      let fraction = 1;
      while (
        fraction >= MIN_STEP_FRACTION &&
        !(objective(state, slope + fraction * step.slope, intercept + fraction * step.intercept, options) < before)
      )
        fraction /= 2;
      if (fraction < MIN_STEP_FRACTION) break;
      slope += fraction * step.slope;
      intercept += fraction * step.intercept;
    } else {
      slope += step.slope;
      intercept += step.intercept;
    }
    if (size < CONVERGED_STEP) break;
  }
  return { ...state, slope, intercept };
}

/**
 * The state after one outcome: (logit, label) joins the window (the oldest leaves when it is full)
 * and the parameters are refitted. The input state is not modified.
 *
 * @param logit the classifier's logit for the job ({@link clippedLogit} of its probability).
 * @throws InvalidInputError for a non-finite logit or a label other than 0/1.
 */
export function learnOnlinePlatt(
  state: OnlinePlattState,
  logit: number,
  label: number,
  options: OnlinePlattOptions = DEFAULT_ONLINE_PLATT_OPTIONS,
): OnlinePlattState {
  if (!Number.isFinite(logit)) throw new InvalidInputError(`logit must be finite, got ${logit}`);
  if (label !== 0 && label !== 1) throw new InvalidInputError(`label must be 0 or 1, got ${label}`);
  const start = Math.max(0, state.logits.length + 1 - options.window);
  const logits = state.logits.slice(start);
  const labels = state.labels.slice(start);
  logits.push(Math.fround(logit));
  labels.push(label);
  return refitOnlinePlatt({ ...state, logits, labels }, options);
}
