import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import {
  binOf,
  DEFAULT_ONLINE_WAIT_OPTIONS,
  initialOnlineWaitState,
  observeOnlineWait,
  recentWaits,
  type OnlineWaitOptions,
  type OnlineWaitState,
} from './online-wait-interval.ts';

const SMALL: OnlineWaitOptions = {
  coverage: 0.8,
  bins: 2,
  probabilityWindow: 4,
  outcomeWindow: 6,
  binWaitWindow: 5,
  minBinWaits: 2,
};

function stateWith(overrides: Partial<OnlineWaitState>): OnlineWaitState {
  return { ...initialOnlineWaitState(SMALL), ...overrides };
}

describe('initialOnlineWaitState', () => {
  it('initialOnlineWaitState starts with empty windows', () => {
    expect(initialOnlineWaitState(DEFAULT_ONLINE_WAIT_OPTIONS)).toEqual({
      probabilities: [],
      bins: [],
      waitsSeconds: [],
      queueDepths: [],
      quantileLevels: [],
    });
  });

  it('initialOnlineWaitState rejects options out of range', () => {
    expect(() => initialOnlineWaitState({ ...SMALL, coverage: 1 })).toThrow(InvalidInputError);
    expect(() => initialOnlineWaitState({ ...SMALL, bins: 0 })).toThrow(InvalidInputError);
    expect(() => initialOnlineWaitState({ ...SMALL, bins: 256 })).toThrow(InvalidInputError);
    expect(() => initialOnlineWaitState({ ...SMALL, outcomeWindow: 1.5 })).toThrow(InvalidInputError);
    expect(() => initialOnlineWaitState({ ...SMALL, minBinWaits: -1 })).toThrow(
      /minBinWaits must be an integer ≥ 0, got -1/,
    );
  });
});

describe('binOf', () => {
  it('binOf bins by the share of recent outcome probabilities strictly below p, bin 0 on an empty window', () => {
    // Window 0.1, 0.2, 0.3, 0.4 with 2 bins: p = 0.25 has 2 of 4 below → ⌊2·0.5⌋ = 1; p = 0.2 has 1 below → 0; p = 0.9 → ⌊2·1⌋ clamped to 1.
    const state = stateWith({ probabilities: [0.1, 0.2, 0.3, 0.4] });

    expect(binOf(state, 0.25, SMALL)).toBe(1);
    expect(binOf(state, 0.2, SMALL)).toBe(0);
    expect(binOf(state, 0.9, SMALL)).toBe(1);
    expect(binOf(initialOnlineWaitState(SMALL), 0.9, SMALL)).toBe(0);
  });

  it('binOf matches a brute-force count over the window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        (probabilities, probability, bins) => {
          const below = probabilities.filter((value) => value < probability).length;
          const expected =
            probabilities.length === 0 ? 0 : Math.min(bins - 1, Math.floor((below * bins) / probabilities.length));

          expect(binOf(stateWith({ probabilities }), probability, { ...SMALL, bins })).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('recentWaits', () => {
  it('recentWaits reads the last binWaitWindow waits of a bin, or of every bin, ascending', () => {
    // Bins 1, 1, 1, 0, 1, 1 with waits 100, 10, 20, 5, 30, 7 (oldest first); binWaitWindow 5.
    const state = stateWith({ bins: [1, 1, 1, 0, 1, 1], waitsSeconds: [100, 10, 20, 5, 30, 7] });

    expect([...recentWaits(state, 1, SMALL)]).toEqual([7, 10, 20, 30, 100]);
    expect([...recentWaits(state, 0, SMALL)]).toEqual([5]);
    // The last five of all bins: 10, 20, 5, 30, 7.
    expect([...recentWaits(state, null, SMALL)]).toEqual([5, 7, 10, 20, 30]);
  });
});

describe('observeOnlineWait', () => {
  it('observeOnlineWait appends the outcome in single precision and keeps every window bounded', () => {
    let state = initialOnlineWaitState(SMALL);

    for (let index = 0; index < 7; index += 1)
      state = observeOnlineWait(
        state,
        { probability: 0.1 * index, bin: index % 2, waitSeconds: 10 * index + 0.1 },
        SMALL,
      );

    // probabilityWindow 4 and outcomeWindow 6 keep the last 4 and 6 of the 7 outcomes.
    expect(state.probabilities).toEqual([3, 4, 5, 6].map((index) => Math.fround(0.1 * index)));
    expect(state.bins).toEqual([1, 0, 1, 0, 1, 0]);
    expect(state.waitsSeconds).toEqual([10.1, 20.1, 30.1, 40.1, 50.1, 60.1].map(Math.fround));
  });

  it("observeOnlineWait leaves its input and the distribution's windows untouched", () => {
    const start = stateWith({ queueDepths: [3], quantileLevels: [0.5] });

    const next = observeOnlineWait(start, { probability: 0.1, bin: 1, waitSeconds: 0.1 }, SMALL);

    expect(next).toEqual({ ...start, probabilities: [Math.fround(0.1)], bins: [1], waitsSeconds: [Math.fround(0.1)] });
    expect(start.probabilities).toEqual([]);
  });

  it('observeOnlineWait rejects a bad probability, wait or bin', () => {
    const state = initialOnlineWaitState(SMALL);

    expect(() => observeOnlineWait(state, { probability: -0.1, bin: 0, waitSeconds: 1 }, SMALL)).toThrow(
      InvalidInputError,
    );
    expect(() => observeOnlineWait(state, { probability: 0.1, bin: 0, waitSeconds: Number.NaN }, SMALL)).toThrow(
      InvalidInputError,
    );
    expect(() => observeOnlineWait(state, { probability: 0.1, bin: 2, waitSeconds: 1 }, SMALL)).toThrow(
      InvalidInputError,
    );
  });
});
