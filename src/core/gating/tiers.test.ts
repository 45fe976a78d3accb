import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_GATE_CONFIG, type Tier } from './gate-config.ts';
import { allowedTier, qualifiedTiers, requestedTier } from './tiers.ts';

// SPEC's tiers (ε, R): annotate (0.30, 0.10), warn (0.50, 0.07), suggest_reschedule (0.70, 0.05),
// require_confirmation (0.90, 0.03).
const rank = (tier: Tier | null): number =>
  tier === null ? -1 : ['annotate', 'warn', 'suggest_reschedule', 'require_confirmation'].indexOf(tier);

describe('qualifiedTiers', () => {
  it.each([
    [0, ['annotate', 'warn', 'suggest_reschedule', 'require_confirmation']],
    [0.03, ['annotate', 'warn', 'suggest_reschedule', 'require_confirmation']],
    [0.030001, ['annotate', 'warn', 'suggest_reschedule']],
    [0.05, ['annotate', 'warn', 'suggest_reschedule']],
    [0.050001, ['annotate', 'warn']],
    [0.07, ['annotate', 'warn']],
    [0.070001, ['annotate']],
    [0.1, ['annotate']],
    [0.100001, []],
    [1, []],
  ])('qualifiedTiers at ECE %s is %j', (ece, expected) => {
    const tiers = qualifiedTiers(ece);

    expect(tiers).toEqual(expected);
  });

  it('qualifiedTiers is empty without an ECE', () => {
    const tiers = qualifiedTiers(null);

    expect(tiers).toEqual([]);
  });

  it('qualifiedTiers returns a fresh array each call', () => {
    const first = qualifiedTiers(0);

    first.pop();

    expect(qualifiedTiers(0)).toHaveLength(4);
  });

  it('qualifiedTiers refuses a negative ECE', () => {
    const tiers = (): Tier[] => qualifiedTiers(-0.01);

    expect(tiers).toThrow(InvalidInputError);
  });
});

describe('requestedTier', () => {
  it.each([
    [0, null],
    [0.299999, null],
    [0.3, 'annotate'],
    [0.499999, 'annotate'],
    [0.5, 'warn'],
    [0.699999, 'warn'],
    [0.7, 'suggest_reschedule'],
    [0.899999, 'suggest_reschedule'],
    [0.9, 'require_confirmation'],
    [1, 'require_confirmation'],
  ])('requestedTier at p %s is %s', (probability, expected) => {
    const tier = requestedTier(probability);

    expect(tier).toBe(expected);
  });

  it('requestedTier refuses p above 1', () => {
    const tier = (): Tier | null => requestedTier(1.01);

    expect(tier).toThrow('probability must be in [0, 1] (got 1.01)');
  });
});

describe('allowedTier', () => {
  it.each([
    [0.299999, 0, null],
    [0.3, 0, 'annotate'],
    [0.5, 0, 'warn'],
    [0.7, 0, 'suggest_reschedule'],
    [0.9, 0, 'require_confirmation'],
    [0.9, 0.03, 'require_confirmation'],
    [0.95, 0.030001, 'suggest_reschedule'],
    [0.95, 0.05, 'suggest_reschedule'],
    [0.95, 0.050001, 'warn'],
    [0.95, 0.07, 'warn'],
    [0.95, 0.070001, 'annotate'],
    [0.95, 0.1, 'annotate'],
    [0.95, 0.100001, null],
    [0.6, 0.06, 'warn'],
    [0.6, 0.08, 'annotate'],
    [0.2, 0.01, null],
  ])('allowedTier at p %s and ECE %s is %s', (probability, ece, expected) => {
    const tier = allowedTier(probability, ece);

    expect(tier).toBe(expected);
  });

  it('allowedTier is null without an ECE', () => {
    const tier = allowedTier(0.99, null);

    expect(tier).toBeNull();
  });

  it('allowedTier uses configured thresholds', () => {
    const config = {
      ...DEFAULT_GATE_CONFIG,
      tiers: { ...DEFAULT_GATE_CONFIG.tiers, annotate: { minProbability: 0.1, maxEce: 0.2 } },
    };

    const tier = allowedTier(0.15, 0.15, config);

    expect(tier).toBe('annotate');
  });

  it('allowedTier refuses a bad probability or ECE', () => {
    const badProbability = (): Tier | null => allowedTier(Number.NaN, 0.01);
    const badEce = (): Tier | null => allowedTier(0.5, 2);

    expect(badProbability).toThrow(InvalidInputError);
    expect(badEce).toThrow('ece must be in [0, 1] (got 2)');
  });

  it('allowedTier is monotone in p for a fixed ECE (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.15, noNaN: true }),
        (first, second, ece) => {
          const [lower, higher] = first <= second ? [first, second] : [second, first];

          expect(rank(allowedTier(lower, ece))).toBeLessThanOrEqual(rank(allowedTier(higher, ece)));
        },
      ),
    );
  });

  it('allowedTier is anti-monotone in ECE for a fixed p (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.15, noNaN: true }),
        fc.double({ min: 0, max: 0.15, noNaN: true }),
        (probability, first, second) => {
          const [lower, higher] = first <= second ? [first, second] : [second, first];

          expect(rank(allowedTier(probability, lower))).toBeGreaterThanOrEqual(rank(allowedTier(probability, higher)));
        },
      ),
    );
  });

  it('allowedTier never exceeds what p asks for nor what ECE qualifies (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.15, noNaN: true }),
        (probability, ece) => {
          const tier = allowedTier(probability, ece);

          expect(rank(tier)).toBeLessThanOrEqual(rank(requestedTier(probability)));
          if (tier !== null) expect(qualifiedTiers(ece)).toContain(tier);
        },
      ),
    );
  });
});
