import { describe, expect, it } from 'vitest';
import { REFUSED_MODEL_PRICES, US_EAST_1_PRICES, ModelFamily, PRICES_AS_OF } from './price-table.ts';
import { FreeTierExpiry, SEED_FREE_TIER, alwaysFreeOnly, noFreeTier } from './free-tier.ts';

describe('US_EAST_1_PRICES', () => {
  it('US_EAST_1_PRICES holds the seed\'s Bedrock prices per 1K tokens', () => {
    // seed/aws-constraints.md, "Bedrock Model Selection".
    expect(US_EAST_1_PRICES.bedrock.haiku).toEqual({ inputUsdPer1kTokens: 0.00025, outputUsdPer1kTokens: 0.00125 });
    expect(US_EAST_1_PRICES.bedrock.sonnet).toEqual({ inputUsdPer1kTokens: 0.003, outputUsdPer1kTokens: 0.015 });
  });

  it('US_EAST_1_PRICES offers only Haiku and Sonnet; the refused model is priced apart', () => {
    expect(Object.keys(US_EAST_1_PRICES.bedrock).sort()).toEqual(Object.values(ModelFamily).sort());
    expect(Object.keys(REFUSED_MODEL_PRICES)).toHaveLength(1);
    // The refused model costs 60× Haiku on input (seed: $0.015 vs $0.00025 per 1K).
    const [refused] = Object.values(REFUSED_MODEL_PRICES);
    expect((refused?.inputUsdPer1kTokens ?? 0) / US_EAST_1_PRICES.bedrock.haiku.inputUsdPer1kTokens).toBeCloseTo(60, 9);
  });

  it('US_EAST_1_PRICES is deeply frozen', () => {
    expect(Object.isFrozen(US_EAST_1_PRICES)).toBe(true);
    expect(Object.isFrozen(US_EAST_1_PRICES.bedrock.haiku)).toBe(true);
    expect(() => {
      (US_EAST_1_PRICES.lambda as { usdPerMillionRequests: number }).usdPerMillionRequests = 0;
    }).toThrow(TypeError);
  });

  it('PRICES_AS_OF is a year-month', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}$/);
  });
});

describe('SEED_FREE_TIER', () => {
  it('SEED_FREE_TIER carries the seed\'s free-tier column', () => {
    // seed/aws-constraints.md, "Free Tier Limit".
    expect(SEED_FREE_TIER.lambdaRequests.quantity).toBe(1_000_000);
    expect(SEED_FREE_TIER.lambdaGbSeconds.quantity).toBe(400_000);
    expect(SEED_FREE_TIER.apiRequests.quantity).toBe(1_000_000);
    expect(SEED_FREE_TIER.dynamoStorageGb.quantity).toBe(25);
    expect(SEED_FREE_TIER.s3StorageGb.quantity).toBe(5);
    expect(SEED_FREE_TIER.s3GetRequests.quantity).toBe(20_000);
    expect(SEED_FREE_TIER.s3PutRequests.quantity).toBe(2_000);
    expect(SEED_FREE_TIER.snsPublishes.quantity).toBe(1_000_000);
    expect(SEED_FREE_TIER.stateTransitions.quantity).toBe(4_000);
    expect(SEED_FREE_TIER.cloudwatchCustomMetrics.quantity).toBe(10);
    expect(SEED_FREE_TIER.cloudwatchLogsGb.quantity).toBe(5);
    expect(SEED_FREE_TIER.xrayTraces.quantity).toBe(100_000);
  });

  it('SEED_FREE_TIER gives on-demand DynamoDB request units no allowance (25 RCU/WCU is provisioned-only)', () => {
    expect(SEED_FREE_TIER.dynamoRequestUnits.quantity).toBe(0);
  });

  it('alwaysFreeOnly zeroes exactly the 12-month allowances', () => {
    const tier = alwaysFreeOnly(SEED_FREE_TIER);

    for (const key of Object.keys(SEED_FREE_TIER) as (keyof typeof SEED_FREE_TIER)[]) {
      const allowance = SEED_FREE_TIER[key];
      const after = tier[key];
      expect(after.quantity).toBe(allowance.expiry === FreeTierExpiry.twelveMonths ? 0 : allowance.quantity);
    }
    expect(tier.apiRequests.quantity).toBe(0);
    expect(tier.lambdaRequests.quantity).toBe(1_000_000);
    expect(Object.isFrozen(tier.apiRequests)).toBe(true);
  });

  it('noFreeTier zeroes every allowance and leaves the original untouched', () => {
    const tier = noFreeTier(SEED_FREE_TIER);

    expect(Object.keys(tier).every((key) => tier[key as keyof typeof tier].quantity === 0)).toBe(true);
    expect(SEED_FREE_TIER.lambdaRequests.quantity).toBe(1_000_000);
  });
});
