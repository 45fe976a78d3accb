import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { fitStandardScaler, standardize } from './standard-scaler.ts';

const rows = [
  [0.5, 1.0],
  [1.5, -0.5],
  [-1.0, 2.0],
  [2.0, 0.0],
  [0.0, 0.0],
  [-0.5, -1.5],
  [1.0, 1.0],
  [3.0, -1.0],
  [-2.0, 0.5],
  [0.3, 0.7],
  [1.2, -2.0],
  [-1.5, -0.3],
];

describe('fitStandardScaler', () => {
  it('fitStandardScaler matches sklearn StandardScaler means and population scales', () => {
    // /usr/bin/python3: StandardScaler().fit(X) on `rows` → mean_ [0.375, -0.00833333333333332],
    // scale_ [1.4095655359010448, 1.0927475564933662] (sklearn 1.2.1).

    const scaler = fitStandardScaler(rows);

    expect(scaler.means[0]).toBeCloseTo(0.375, 12);
    expect(scaler.means[1]).toBeCloseTo(-0.00833333333333332, 12);
    expect(scaler.scales[0]).toBeCloseTo(1.4095655359010448, 12);
    expect(scaler.scales[1]).toBeCloseTo(1.0927475564933662, 12);
  });

  it('fitStandardScaler uses the population (divide-by-n) deviation on a hand-worked column', () => {
    // Column [1, 3]: mean 2, squared deviations 1 + 1, variance 2/2 = 1 → scale 1. Column [0, 4]: mean 2, variance 4 → scale 2.

    const scaler = fitStandardScaler([
      [1, 0],
      [3, 4],
    ]);

    expect(scaler).toEqual({ means: [2, 2], scales: [1, 2] });
  });

  it('fitStandardScaler gives scale 1 to a constant column even when its mean is inexact', () => {
    // 0.1 summed three times is 0.30000000000000004, so the two-pass deviations are tiny but non-zero.

    const scaler = fitStandardScaler([
      [0.1, 1],
      [0.1, 2],
      [0.1, 3],
    ]);

    expect(scaler.scales[0]).toBe(1);
    expect(scaler.scales[1]).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('fitStandardScaler accepts zero-width rows', () => {
    const scaler = fitStandardScaler([[], []]);

    expect(scaler).toEqual({ means: [], scales: [] });
  });

  it('fitStandardScaler rejects no rows, ragged rows and non-finite values', () => {
    expect(() => fitStandardScaler([])).toThrow(InsufficientDataError);
    expect(() => fitStandardScaler([[1, 2], [3]])).toThrow(InvalidInputError);
    expect(() => fitStandardScaler([[1, Number.NaN]])).toThrow(/row 0 column 1/);
    expect(() => fitStandardScaler([[1], [Number.POSITIVE_INFINITY]])).toThrow(InvalidInputError);
  });
});

describe('standardize', () => {
  // Values on a 0.01 grid in [−1000, 1000]: a column is either constant or spread by ≥ 0.01,
  // i.e. ≥ 1e-5 relative. Near-constant columns (spread ~1e-12 of the mean, or subnormal) lose
  // their deviations to cancellation in x − mean, where no scaler can promise mean 0 / variance 1.
  const representable = fc.integer({ min: -100_000, max: 100_000 }).map((hundredths) => hundredths / 100);

  it('standardize yields columns with mean 0 and population variance 1', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(representable, representable), { minLength: 2, maxLength: 40 }), (pairs) => {
        const scaler = fitStandardScaler(pairs);

        const standardized = pairs.map((row) => standardize(scaler, row));

        for (let column = 0; column < 2; column += 1) {
          const values = standardized.map((row) => row[column] as number);
          const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
          const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
          expect(Math.abs(mean)).toBeLessThan(1e-9);
          // A constant column keeps scale 1 and standardises to all zeros.
          const isConstant = (scaler.scales[column] as number) === 1 && values.every((value) => Math.abs(value) < 1e-9);
          if (!isConstant) expect(variance).toBeCloseTo(1, 6);
        }
      }),
    );
  });

  it('standardize writes into the given buffer and returns it', () => {
    const scaler = { means: [2, 2], scales: [1, 2] };
    const buffer = new Float64Array(2);

    const result = standardize(scaler, [5, 0], buffer);

    expect(result).toBe(buffer);
    expect(Array.from(buffer)).toEqual([3, -1]);
  });

  it('standardize rejects a row or buffer of the wrong width', () => {
    const scaler = { means: [0, 0], scales: [1, 1] };

    expect(() => standardize(scaler, [1])).toThrow(InvalidInputError);
    expect(() => standardize(scaler, [1, 2], new Float64Array(3))).toThrow(/output has length 3/);
  });
});
