import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom, type Random } from '../random.ts';
import {
  applyOnlinePlatt,
  checkOnlinePlattOptions,
  clippedLogit,
  DEFAULT_ONLINE_PLATT_OPTIONS,
  initialOnlinePlatt,
  learnOnlinePlatt,
  LOGIT_CLIP,
  refitOnlinePlatt,
  type OnlinePlattOptions,
  type OnlinePlattState,
} from './online-platt.ts';

/** The textbook logistic, written independently of the code under test. */
function logistic(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Standard normal draw by Box–Muller. */
function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * The stated objective, written from the doc comment: Σ wᵢ·logloss(yᵢ, σ(a·xᵢ + b)) + (λ/2)·((a − 1)² + b²)
 * with wᵢ = 2^(−(n−1−i)/halfLife).
 */
function statedObjective(
  state: OnlinePlattState,
  slope: number,
  intercept: number,
  options: OnlinePlattOptions,
): number {
  const n = state.logits.length;
  let total = (options.priorStrength / 2) * ((slope - 1) ** 2 + intercept ** 2);
  state.logits.forEach((logit, index) => {
    const weight = 2 ** (-(n - 1 - index) / options.halfLifeOutcomes);
    const probability = logistic(slope * logit + intercept);
    total -= weight * ((state.labels[index] as number) === 1 ? Math.log(probability) : Math.log(1 - probability));
  });
  return total;
}

/** Gradient of {@link statedObjective}: [Σ wᵢ(pᵢ − yᵢ)xᵢ + λ(a − 1), Σ wᵢ(pᵢ − yᵢ) + λb]. */
function statedGradient(
  state: OnlinePlattState,
  slope: number,
  intercept: number,
  options: OnlinePlattOptions,
): [number, number] {
  const n = state.logits.length;
  let gradientSlope = options.priorStrength * (slope - 1);
  let gradientIntercept = options.priorStrength * intercept;
  state.logits.forEach((logit, index) => {
    const weight = 2 ** (-(n - 1 - index) / options.halfLifeOutcomes);
    const residual = weight * (logistic(slope * logit + intercept) - (state.labels[index] as number));
    gradientSlope += residual * logit;
    gradientIntercept += residual;
  });
  return [gradientSlope, gradientIntercept];
}

function windowOf(logits: readonly number[], labels: readonly number[], slope = 1, intercept = 0): OnlinePlattState {
  return { slope, intercept, logits: logits.map((logit) => Math.fround(logit)), labels };
}

/** A small hand-made window: every logit exact in single precision. */
const HAND_LOGITS = [-2.5, -1.25, -0.5, 0, 0.25, 0.75, 1.5, 2, 3, -1];
const HAND_LABELS = [0, 0, 1, 0, 0, 1, 1, 0, 1, 1];
const HAND_OPTIONS: OnlinePlattOptions = { window: 10, halfLifeOutcomes: 4, priorStrength: 2, maxIterations: 100 };
/**
 * The exact weighted MAP optimum of the hand-made window, by scipy 1.17.1:
 *   w = 2.0 ** (-(n - 1 - np.arange(n)) / 4.0)
 *   f = lambda t: np.sum(w * (np.logaddexp(0, t[0]*x + t[1]) - y * (t[0]*x + t[1]))) + 2.0/2 * ((t[0]-1)**2 + t[1]**2)
 *   scipy.optimize.minimize(f, x0=[1.0, 0.0], jac=<analytic gradient>, method='BFGS', options={'gtol': 1e-12})
 * → x = [0.5646649538144279, 0.08279642826788566], fun = 3.7606580223842108 (gradient ~1e-13).
 */
const SCIPY_SLOPE = 0.5646649538144279;
const SCIPY_INTERCEPT = 0.08279642826788566;
const SCIPY_OBJECTIVE = 3.7606580223842108;

/** Windows of 1–60 outcomes with logits in [−6, 6], as single-precision values. */
const windowArbitrary = fc
  .array(fc.tuple(fc.double({ min: -6, max: 6, noNaN: true }), fc.constantFrom(0, 1)), { minLength: 1, maxLength: 60 })
  .map((pairs) =>
    windowOf(
      pairs.map(([logit]) => logit),
      pairs.map(([, label]) => label),
    ),
  );

describe('clippedLogit', () => {
  it('clippedLogit is the single-precision logit: 0 at 1/2, log 4 at 0.8', () => {
    const logits = [clippedLogit(0.5), clippedLogit(0.8), clippedLogit(0.2)];

    expect(logits).toEqual([0, Math.fround(Math.log(4)), Math.fround(Math.log(0.25))]);
  });

  it('clippedLogit clips exact 0 and 1 to ±logit(1e-4) instead of ±∞', () => {
    // logit(1e-4) = ln(1e-4 / 0.9999) = −9.21024036697585
    const [low, high] = [clippedLogit(0), clippedLogit(1)];

    expect(LOGIT_CLIP).toBe(1e-4);
    expect(low).toBeCloseTo(-9.21024036697585, 5);
    expect(high).toBeCloseTo(9.21024036697585, 5);
    expect(Math.fround(low)).toBe(low);
  });

  it.each([-0.01, 1.01, Number.NaN])('clippedLogit refuses probability %s', (probability) => {
    const logit = (): number => clippedLogit(probability);

    expect(logit).toThrow(InvalidInputError);
    expect(logit).toThrow(`probability must be in [0, 1], got ${probability}`);
  });
});

describe('applyOnlinePlatt', () => {
  it('applyOnlinePlatt is σ(slope·logit + intercept), stable at both extremes', () => {
    const identity = initialOnlinePlatt();

    expect(applyOnlinePlatt(identity, Math.log(3))).toBeCloseTo(0.75, 15);
    expect(applyOnlinePlatt({ slope: 2, intercept: -1 }, 0.5)).toBe(0.5);
    expect(applyOnlinePlatt({ slope: 0.5, intercept: 1 }, -4)).toBeCloseTo(logistic(-1), 15);
    expect(applyOnlinePlatt(identity, 800)).toBe(1);
    expect(applyOnlinePlatt(identity, -800)).toBe(0);
  });
});

describe('initialOnlinePlatt', () => {
  it('initialOnlinePlatt is the identity map over an empty window', () => {
    expect(initialOnlinePlatt()).toEqual({ slope: 1, intercept: 0, logits: [], labels: [] });
  });
});

describe('checkOnlinePlattOptions', () => {
  it('checkOnlinePlattOptions accepts the defaults', () => {
    expect(() => checkOnlinePlattOptions(DEFAULT_ONLINE_PLATT_OPTIONS)).not.toThrow();
  });

  it.each([
    [{ window: 0 }, 'window must be an integer ≥ 1, got 0'],
    [{ window: 2.5 }, 'window must be an integer ≥ 1, got 2.5'],
    [{ halfLifeOutcomes: 0 }, 'halfLifeOutcomes must be a finite number > 0, got 0'],
    [{ halfLifeOutcomes: Number.POSITIVE_INFINITY }, 'halfLifeOutcomes must be a finite number > 0, got Infinity'],
    [{ priorStrength: -1 }, 'priorStrength must be a finite number > 0, got -1'],
    [{ priorStrength: Number.NaN }, 'priorStrength must be a finite number > 0, got NaN'],
    [{ maxIterations: 0 }, 'maxIterations must be an integer ≥ 1, got 0'],
    [{ maxIterations: 1.5 }, 'maxIterations must be an integer ≥ 1, got 1.5'],
  ])('checkOnlinePlattOptions refuses %j', (override, message) => {
    const check = (): void => checkOnlinePlattOptions({ ...DEFAULT_ONLINE_PLATT_OPTIONS, ...override });

    expect(check).toThrow(InvalidInputError);
    expect(check).toThrow(message);
  });
});

describe('refitOnlinePlatt', () => {
  it("refitOnlinePlatt reaches scipy's exact weighted MAP optimum of a hand-made window", () => {
    const state = windowOf(HAND_LOGITS, HAND_LABELS);

    const fit = refitOnlinePlatt(state, HAND_OPTIONS);

    expect(Math.abs(fit.slope - SCIPY_SLOPE)).toBeLessThan(1e-6);
    expect(Math.abs(fit.intercept - SCIPY_INTERCEPT)).toBeLessThan(1e-6);
    expect(Math.abs(statedObjective(fit, fit.slope, fit.intercept, HAND_OPTIONS) - SCIPY_OBJECTIVE)).toBeLessThan(1e-9);
    expect(fit.logits).toEqual(state.logits);
  });

  it('refitOnlinePlatt runs damped Newton to convergence after a large first step, even with maxIterations 1', () => {
    const farAway = windowOf(HAND_LOGITS, HAND_LABELS, 4, -3);

    const fit = refitOnlinePlatt(farAway, { ...HAND_OPTIONS, maxIterations: 1 });

    expect(Math.abs(fit.slope - SCIPY_SLOPE)).toBeLessThan(1e-6);
    expect(Math.abs(fit.intercept - SCIPY_INTERCEPT)).toBeLessThan(1e-6);
  });

  it('refitOnlinePlatt takes only maxIterations plain steps near the optimum', () => {
    // Start a small step away from the optimum: one plain Newton step lands within O(step²) of it,
    // closer than the start but (in general) not exactly on it.
    const near = windowOf(HAND_LOGITS, HAND_LABELS, SCIPY_SLOPE + 0.05, SCIPY_INTERCEPT - 0.05);

    const oneStep = refitOnlinePlatt(near, { ...HAND_OPTIONS, maxIterations: 1 });
    const many = refitOnlinePlatt(near, HAND_OPTIONS);

    const oneStepError = Math.abs(oneStep.slope - SCIPY_SLOPE) + Math.abs(oneStep.intercept - SCIPY_INTERCEPT);
    expect(oneStepError).toBeGreaterThan(1e-9);
    expect(oneStepError).toBeLessThan(0.1 ** 2);
    expect(Math.abs(many.slope - SCIPY_SLOPE)).toBeLessThan(1e-9);
  });

  it('refitOnlinePlatt of an optimum stays put', () => {
    const fit = refitOnlinePlatt(windowOf(HAND_LOGITS, HAND_LABELS), HAND_OPTIONS);

    const again = refitOnlinePlatt(fit, HAND_OPTIONS);

    expect(Math.abs(again.slope - fit.slope)).toBeLessThan(1e-12);
    expect(Math.abs(again.intercept - fit.intercept)).toBeLessThan(1e-12);
  });

  it("refitOnlinePlatt of an empty window is the prior's centre, the identity map", () => {
    const fit = refitOnlinePlatt({ slope: 3, intercept: 2, logits: [], labels: [] }, HAND_OPTIONS);

    expect(fit.slope).toBeCloseTo(1, 12);
    expect(fit.intercept).toBeCloseTo(0, 12);
  });

  it('refitOnlinePlatt stays finite on one class thanks to the prior', () => {
    const allShort = windowOf([-1, 0, 1, 2, 3, 4], [0, 0, 0, 0, 0, 0]);

    const fit = refitOnlinePlatt(allShort, HAND_OPTIONS);

    expect(Number.isFinite(fit.slope) && Number.isFinite(fit.intercept)).toBe(true);
    const [gradientSlope, gradientIntercept] = statedGradient(fit, fit.slope, fit.intercept, HAND_OPTIONS);
    expect(Math.abs(gradientSlope) + Math.abs(gradientIntercept)).toBeLessThan(1e-6);
  });

  it('refitOnlinePlatt never increases the objective from any start, and ends at its minimum (property)', () => {
    fc.assert(
      fc.property(
        windowArbitrary,
        fc.double({ min: -6, max: 6, noNaN: true }),
        fc.double({ min: -6, max: 6, noNaN: true }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        (window, slope, intercept, halfLifeOutcomes, priorStrength) => {
          const options: OnlinePlattOptions = { window: 100, halfLifeOutcomes, priorStrength, maxIterations: 1 };
          const start = { ...window, slope, intercept };

          const fit = refitOnlinePlatt(start, options);

          expect(statedObjective(fit, fit.slope, fit.intercept, options)).toBeLessThanOrEqual(
            statedObjective(start, slope, intercept, options) + 1e-12,
          );
          // Only a large step switches to damped Newton: a start next to the optimum may keep its one plain step.
          const [gradientSlope, gradientIntercept] = statedGradient(fit, fit.slope, fit.intercept, options);
          const startGradient = statedGradient(start, slope, intercept, options);
          expect(Math.hypot(gradientSlope, gradientIntercept)).toBeLessThanOrEqual(
            Math.max(1e-6, Math.hypot(...startGradient)),
          );
        },
      ),
    );
  });

  it('refitOnlinePlatt recovers a known Platt map from 8000 outcomes with a long half-life (property)', () => {
    // Logits x ~ N(0, 2²), labels ~ Bernoulli(σ(a·x + b)). The MLE's standard errors from the Fisher
    // information n·E[p(1−p)(x, 1)(x, 1)ᵀ] (numpy, 2·10⁶ draws) are at most 0.035 (slope) and 0.044
    // (intercept) over a ∈ [0.3, 1.5], b ∈ [−1.5, 1.5] at n = 8000: the tolerance 0.2 is over 4.5 of
    // them, so a failure means a wrong fit, not bad luck. The run's seed is fixed so CI never flakes.
    const options: OnlinePlattOptions = { window: 8000, halfLifeOutcomes: 1e9, priorStrength: 1, maxIterations: 1 };
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 1.5, noNaN: true }),
        fc.double({ min: -1.5, max: 1.5, noNaN: true }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (slope, intercept, seed) => {
          const random = seededRandom(seed);
          const logits: number[] = [];
          const labels: number[] = [];
          for (let index = 0; index < 8000; index += 1) {
            const logit = 2 * normal(random);
            logits.push(logit);
            labels.push(random() < logistic(slope * Math.fround(logit) + intercept) ? 1 : 0);
          }

          const fit = refitOnlinePlatt(windowOf(logits, labels), options);

          expect(Math.abs(fit.slope - slope)).toBeLessThan(0.2);
          expect(Math.abs(fit.intercept - intercept)).toBeLessThan(0.2);
        },
      ),
      { numRuns: 25, seed: 20_261_207 },
    );
  });
});

describe('learnOnlinePlatt', () => {
  it('learnOnlinePlatt keeps the last `window` outcomes, oldest first, in single precision, and leaves the input alone', () => {
    const options = { ...HAND_OPTIONS, window: 3 };
    let state = initialOnlinePlatt();
    const seen: OnlinePlattState[] = [];
    for (const [logit, label] of [
      [0.1, 1],
      [0.2, 0],
      [0.3, 1],
      [0.4, 0],
      [0.5, 1],
    ] as const) {
      seen.push(state);
      state = learnOnlinePlatt(state, logit, label, options);
    }

    expect(state.logits).toEqual([0.3, 0.4, 0.5].map((logit) => Math.fround(logit)));
    expect(state.labels).toEqual([1, 0, 1]);
    expect(seen[2]?.logits).toEqual([0.1, 0.2].map((logit) => Math.fround(logit)));
    expect(seen[0]).toEqual(initialOnlinePlatt());
  });

  it('learnOnlinePlatt refits on the trimmed window: the same as an exact fit of the last `window` outcomes', () => {
    const options = { ...HAND_OPTIONS, window: 6 };
    let state = initialOnlinePlatt();
    HAND_LOGITS.forEach((logit, index) => {
      state = learnOnlinePlatt(state, logit, HAND_LABELS[index] as number, options);
    });

    const exact = refitOnlinePlatt(windowOf(HAND_LOGITS.slice(4), HAND_LABELS.slice(4)), options);

    expect(state.logits).toEqual(HAND_LOGITS.slice(4));
    expect(Math.abs(state.slope - exact.slope)).toBeLessThan(1e-6);
    expect(Math.abs(state.intercept - exact.intercept)).toBeLessThan(1e-6);
  });

  it('learnOnlinePlatt with one warm-started step per outcome lands within O(move²) of the exact optimum', () => {
    // Newton's quadratic convergence: from a warm start `move` away from the new optimum, one step
    // leaves an error of order move² (a step over the trusted size runs to convergence instead).
    // Measured constant here ≈ 1.1; the bound allows 2, over 3000 outcomes and three memories.
    const memories: OnlinePlattOptions[] = [
      { window: 50, halfLifeOutcomes: 10, priorStrength: 1, maxIterations: 1 },
      { window: 300, halfLifeOutcomes: 100, priorStrength: 1, maxIterations: 1 },
      DEFAULT_ONLINE_PLATT_OPTIONS,
    ];
    for (const options of memories) {
      const random = seededRandom(20_261_207);
      let state = initialOnlinePlatt();
      let worstExcess = 0;
      for (let index = 0; index < 3000; index += 1) {
        const logit = 2 * normal(random);
        const before = state;

        state = learnOnlinePlatt(state, logit, random() < logistic(0.7 * logit - 0.5) ? 1 : 0, options);

        const exact = refitOnlinePlatt(state, { ...options, maxIterations: 100 });
        const move = Math.abs(before.slope - exact.slope) + Math.abs(before.intercept - exact.intercept);
        const error = Math.abs(state.slope - exact.slope) + Math.abs(state.intercept - exact.intercept);
        worstExcess = Math.max(worstExcess, error - 2 * move * move);
      }

      expect(worstExcess).toBeLessThan(1e-9);
    }
  });

  it.each([
    [Number.NaN, 1, 'logit must be finite, got NaN'],
    [Number.POSITIVE_INFINITY, 0, 'logit must be finite, got Infinity'],
    [0.5, 2, 'label must be 0 or 1, got 2'],
    [0.5, 0.5, 'label must be 0 or 1, got 0.5'],
  ])('learnOnlinePlatt refuses logit %s with label %s', (logit, label, message) => {
    const learn = (): OnlinePlattState => learnOnlinePlatt(initialOnlinePlatt(), logit, label);

    expect(learn).toThrow(InvalidInputError);
    expect(learn).toThrow(message);
  });

  it('learnOnlinePlatt uses the default options when none are given', () => {
    const state = learnOnlinePlatt(initialOnlinePlatt(), 1, 1);

    const exact = refitOnlinePlatt(windowOf([1], [1]), { ...DEFAULT_ONLINE_PLATT_OPTIONS, maxIterations: 100 });

    expect(Math.abs(state.slope - exact.slope)).toBeLessThan(1e-6);
    expect(Math.abs(state.intercept - exact.intercept)).toBeLessThan(1e-6);
  });
});
