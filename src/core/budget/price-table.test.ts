import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_POLICY, modelPolicy } from '../agents/model-policy.ts';
import {
  BEDROCK_MODEL_PRICES,
  MODEL_PRICES_AS_OF,
  REFUSED_MODEL_PRICES,
  SEED_MODEL_PRICES,
  US_EAST_1_PRICES,
  ModelFamily,
  PRICES_AS_OF,
  modelPrice,
  pricesForPolicy,
} from './price-table.ts';
import { FreeTierExpiry, SEED_FREE_TIER, alwaysFreeOnly, noFreeTier } from './free-tier.ts';

describe('US_EAST_1_PRICES', () => {
  it("SEED_MODEL_PRICES records the seed's Bedrock table: Claude 3 Haiku's and Claude 3.x Sonnet's prices per 1K tokens", () => {
    // seed/aws-constraints.md, "Bedrock Model Selection".
    expect(SEED_MODEL_PRICES.haiku).toMatchObject({ inputUsdPer1kTokens: 0.00025, outputUsdPer1kTokens: 0.00125 });
    expect(SEED_MODEL_PRICES.haiku.seedModel).toMatch(/^Claude 3 Haiku/);
    expect(SEED_MODEL_PRICES.sonnet).toMatchObject({ inputUsdPer1kTokens: 0.003, outputUsdPer1kTokens: 0.015 });
  });

  it("US_EAST_1_PRICES prices projections with the default policy's current models through the US profile", () => {
    // Claude Haiku 5.5 $0.10 / $0.50 per million (global) + 10 % for a geographic profile = $0.11 / $0.55 per million.
    // Claude Sonnet 5.5 $2 / $10 per million (global) + 10 % = $2.20 / $11 per million.
    expect(US_EAST_1_PRICES.bedrock.haiku.inputUsdPer1kTokens).toBeCloseTo(0.11 / 1000, 15);
    expect(US_EAST_1_PRICES.bedrock.haiku.outputUsdPer1kTokens).toBeCloseTo(0.55 / 1000, 15);
    expect(US_EAST_1_PRICES.bedrock.sonnet.inputUsdPer1kTokens).toBeCloseTo(2.2 / 1000, 15);
    expect(US_EAST_1_PRICES.bedrock.sonnet.outputUsdPer1kTokens).toBeCloseTo(11 / 1000, 15);
    expect(DEFAULT_MODEL_POLICY.defaultModelId.startsWith('us.')).toBe(true);
  });

  it('modelPrice selects the rate of the endpoint the id names: global, geographic or in-Region', () => {
    const haiku = BEDROCK_MODEL_PRICES['anthropic.claude-haiku-5-5'];

    expect(modelPrice('global.anthropic.claude-haiku-5-5')).toEqual(haiku.global);
    expect(modelPrice('us.anthropic.claude-haiku-5-5')).toEqual(haiku.regional);
    expect(modelPrice('apac.anthropic.claude-haiku-5-5')).toEqual(haiku.regional);
    expect(modelPrice('anthropic.claude-haiku-5-5')).toEqual(haiku.regional);
    expect(modelPrice('global.anthropic.claude-sonnet-5-5')).toEqual(
      BEDROCK_MODEL_PRICES['anthropic.claude-sonnet-5-5'].global,
    );
  });

  it("every geographic rate is the global rate plus 10 %, and output costs five times input (the list prices' ratio)", () => {
    for (const schedule of Object.values(BEDROCK_MODEL_PRICES)) {
      expect(schedule.regional.inputUsdPer1kTokens / schedule.global.inputUsdPer1kTokens).toBeCloseTo(1.1, 12);
      expect(schedule.regional.outputUsdPer1kTokens / schedule.global.outputUsdPer1kTokens).toBeCloseTo(1.1, 12);
      expect(schedule.global.outputUsdPer1kTokens / schedule.global.inputUsdPer1kTokens).toBeCloseTo(5, 12);
    }
  });

  it("modelPrice applies Haiku 5.5's long-context rate only above 100,000 input tokens", () => {
    expect(modelPrice('us.anthropic.claude-haiku-5-5', 100_000).inputUsdPer1kTokens).toBeCloseTo(0.00011, 15);
    expect(modelPrice('us.anthropic.claude-haiku-5-5', 100_001).inputUsdPer1kTokens).toBeCloseTo(0.00055, 15);
    expect(modelPrice('us.anthropic.claude-sonnet-5-5', 500_000).inputUsdPer1kTokens).toBeCloseTo(0.0022, 15);
  });

  it('pricesForPolicy prices the families with the configured models', () => {
    const prices = pricesForPolicy(
      US_EAST_1_PRICES,
      modelPolicy('global.anthropic.claude-haiku-5-5', 'eu.anthropic.claude-sonnet-5-5'),
    );

    expect(prices.bedrock.haiku).toEqual(BEDROCK_MODEL_PRICES['anthropic.claude-haiku-5-5'].global);
    expect(prices.bedrock.sonnet).toEqual(BEDROCK_MODEL_PRICES['anthropic.claude-sonnet-5-5'].regional);
    expect(prices.lambda).toEqual(US_EAST_1_PRICES.lambda);
  });

  it('US_EAST_1_PRICES offers only Haiku and Sonnet; the refused model is priced apart', () => {
    expect(Object.keys(US_EAST_1_PRICES.bedrock).sort()).toEqual(Object.values(ModelFamily).sort());
    expect(Object.keys(REFUSED_MODEL_PRICES)).toHaveLength(1);
    // The refused model costs 60× the seed's Haiku on input (seed: $0.015 vs $0.00025 per 1K).
    const [refused] = Object.values(REFUSED_MODEL_PRICES);
    expect((refused?.inputUsdPer1kTokens ?? 0) / SEED_MODEL_PRICES.haiku.inputUsdPer1kTokens).toBeCloseTo(60, 9);
  });

  it('US_EAST_1_PRICES is deeply frozen', () => {
    expect(Object.isFrozen(US_EAST_1_PRICES)).toBe(true);
    expect(Object.isFrozen(US_EAST_1_PRICES.bedrock.haiku)).toBe(true);
    expect(() => {
      (US_EAST_1_PRICES.lambda as { usdPerMillionRequests: number }).usdPerMillionRequests = 0;
    }).toThrow(TypeError);
  });

  it('PRICES_AS_OF is a year-month and MODEL_PRICES_AS_OF a date', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}$/);
    expect(MODEL_PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('SEED_FREE_TIER', () => {
  it("SEED_FREE_TIER carries the seed's free-tier column", () => {
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
