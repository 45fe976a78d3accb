import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import {
  checkWaitDistributionOptions,
  DEFAULT_WAIT_DISTRIBUTION_OPTIONS,
  issueWaitDistribution,
  observeWaitDistribution,
  queueDepthOf,
  queueTercile,
  tercileAmong,
  tercileCuts,
} from './online-wait-distribution.ts';
import { initialOnlineWaitState, observeOnlineWait, type OnlineWaitOptions, type OnlineWaitState } from './online-wait-interval.ts';
import { cdfAt, LOWER_80_INDEX, UPPER_80_INDEX, WAIT_QUANTILE_LEVELS } from './wait-distribution.ts';

const SMALL: OnlineWaitOptions = { coverage: 0.8, bins: 2, probabilityWindow: 50, outcomeWindow: 400, binWaitWindow: 200, minBinWaits: 5, learningRate: 0.1, scoreWindow: 3, minScores: 2 };
const SPREAD = [5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95];

describe('tercileCuts and queueTercile', () => {
  it('tercileCuts are the type-7 1/3 and 2/3 quantiles (numpy.quantile([0..9], [1/3, 2/3]) = 3, 6)', () => {
    expect(tercileCuts([9, 0, 8, 1, 7, 2, 6, 3, 5, 4])).toEqual([3, 6]);
    expect(tercileCuts([])).toBeNull();
  });

  it('queueTercile puts a depth equal to a cut below it, and everything in tercile 0 without cuts', () => {
    expect([0, 3, 3.5, 6, 7].map((depth) => queueTercile(depth, [3, 6]))).toEqual([0, 0, 1, 1, 2]);
    expect(queueTercile(100, null)).toBe(0);
  });

  it('tercileAmong ranks a depth by the share of recent depths strictly below it', () => {
    const depths = [0, 1, 2, 3, 4, 5, 6, 7, 8];

    expect([0, 2, 3, 5, 6, 100].map((depth) => tercileAmong(depth, depths))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(tercileAmong(5, [])).toBe(0);
  });
});

describe('queueDepthOf', () => {
  it('queueDepthOf reads pending GPUs on a cluster using GPUs, else pending processors, 0 when missing', () => {
    expect(queueDepthOf({ pendingGpusAhead: 4, pendingProcessorsAhead: 64 })).toBe(4);
    expect(queueDepthOf({ pendingGpusAhead: 0, gpusInUse: 8, pendingProcessorsAhead: 64 })).toBe(0);
    expect(queueDepthOf({ pendingGpusAhead: 0, gpusInUse: 0, pendingProcessorsAhead: 64 })).toBe(64);
    expect(queueDepthOf({ pendingProcessorsAhead: 'many' })).toBe(0);
    expect(queueDepthOf({ pendingProcessorsAhead: -3 })).toBe(0);
  });
});

describe('checkWaitDistributionOptions', () => {
  it('checkWaitDistributionOptions refuses options out of range', () => {
    expect(() => checkWaitDistributionOptions(DEFAULT_WAIT_DISTRIBUTION_OPTIONS)).not.toThrow();
    expect(() => checkWaitDistributionOptions({ ...DEFAULT_WAIT_DISTRIBUTION_OPTIONS, depthWindow: 0 })).toThrow(InvalidInputError);
    expect(() => checkWaitDistributionOptions({ ...DEFAULT_WAIT_DISTRIBUTION_OPTIONS, learningRate: 0 })).toThrow(InvalidInputError);
    expect(() => checkWaitDistributionOptions({ ...DEFAULT_WAIT_DISTRIBUTION_OPTIONS, maxOffset: Number.POSITIVE_INFINITY })).toThrow(InvalidInputError);
  });
});

function withWaits(waits: readonly number[]): OnlineWaitState {
  let state = initialOnlineWaitState(SMALL);
  for (const waitSeconds of waits) state = observeOnlineWait(state, { probability: 0.5, bin: 0, waitSeconds, base: null, issued: null }, SMALL);
  return state;
}

describe('issueWaitDistribution', () => {
  it('issueWaitDistribution issues nothing before minBinWaits waits are known', () => {
    const issued = issueWaitDistribution(withWaits([10, 20]), { probability: 0.5, queueDepth: 3, longWaitThresholdSeconds: 60 }, SMALL);

    expect(issued).toEqual({ bin: 0, tercile: 0, queueDepth: 3, quantilesSeconds: null, ownProbabilityAbove: null });
  });

  it('issueWaitDistribution issues the type-7 quantiles of the recent waits, unchanged without a threshold', () => {
    // Waits 0, 10, …, 100: type-7 quantile at level τ is 100·τ (numpy.quantile(range(0, 101, 10), τ)).
    const state = withWaits(Array.from({ length: 11 }, (_, index) => 10 * index));

    const issued = issueWaitDistribution(state, { probability: 0.5, queueDepth: 0, longWaitThresholdSeconds: null }, SMALL);

    (issued.quantilesSeconds ?? []).forEach((value, index) => expect(value).toBeCloseTo(100 * (WAIT_QUANTILE_LEVELS[index] as number), 9));
    expect(issued.ownProbabilityAbove).toBeNull();
    // A job in the empty upper bin reads every recent wait instead: the same quantiles.
    const upperBin = issueWaitDistribution(state, { probability: 0.9, queueDepth: 0, longWaitThresholdSeconds: null }, SMALL);
    expect(upperBin.bin).toBe(1);
    expect(upperBin.quantilesSeconds).toEqual(issued.quantilesSeconds);
  });

  it('issueWaitDistribution makes P(wait > threshold) the issued probability and reports what it was before', () => {
    const state = withWaits(Array.from({ length: 11 }, (_, index) => 10 * index));

    const issued = issueWaitDistribution(state, { probability: 0.25, queueDepth: 0, longWaitThresholdSeconds: 50 }, SMALL);

    expect(issued.ownProbabilityAbove).toBeCloseTo(0.5, 9);
    expect(1 - cdfAt(issued.quantilesSeconds ?? [], 50)).toBeCloseTo(0.25, 9);
  });

  it('issueWaitDistribution refuses a probability, depth or threshold out of range', () => {
    const state = withWaits([1, 2, 3, 4, 5]);

    expect(() => issueWaitDistribution(state, { probability: 2, queueDepth: 0, longWaitThresholdSeconds: null }, SMALL)).toThrow(InvalidInputError);
    expect(() => issueWaitDistribution(state, { probability: 0.5, queueDepth: -1, longWaitThresholdSeconds: null }, SMALL)).toThrow(InvalidInputError);
    expect(() => issueWaitDistribution(state, { probability: 0.5, queueDepth: 0, longWaitThresholdSeconds: Number.NaN }, SMALL)).toThrow(InvalidInputError);
  });
});

describe('observeWaitDistribution', () => {
  it('observeWaitDistribution steps each offset of the tercile by η·(1{wait > q} − (1 − level)) (hand-worked)', () => {
    const state = initialOnlineWaitState(SMALL);
    const options = { depthWindow: 3, learningRate: 0.1, maxOffset: 8 };

    const next = observeWaitDistribution(state, { tercile: 1, queueDepth: 7, waitSeconds: 45, quantilesSeconds: SPREAD }, options);

    expect(next.queueDepths).toEqual([7]);
    const levels = WAIT_QUANTILE_LEVELS.length;
    expect(next.quantileOffsets.slice(0, levels).every((value) => value === 0)).toBe(true);
    expect(next.quantileOffsets.slice(2 * levels).every((value) => value === 0)).toBe(true);
    // 45 is above the 5…40 quantiles (levels 0.05…0.4): +0.1·level; below 50…95: −0.1·(1 − level).
    const expected = WAIT_QUANTILE_LEVELS.map((level, index) => Math.fround(0.1 * ((45 > (SPREAD[index] as number) ? 1 : 0) - (1 - level))));
    expect(next.quantileOffsets.slice(levels, 2 * levels)).toEqual(expected);
    expect(state.quantileOffsets).toEqual([]);
  });

  it('observeWaitDistribution keeps only depthWindow depths, takes no downward step at a zero quantile and clamps offsets', () => {
    const options = { depthWindow: 2, learningRate: 5, maxOffset: 1 };
    let state = initialOnlineWaitState(SMALL);
    const zeros = SPREAD.map(() => 0);

    state = observeWaitDistribution(state, { tercile: 0, queueDepth: 1, waitSeconds: 0, quantilesSeconds: zeros }, options);
    state = observeWaitDistribution(state, { tercile: 0, queueDepth: 2, waitSeconds: 1000, quantilesSeconds: SPREAD }, options);
    state = observeWaitDistribution(state, { tercile: 0, queueDepth: 3, waitSeconds: 1000, quantilesSeconds: null }, options);

    expect(state.queueDepths).toEqual([2, 3]);
    // The zero wait at zero quantiles moved nothing; the wait above all then stepped +5·level, clamped at 1.
    expect(state.quantileOffsets.slice(0, WAIT_QUANTILE_LEVELS.length)).toEqual(WAIT_QUANTILE_LEVELS.map((level) => Math.fround(Math.min(1, 5 * level))));
  });

  it('observeWaitDistribution refuses a tercile, depth, wait or quantiles out of range', () => {
    const state = initialOnlineWaitState(SMALL);

    expect(() => observeWaitDistribution(state, { tercile: 3, queueDepth: 0, waitSeconds: 1, quantilesSeconds: null })).toThrow(InvalidInputError);
    expect(() => observeWaitDistribution(state, { tercile: 0, queueDepth: Number.NaN, waitSeconds: 1, quantilesSeconds: null })).toThrow(InvalidInputError);
    expect(() => observeWaitDistribution(state, { tercile: 0, queueDepth: 0, waitSeconds: -1, quantilesSeconds: null })).toThrow(InvalidInputError);
    expect(() => observeWaitDistribution(state, { tercile: 0, queueDepth: 0, waitSeconds: 1, quantilesSeconds: [1, 2] })).toThrow(InvalidInputError);
  });

  it('issue and observe online reach 80 % coverage within each tercile when waits scale with queue depth', () => {
    // The base ignores depth (one bin), so only the per-tercile offsets can make each tercile's coverage right.
    const random = seededRandom(11);
    let state = initialOnlineWaitState(SMALL);
    const covered = [0, 0, 0];
    const judged = [0, 0, 0];
    for (let step = 0; step < 9000; step += 1) {
      const queueDepth = Math.floor(random() * 90);
      const waitSeconds = -Math.log(1 - random()) * 20 * (1 + queueDepth) ** 1.5;
      const issued = issueWaitDistribution(state, { probability: 0.5, queueDepth, longWaitThresholdSeconds: null }, SMALL);
      const quantiles = issued.quantilesSeconds;
      if (quantiles !== null && step >= 3000) {
        judged[issued.tercile] = (judged[issued.tercile] as number) + 1;
        if (waitSeconds >= (quantiles[LOWER_80_INDEX] as number) && waitSeconds <= (quantiles[UPPER_80_INDEX] as number)) covered[issued.tercile] = (covered[issued.tercile] as number) + 1;
      }
      state = observeOnlineWait(state, { probability: 0.5, bin: issued.bin, waitSeconds, base: null, issued: null }, SMALL);
      state = observeWaitDistribution(state, { tercile: issued.tercile, queueDepth: issued.queueDepth, waitSeconds, quantilesSeconds: quantiles });
    }

    for (let tercile = 0; tercile < 3; tercile += 1) {
      expect(judged[tercile]).toBeGreaterThan(1500);
      expect(Math.abs((covered[tercile] as number) / (judged[tercile] as number) - 0.8)).toBeLessThan(0.04);
    }
  });
});
