import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { callCostMicroUsd, fitsCaps, seedCaps, usdToMicroUsdFloor, worstCaseCallMicroUsd } from './model-call-cost.ts';

const HAIKU_US = 'us.anthropic.claude-haiku-5-5';
const HAIKU_GLOBAL = 'global.anthropic.claude-haiku-5-5';
const SONNET_US = 'us.anthropic.claude-sonnet-5-5';

describe('callCostMicroUsd', () => {
  it('prices each call with the model it names: Haiku 5.5 (us.) 1,000 in + 1,000 out = $0.00066; Sonnet 5.5 (us.) = $0.0132', () => {
    // Haiku 5.5 regional: $0.11 / $0.55 per million → 1000 × 0.11 + 1000 × 0.55 = 660 µUSD.
    // Sonnet 5.5 regional: $2.20 / $11 per million → 2200 + 11000 = 13200 µUSD.
    expect(callCostMicroUsd(HAIKU_US, 1000, 1000)).toBe(660);
    expect(callCostMicroUsd(SONNET_US, 1000, 1000)).toBe(13_200);
  });

  it('a global profile costs the list price, a geographic profile and a plain id about 10 % more', () => {
    // Haiku 5.5 global: $0.10 / $0.50 per million → 100 + 500 = 600 µUSD per 1,000 + 1,000 tokens.
    expect(callCostMicroUsd(HAIKU_GLOBAL, 1000, 1000)).toBe(600);
    expect(callCostMicroUsd('anthropic.claude-haiku-5-5', 1000, 1000)).toBe(660);
    expect(callCostMicroUsd('eu.anthropic.claude-haiku-5-5', 1000, 1000)).toBe(660);
  });

  it('Haiku 5.5 bills a request over 100,000 input tokens whole at five times the rate', () => {
    // 100,000 in: 100,000 × 0.11 = 11,000 µUSD. 100,001 in: 100,001 × 0.55 = 55,000.55 → 55,001.
    // 100,001 in + 1,000 out: 55,000.55 + 1,000 × 2.75 = 57,750.55 → 57,751.
    expect(callCostMicroUsd(HAIKU_US, 100_000, 0)).toBe(11_000);
    expect(callCostMicroUsd(HAIKU_US, 100_001, 0)).toBe(55_001);
    expect(callCostMicroUsd(HAIKU_US, 100_001, 1000)).toBe(57_751);
  });

  it('rounds a fraction of a micro-dollar up (1 Haiku input token = 0.11 µUSD → 1)', () => {
    expect(callCostMicroUsd(HAIKU_US, 1, 0)).toBe(1);
    expect(callCostMicroUsd(HAIKU_US, 9, 0)).toBe(1);
    expect(callCostMicroUsd(HAIKU_US, 10, 0)).toBe(2);
  });

  it('equals the exact integer nano-dollar cost rounded up, for any token counts', () => {
    // Nano-dollars per token, written out from the dated prices: Haiku 110 / 550 (×5 over 100K input), Sonnet 2200 / 11000.
    fc.assert(
      fc.property(fc.nat(2_000_000), fc.nat(200_000), (input, output) => {
        const haikuRate = input > 100_000 ? 5 : 1;
        expect(callCostMicroUsd(HAIKU_US, input, output)).toBe(
          Math.ceil((input * 110 * haikuRate + output * 550 * haikuRate) / 1000),
        );
        expect(callCostMicroUsd(SONNET_US, input, output)).toBe(Math.ceil((input * 2200 + output * 11_000) / 1000));
      }),
    );
  });

  it('a worst case is never below the actual cost of fewer tokens, across the long-context threshold', () => {
    fc.assert(
      fc.property(fc.nat(300_000), fc.nat(4096), fc.nat(300_000), fc.nat(4096), (bound, maxOut, used, out) => {
        fc.pre(used <= bound && out <= maxOut);
        expect(worstCaseCallMicroUsd(HAIKU_US, bound, maxOut)).toBeGreaterThanOrEqual(
          callCostMicroUsd(HAIKU_US, used, out),
        );
        expect(worstCaseCallMicroUsd(SONNET_US, bound, maxOut)).toBeGreaterThanOrEqual(
          callCostMicroUsd(SONNET_US, used, out),
        );
      }),
    );
  });

  it('refuses negative or fractional tokens', () => {
    expect(() => callCostMicroUsd(HAIKU_US, -1, 0)).toThrow(
      new InvalidInputError('inputTokens = -1; expected an integer ≥ 0'),
    );
    expect(() => callCostMicroUsd(HAIKU_US, 0, 1.5)).toThrow(InvalidInputError);
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
