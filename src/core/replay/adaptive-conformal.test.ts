import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import {
  adjustInterval,
  conformalShift,
  createAdaptiveConformal,
  observeConformalOutcome,
  shiftWaitInterval,
  type WaitInterval,
} from './adaptive-conformal.ts';

/** Exponential(mean) wait by inversion. */
function exponentialWait(random: () => number, meanSeconds: number): number {
  return -meanSeconds * Math.log(1 - random());
}

function runStream(
  waits: readonly number[],
  base: WaitInterval,
  learningRate: number,
): { coverage: number; lastQuarterCoverage: number } {
  const state = createAdaptiveConformal({ coverage: 0.8, learningRate, windowSize: 500, minScores: 50 });
  let covered = 0;
  let lastQuarterCovered = 0;
  const lastQuarterStart = Math.floor((waits.length * 3) / 4);
  waits.forEach((wait, index) => {
    const issued = adjustInterval(state, base);
    const hit = wait >= issued.lowerSeconds && wait <= issued.upperSeconds;
    if (hit) covered += 1;
    if (hit && index >= lastQuarterStart) lastQuarterCovered += 1;
    observeConformalOutcome(state, base, issued, wait);
  });
  return {
    coverage: covered / waits.length,
    lastQuarterCoverage: lastQuarterCovered / (waits.length - lastQuarterStart),
  };
}

describe('adaptiveConformal', () => {
  it('adaptiveConformal brings a far too narrow base interval to 80 % coverage', () => {
    const random = seededRandom(7);
    const waits = Array.from({ length: 8000 }, () => exponentialWait(random, 600));
    // The base [590, 610] s alone covers ≈ e^{-590/600} − e^{-610/600} ≈ 1.3 % of Exp(600) waits.

    const result = runStream(waits, { lowerSeconds: 590, upperSeconds: 610 }, 0.005);

    expect(result.coverage).toBeGreaterThan(0.77);
    expect(result.coverage).toBeLessThan(0.83);
    expect(result.lastQuarterCoverage).toBeGreaterThan(0.77);
    expect(result.lastQuarterCoverage).toBeLessThan(0.83);
  });

  it('adaptiveConformal recovers coverage after the waits shift tenfold mid-stream', () => {
    const random = seededRandom(11);
    const waits = [
      ...Array.from({ length: 4000 }, () => exponentialWait(random, 300)),
      ...Array.from({ length: 4000 }, () => exponentialWait(random, 3000)),
    ];

    const result = runStream(waits, { lowerSeconds: 30, upperSeconds: 700 }, 0.01);

    // The ACI bound (max(α₁, 1 − α₁) + γ)/(γT) over the last 2,000 outcomes is 0.81/20 ≈ 0.04.
    expect(Math.abs(result.lastQuarterCoverage - 0.8)).toBeLessThan(0.04);
  });

  it('adjustInterval leaves the base interval alone until minScores outcomes are known', () => {
    const state = createAdaptiveConformal({ coverage: 0.8, learningRate: 0.01, windowSize: 100, minScores: 3 });
    const base = { lowerSeconds: 10, upperSeconds: 100 };
    observeConformalOutcome(state, base, base, 1000);
    observeConformalOutcome(state, base, base, 1000);

    const beforeThird = adjustInterval(state, base);
    observeConformalOutcome(state, base, base, 1000);
    const afterThird = conformalShift(state);

    expect(beforeThird).toEqual(base);
    // Every score is log(1001) − log(101); the conformal quantile of three equal scores is that score.
    expect(afterThird).toBeCloseTo(Math.log(1001) - Math.log(101), 12);
  });

  it('observeConformalOutcome moves α by γ(α_target − miss)', () => {
    const state = createAdaptiveConformal({ coverage: 0.8, learningRate: 0.1, windowSize: 10, minScores: 0 });
    const base = { lowerSeconds: 10, upperSeconds: 20 };

    observeConformalOutcome(state, base, base, 15);
    const afterHit = state.alpha;
    observeConformalOutcome(state, base, base, 50);

    // 0.2 + 0.1·(0.2 − 0) = 0.22, then 0.22 + 0.1·(0.2 − 1) = 0.14
    expect(afterHit).toBeCloseTo(0.22, 12);
    expect(state.alpha).toBeCloseTo(0.14, 12);
    expect(state.misses).toBe(1);
  });

  it('adjustInterval meets at the log-centre instead of crossing, and refuses bad input', () => {
    const state = createAdaptiveConformal({ coverage: 0.5, learningRate: 0.1, windowSize: 10, minScores: 1 });
    const base = { lowerSeconds: 0, upperSeconds: 99 };
    // A wait inside the interval far from both ends gives a negative score: the interval shrinks past zero width.
    observeConformalOutcome(state, base, base, 9);

    const issued = adjustInterval(state, base);

    // score = max(log 1 − log 10, log 10 − log 100) = −log 10 ⇒ log bounds cross; centre = e^{(0 + log 100)/2} − 1 = 9
    expect(issued.lowerSeconds).toBeCloseTo(9, 9);
    expect(issued.upperSeconds).toBeCloseTo(9, 9);
    expect(() => adjustInterval(state, { lowerSeconds: 5, upperSeconds: 1 })).toThrow(/interval/);
    expect(() => observeConformalOutcome(state, base, base, -1)).toThrow(/waitSeconds/);
    expect(() => createAdaptiveConformal({ coverage: 1, learningRate: 0.1, windowSize: 10, minScores: 0 })).toThrow(
      /coverage/,
    );
    expect(() => createAdaptiveConformal({ coverage: 0.8, learningRate: 0, windowSize: 10, minScores: 0 })).toThrow(
      /learningRate/,
    );
    expect(() => createAdaptiveConformal({ coverage: 0.8, learningRate: 0.1, windowSize: 10, minScores: -1 })).toThrow(
      /minScores/,
    );
  });

  it('conformalShift is 0 with minScores 0 and no scores yet; shiftWaitInterval(·, 0) returns the base unchanged', () => {
    const state = createAdaptiveConformal({ coverage: 0.8, learningRate: 0.01, windowSize: 10, minScores: 0 });
    const base = { lowerSeconds: 12, upperSeconds: 340 };

    const shift = conformalShift(state);
    const shifted = shiftWaitInterval(base, 0);

    expect(shift).toBe(0);
    expect(shifted).toEqual({ lowerSeconds: 12, upperSeconds: 340 });
  });
});

describe('shiftWaitInterval', () => {
  it('shiftWaitInterval narrowing past the bounds meets at the geometric centre in log(1 + wait)', () => {
    const narrowed = shiftWaitInterval({ lowerSeconds: 100, upperSeconds: 200 }, -5);

    // log1p(100) + 5 > log1p(200) − 5, so both bounds meet at expm1(mean of the logs)
    // = sqrt(101 · 201) − 1 = sqrt(20301) − 1 ≈ 141.48157.
    expect(narrowed.lowerSeconds).toBeCloseTo(Math.sqrt(20_301) - 1, 9);
    expect(narrowed.upperSeconds).toBe(narrowed.lowerSeconds);
  });
});
