import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { NUMPY_MAX_SEED, numpyRandomState } from './numpy-random-state.ts';

function draws(seed: number, count: number): number[] {
  const random = numpyRandomState(seed);
  return Array.from({ length: count }, () => random.nextUint32());
}

describe('numpyRandomState', () => {
  // raw = numpy.random.RandomState(seed)._bit_generator.random_raw(1250)   (numpy 1.24.2)
  // quoted: raw[:3] and raw[623], raw[624], raw[1247], raw[1248] (both sides of two state regenerations).
  it.each([
    [0, [2357136044, 2546248239, 3071714933], [3791854820, 341544762, 1145454359, 4192857288]],
    [42, [1608637542, 3421126067, 4083286876], [1077437785, 108880612, 1014112781, 2655384025]],
    [NUMPY_MAX_SEED, [419326371, 479346978, 3918654476], [1027084080, 3860652269, 3512076445, 2400582258]],
  ])('nextUint32 reproduces numpy MT19937 with legacy seeding for seed %i', (seed, first, boundaries) => {
    const outputs = draws(seed, 1250);

    expect(outputs.slice(0, 3)).toEqual(first);
    expect([outputs[623], outputs[624], outputs[1247], outputs[1248]]).toEqual(boundaries);
  });

  it('interval reproduces numpy legacy randint draws (masked rejection)', () => {
    // numpy.random.RandomState(42).randint(0, 10, size=8) → [6, 3, 7, 4, 6, 9, 2, 6]
    const small = numpyRandomState(42);
    // numpy.random.RandomState(42).randint(0, 3_000_000_000, size=4) → [1608637542, 787846414, 2571218620, 2563451924]
    // (raw outputs 2 and 3 exceed the bound and are rejected, not folded)
    const large = numpyRandomState(42);
    // numpy.random.RandomState(7).randint(0, 2**32, size=3, dtype=numpy.uint64) → [327741615, 976413892, 3349725721]
    const full = numpyRandomState(7);

    const smallDraws = Array.from({ length: 8 }, () => small.interval(9));
    const largeDraws = Array.from({ length: 4 }, () => large.interval(2_999_999_999));
    const fullDraws = Array.from({ length: 3 }, () => full.interval(NUMPY_MAX_SEED));

    expect(smallDraws).toEqual([6, 3, 7, 4, 6, 9, 2, 6]);
    expect(largeDraws).toEqual([1608637542, 787846414, 2571218620, 2563451924]);
    expect(fullDraws).toEqual([327741615, 976413892, 3349725721]);
  });

  it('interval(0) is 0 and consumes nothing', () => {
    const random = numpyRandomState(42);

    const zero = random.interval(0);

    expect(zero).toBe(0);
    expect(random.nextUint32()).toBe(1608637542);
  });

  it.each([
    // a = numpy.arange(n); numpy.random.RandomState(seed).shuffle(a)
    [0, 10, [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]],
    [42, 7, [0, 1, 5, 2, 4, 3, 6]],
    [123456789, 20, [17, 1, 10, 5, 9, 8, 2, 6, 11, 14, 0, 16, 19, 13, 3, 15, 4, 7, 12, 18]],
  ])('shuffle reproduces RandomState(%i).shuffle(arange(%i))', (seed, length, expected) => {
    const values = Int32Array.from({ length }, (_, index) => index);

    numpyRandomState(seed).shuffle(values);

    expect(Array.from(values)).toEqual(expected);
  });

  it('shuffle leaves empty and one-element arrays alone without drawing', () => {
    const random = numpyRandomState(42);
    const empty: number[] = [];
    const single = [5];

    random.shuffle(empty);
    random.shuffle(single);

    expect(empty).toEqual([]);
    expect(single).toEqual([5]);
    expect(random.nextUint32()).toBe(1608637542);
  });

  it('shuffle is a permutation and interval stays in range (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: NUMPY_MAX_SEED }),
        fc.array(fc.integer(), { maxLength: 60 }),
        fc.integer({ min: 0, max: NUMPY_MAX_SEED }),
        (seed, values, bound) => {
          const copy = values.slice();
          const random = numpyRandomState(seed);

          random.shuffle(copy);
          const drawn = random.interval(bound);

          expect(copy.slice().sort((left, right) => left - right)).toEqual(
            values.slice().sort((left, right) => left - right),
          );
          expect(drawn).toBeGreaterThanOrEqual(0);
          expect(drawn).toBeLessThanOrEqual(bound);
        },
      ),
    );
  });

  it('same seed gives the same stream; a different seed another (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: NUMPY_MAX_SEED - 1 }), (seed) => {
        const first = draws(seed, 5);
        const again = draws(seed, 5);
        const next = draws(seed + 1, 5);

        expect(again).toEqual(first);
        expect(next).not.toEqual(first);
      }),
      { numRuns: 50 },
    );
  });

  it.each([-1, 1.5, NUMPY_MAX_SEED + 1, Number.NaN])('refuses seed %s like numpy', (seed) => {
    expect(() => numpyRandomState(seed)).toThrow(InvalidInputError);
  });

  it.each([-1, 0.5, NUMPY_MAX_SEED + 1])('interval refuses bound %s', (bound) => {
    const random = numpyRandomState(1);

    expect(() => random.interval(bound)).toThrow(InvalidInputError);
  });
});
