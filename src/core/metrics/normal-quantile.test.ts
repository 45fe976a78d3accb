import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { normalQuantile } from './normal-quantile.ts';

/**
 * Reference values: python3 -c "from scipy.stats import norm; print(repr(float(norm.ppf(p))))"
 * (scipy 1.17.1) for each p, covering the lower tail (p < 0.02425), the central region and the
 * upper tail (p > 0.97575) of Acklam's approximation, and both region edges.
 */
const SCIPY_NORM_PPF: readonly (readonly [number, number])[] = [
  [1e-10, -6.361340902404056],
  [1e-6, -4.753424308822899],
  [0.001, -3.090232306167813],
  [0.01, -2.3263478740408408],
  [0.02, -2.053748910631823],
  [0.02425, -1.972961051311885],
  [0.025, -1.9599639845400545],
  [0.05, -1.6448536269514729],
  [0.1, -1.2815515655446004],
  [0.25, -0.6744897501960817],
  [0.5, 0],
  [0.6, 0.2533471031357997],
  [0.75, 0.6744897501960817],
  [0.9, 1.2815515655446004],
  [0.95, 1.6448536269514722],
  [0.975, 1.959963984540054],
  [0.97575, 1.972961051311885],
  [0.98, 2.0537489106318225],
  [0.99, 2.3263478740408408],
  [0.999, 3.090232306167813],
  [1 - 1e-6, 4.753424308817087],
];

describe('normalQuantile', () => {
  it.each(SCIPY_NORM_PPF)('normalQuantile(%s) matches scipy.stats.norm.ppf within 1e-8', (probability, expected) => {
    const quantile = normalQuantile(probability);

    expect(Math.abs(quantile - expected)).toBeLessThan(1e-8);
  });

  it('normalQuantile is antisymmetric about 1/2: Φ⁻¹(1 − p) = −Φ⁻¹(p) (property)', () => {
    // p in [2⁻²⁰, 1/2]: 1 − p is then exact in doubles, so the two calls see mirror-image inputs.
    fc.assert(
      fc.property(fc.double({ min: 2 ** -20, max: 0.5, noNaN: true }), (probability) => {
        const lower = normalQuantile(probability);
        const upper = normalQuantile(1 - probability);

        expect(Math.abs(lower + upper)).toBeLessThan(1e-8);
      }),
    );
  });

  it('normalQuantile is increasing across the region edges (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }),
        fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }),
        (first, second) => {
          fc.pre(first < second);

          expect(normalQuantile(first)).toBeLessThanOrEqual(normalQuantile(second));
        },
      ),
    );
  });

  it.each([0, 1, -0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'normalQuantile refuses %s, naming it',
    (probability) => {
      const quantile = (): number => normalQuantile(probability);

      expect(quantile).toThrow(InvalidInputError);
      expect(quantile).toThrow(`probability must be in (0, 1), got ${probability}`);
    },
  );
});
