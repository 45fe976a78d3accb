import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import {
  agreeingQuantiles,
  checkWaitDistributionOptions,
  DEFAULT_WAIT_DISTRIBUTION_OPTIONS,
  issueWaitDistribution,
  observeWaitDistribution,
  queueDepthOf,
  queueTercile,
  tercileCuts,
} from './online-wait-distribution.ts';
import {
  initialOnlineWaitState,
  observeOnlineWait,
  WAIT_INPUTS,
  waitInputs,
  type OnlineWaitOptions,
  type OnlineWaitState,
} from './online-wait-interval.ts';
import { cdfAt, interval80, MEDIAN_INDEX, WAIT_QUANTILE_LEVELS } from './wait-distribution.ts';

const SMALL: OnlineWaitOptions = {
  coverage: 0.8,
  neighbours: 400,
  nearest: 200,
  minWaits: 5,
  forgetting: 1,
  ridgePenalty: 1,
};
/** Inputs that are all equal: every neighbour is at distance 0, so the nearest are the most recent. */
const SAME = Array.from({ length: WAIT_INPUTS }, () => 0);
const SPREAD = [5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95];

describe('tercileCuts and queueTercile', () => {
  it('tercileCuts: the type-7 1/3 quantile, then the median of the depths above it (numpy.quantile(range(10), 1/3) = 3, numpy.median([4..9]) = 6.5)', () => {
    expect(tercileCuts([9, 0, 8, 1, 7, 2, 6, 3, 5, 4])).toEqual([3, 6.5]);
    expect(tercileCuts([])).toBeNull();
  });

  it('tercileCuts keeps an atom of tied depths in the first group and splits the rest in halves', () => {
    // Seven zeros: the 1/3 quantile is 0; the depths above are 1, 2, 3, median 2.
    expect(tercileCuts([0, 0, 3, 0, 0, 1, 0, 0, 2, 0])).toEqual([0, 2]);
    expect(tercileCuts([5, 5, 5])).toEqual([5, 5]);
    expect([0, 1, 2, 3].map((depth) => queueTercile(depth, [0, 2]))).toEqual([0, 1, 1, 2]);
  });

  it('queueTercile puts a depth equal to a cut below it, and everything in tercile 0 without cuts', () => {
    expect([0, 3, 3.5, 6, 7].map((depth) => queueTercile(depth, [3, 6]))).toEqual([0, 0, 1, 1, 2]);
    expect(queueTercile(100, null)).toBe(0);
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
    expect(() => checkWaitDistributionOptions({ ...DEFAULT_WAIT_DISTRIBUTION_OPTIONS, depthWindow: 0 })).toThrow(
      InvalidInputError,
    );
    expect(() => checkWaitDistributionOptions({ ...DEFAULT_WAIT_DISTRIBUTION_OPTIONS, learningRate: 0 })).toThrow(
      InvalidInputError,
    );
    expect(() => checkWaitDistributionOptions({ ...DEFAULT_WAIT_DISTRIBUTION_OPTIONS, learningRate: 1.5 })).toThrow(
      InvalidInputError,
    );
  });
});

function withWaits(waits: readonly number[]): OnlineWaitState {
  let state = initialOnlineWaitState(SMALL);
  for (const waitSeconds of waits) state = observeOnlineWait(state, { inputs: SAME, waitSeconds }, SMALL);
  return state;
}

describe('issueWaitDistribution', () => {
  it('issueWaitDistribution issues nothing before minWaits waits are known', () => {
    const issued = issueWaitDistribution(
      withWaits([10, 20]),
      { classifierProbability: 0.5, inputs: SAME, queueDepth: 3, longWaitThresholdSeconds: 60 },
      SMALL,
    );

    expect(issued).toEqual({
      inputs: SAME,
      tercile: 0,
      queueDepth: 3,
      quantilesSeconds: null,
      ownProbabilityAbove: null,
      neighbourProbabilityAbove: null,
      // The classifier's own probability while there is no distribution.
      longWaitForecast: 0.5,
    });
  });

  it('issueWaitDistribution issues the type-7 quantiles of the nearest waits, unchanged without a threshold', () => {
    // Waits 0, 10, …, 100: type-7 quantile at level τ is 100·τ (numpy.quantile(range(0, 101, 10), τ)).
    const state = withWaits(Array.from({ length: 11 }, (_, index) => 10 * index));

    const issued = issueWaitDistribution(
      state,
      { classifierProbability: 0.5, inputs: SAME, queueDepth: 0, longWaitThresholdSeconds: null },
      SMALL,
    );

    (issued.quantilesSeconds ?? []).forEach((value, index) =>
      expect(value).toBeCloseTo(100 * (WAIT_QUANTILE_LEVELS[index] as number), 9),
    );
    expect(issued.ownProbabilityAbove).toBeNull();
  });

  it('issueWaitDistribution reports its own P(wait > threshold); agreeingQuantiles makes it the issued probability only when asked', () => {
    const state = withWaits(Array.from({ length: 11 }, (_, index) => 10 * index));
    const own = issueWaitDistribution(
      state,
      { classifierProbability: 0.5, inputs: SAME, queueDepth: 0, longWaitThresholdSeconds: 50 },
      SMALL,
    );

    const kept = agreeingQuantiles(own, 0.25, 50);
    const agreeing = agreeingQuantiles(own, 0.25, 50, {
      ...DEFAULT_WAIT_DISTRIBUTION_OPTIONS,
      agreeWithProbability: true,
    });

    // Waits 0, 10, …, 100: half of them above 50 by the quantiles' interpolation; 5 of the 11
    // neighbours strictly above it, (5 + ½)/(11 + 1) with Jeffreys' prior.
    expect(own.ownProbabilityAbove).toBeCloseTo(0.5, 9);
    expect(own.neighbourProbabilityAbove).toBeCloseTo(5.5 / 12, 12);
    (own.quantilesSeconds ?? []).forEach((value, index) =>
      expect(value).toBeCloseTo(100 * (WAIT_QUANTILE_LEVELS[index] as number), 9),
    );
    expect(kept).toBe(own.quantilesSeconds);
    expect(1 - cdfAt(agreeing ?? [], 50)).toBeCloseTo(0.25, 9);
  });

  it("longWaitForecast moves from the classifier's probability to the neighbours' share as the window fills", () => {
    const request = { classifierProbability: 0.9, inputs: SAME, queueDepth: 0, longWaitThresholdSeconds: 50 };
    const few = issueWaitDistribution(withWaits(Array.from({ length: 11 }, (_, index) => 10 * index)), request, SMALL);
    // 800 waits alternating 0 and 100 (ending on 100): the window keeps the last 400; all at the same
    // distance, the nearest 200 are the most recent, 100 of them above 50.
    const full = issueWaitDistribution(
      withWaits(Array.from({ length: 800 }, (_, index) => (index % 2 === 0 ? 0 : 100))),
      request,
      SMALL,
    );

    // 11 of a 400-outcome window: 11/400 of the way from 0.9 to (5 + ½)/(11 + 1).
    expect(few.longWaitForecast).toBeCloseTo(0.9 + (11 / 400) * (5.5 / 12 - 0.9), 12);
    expect(full.neighbourProbabilityAbove).toBeCloseTo(100.5 / 201, 12);
    expect(full.longWaitForecast).toBeCloseTo(100.5 / 201, 12);
  });

  it('issueWaitDistribution reads each quantile at the adjusted level of its tercile, clamped to [0, 1], and sorts crossings', () => {
    const waits = withWaits(Array.from({ length: 11 }, (_, index) => 10 * index));
    const levels = WAIT_QUANTILE_LEVELS.length;
    // Tercile 0 (depth 0 among depths 0 … 8, cuts 2.67 and 5.5) at level 0.3 everywhere but the last, left at 1.2.
    const adjusted = [
      ...Array.from({ length: levels - 1 }, () => 0.3),
      1.2,
      ...Array.from({ length: 2 * levels }, () => 0.5),
    ];
    const state = { ...waits, queueDepths: [0, 1, 2, 3, 4, 5, 6, 7, 8], quantileLevels: adjusted };

    const low = issueWaitDistribution(
      state,
      { classifierProbability: 0.5, inputs: SAME, queueDepth: 0, longWaitThresholdSeconds: null },
      SMALL,
    );
    const high = issueWaitDistribution(
      state,
      { classifierProbability: 0.5, inputs: SAME, queueDepth: 8, longWaitThresholdSeconds: null },
      SMALL,
    );

    expect(low.tercile).toBe(0);
    // numpy.quantile(range(0, 101, 10), 0.3) = 30; level 1.2 reads the maximum, 100.
    (low.quantilesSeconds ?? []).slice(0, levels - 1).forEach((value) => expect(value).toBeCloseTo(30, 9));
    expect(low.quantilesSeconds?.[levels - 1]).toBe(100);
    expect(high.tercile).toBe(2);
    (high.quantilesSeconds ?? []).forEach((value) => expect(value).toBeCloseTo(50, 9));
  });

  it('issueWaitDistribution refuses a probability, depth or threshold out of range, agreeingQuantiles a probability', () => {
    const state = withWaits([1, 2, 3, 4, 5]);
    const issued = issueWaitDistribution(
      state,
      { classifierProbability: 0.5, inputs: SAME, queueDepth: 0, longWaitThresholdSeconds: 3 },
      SMALL,
    );

    expect(() =>
      agreeingQuantiles(issued, 2, 3, { ...DEFAULT_WAIT_DISTRIBUTION_OPTIONS, agreeWithProbability: true }),
    ).toThrow(InvalidInputError);
    expect(() =>
      issueWaitDistribution(
        state,
        { classifierProbability: 1.5, inputs: SAME, queueDepth: 0, longWaitThresholdSeconds: null },
        SMALL,
      ),
    ).toThrow(/classifierProbability must be in \[0, 1\], got 1.5/);
    expect(() =>
      issueWaitDistribution(
        state,
        { classifierProbability: 0.5, inputs: SAME, queueDepth: -1, longWaitThresholdSeconds: null },
        SMALL,
      ),
    ).toThrow(InvalidInputError);
    expect(() =>
      issueWaitDistribution(
        state,
        { classifierProbability: 0.5, inputs: SAME, queueDepth: 0, longWaitThresholdSeconds: Number.NaN },
        SMALL,
      ),
    ).toThrow(InvalidInputError);
    expect(() =>
      issueWaitDistribution(
        state,
        { classifierProbability: 0.5, inputs: [1], queueDepth: 0, longWaitThresholdSeconds: null },
        SMALL,
      ),
    ).toThrow(/wait inputs must hold/);
  });

  it('issue and observe online: the issued median converges to the conditional median of a synthetic model', () => {
    // wait = 60·e^(2k)·E with E ~ Exp(1) and k ∈ {0, 1, 2} the job's kind, seen as log(1 + pendingJobsAhead) = 2k
    // (the classifier says 0.5 for all): the conditional median is 60·e^(2k)·ln 2. A base that ignored the
    // kind would issue the mixture's median for every job.
    const options = { ...SMALL, neighbours: 1000, nearest: 100, forgetting: 0.999 };
    const random = seededRandom(5);
    let state = initialOnlineWaitState(options);
    const ratios: number[][] = [[], [], []];
    for (let step = 0; step < 6000; step += 1) {
      const kind = Math.floor(random() * 3);
      const inputs = waitInputs({ pendingJobsAhead: Math.expm1(2 * kind) }, 0.5);
      const waitSeconds = -Math.log(1 - random()) * 60 * Math.exp(2 * kind);
      const issued = issueWaitDistribution(
        state,
        { classifierProbability: 0.5, inputs, queueDepth: 0, longWaitThresholdSeconds: null },
        options,
      );
      const median = issued.quantilesSeconds?.[MEDIAN_INDEX];
      if (median !== undefined && step >= 2000) ratios[kind]?.push(median / (60 * Math.exp(2 * kind) * Math.LN2));
      state = observeOnlineWait(state, { inputs, waitSeconds }, options);
    }

    for (const kind of [0, 1, 2]) {
      const mean =
        (ratios[kind] as number[]).reduce((sum, ratio) => sum + ratio, 0) / (ratios[kind] as number[]).length;
      expect(Math.abs(mean - 1)).toBeLessThan(0.1);
    }
  });
});

describe('observeWaitDistribution', () => {
  it('observeWaitDistribution steps each adjusted level of the tercile by γ·(1{wait > q} − (1 − level)) (hand-worked)', () => {
    const state = initialOnlineWaitState(SMALL);
    const options = { depthWindow: 3, learningRate: 0.1, agreeWithProbability: false };

    const next = observeWaitDistribution(
      state,
      { tercile: 1, queueDepth: 7, waitSeconds: 45, quantilesSeconds: SPREAD },
      options,
    );

    expect(next.queueDepths).toEqual([7]);
    const levels = WAIT_QUANTILE_LEVELS.length;
    const nominal = WAIT_QUANTILE_LEVELS.map((level) => Math.fround(level));
    expect(next.quantileLevels.slice(0, levels)).toEqual(nominal);
    expect(next.quantileLevels.slice(2 * levels)).toEqual(nominal);
    // 45 is above the 5…40 quantiles: level + 0.1·level; below the 50…95 ones: level − 0.1·(1 − level).
    const expected = [0.055, 0.11, 0.22, 0.275, 0.33, 0.44, 0.45, 0.56, 0.67, 0.725, 0.78, 0.89, 0.945].map((level) =>
      Math.fround(level),
    );
    next.quantileLevels
      .slice(levels, 2 * levels)
      .forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 6));
    expect(state.quantileLevels).toEqual([]);
  });

  it('observeWaitDistribution keeps only depthWindow depths, takes no step for a zero quantile at a zero wait and keeps levels in [0, 1]', () => {
    const options = { depthWindow: 2, learningRate: 1, agreeWithProbability: false };
    let state = initialOnlineWaitState(SMALL);
    const zeros = SPREAD.map(() => 0);

    state = observeWaitDistribution(
      state,
      { tercile: 0, queueDepth: 1, waitSeconds: 0, quantilesSeconds: zeros },
      options,
    );
    const afterZero = state.quantileLevels;
    state = observeWaitDistribution(
      state,
      { tercile: 0, queueDepth: 2, waitSeconds: 1000, quantilesSeconds: SPREAD },
      options,
    );
    state = observeWaitDistribution(
      state,
      { tercile: 0, queueDepth: 3, waitSeconds: 1000, quantilesSeconds: null },
      options,
    );
    const below = observeWaitDistribution(
      state,
      { tercile: 2, queueDepth: 3, waitSeconds: 0, quantilesSeconds: SPREAD },
      options,
    );

    expect(state.queueDepths).toEqual([2, 3]);
    expect(afterZero.slice(0, WAIT_QUANTILE_LEVELS.length)).toEqual(
      WAIT_QUANTILE_LEVELS.map((level) => Math.fround(level)),
    );
    // The wait above every quantile stepped each level by +1·level: 2·level, at most 1.
    expect(state.quantileLevels.slice(0, WAIT_QUANTILE_LEVELS.length)).toEqual(
      WAIT_QUANTILE_LEVELS.map((level) => Math.fround(Math.min(1, 2 * level))),
    );
    // A zero wait below positive quantiles steps level − (1 − level) = 2·level − 1, at least 0.
    below.quantileLevels
      .slice(2 * WAIT_QUANTILE_LEVELS.length)
      .forEach((value, index) =>
        expect(value).toBeCloseTo(Math.max(0, 2 * (WAIT_QUANTILE_LEVELS[index] as number) - 1), 6),
      );
  });

  it('observeWaitDistribution refuses a tercile, depth, wait or quantiles out of range', () => {
    const state = initialOnlineWaitState(SMALL);

    expect(() =>
      observeWaitDistribution(state, { tercile: 3, queueDepth: 0, waitSeconds: 1, quantilesSeconds: null }),
    ).toThrow(InvalidInputError);
    expect(() =>
      observeWaitDistribution(state, { tercile: 0, queueDepth: Number.NaN, waitSeconds: 1, quantilesSeconds: null }),
    ).toThrow(InvalidInputError);
    expect(() =>
      observeWaitDistribution(state, { tercile: 0, queueDepth: 0, waitSeconds: -1, quantilesSeconds: null }),
    ).toThrow(InvalidInputError);
    expect(() =>
      observeWaitDistribution(state, { tercile: 0, queueDepth: 0, waitSeconds: 1, quantilesSeconds: [1, 2] }),
    ).toThrow(InvalidInputError);
  });

  it('issue and observe online reach 80 % coverage within each tercile when waits scale with queue depth', () => {
    // The base ignores depth (equal inputs), so only the per-tercile levels can make each tercile's coverage right.
    const random = seededRandom(11);
    let state = initialOnlineWaitState(SMALL);
    const covered = [0, 0, 0];
    const judged = [0, 0, 0];
    for (let step = 0; step < 9000; step += 1) {
      const queueDepth = Math.floor(random() * 90);
      const waitSeconds = -Math.log(1 - random()) * 20 * (1 + queueDepth) ** 1.5;
      const issued = issueWaitDistribution(
        state,
        { classifierProbability: 0.5, inputs: SAME, queueDepth, longWaitThresholdSeconds: null },
        SMALL,
      );
      const quantiles = issued.quantilesSeconds;
      if (quantiles !== null && step >= 3000) {
        judged[issued.tercile] = (judged[issued.tercile] as number) + 1;
        const interval = interval80(quantiles);
        if (waitSeconds >= interval.lowerSeconds && waitSeconds <= interval.upperSeconds)
          covered[issued.tercile] = (covered[issued.tercile] as number) + 1;
      }
      state = observeOnlineWait(state, { inputs: SAME, waitSeconds }, SMALL);
      state = observeWaitDistribution(state, {
        tercile: issued.tercile,
        queueDepth: issued.queueDepth,
        waitSeconds,
        quantilesSeconds: quantiles,
      });
    }

    for (let tercile = 0; tercile < 3; tercile += 1) {
      expect(judged[tercile]).toBeGreaterThan(1500);
      expect(Math.abs((covered[tercile] as number) / (judged[tercile] as number) - 0.8)).toBeLessThan(0.04);
    }
  });
});
