import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignProbabilityBin,
  binnedInterval,
  createBinnedWaitInterval,
  DEFAULT_BINNED_WAIT_INTERVAL,
  observeBinnedWait,
  shortestCoveringRange,
} from './binned-wait-interval.ts';

describe('binnedWaitInterval', () => {
  it('shortestCoveringRange is the narrowest range holding ⌈c·n⌉ values (brute force over all pairs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        (values, coverage) => {
          const sorted = [...values].sort((left, right) => left - right);
          const needed = Math.ceil(coverage * sorted.length);
          let bruteWidth = Number.POSITIVE_INFINITY;
          for (const low of sorted)
            for (const high of sorted) {
              if (high >= low && sorted.filter((value) => value >= low && value <= high).length >= needed)
                bruteWidth = Math.min(bruteWidth, high - low);
            }

          const range = shortestCoveringRange(sorted, coverage);

          expect(range).not.toBeNull();
          expect((range?.upperSeconds ?? 0) - (range?.lowerSeconds ?? 0)).toBe(bruteWidth);
          expect(
            sorted.filter((value) => value >= (range?.lowerSeconds ?? 0) && value <= (range?.upperSeconds ?? 0)).length,
          ).toBeGreaterThanOrEqual(needed);
        },
      ),
    );
  });

  it('shortestCoveringRange prefers [0, q] when most waits are zero', () => {
    const waits = [0, 0, 0, 0, 0, 0, 0, 10, 500, 9000];

    const range = shortestCoveringRange(waits, 0.8);

    // 8 of 10 values: [0, 10] (width 10) beats [0, 500] and [10, 9000]
    expect(range).toEqual({ lowerSeconds: 0, upperSeconds: 10 });
    expect(shortestCoveringRange([], 0.8)).toBeNull();
  });

  it('assignProbabilityBin ranks a probability among the recent ones; waits land in their bin', () => {
    const state = createBinnedWaitInterval({
      coverage: 0.5,
      bins: 2,
      probabilityWindow: 10,
      waitWindow: 10,
      minBinWaits: 2,
    });

    const bins = [0.1, 0.9, 0.2, 0.8].map((probability) => assignProbabilityBin(state, probability));
    observeBinnedWait(state, 1, 1000);
    observeBinnedWait(state, 1, 2000);
    observeBinnedWait(state, 0, 5);

    // 0.1 → first → 0; 0.9: 1 of 1 below → share 1 → bin min(1, 2) = 1; 0.2: 1 of 2 below → 1; 0.8: 2 of 3 below → 1
    expect(bins).toEqual([0, 1, 1, 1]);
    expect(binnedInterval(state, 1)).toEqual({ lowerSeconds: 1000, upperSeconds: 1000 });
    // bin 0 has 1 < 2 waits: all = [5, 1000, 2000], ⌈1.5⌉ = 2 values: [1000, 2000] is 1000 wide, [5, 1000] 995
    expect(binnedInterval(state, 0)).toEqual({ lowerSeconds: 5, upperSeconds: 1000 });
    expect(() => observeBinnedWait(state, 2, 1)).toThrow(/bin 2/);
    expect(() =>
      createBinnedWaitInterval({ coverage: 0.5, bins: 0, probabilityWindow: 1, waitWindow: 1, minBinWaits: 1 }),
    ).toThrow(/bins/);
  });

  it.each([0, 1, Number.NaN])('createBinnedWaitInterval refuses coverage %s', (coverage) => {
    expect(() => createBinnedWaitInterval({ ...DEFAULT_BINNED_WAIT_INTERVAL, coverage })).toThrow(
      `coverage must be in (0, 1), got ${coverage}`,
    );
  });
});
