import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import {
  checkWaitInputs,
  DEFAULT_ONLINE_WAIT_OPTIONS,
  initialOnlineWaitState,
  INPUT_STEPS_PER_UNIT,
  MAX_INPUT,
  nearestWaits,
  observeOnlineWait,
  quantizeInput,
  RIDGE_LENGTH,
  ridgeWeights,
  updateRidge,
  WAIT_INPUT_FEATURES,
  WAIT_INPUTS,
  waitInputs,
  type OnlineWaitOptions,
  type OnlineWaitState,
} from './online-wait-interval.ts';

const SMALL: OnlineWaitOptions = {
  coverage: 0.8,
  neighbours: 6,
  nearest: 3,
  minWaits: 2,
  forgetting: 0.9,
  ridgePenalty: 0.5,
};

/** Inputs with `values` first and zeros after. */
function inputsOf(...values: number[]): number[] {
  return Array.from({ length: WAIT_INPUTS }, (_, index) => values[index] ?? 0);
}

/** Solves M·w = v by Gaussian elimination with partial pivoting (independent of the Cholesky under test). */
function solve(matrix: number[][], vector: number[]): number[] {
  const size = vector.length;
  const rows = matrix.map((row, index) => [...row, vector[index] as number]);
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1)
      if (Math.abs(rows[row]?.[column] as number) > Math.abs(rows[pivot]?.[column] as number)) pivot = row;
    [rows[column], rows[pivot]] = [rows[pivot] as number[], rows[column] as number[]];
    for (let row = column + 1; row < size; row += 1) {
      const factor = (rows[row]?.[column] as number) / (rows[column]?.[column] as number);
      for (let inner = column; inner <= size; inner += 1)
        (rows[row] as number[])[inner] = (rows[row]?.[inner] as number) - factor * (rows[column]?.[inner] as number);
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row -= 1) {
    let value = rows[row]?.[size] as number;
    for (let inner = row + 1; inner < size; inner += 1)
      value -= (rows[row]?.[inner] as number) * (solution[inner] as number);
    solution[row] = value / (rows[row]?.[row] as number);
  }
  return solution;
}

/** The ridge solution from the raw pairs: (Σ λ^age·z·zᵀ + ρI)⁻¹·Σ λ^age·z·log(1 + wait). */
function bruteForceRidge(pairs: readonly { inputs: number[]; wait: number }[], forgetting: number, penalty: number) {
  const size = WAIT_INPUTS + 1;
  const matrix = Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (__, column) => (row === column ? penalty : 0)),
  );
  const vector = new Array<number>(size).fill(0);
  pairs.forEach((pair, index) => {
    const weight = forgetting ** (pairs.length - 1 - index);
    const z = [1, ...pair.inputs];
    for (let row = 0; row < size; row += 1) {
      vector[row] = (vector[row] as number) + weight * (z[row] as number) * Math.log1p(pair.wait);
      for (let column = 0; column < size; column += 1)
        (matrix[row] as number[])[column] =
          (matrix[row]?.[column] as number) + weight * (z[row] as number) * (z[column] as number);
    }
  });
  return solve(matrix, vector);
}

describe('options and the initial state', () => {
  it('initialOnlineWaitState starts with empty windows', () => {
    expect(initialOnlineWaitState(DEFAULT_ONLINE_WAIT_OPTIONS)).toEqual({
      waitsSeconds: [],
      neighbourInputs: [],
      ridge: [],
      queueDepths: [],
      quantileLevels: [],
    });
  });

  it('initialOnlineWaitState rejects options out of range, naming them', () => {
    expect(() => initialOnlineWaitState({ ...SMALL, coverage: 1 })).toThrow(/coverage/);
    expect(() => initialOnlineWaitState({ ...SMALL, neighbours: 0 })).toThrow(/neighbours/);
    expect(() => initialOnlineWaitState({ ...SMALL, nearest: 1.5 })).toThrow(/nearest/);
    expect(() => initialOnlineWaitState({ ...SMALL, minWaits: -1 })).toThrow(/minWaits must be an integer ≥ 0, got -1/);
    expect(() => initialOnlineWaitState({ ...SMALL, forgetting: 0 })).toThrow(/forgetting/);
    expect(() => initialOnlineWaitState({ ...SMALL, forgetting: 1.01 })).toThrow(/forgetting/);
    expect(() => initialOnlineWaitState({ ...SMALL, ridgePenalty: 0 })).toThrow(/ridgePenalty/);
    expect(() => initialOnlineWaitState({ ...SMALL, ridgePenalty: Number.POSITIVE_INFINITY })).toThrow(
      InvalidInputError,
    );
  });
});

describe('waitInputs, checkWaitInputs and quantizeInput', () => {
  it('waitInputs takes log(1 + x) of each feature in order (0 when missing, non-numeric or ≤ 0) and the shifted logit last', () => {
    const inputs = waitInputs(
      { pendingJobsAhead: Math.E - 1, pendingProcessorsAhead: 'many', runningJobs: -4, jobsStartedLastHour: 3 },
      0.5,
    );

    expect(inputs).toHaveLength(WAIT_INPUT_FEATURES.length + 1);
    expect(inputs[0]).toBeCloseTo(1, 12);
    expect(inputs.slice(1, WAIT_INPUT_FEATURES.length - 1)).toEqual(
      new Array<number>(WAIT_INPUT_FEATURES.length - 2).fill(0),
    );
    expect(inputs[WAIT_INPUT_FEATURES.length - 1]).toBeCloseTo(Math.log(4), 12);
    // logit(0.5) = 0, shifted by 10.
    expect(inputs[WAIT_INPUT_FEATURES.length]).toBe(10);
  });

  it('waitInputs clamps the logit to ±10 and a huge feature to the largest byte value', () => {
    expect(waitInputs({}, 0).at(-1)).toBe(0);
    expect(waitInputs({}, 1).at(-1)).toBe(20);
    // logit(0.75) = ln 3.
    expect(waitInputs({}, 0.75).at(-1)).toBeCloseTo(10 + Math.log(3), 12);
    expect(waitInputs({ pendingJobsAhead: 1e300 }, 0.5)[0]).toBe(MAX_INPUT);
    expect(() => waitInputs({}, 1.5)).toThrow(/classifierProbability must be in \[0, 1\]/);
  });

  it('checkWaitInputs refuses a wrong length or a value outside [0, MAX_INPUT]', () => {
    expect(() => checkWaitInputs(inputsOf(1, 2))).not.toThrow();
    expect(() => checkWaitInputs([1, 2])).toThrow(/must hold 14 numbers, got 2/);
    expect(() => checkWaitInputs(inputsOf(-1))).toThrow(/wait input 0 = -1/);
    expect(() => checkWaitInputs(inputsOf(Number.NaN))).toThrow(InvalidInputError);
  });

  it('quantizeInput stores round(x·12), clamped to a byte', () => {
    expect(INPUT_STEPS_PER_UNIT).toBe(12);
    expect(quantizeInput(1)).toBe(12);
    expect(quantizeInput(0.5 / 12)).toBe(1);
    expect(quantizeInput(MAX_INPUT)).toBe(255);
    expect(quantizeInput(99)).toBe(255);
  });
});

describe('the ridge metric', () => {
  it('ridgeWeights is all zeros before any statistics', () => {
    expect(ridgeWeights([], 1)).toEqual(new Array<number>(WAIT_INPUTS + 1).fill(0));
  });

  it('updateRidge then ridgeWeights equal the brute-force weighted ridge solution (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            inputs: fc.array(fc.double({ min: 0, max: 20, noNaN: true }), {
              minLength: WAIT_INPUTS,
              maxLength: WAIT_INPUTS,
            }),
            wait: fc.double({ min: 0, max: 1e6, noNaN: true }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (pairs, forgetting) => {
          let ridge: number[] = [];
          for (const pair of pairs) ridge = updateRidge(ridge, pair.inputs, pair.wait, forgetting);
          expect(ridge).toHaveLength(RIDGE_LENGTH);
          const expected = bruteForceRidge(pairs, forgetting, 1);
          ridgeWeights(ridge, 1).forEach((weight, index) => expect(weight).toBeCloseTo(expected[index] as number, 5));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('ridgeWeights recovers the coefficients of a noiseless linear model of log(1 + wait)', () => {
    // log(1 + wait) = 2 + 0.5·x₀ − 0.25·x₁; the other inputs are 0 and get no weight.
    const random = seededRandom(3);
    let ridge: number[] = [];
    for (let step = 0; step < 2000; step += 1) {
      const inputs = inputsOf(random() * 10, random() * 10);
      const wait = Math.expm1(2 + 0.5 * (inputs[0] as number) - 0.25 * (inputs[1] as number));
      ridge = updateRidge(ridge, inputs, wait, 1);
    }

    const weights = ridgeWeights(ridge, 1e-6);
    expect(weights[0]).toBeCloseTo(2, 4);
    expect(weights[1]).toBeCloseTo(0.5, 4);
    expect(weights[2]).toBeCloseTo(-0.25, 4);
    weights.slice(3).forEach((weight) => expect(weight).toBeCloseTo(0, 9));
  });
});

describe('observeOnlineWait', () => {
  it('observeOnlineWait keeps the last `neighbours` quantized inputs and single-precision waits, aligned, without modifying its input', () => {
    let state = initialOnlineWaitState(SMALL);
    const before = state;
    for (let index = 0; index < 8; index += 1)
      state = observeOnlineWait(state, { inputs: inputsOf(index / 12), waitSeconds: 0.1 * index }, SMALL);

    expect(before.waitsSeconds).toEqual([]);
    expect(state.waitsSeconds).toEqual([2, 3, 4, 5, 6, 7].map((index) => Math.fround(0.1 * index)));
    expect(state.neighbourInputs).toHaveLength(6 * WAIT_INPUTS);
    expect([0, 1, 2, 3, 4, 5].map((neighbour) => state.neighbourInputs[neighbour * WAIT_INPUTS])).toEqual([
      2, 3, 4, 5, 6, 7,
    ]);
    expect(state.ridge).toHaveLength(RIDGE_LENGTH);
  });

  it('observeOnlineWait refuses malformed inputs or a wait that is negative or not finite', () => {
    const state = initialOnlineWaitState(SMALL);

    expect(() => observeOnlineWait(state, { inputs: [1], waitSeconds: 1 }, SMALL)).toThrow(InvalidInputError);
    expect(() => observeOnlineWait(state, { inputs: inputsOf(), waitSeconds: -1 }, SMALL)).toThrow(
      /waitSeconds must be a finite number ≥ 0, got -1/,
    );
    expect(() => observeOnlineWait(state, { inputs: inputsOf(), waitSeconds: Number.POSITIVE_INFINITY })).toThrow(
      InvalidInputError,
    );
  });
});

describe('nearestWaits', () => {
  it('nearestWaits returns every wait, ascending, while the window holds at most `nearest`', () => {
    let state = initialOnlineWaitState(SMALL);
    for (const waitSeconds of [30, 10, 20])
      state = observeOnlineWait(state, { inputs: inputsOf(1), waitSeconds }, SMALL);

    expect([...nearestWaits(state, inputsOf(5), SMALL)]).toEqual([10, 20, 30]);
    expect(() => nearestWaits(state, [1], SMALL)).toThrow(InvalidInputError);
  });

  it('nearestWaits picks the waits of the nearest stored inputs under the ridge metric, the more recent on ties (brute force, fast-check)', () => {
    const options: OnlineWaitOptions = { ...SMALL, neighbours: 40, nearest: 5, forgetting: 1 };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            first: fc.integer({ min: 0, max: 4 }),
            second: fc.integer({ min: 0, max: 4 }),
            wait: fc.integer({ min: 0, max: 1000 }),
          }),
          { minLength: 6, maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 48 }),
        fc.integer({ min: 0, max: 48 }),
        (jobs, first, second) => {
          let state: OnlineWaitState = initialOnlineWaitState(options);
          for (const job of jobs)
            state = observeOnlineWait(
              state,
              { inputs: inputsOf(job.first, job.second), waitSeconds: job.wait },
              options,
            );
          const query = inputsOf(first / 12, second / 12);
          const weights = ridgeWeights(state.ridge, options.ridgePenalty);
          const ranked = jobs
            .map((job, index) => ({
              index,
              wait: job.wait,
              distance:
                (weights[1] as number) ** 2 * (first / 12 - job.first) ** 2 +
                (weights[2] as number) ** 2 * (second / 12 - job.second) ** 2,
            }))
            .sort((left, right) => left.distance - right.distance || right.index - left.index);
          const expected = ranked
            .slice(0, options.nearest)
            .map((entry) => entry.wait)
            .sort((left, right) => left - right);
          const found = [...nearestWaits(state, query, options)];
          // Distances equal up to rounding may be ordered either way: compare the nearest set's waits
          // only where the brute-force ranking has no near-tie at the cut.
          const cut = ranked[options.nearest - 1]?.distance as number;
          const next = ranked[options.nearest]?.distance as number;
          if (Math.abs(next - cut) > 1e-9 * Math.max(1, cut)) expect(found).toEqual(expected);
          expect(found).toHaveLength(options.nearest);
        },
      ),
      { numRuns: 60 },
    );
  });
});
