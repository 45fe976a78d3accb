import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { calibrationEvidence } from './calibration-evidence.ts';

const Z95 = 1.6448536269514722; // scipy.stats.norm.ppf(0.95)
const Z90 = 1.2815515655446004; // scipy.stats.norm.ppf(0.90)
/** Bounds use Acklam's Φ⁻¹ (relative error ≈ 1e-9), so they match scipy's z to 8 decimals, not 12. */
const BOUND_DIGITS = 8;

describe('calibrationEvidence', () => {
  it('calibrationEvidence of a hand-worked window of 6 in 3 equal-mass bins', () => {
    // Bins by rank, 2 forecasts each (mean forecast p̄, observed rate ȳ, variance v = max(ȳ(1−ȳ), p̄(1−p̄))):
    //   {0.1, 0.2} labels {0, 1}: p̄ 0.15, ȳ 0.5, gap 0.35, v = max(0.25, 0.1275) = 0.25
    //   {0.4, 0.5} labels {0, 0}: p̄ 0.45, ȳ 0,   gap 0.45, v = max(0, 0.2475)    = 0.2475
    //   {0.8, 0.9} labels {1, 1}: p̄ 0.85, ȳ 1,   gap 0.15, v = max(0, 0.1275)    = 0.1275
    // ECE = (0.35 + 0.45 + 0.15)/3 = 0.31667; se² = (1/3)²·(0.25 + 0.2475 + 0.1275)/2 = 0.034722, se = 0.186339
    // noise = (1/3)·Σ √(2/π · v/2) = (0.282095 + 0.280681 + 0.201456)/3 = 0.254744
    // upper = 0.31667 + 1.64485·0.186339 = 0.623167; lower = max(0, 0.31667 − 0.306499 − 0.254744) = 0
    // (the same formulas in numpy with np.array_split bins: 0.31666666666666665, 0.18633899812498245,
    //  0.6231670435750476, 0.0)
    const evidence = calibrationEvidence([0.1, 0.2, 0.4, 0.5, 0.8, 0.9], [0, 1, 0, 0, 1, 1], 0.95, 3);

    expect(evidence.count).toBe(6);
    expect(evidence.longWaits).toBe(3);
    expect(evidence.level).toBe(0.95);
    expect(evidence.ece).toBeCloseTo(0.31666666666666665, 12);
    expect(evidence.standardError).toBeCloseTo(0.18633899812498245, 12);
    expect(evidence.upper).toBeCloseTo(0.6231670435750476, BOUND_DIGITS);
    expect(evidence.lower).toBe(0);
  });

  it("calibrationEvidence claims miscalibration beyond noise only after subtracting the plug-in's own noise", () => {
    // Two bins of four: 0.1 ×4 with 3 long waits (ȳ 0.75), 0.9 ×4 with 1 (ȳ 0.25); gap 0.65 each, ECE 0.65.
    // v = max(0.1875, 0.09) = 0.1875 per bin; se² = 2·(½)²·0.1875/4 = 0.0234375, se = 0.1530931
    // noise = 2·½·√(2/π·0.1875/4) = 0.1727471; at level 0.90 (z = 1.2815516):
    // upper = 0.65 + 0.1961967 = 0.8461967; lower = 0.65 − 0.1961967 − 0.1727471 = 0.2810562
    const evidence = calibrationEvidence([0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9], [1, 1, 1, 0, 0, 0, 0, 1], 0.9, 2);

    expect(evidence.ece).toBeCloseTo(0.65, 12);
    expect(evidence.standardError).toBeCloseTo(0.15309310892394862, 12);
    expect(evidence.upper).toBeCloseTo(0.65 + Z90 * 0.15309310892394862, BOUND_DIGITS);
    expect(evidence.upper).toBeCloseTo(0.8461967134155763, BOUND_DIGITS);
    expect(evidence.lower).toBeCloseTo(0.2810562118487559, BOUND_DIGITS);
  });

  it("calibrationEvidence keeps a lucky window from looking precise: the forecasts' claimed variance floors a bin's", () => {
    // One forecast 0.05 that was a long wait: observed variance 0, claimed 0.05·0.95 = 0.0475.
    // se = √0.0475 = 0.2179449; upper = min(1, 0.95 + 1.645·0.218) = 1 (clamped);
    // lower = 0.95 − 0.358486 − √(2/π·0.0475) = 0.95 − 0.358486 − 0.173895 = 0.4176176
    const evidence = calibrationEvidence([0.05], [1], 0.95);

    expect(evidence.ece).toBeCloseTo(0.95, 12);
    expect(evidence.standardError).toBeCloseTo(Math.sqrt(0.0475), 12);
    expect(evidence.upper).toBe(1);
    expect(evidence.lower).toBeCloseTo(0.417617554702558, BOUND_DIGITS);
  });

  it("calibrationEvidence uses SPEC's 15 equal-mass bins by default", () => {
    const probabilities = Array.from({ length: 30 }, (_, index) => (index + 0.5) / 30);
    const labels = probabilities.map((_, index) => (index % 3 === 0 ? 1 : 0));

    const byDefault = calibrationEvidence(probabilities, labels, 0.95);
    const fifteen = calibrationEvidence(probabilities, labels, 0.95, 15);
    const five = calibrationEvidence(probabilities, labels, 0.95, 5);

    expect(byDefault).toEqual(fifteen);
    expect(byDefault.ece).not.toBeCloseTo(five.ece, 6);
  });

  it('calibrationEvidence bounds widen with the level', () => {
    const probabilities = [0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9];
    const labels = [1, 1, 1, 0, 0, 0, 0, 1];

    const at90 = calibrationEvidence(probabilities, labels, 0.9, 2);
    const at95 = calibrationEvidence(probabilities, labels, 0.95, 2);

    expect(at95.upper - at90.upper).toBeCloseTo((Z95 - Z90) * at90.standardError, BOUND_DIGITS);
    expect(at90.lower - at95.lower).toBeCloseTo((Z95 - Z90) * at90.standardError, BOUND_DIGITS);
  });

  it.each([0.5, 1, 0.3, Number.NaN])('calibrationEvidence refuses level %s', (level) => {
    const evidence = (): unknown => calibrationEvidence([0.5], [1], level);

    expect(evidence).toThrow(InvalidInputError);
    expect(evidence).toThrow(`level must be in (0.5, 1), got ${level}`);
  });

  it('calibrationEvidence refuses an empty window, mismatched lengths and values out of range', () => {
    expect(() => calibrationEvidence([], [], 0.95)).toThrow(InvalidInputError);
    expect(() => calibrationEvidence([0.5, 0.5], [1], 0.95)).toThrow(InvalidInputError);
    expect(() => calibrationEvidence([1.5], [1], 0.95)).toThrow(InvalidInputError);
    expect(() => calibrationEvidence([0.5], [2], 0.95)).toThrow(InvalidInputError);
  });
});

/** A window of `size` forecasts from `forecast` with outcomes drawn at `truth(p)`, from a fixed seed. */
function simulatedWindow(
  seed: number,
  size: number,
  forecast: (random: () => number) => number,
  truth: (probability: number) => number,
): { probabilities: Float64Array; labels: Uint8Array } {
  const random = seededRandom(seed);
  const probabilities = new Float64Array(size);
  const labels = new Uint8Array(size);
  for (let index = 0; index < size; index += 1) {
    const probability = forecast(random);
    probabilities[index] = probability;
    labels[index] = random() < truth(probability) ? 1 : 0;
  }
  return { probabilities, labels };
}

describe('calibrationEvidence statistics over fixed seeds', () => {
  it('calibrated forecasts: the lower bound is 0 (no miscalibration claimed) in at least 95 % of 1000 windows of 1000', () => {
    // p ~ U(0, 1), y ~ Bernoulli(p). The lower bound claims miscalibration beyond noise; at level 0.95
    // it should do so in at most ~5 % of calibrated windows (measured here: 0.2 %, the noise term makes
    // it conservative).
    let zero = 0;
    for (let seed = 1; seed <= 1000; seed += 1) {
      const { probabilities, labels } = simulatedWindow(
        seed,
        1000,
        (random) => random(),
        (probability) => probability,
      );
      if (calibrationEvidence(probabilities, labels, 0.95).lower === 0) zero += 1;
    }

    expect(zero).toBeGreaterThanOrEqual(950);
  });

  it('constant forecast 0.2 with true rate 0.3 (true ECE 0.1): the upper bound covers it in ≥ 92.5 % of 1000 windows, the lower bound in ≥ 93 %', () => {
    // Every bin holds the tied forecasts 0.2 and the window's rate ȳ, so ECE = |ȳ − 0.2| and se = √(v/1000).
    // Exact coverage of the upper bound, summing scipy.stats.binom.pmf(k, 1000, 0.3) over the k whose
    // |k/1000 − 0.2| + 1.6449·√(max(ȳ(1−ȳ), 0.16)/1000) ≥ 0.1: 0.9484. Over 1000 windows the count is
    // Binomial(1000, 0.948), sd 7: 925 is 3.3 sd below its mean.
    let upperCovers = 0;
    let lowerCovers = 0;
    for (let seed = 1; seed <= 1000; seed += 1) {
      const { probabilities, labels } = simulatedWindow(
        seed,
        1000,
        () => 0.2,
        () => 0.3,
      );
      const evidence = calibrationEvidence(probabilities, labels, 0.95);
      if (evidence.upper >= 0.1) upperCovers += 1;
      if (evidence.lower <= 0.1) lowerCovers += 1;
    }

    expect(upperCovers).toBeGreaterThanOrEqual(925);
    expect(lowerCovers).toBeGreaterThanOrEqual(930);
  });

  it('forecasts spread over [0.1, 0.7] with true rate p + 0.1 (true binned ECE 0.1): both bounds cover it in ≥ 93 % of 300 windows', () => {
    let upperCovers = 0;
    let lowerCovers = 0;
    for (let seed = 1; seed <= 300; seed += 1) {
      const { probabilities, labels } = simulatedWindow(
        10_000 + seed,
        1000,
        (random) => 0.1 + 0.6 * random(),
        (probability) => probability + 0.1,
      );
      const evidence = calibrationEvidence(probabilities, labels, 0.95);
      if (evidence.upper >= 0.1) upperCovers += 1;
      if (evidence.lower <= 0.1) lowerCovers += 1;
    }

    expect(upperCovers).toBeGreaterThanOrEqual(279);
    expect(lowerCovers).toBeGreaterThanOrEqual(279);
  });
});
