import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET_ALLOCATION, BudgetComponent, type AllocationEntry } from './budget-allocation.ts';
import { projectMonthlyCost, type ComponentCost, type CostProjection } from './cost-projection.ts';
import { SEED_FREE_TIER, alwaysFreeOnly, noFreeTier } from './free-tier.ts';
import { US_EAST_1_PRICES } from './price-table.ts';
import { DEFAULT_USAGE, type Usage } from './usage.ts';

const TOLERANCE_DIGITS = 9;

function componentOf(projection: CostProjection, component: BudgetComponent): ComponentCost {
  const found = projection.components.find((candidate) => candidate.component === component);
  if (found === undefined) throw new Error(`no component ${component}`);
  return found;
}

const ZERO_USAGE: Usage = Object.fromEntries(Object.keys(DEFAULT_USAGE).map((key) => [key, 0])) as unknown as Usage;

/** The AgentCore Runtime's net cost a month under DEFAULT_USAGE's agent fields, worked by hand in the first test. */
const AGENTCORE = 0.321265298611;

/** The seed's expected usage without the web dashboard. */
const SEED_ONLY: Usage = { ...DEFAULT_USAGE, dashboardHoursPerMonth: 0 };

describe('projectMonthlyCost', () => {
  it('projectMonthlyCost prices the seed expected usage (no dashboard) as worked by hand', () => {
    // Hand-worked (prices: US_EAST_1_PRICES = Haiku 5.5 and Sonnet 5.5 through the US profile, free tier: SEED_FREE_TIER):
    // Bedrock: 3,000 calls, 5 % Sonnet → 2,850 Haiku calls × (200 in, 150 out) tokens
    //   Haiku  570,000 in × $0.00011/1K = 0.0627;  427,500 out × $0.00055/1K = 0.235125
    //   Sonnet  30,000 in × $0.0022/1K  = 0.066;    22,500 out × $0.011/1K   = 0.2475  → 0.611325
    // DynamoDB: 40K WRU × $0.625/M = 0.025; 100K RRU × $0.125/M = 0.0125; PITR 1 GB × 0.2 = 0.2 → 0.2375
    // CloudWatch: 5 metrics ≤ 10 free, 1 dashboard ≤ 3 free, 5 alarm metrics ≤ 10 free, 0.5 GB logs ≤ 5 free;
    //   0.25 GB-month stored × 0.03 = 0.0075 (no free allowance); X-Ray 5,000 traces ≤ 100,000 free → 0.0075
    // AgentCore (no free tier): CPU (10,000 × 0.017 s + 10,000 sessions × 0.47 s) = 4,870 s = 1.352777… vCPU-h × $0.0895 = 0.121073611…
    //   memory 0.127 GB × (10,000 × 60 s + 10,000 × 0.05 s) = 76,263.5 GB-s = 21.184305… GB-h × $0.00945 = 0.200191687…
    //   → AGENTCORE = 0.321265298611 (python3: (10000*0.017+10000*0.47)/3600*0.0895 + 0.127*(10000*60+10000*0.05)/3600*0.00945)
    // Everything else sits inside the free tier.
    const projection = projectMonthlyCost(SEED_ONLY, US_EAST_1_PRICES, SEED_FREE_TIER);

    expect(componentOf(projection, BudgetComponent.agentReasoning).netUsd).toBeCloseTo(0.611325, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.environmentProfiles).netUsd).toBeCloseTo(0.2375, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.cloudwatchDashboards).netUsd).toBeCloseTo(0.0075, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.predictionServing).netUsd).toBe(0);
    expect(componentOf(projection, BudgetComponent.slackIntegration).netUsd).toBe(0);
    expect(componentOf(projection, BudgetComponent.calibrationState).netUsd).toBe(0);
    expect(componentOf(projection, BudgetComponent.agentOrchestration).netUsd).toBeCloseTo(AGENTCORE, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.agentOrchestration).services).toEqual([
      'Bedrock AgentCore',
      'Step Functions',
    ]);
    expect(projection.totalNetUsd).toBeCloseTo(0.856325 + AGENTCORE, TOLERANCE_DIGITS);
    expect(projection.runwayMonths).toBeCloseTo(200 / (0.856325 + AGENTCORE), 6);
    expect(projection.dashboard.requests).toBe(0);
  });

  it('projectMonthlyCost prices the default usage (seed + one dashboard tab 176 h/month at 15 s) as worked by hand: gross ≤ $8, every component within its allocation', () => {
    // Dashboard (dashboard-usage.ts): 176 h × 3,600 s ÷ 15 s = 42,240 refreshes × 1 request = 42,240 requests,
    //   each traced (0.0667 requests/s < Lambda's 1/s reservoir) → 42,240 traces;
    //   × 26 read units (dashboardReadUnits(6): 1 + 6 × 3.5 + 3 + 1) = 1,098,240 RRU;
    //   × 0.3 s × 0.25 GB = 3,168 GB-s; × 400 B = 0.016896 GB logs, × 14/30 = 0.0078848 GB-month held.
    // Gross by component:
    //   Step Functions 2,000 × $0.025/1K = 0.05
    //   Bedrock 0.611325 (above)
    //   Lambda (50,000 + 42,240) × $0.20/M = 0.018448; (3,750 + 3,168) GB-s × $0.0000133334 = 0.0922404612 → 0.1106884612
    //   DynamoDB 0.025 + (100,000 + 1,098,240) × $0.125/M = 0.17478; storage 1 × 0.25; PITR 0.2 → 0.62478
    //   S3 0.5 × 0.023 + 500 × $0.005/1K + 5,000 × $0.0004/1K = 0.016
    //   API Gateway (10,000 + 42,240) × $1/M = 0.05224; SNS 1,000 × $0.5/M = 0.0005 → 0.05274
    //   CloudWatch 5 × 0.30 + 1 × 3.00 + 5 × 0.10 + 0.516896 × 0.50 + 0.2578848 × 0.03 = 5.266184544;
    //     X-Ray 47,240 × $5/M = 0.2362 → 5.502384544
    //   AgentCore AGENTCORE (first test, no free tier)
    //   total gross 6.967918005 + AGENTCORE
    // Net: DynamoDB 0.37478 (storage free), CloudWatch 0.007736544 (stored logs), Bedrock 0.611325, AgentCore → 0.993841544 + AGENTCORE
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    expect(projection.dashboard).toMatchObject({
      refreshes: 42_240,
      requests: 42_240,
      traces: 42_240,
      readUnits: 1_098_240,
    });
    expect(componentOf(projection, BudgetComponent.predictionServing).grossUsd).toBeCloseTo(
      0.1106884612,
      TOLERANCE_DIGITS,
    );
    expect(componentOf(projection, BudgetComponent.environmentProfiles).grossUsd).toBeCloseTo(
      0.62478,
      TOLERANCE_DIGITS,
    );
    expect(componentOf(projection, BudgetComponent.environmentProfiles).netUsd).toBeCloseTo(0.37478, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.slackIntegration).grossUsd).toBeCloseTo(0.05274, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.cloudwatchDashboards).grossUsd).toBeCloseTo(
      5.502384544,
      TOLERANCE_DIGITS,
    );
    expect(componentOf(projection, BudgetComponent.cloudwatchDashboards).netUsd).toBeCloseTo(
      0.007736544,
      TOLERANCE_DIGITS,
    );
    expect(projection.totalGrossUsd).toBeCloseTo(6.967918005 + AGENTCORE, 8);
    expect(projection.totalNetUsd).toBeCloseTo(0.993841544 + AGENTCORE, TOLERANCE_DIGITS);
    expect(projection.totalGrossUsd).toBeLessThanOrEqual(8);
    expect(projection.overAllocated).toEqual([]);
    for (const component of projection.components) {
      if (component.shareOfAllocationPerMonth !== null)
        expect(component.shareOfAllocationPerMonth, component.label).toBeLessThan(1);
    }
  });

  it('projectMonthlyCost of the dashboard as it polled before (12 requests every 2 s) puts the Slack integration over its allocation', () => {
    // 176 h × 3,600 ÷ 2 = 316,800 refreshes × 12 requests = 3,801,600 requests.
    // API Gateway: (10,000 + 3,801,600 − 1,000,000 free) × $1/M = 2.8116 net > $2 allocation (140.58 %).
    // X-Ray: 6 requests/s → 1 + 0.05 × 5 = 1.25 traced per second × 633,600 s = 792,000 traces.
    const usage: Usage = { ...DEFAULT_USAGE, dashboardRefreshSeconds: 2, dashboardRequestsPerRefresh: 12 };

    const projection = projectMonthlyCost(usage, US_EAST_1_PRICES, SEED_FREE_TIER);

    const slack = componentOf(projection, BudgetComponent.slackIntegration);
    expect(projection.dashboard.requests).toBe(3_801_600);
    expect(projection.dashboard.traces).toBeCloseTo(792_000, 6);
    expect(slack.lines.find((line) => line.service === 'API Gateway')?.netUsd).toBeCloseTo(2.8116, TOLERANCE_DIGITS);
    expect(slack.shareOfAllocationPerMonth).toBeCloseTo((2.8116 + 0) / 2, TOLERANCE_DIGITS);
    expect(projection.overAllocated).toContain(BudgetComponent.slackIntegration);
  });

  it('projectMonthlyCost reports gross and free-tier credit for lines inside the free tier', () => {
    // Lambda: 50,000 requests × $0.20/M = 0.01; 50,000 × 0.3 s × 0.25 GB = 3,750 GB-s × $0.0000133334 = 0.05000025.
    const projection = projectMonthlyCost(SEED_ONLY, US_EAST_1_PRICES, SEED_FREE_TIER);

    const serving = componentOf(projection, BudgetComponent.predictionServing);
    expect(serving.grossUsd).toBeCloseTo(0.06000025, TOLERANCE_DIGITS);
    expect(serving.freeTierCreditUsd).toBeCloseTo(0.06000025, TOLERANCE_DIGITS);
    expect(serving.services).toEqual(['Lambda']);
    expect(serving.lines.find((line) => line.item === 'compute (arm64)')?.quantity).toBeCloseTo(
      3_750,
      TOLERANCE_DIGITS,
    );
  });

  it('projectMonthlyCost computes share of allocation and runway per component', () => {
    // Agent reasoning: 0.611325 / 35 per month; 35 / 0.611325 months.
    const projection = projectMonthlyCost(SEED_ONLY, US_EAST_1_PRICES, SEED_FREE_TIER);

    const reasoning = componentOf(projection, BudgetComponent.agentReasoning);
    expect(reasoning.allocationUsd).toBe(35);
    expect(reasoning.shareOfAllocationPerMonth).toBeCloseTo(0.611325 / 35, TOLERANCE_DIGITS);
    expect(reasoning.runwayMonths).toBeCloseTo(35 / 0.611325, 6);
    // Agent orchestration: the AgentCore Runtime's AGENTCORE a month against the seed's $50.
    const orchestration = componentOf(projection, BudgetComponent.agentOrchestration);
    expect(orchestration.allocationUsd).toBe(50);
    expect(orchestration.shareOfAllocationPerMonth).toBeCloseTo(AGENTCORE / 50, TOLERANCE_DIGITS);
    expect(orchestration.runwayMonths).toBeCloseTo(50 / AGENTCORE, 6);
    const slack = componentOf(projection, BudgetComponent.slackIntegration);
    expect(slack.shareOfAllocationPerMonth).toBe(0);
    expect(slack.runwayMonths).toBeNull();
    const calibration = componentOf(projection, BudgetComponent.calibrationState);
    expect(calibration.shareOfAllocationPerMonth).toBeNull();
  });

  it('projectMonthlyCost charges only the part of a line above its free allowance', () => {
    // 3,000,000 Lambda requests: (3M − 1M) × $0.20/M = 0.40 net; 3M × $0.20/M = 0.60 gross.
    const usage: Usage = { ...ZERO_USAGE, lambdaRequests: 3_000_000, lambdaMemoryMb: 256 };

    const projection = projectMonthlyCost(usage, US_EAST_1_PRICES, SEED_FREE_TIER);

    const serving = componentOf(projection, BudgetComponent.predictionServing);
    expect(serving.grossUsd).toBeCloseTo(0.6, TOLERANCE_DIGITS);
    expect(serving.freeTierCreditUsd).toBeCloseTo(0.2, TOLERANCE_DIGITS);
    expect(serving.netUsd).toBeCloseTo(0.4, TOLERANCE_DIGITS);
    expect(projection.runwayMonths).toBeCloseTo(200 / 0.4, 6);
  });

  it('projectMonthlyCost with alwaysFreeOnly charges the 12-month allowances (API Gateway, S3)', () => {
    // API: 10,000 × $1/M = 0.01. S3: 0.5 GB × 0.023 = 0.0115; 500 PUT × $0.005/1K = 0.0025; 5,000 GET × $0.0004/1K = 0.002.
    const projection = projectMonthlyCost(SEED_ONLY, US_EAST_1_PRICES, alwaysFreeOnly(SEED_FREE_TIER));

    expect(componentOf(projection, BudgetComponent.slackIntegration).netUsd).toBeCloseTo(0.01, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.calibrationState).netUsd).toBeCloseTo(0.016, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.predictionServing).netUsd).toBe(0);
    expect(projection.totalNetUsd).toBeCloseTo(0.856325 + AGENTCORE + 0.01 + 0.016, TOLERANCE_DIGITS);
  });

  it('projectMonthlyCost with noFreeTier nets every line at its gross price', () => {
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, noFreeTier(SEED_FREE_TIER));

    expect(projection.totalFreeTierCreditUsd).toBe(0);
    expect(projection.totalNetUsd).toBeCloseTo(projection.totalGrossUsd, TOLERANCE_DIGITS);
  });

  it('projectMonthlyCost of an idle month is free and its runway unbounded', () => {
    const projection = projectMonthlyCost(ZERO_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    expect(projection.totalNetUsd).toBe(0);
    expect(projection.runwayMonths).toBeNull();
    expect(projection.overAllocated).toEqual([]);
  });

  it('projectMonthlyCost flags components whose month costs more than their allocation', () => {
    // 1,000,000 Haiku calls × (1,000 in × $0.00011/1K + 1,000 out × $0.00055/1K) = 660 > 35.
    // 10 GB in S3: (10 − 5) × 0.023 = 0.115 against a $0 allocation → runway 0.
    const usage: Usage = {
      ...ZERO_USAGE,
      lambdaMemoryMb: 256,
      modelCalls: 1_000_000,
      averageInputTokensPerCall: 1_000,
      averageOutputTokensPerCall: 1_000,
      s3StorageGb: 10,
    };

    const projection = projectMonthlyCost(usage, US_EAST_1_PRICES, SEED_FREE_TIER);

    expect(componentOf(projection, BudgetComponent.agentReasoning).netUsd).toBeCloseTo(660, 6);
    const calibration = componentOf(projection, BudgetComponent.calibrationState);
    expect(calibration.netUsd).toBeCloseTo(0.115, TOLERANCE_DIGITS);
    expect(calibration.runwayMonths).toBe(0);
    expect(projection.overAllocated).toEqual([BudgetComponent.agentReasoning, BudgetComponent.calibrationState]);
  });

  it('projectMonthlyCost bills AgentCore CPU for invocations and session starts, and memory for every second a session lives', () => {
    // 1,000 invocations in 100 sessions: CPU 1,000 × 0.02 + 100 × 0.5 = 70 s = 70/3600 vCPU-h × 0.0895;
    // memory 0.25 GB × (100 × 60 s + 1,000 × 0.1 s) = 1,525 GB-s = 1,525/3600 GB-h × 0.00945.
    const usage: Usage = {
      ...ZERO_USAGE,
      agentInvocations: 1_000,
      agentSessions: 100,
      agentCpuSecondsPerInvocation: 0.02,
      agentCpuSecondsPerSessionStart: 0.5,
      agentMemoryGb: 0.25,
      agentBusySecondsPerInvocation: 0.1,
      agentIdleSessionSeconds: 60,
    };

    const orchestration = componentOf(
      projectMonthlyCost(usage, US_EAST_1_PRICES, SEED_FREE_TIER),
      BudgetComponent.agentOrchestration,
    );

    const cpu = orchestration.lines.find((line) => line.item === 'Runtime active CPU');
    const memory = orchestration.lines.find((line) => line.item === 'Runtime memory');
    expect(cpu?.quantity).toBeCloseTo(70 / 3600, TOLERANCE_DIGITS);
    expect(memory?.quantity).toBeCloseTo(1_525 / 3600, TOLERANCE_DIGITS);
    expect(orchestration.freeTierCreditUsd).toBe(0);
    expect(orchestration.netUsd).toBeCloseTo((70 / 3600) * 0.0895 + (1_525 / 3600) * 0.00945, TOLERANCE_DIGITS);
  });

  it('projectMonthlyCost sends sonnetCallShare of the calls to Sonnet and the rest to Haiku', () => {
    // All 100 calls on Sonnet: 100 × 1,000 tokens in × $0.0022/1K = 0.22; no Haiku lines charged.
    const usage: Usage = {
      ...ZERO_USAGE,
      lambdaMemoryMb: 256,
      modelCalls: 100,
      averageInputTokensPerCall: 1_000,
      sonnetCallShare: 1,
    };

    const projection = projectMonthlyCost(usage, US_EAST_1_PRICES, SEED_FREE_TIER);

    const reasoning = componentOf(projection, BudgetComponent.agentReasoning);
    expect(reasoning.lines.find((line) => line.item === 'sonnet input tokens')?.netUsd).toBeCloseTo(
      0.22,
      TOLERANCE_DIGITS,
    );
    expect(reasoning.lines.find((line) => line.item === 'haiku input tokens')?.netUsd).toBe(0);
  });

  it('projectMonthlyCost lists every allocation component in allocation order, even without lines', () => {
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    expect(projection.components.map((component) => component.component)).toEqual(
      BUDGET_ALLOCATION.map((entry) => entry.component),
    );
    expect(componentOf(projection, BudgetComponent.buffer).lines).toEqual([]);
    expect(componentOf(projection, BudgetComponent.buffer).services).toEqual([]);
    expect(projection.budgetUsd).toBe(200);
  });

  it('projectMonthlyCost accepts another allocation and budget', () => {
    const allocation: AllocationEntry[] = BUDGET_ALLOCATION.map((entry) => ({
      ...entry,
      allocationUsd: entry.allocationUsd / 2,
    }));

    const projection = projectMonthlyCost(SEED_ONLY, US_EAST_1_PRICES, SEED_FREE_TIER, allocation, 100);

    expect(componentOf(projection, BudgetComponent.agentReasoning).allocationUsd).toBe(17.5);
    expect(projection.runwayMonths).toBeCloseTo(100 / (0.856325 + AGENTCORE), 6);
  });

  it('projectMonthlyCost returns a frozen projection', () => {
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    expect(Object.isFrozen(projection)).toBe(true);
    expect(Object.isFrozen(projection.components[0])).toBe(true);
    expect(Object.isFrozen(projection.components[0]?.lines[0])).toBe(true);
  });

  it('projectMonthlyCost lines obey net = max(0, quantity − free) × price and roll up exactly (property)', () => {
    const usageArbitrary = fc.record(
      Object.fromEntries(
        Object.keys(DEFAULT_USAGE).map((key) => [
          key,
          key === 'sonnetCallShare'
            ? fc.double({ min: 0, max: 1, noNaN: true })
            : key === 'lambdaMemoryMb'
              ? fc.integer({ min: 128, max: 10_240 })
              : key === 'dashboardRefreshSeconds'
                ? fc.oneof(fc.constant(0), fc.double({ min: 1, max: 86_400, noNaN: true }))
                : fc.double({ min: 0, max: 1e7, noNaN: true }),
        ]),
      ),
    ) as unknown as fc.Arbitrary<Usage>;

    // Usages reach 1e7 units, so sums reach 1e10 dollars: compare to a few ulps of the magnitude, not a fixed number of decimals.
    const expectRelativelyClose = (actual: number, expected: number): void => {
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 + 1e-12 * Math.abs(expected));
    };
    fc.assert(
      fc.property(usageArbitrary, (usage) => {
        const projection = projectMonthlyCost(usage, US_EAST_1_PRICES, SEED_FREE_TIER);

        let total = 0;
        for (const component of projection.components) {
          let componentNet = 0;
          for (const line of component.lines) {
            const expected = Math.max(0, line.quantity - line.freeQuantity) * line.unitPriceUsd;
            expectRelativelyClose(line.netUsd, expected);
            expect(line.netUsd).toBeGreaterThanOrEqual(-1e-9);
            expectRelativelyClose(line.grossUsd - line.freeTierCreditUsd, line.netUsd);
            componentNet += line.netUsd;
          }
          expectRelativelyClose(component.netUsd, componentNet);
          total += component.netUsd;
        }
        expectRelativelyClose(projection.totalNetUsd, total);
      }),
      { numRuns: 200 },
    );
  });
});
