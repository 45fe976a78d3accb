import { describe, it, expect } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import {
  requireCount,
  requireNonNegative,
  requirePositiveUnitInterval,
  requireUnitInterval,
} from './gate-input-checks.ts';

describe('requireUnitInterval', () => {
  it('requireUnitInterval accepts both ends of [0, 1]', () => {
    const values = [requireUnitInterval('p', 0), requireUnitInterval('p', 1)];

    expect(values).toEqual([0, 1]);
  });

  it.each([-0.001, 1.001, Number.NaN, Number.POSITIVE_INFINITY])(
    'requireUnitInterval refuses %s naming the field',
    (value) => {
      const check = (): number => requireUnitInterval('probability', value);

      expect(check).toThrow(InvalidInputError);
      expect(check).toThrow(`probability must be in [0, 1] (got ${value})`);
    },
  );
});

describe('requirePositiveUnitInterval', () => {
  it('requirePositiveUnitInterval accepts 1 and a tiny positive value', () => {
    const values = [requirePositiveUnitInterval('b', 1), requirePositiveUnitInterval('b', 1e-12)];

    expect(values).toEqual([1, 1e-12]);
  });

  it.each([0, -1, 1.5, Number.NaN])('requirePositiveUnitInterval refuses %s', (value) => {
    const check = (): number => requirePositiveUnitInterval('baselineEce', value);

    expect(check).toThrow(`baselineEce must be in (0, 1] (got ${value})`);
  });
});

describe('requireNonNegative', () => {
  it('requireNonNegative accepts 0 and large values', () => {
    const values = [requireNonNegative('psi', 0), requireNonNegative('psi', 12.5)];

    expect(values).toEqual([0, 12.5]);
  });

  it.each([-0.1, Number.NaN, Number.POSITIVE_INFINITY])('requireNonNegative refuses %s', (value) => {
    const check = (): number => requireNonNegative('maxFeaturePsi', value);

    expect(check).toThrow(InvalidInputError);
  });
});

describe('requireCount', () => {
  it('requireCount accepts zero and positive integers', () => {
    const values = [requireCount('n', 0), requireCount('n', 49)];

    expect(values).toEqual([0, 49]);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('requireCount refuses %s', (value) => {
    const check = (): number => requireCount('outcomeCount', value);

    expect(check).toThrow(`outcomeCount must be an integer ≥ 0 (got ${value})`);
  });
});
