import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import {
  DEFAULT_ONLINE_WAIT_OPTIONS,
  initialOnlineWaitState,
  issueOnlineWait,
  observeOnlineWait,
  type OnlineWaitOptions,
  type OnlineWaitState,
} from './online-wait-interval.ts';

const SMALL: OnlineWaitOptions = { coverage: 0.8, bins: 2, probabilityWindow: 4, outcomeWindow: 6, binWaitWindow: 5, minBinWaits: 2, learningRate: 0.1, scoreWindow: 3, minScores: 2 };

function stateWith(overrides: Partial<OnlineWaitState>): OnlineWaitState {
  return { ...initialOnlineWaitState(SMALL), ...overrides };
}

/** Brute force: every range of ⌈0.8·m⌉ consecutive sorted waits, the narrowest (first on ties). */
function bruteShortestRange(waits: readonly number[], coverage: number): [number, number] {
  const sorted = [...waits].sort((left, right) => left - right);
  const inside = Math.max(1, Math.ceil(coverage * sorted.length));
  let best: [number, number] = [sorted[0] as number, sorted[inside - 1] as number];
  for (let start = 1; start + inside <= sorted.length; start += 1) {
    const candidate: [number, number] = [sorted[start] as number, sorted[start + inside - 1] as number];
    if (candidate[1] - candidate[0] < best[1] - best[0]) best = candidate;
  }
  return best;
}

describe('initialOnlineWaitState', () => {
  it('initialOnlineWaitState starts at α = 1 − coverage with empty windows', () => {
    const state = initialOnlineWaitState(DEFAULT_ONLINE_WAIT_OPTIONS);

    expect(state.alpha).toBeCloseTo(0.2, 15);
    expect(state).toMatchObject({ scoredOutcomes: 0, misses: 0, probabilities: [], bins: [], waitsSeconds: [], scores: [] });
  });

  it('initialOnlineWaitState rejects options out of range', () => {
    expect(() => initialOnlineWaitState({ ...SMALL, coverage: 1 })).toThrow(InvalidInputError);
    expect(() => initialOnlineWaitState({ ...SMALL, learningRate: 0 })).toThrow(InvalidInputError);
    expect(() => initialOnlineWaitState({ ...SMALL, bins: 0 })).toThrow(InvalidInputError);
    expect(() => initialOnlineWaitState({ ...SMALL, bins: 256 })).toThrow(InvalidInputError);
    expect(() => initialOnlineWaitState({ ...SMALL, outcomeWindow: 1.5 })).toThrow(InvalidInputError);
    expect(() => initialOnlineWaitState({ ...SMALL, minScores: -1 })).toThrow(InvalidInputError);
  });
});

describe('issueOnlineWait', () => {
  it('issueOnlineWait issues the bundle fallback unchanged before any outcome, and nothing without one', () => {
    const fallback = { pointSeconds: 60, lowerSeconds: 10, upperSeconds: 300 };

    const withFallback = issueOnlineWait(initialOnlineWaitState(SMALL), 0.4, fallback, SMALL);
    const without = issueOnlineWait(initialOnlineWaitState(SMALL), 0.4, null, SMALL);

    expect(withFallback).toEqual({ bin: 0, estimate: { base: { lowerSeconds: 10, upperSeconds: 300 }, pointSeconds: 60, lowerSeconds: 10, upperSeconds: 300, coverage: 0.8 } });
    expect(without).toEqual({ bin: 0, estimate: null });
  });

  it('issueOnlineWait bins by the share of recent outcome probabilities strictly below p', () => {
    // Window 0.1, 0.2, 0.3, 0.4 with 2 bins: p = 0.25 has 2 of 4 below → ⌊2·0.5⌋ = 1; p = 0.2 has 1 below → 0; p = 0.9 → ⌊2·1⌋ clamped to 1.
    const state = stateWith({ probabilities: [0.1, 0.2, 0.3, 0.4] });

    expect(issueOnlineWait(state, 0.25, null, SMALL).bin).toBe(1);
    expect(issueOnlineWait(state, 0.2, null, SMALL).bin).toBe(0);
    expect(issueOnlineWait(state, 0.9, null, SMALL).bin).toBe(1);
  });

  it('issueOnlineWait reads the base from the bin\'s most recent waits, else from all bins', () => {
    // Bin 1 holds waits 100, 10, 20, 30 (oldest first) and bin 0 only 5: with binWaitWindow 5 and 4 waits in bin 1,
    // ⌈0.8·4⌉ = 4 → [10, 100], median (20 + 30)/2 = 25. Bin 0 has 1 < minBinWaits wait: the last 5 of all bins,
    // 10, 20, 5, 30, 100 reversed order → sorted 5, 10, 20, 30, 100, ⌈0.8·5⌉ = 4 → narrowest of [5, 30] and [10, 100] is [5, 30].
    const state = stateWith({ probabilities: [0.1, 0.2, 0.3, 0.4], bins: [1, 1, 1, 0, 1], waitsSeconds: [100, 10, 20, 5, 30] });

    const high = issueOnlineWait(state, 0.35, null, SMALL);
    const low = issueOnlineWait(state, 0.05, null, SMALL);

    expect(high.estimate).toMatchObject({ base: { lowerSeconds: 10, upperSeconds: 100 }, pointSeconds: 25 });
    expect(low.estimate).toMatchObject({ base: { lowerSeconds: 5, upperSeconds: 30 }, pointSeconds: 20 });
  });

  it('issueOnlineWait base is the brute-force shortest 80 % range of the bin\'s last waits', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 2, maxLength: 40 }), (waits) => {
        const options = { ...SMALL, bins: 1, binWaitWindow: 25, outcomeWindow: 40, minScores: 1000 };
        const state = { ...initialOnlineWaitState(options), probabilities: [0.5], bins: waits.map(() => 0), waitsSeconds: waits };
        const [lower, upper] = bruteShortestRange(waits.slice(-25), 0.8);

        const issued = issueOnlineWait(state, 0.5, null, options);

        expect(issued.estimate?.lowerSeconds).toBe(lower);
        expect(issued.estimate?.upperSeconds).toBe(upper);
      }),
      { numRuns: 200 },
    );
  });

  it('issueOnlineWait shifts the base by the ⌈(n+1)(1−α)⌉-th smallest score in log(1 + wait)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 60 }),
        fc.double({ min: -0.5, max: 1.5, noNaN: true }),
        (scores, alpha) => {
          const options = { ...SMALL, scoreWindow: 60, minScores: 2 };
          const state = { ...initialOnlineWaitState(options), alpha, scores };
          const sorted = [...scores].sort((left, right) => left - right);
          const rank = Math.min(Math.max(Math.ceil((scores.length + 1) * (1 - alpha)), 1), scores.length);
          const shift = sorted[rank - 1] as number;
          const fallback = { pointSeconds: 100, lowerSeconds: 50, upperSeconds: 400 };
          const crossed = Math.log1p(50) - shift > Math.log1p(400) + shift;
          const centre = Math.expm1((Math.log1p(50) + Math.log1p(400)) / 2);

          const issued = issueOnlineWait(state, 0.5, fallback, options).estimate;

          expect(issued?.lowerSeconds).toBeCloseTo(crossed ? centre : Math.max(0, Math.expm1(Math.log1p(50) - shift)), 9);
          expect(issued?.upperSeconds).toBeCloseTo(crossed ? centre : Math.expm1(Math.log1p(400) + shift), 9);
          expect(issued?.pointSeconds).toBeGreaterThanOrEqual(issued?.lowerSeconds ?? Number.NaN);
          expect(issued?.pointSeconds).toBeLessThanOrEqual(issued?.upperSeconds ?? Number.NaN);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('issueOnlineWait rejects a probability outside [0, 1] and a malformed fallback', () => {
    const state = initialOnlineWaitState(SMALL);

    expect(() => issueOnlineWait(state, 1.2, null, SMALL)).toThrow(InvalidInputError);
    expect(() => issueOnlineWait(state, 0.5, { pointSeconds: 1, lowerSeconds: 9, upperSeconds: 3 }, SMALL)).toThrow(InvalidInputError);
  });
});

describe('observeOnlineWait', () => {
  it('observeOnlineWait scores the outcome, steps α on a miss and keeps every window bounded', () => {
    const base = { lowerSeconds: 9, upperSeconds: 99 };
    const issued = { lowerSeconds: 9, upperSeconds: 99 };
    let state = initialOnlineWaitState(SMALL);

    for (let index = 0; index < 7; index += 1) state = observeOnlineWait(state, { probability: 0.3, bin: 1, waitSeconds: 999, base, issued }, SMALL);

    // Each miss: α += 0.1·(0.2 − 1) = −0.08, seven times from 0.2. Score = log(1000) − log(100) = log 10.
    expect(state.alpha).toBeCloseTo(0.2 - 7 * 0.08, 12);
    expect(state.scoredOutcomes).toBe(7);
    expect(state.misses).toBe(7);
    expect(state.probabilities).toHaveLength(4);
    expect(state.bins).toHaveLength(6);
    expect(state.waitsSeconds).toHaveLength(6);
    expect(state.scores).toEqual([Math.fround(Math.log(10)), Math.fround(Math.log(10)), Math.fround(Math.log(10))]);
  });

  it('observeOnlineWait counts a covered outcome as a hit and an outcome without an interval only in the windows', () => {
    const interval = { lowerSeconds: 10, upperSeconds: 100 };
    const start = initialOnlineWaitState(SMALL);

    const covered = observeOnlineWait(start, { probability: 0.3, bin: 0, waitSeconds: 100, base: interval, issued: interval }, SMALL);
    const unscored = observeOnlineWait(start, { probability: 0.1, bin: 1, waitSeconds: 0.1, base: null, issued: null }, SMALL);

    // A hit: α += 0.1·0.2 = 0.02.
    expect(covered).toMatchObject({ scoredOutcomes: 1, misses: 0 });
    expect(covered.alpha).toBeCloseTo(0.22, 12);
    expect(unscored).toEqual({ ...start, probabilities: [Math.fround(0.1)], bins: [1], waitsSeconds: [Math.fround(0.1)] });
    expect(start.probabilities).toEqual([]);
  });

  it('observeOnlineWait rejects a bad probability, wait or bin', () => {
    const state = initialOnlineWaitState(SMALL);

    expect(() => observeOnlineWait(state, { probability: -0.1, bin: 0, waitSeconds: 1, base: null, issued: null }, SMALL)).toThrow(InvalidInputError);
    expect(() => observeOnlineWait(state, { probability: 0.1, bin: 0, waitSeconds: Number.NaN, base: null, issued: null }, SMALL)).toThrow(InvalidInputError);
    expect(() => observeOnlineWait(state, { probability: 0.1, bin: 2, waitSeconds: 1, base: null, issued: null }, SMALL)).toThrow(InvalidInputError);
  });
});

describe('online wait interval, issue then observe', () => {
  it('covers about 80 % of a stream whose waits drift tenfold, with the default options', () => {
    // Waits log-uniform around a level that grows 10× over the stream; probabilities carry no information.
    const random = seededRandom(11);
    let state = initialOnlineWaitState();
    let covered = 0;
    let issuedCount = 0;
    for (let job = 0; job < 6000; job += 1) {
      const probability = random();
      const level = 100 * 10 ** (job / 6000);
      const waitSeconds = level * Math.exp(3 * (random() - 0.5));
      const issued = issueOnlineWait(state, probability, { pointSeconds: 100, lowerSeconds: 50, upperSeconds: 200 }, DEFAULT_ONLINE_WAIT_OPTIONS);
      const estimate = issued.estimate;
      if (job >= 1000 && estimate !== null) {
        issuedCount += 1;
        if (waitSeconds >= estimate.lowerSeconds && waitSeconds <= estimate.upperSeconds) covered += 1;
      }
      state = observeOnlineWait(state, { probability, bin: issued.bin, waitSeconds, base: estimate?.base ?? null, issued: estimate }, DEFAULT_ONLINE_WAIT_OPTIONS);
    }

    expect(issuedCount).toBe(5000);
    expect(Math.abs(covered / issuedCount - 0.8)).toBeLessThan(0.03);
  });
});
