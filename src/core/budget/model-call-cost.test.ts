import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { callCostMicroUsd, fitsCaps, seedCaps, usdToMicroUsdFloor, worstCaseCallMicroUsd } from './model-call-cost.ts';

describe('callCostMicroUsd', () => {
  it('prices at the seed table: Haiku 1,000 in + 1,000 out = $0.0015; Sonnet = $0.018', () => {
    // 1000 × 0.00025/1000 + 1000 × 0.00125/1000 = 0.0015 USD = 1500 µUSD; Sonnet 0.003 + 0.015 = 0.018 USD.
    expect(callCostMicroUsd('haiku', 1000, 1000)).toBe(1500);
    expect(callCostMicroUsd('sonnet', 1000, 1000)).toBe(18_000);
  });

  it('rounds a fraction of a micro-dollar up (1 Haiku input token = 0.25 µUSD → 1)', () => {
    expect(callCostMicroUsd('haiku', 1, 0)).toBe(1);
    expect(callCostMicroUsd('haiku', 4, 0)).toBe(1);
    expect(callCostMicroUsd('haiku', 5, 0)).toBe(2);
  });

  it('equals the exact integer nano-dollar cost rounded up, for any token counts', () => {
    fc.assert(fc.property(fc.nat(2_000_000), fc.nat(200_000), (input, output) => {
      expect(callCostMicroUsd('haiku', input, output)).toBe(Math.ceil((input * 250 + output * 1250) / 1000));
      expect(callCostMicroUsd('sonnet', input, output)).toBe(Math.ceil((input * 3000 + output * 15_000) / 1000));
    }));
  });

  it('a worst case is never below the actual cost of fewer tokens', () => {
    fc.assert(fc.property(fc.nat(100_000), fc.nat(4096), fc.nat(100_000), fc.nat(4096), (bound, maxOut, used, out) => {
      fc.pre(used <= bound && out <= maxOut);
      expect(worstCaseCallMicroUsd('haiku', bound, maxOut)).toBeGreaterThanOrEqual(callCostMicroUsd('haiku', used, out));
    }));
  });

  it('refuses negative or fractional tokens', () => {
    expect(() => callCostMicroUsd('haiku', -1, 0)).toThrow(new InvalidInputError('inputTokens = -1; expected an integer ≥ 0'));
    expect(() => callCostMicroUsd('haiku', 0, 1.5)).toThrow(InvalidInputError);
  });
});

describe('caps', () => {
  it('seedCaps: agent reasoning $35 and the $200 total in µUSD', () => {
    expect(seedCaps('agent_reasoning')).toEqual({ componentMicroUsd: 35_000_000, totalMicroUsd: 200_000_000 });
    expect(usdToMicroUsdFloor(0.05)).toBe(50_000);
  });

  it('fitsCaps holds exactly up to both caps', () => {
    const caps = { componentMicroUsd: 100, totalMicroUsd: 150 };

    expect(fitsCaps({ componentMicroUsd: 60, totalMicroUsd: 60 }, 40, caps)).toBe(true);
    expect(fitsCaps({ componentMicroUsd: 60, totalMicroUsd: 60 }, 41, caps)).toBe(false);
    expect(fitsCaps({ componentMicroUsd: 0, totalMicroUsd: 120 }, 31, caps)).toBe(false);
  });
});
