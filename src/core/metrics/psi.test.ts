import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { populationStabilityIndex, psiAgainstReference, psiReferenceBins, PSI_EPSILON } from './psi.ts';

describe('populationStabilityIndex', () => {
  it('populationStabilityIndex of a hand-worked two-bin shift', () => {
    // expected 1…10, B = 2 → cut at sorted rank floor(10/2) = 5 → value 6: bins (−∞, 6), [6, ∞).
    // expected shares ½, ½; actual [1,2,3,7,8,9,10,11] → 3/8, 5/8.
    // PSI = (3/8 − ½)·ln(3/4) + (5/8 − ½)·ln(5/4)
    // python3: (3/8-1/2)*math.log(0.75)+(5/8-1/2)*math.log(1.25) = 0.06385320297074884
    const expected = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const actual = [1, 2, 3, 7, 8, 9, 10, 11];

    const psi = populationStabilityIndex(expected, actual, { bins: 2 });

    expect(psi).toBeCloseTo(0.06385320297074884, 12);
  });

  it('populationStabilityIndex floors an empty bin at epsilon instead of taking ln(0)', () => {
    // expected [1,2,3,4], B = 2 → cut at value 3 → shares ½, ½; actual [10, 11] → 0, 1 → floored 1e-4, 1.
    // PSI = (1e-4 − ½)·ln(1e-4/½) + (1 − ½)·ln(2)
    // python3: (1e-4-.5)*math.log(1e-4/.5)+(1-.5)*math.log(2) = 4.60431846666895
    const psi = populationStabilityIndex([1, 2, 3, 4], [10, 11], { bins: 2, epsilon: PSI_EPSILON });

    expect(psi).toBeCloseTo(4.60431846666895, 10);
  });

  it('populationStabilityIndex merges bins whose quantiles coincide on tied values', () => {
    // expected: eight 0s, then 1, 2; B = 5 → ranks 2, 4, 6, 8 → cuts 0, 0, 0, 1 → unique [0, 1]:
    // bins (−∞, 0), [0, 1), [1, ∞) with expected shares 0 (floored 1e-4), 0.8, 0.2;
    // actual [−1, 0, 0, 5] → 0.25, 0.5, 0.25.
    // python3: (.25-1e-4)*math.log(.25/1e-4)+(.5-.8)*math.log(.5/.8)+(.25-.2)*math.log(.25/.2) = 2.1073873644524186
    const expected = [0, 0, 0, 0, 0, 0, 0, 0, 1, 2];
    const actual = new Float64Array([-1, 0, 0, 5]);

    const psi = populationStabilityIndex(expected, actual, { bins: 5 });

    expect(psi).toBeCloseTo(2.1073873644524186, 10);
  });

  it('populationStabilityIndex is 0 for identical samples', () => {
    const random = seededRandom(5);
    const sample = Array.from({ length: 1000 }, () => random() * 40);

    const psi = populationStabilityIndex(sample, [...sample].reverse());

    expect(psi).toBe(0);
  });

  it('populationStabilityIndex grows as the actual sample shifts away', () => {
    const random = seededRandom(6);
    const expected = Array.from({ length: 5000 }, () => random() + random() + random());
    const shiftedBy = (offset: number) => expected.map((value) => value + offset);

    const small = populationStabilityIndex(expected, shiftedBy(0.1));
    const medium = populationStabilityIndex(expected, shiftedBy(0.3));
    const large = populationStabilityIndex(expected, shiftedBy(0.8));

    expect(small).toBeGreaterThan(0);
    expect(medium).toBeGreaterThan(small);
    expect(large).toBeGreaterThan(medium);
  });

  it('populationStabilityIndex is never negative (property)', () => {
    const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 });

    fc.assert(
      fc.property(sample, sample, fc.integer({ min: 1, max: 12 }), (expected, actual, bins) => {
        const psi = populationStabilityIndex(expected, actual, { bins });

        expect(psi).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it.each([
    { expected: [], actual: [1], options: {}, message: 'expected sample is empty' },
    { expected: [1], actual: [], options: {}, message: 'actual sample is empty' },
    { expected: [1, Number.NaN], actual: [1], options: {}, message: 'expected[1] = NaN is not finite' },
    { expected: [1], actual: [-Infinity], options: {}, message: 'actual[0] = -Infinity is not finite' },
    { expected: [1], actual: [1], options: { bins: 0 }, message: 'bins = 0 is not an integer ≥ 1' },
    { expected: [1], actual: [1], options: { epsilon: 0 }, message: 'epsilon = 0 is not in (0, 1)' },
    { expected: [1], actual: [1], options: { epsilon: 1 }, message: 'epsilon = 1 is not in (0, 1)' },
  ])('populationStabilityIndex rejects: $message', ({ expected, actual, options, message }) => {
    const compute = () => populationStabilityIndex(expected, actual, options);

    expect(compute).toThrow(InvalidInputError);
    expect(compute).toThrow(message);
  });
});

describe('psiReferenceBins and psiAgainstReference', () => {
  it('psiReferenceBins cuts deciles of 1…20 and stores equal shares', () => {
    // M = 20, B = 10 → ranks floor(20k/10) = 2k → sorted values 3, 5, …, 19; each bin holds 2 of 20.
    const expected = Array.from({ length: 20 }, (_, index) => 20 - index);

    const reference = psiReferenceBins(expected);

    expect(reference.binEdges).toEqual([3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(reference.shares).toEqual(Array.from({ length: 10 }, () => 0.1));
  });

  it('psiReferenceBins merges tied quantiles and keeps a zero share for an empty first bin', () => {
    // Same sample as the tie test above: cuts [0, 1]; shares 0, 8/10, 2/10 (unfloored).
    const reference = psiReferenceBins([0, 0, 0, 0, 0, 0, 0, 0, 1, 2], { bins: 5 });

    expect(reference).toEqual({ binEdges: [0, 1], shares: [0, 0.8, 0.2] });
  });

  it('psiAgainstReference reproduces the hand-worked two-bin shift from stored bins', () => {
    // Bins of 1…10 with B = 2: edge 6, shares ½, ½ (see the first test: 0.06385320297074884).
    const psi = psiAgainstReference({ binEdges: [6], shares: [0.5, 0.5] }, [1, 2, 3, 7, 8, 9, 10, 11]);

    expect(psi).toBeCloseTo(0.06385320297074884, 12);
  });

  it('psiAgainstReference of psiReferenceBins(expected) equals populationStabilityIndex on the raw sample (property)', () => {
    const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), {
      minLength: 1,
      maxLength: 80,
    });
    const tiedSample = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 80 });

    fc.assert(
      fc.property(
        fc.oneof(sample, tiedSample),
        fc.oneof(sample, tiedSample),
        fc.integer({ min: 1, max: 12 }),
        (expected, actual, bins) => {
          const stored = psiReferenceBins(expected, { bins });
          // Through JSON, as a bundle stores it.
          const roundTripped = JSON.parse(JSON.stringify(stored)) as typeof stored;

          expect(psiAgainstReference(roundTripped, actual)).toBe(populationStabilityIndex(expected, actual, { bins }));
        },
      ),
    );
  });

  it('psiAgainstReference refuses a malformed reference, naming the bad value', () => {
    const wrongCount = (): number => psiAgainstReference({ binEdges: [1, 2], shares: [0.5, 0.5] }, [1]);
    const unordered = (): number => psiAgainstReference({ binEdges: [2, 2], shares: [0.3, 0.3, 0.4] }, [1]);
    const badShare = (): number => psiAgainstReference({ binEdges: [1], shares: [1.5, -0.5] }, [1]);
    const infiniteEdge = (): number =>
      psiAgainstReference({ binEdges: [Number.POSITIVE_INFINITY], shares: [0.5, 0.5] }, [1]);
    const badEpsilon = (): number => psiAgainstReference({ binEdges: [], shares: [1] }, [1], { epsilon: 0 });
    const emptyActual = (): number => psiAgainstReference({ binEdges: [], shares: [1] }, []);

    expect(wrongCount).toThrow('reference has 2 shares for 2 bin edges (need edges + 1)');
    expect(unordered).toThrow('reference bin edge 1 = 2 is not above the previous edge');
    expect(badShare).toThrow('reference share 0 = 1.5 is not in [0, 1]');
    expect(infiniteEdge).toThrow('reference bin edge 0 = Infinity is not finite');
    expect(badEpsilon).toThrow(InvalidInputError);
    expect(emptyActual).toThrow('actual sample is empty');
  });

  it('psiReferenceBins refuses bad bins and a non-finite expected value', () => {
    expect(() => psiReferenceBins([1, 2], { bins: 0 })).toThrow('bins = 0 is not an integer ≥ 1');
    expect(() => psiReferenceBins([1, Number.NaN])).toThrow('expected[1] = NaN is not finite');
  });
});
