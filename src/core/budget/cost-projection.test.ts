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

describe('projectMonthlyCost', () => {
  it('projectMonthlyCost prices the seed default usage as worked by hand', () => {
    // Hand-worked (prices: US_EAST_1_PRICES = Haiku 5.5 and Sonnet 5.5 through the US profile, free tier: SEED_FREE_TIER):
    // Bedrock: 3,000 calls, 5 % Sonnet → 2,850 Haiku calls × (200 in, 150 out) tokens
    //   Haiku  570,000 in × $0.00011/1K = 0.0627;  427,500 out × $0.00055/1K = 0.235125
    //   Sonnet  30,000 in × $0.0022/1K  = 0.066;    22,500 out × $0.011/1K   = 0.2475  → 0.611325
    // DynamoDB: 40K WRU × $0.625/M = 0.025; 100K RRU × $0.125/M = 0.0125; PITR 1 GB × 0.2 = 0.2 → 0.2375
    // CloudWatch: (13 − 10) metrics × 0.30 = 0.9; (11 − 10) alarm metrics × 0.10 = 0.1; 0.25 GB stored × 0.03 = 0.0075 → 1.0075
    // AgentCore (no free tier): CPU (10,000 × 0.017 s + 10,000 sessions × 0.47 s) = 4,870 s = 1.352777… vCPU-h × $0.0895 = 0.121073611…
    //   memory 0.127 GB × (10,000 × 300 s + 10,000 × 0.05 s) = 381,063.5 GB-s = 105.850972… GB-h × $0.00945 = 1.000291687…
    //   → 1.121365298611 (python3: (10000*0.017+10000*0.47)/3600*0.0895 + 0.127*(10000*300+10000*0.05)/3600*0.00945)
    // Everything else sits inside the free tier.
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    expect(componentOf(projection, BudgetComponent.agentReasoning).netUsd).toBeCloseTo(0.611325, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.environmentProfiles).netUsd).toBeCloseTo(0.2375, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.cloudwatchDashboards).netUsd).toBeCloseTo(1.0075, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.predictionServing).netUsd).toBe(0);
    expect(componentOf(projection, BudgetComponent.slackIntegration).netUsd).toBe(0);
    expect(componentOf(projection, BudgetComponent.calibrationState).netUsd).toBe(0);
    expect(componentOf(projection, BudgetComponent.agentOrchestration).netUsd).toBeCloseTo(1.121365298611, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.agentOrchestration).services).toEqual(['Bedrock AgentCore', 'Step Functions']);
    expect(projection.totalNetUsd).toBeCloseTo(2.977690298611, TOLERANCE_DIGITS);
    expect(projection.runwayMonths).toBeCloseTo(200 / 2.977690298611, 6);
  });

  it('projectMonthlyCost reports gross and free-tier credit for lines inside the free tier', () => {
    // Lambda: 50,000 requests × $0.20/M = 0.01; 50,000 × 0.3 s × 0.25 GB = 3,750 GB-s × $0.0000133334 = 0.05000025.
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    const serving = componentOf(projection, BudgetComponent.predictionServing);
    expect(serving.grossUsd).toBeCloseTo(0.06000025, TOLERANCE_DIGITS);
    expect(serving.freeTierCreditUsd).toBeCloseTo(0.06000025, TOLERANCE_DIGITS);
    expect(serving.services).toEqual(['Lambda']);
    expect(serving.lines.find((line) => line.item === 'compute (arm64)')?.quantity).toBeCloseTo(3_750, TOLERANCE_DIGITS);
  });

  it('projectMonthlyCost computes share of allocation and runway per component', () => {
    // Agent reasoning: 0.611325 / 35 per month; 35 / 0.611325 months.
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    const reasoning = componentOf(projection, BudgetComponent.agentReasoning);
    expect(reasoning.allocationUsd).toBe(35);
    expect(reasoning.shareOfAllocationPerMonth).toBeCloseTo(0.611325 / 35, TOLERANCE_DIGITS);
    expect(reasoning.runwayMonths).toBeCloseTo(35 / 0.611325, 6);
    // Agent orchestration: the AgentCore Runtime's 1.121365298611 a month against the seed's $50.
    const orchestration = componentOf(projection, BudgetComponent.agentOrchestration);
    expect(orchestration.allocationUsd).toBe(50);
    expect(orchestration.shareOfAllocationPerMonth).toBeCloseTo(1.121365298611 / 50, TOLERANCE_DIGITS);
    expect(orchestration.runwayMonths).toBeCloseTo(50 / 1.121365298611, 6);
    const workflow = componentOf(projection, BudgetComponent.slackIntegration);
    expect(workflow.shareOfAllocationPerMonth).toBe(0);
    expect(workflow.runwayMonths).toBeNull();
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
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, alwaysFreeOnly(SEED_FREE_TIER));

    expect(componentOf(projection, BudgetComponent.slackIntegration).netUsd).toBeCloseTo(0.01, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.calibrationState).netUsd).toBeCloseTo(0.016, TOLERANCE_DIGITS);
    expect(componentOf(projection, BudgetComponent.predictionServing).netUsd).toBe(0);
    expect(projection.totalNetUsd).toBeCloseTo(2.977690298611 + 0.01 + 0.016, TOLERANCE_DIGITS);
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
    const usage: Usage = { ...ZERO_USAGE, lambdaMemoryMb: 256, modelCalls: 1_000_000, averageInputTokensPerCall: 1_000, averageOutputTokensPerCall: 1_000, s3StorageGb: 10 };

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
    const usage: Usage = { ...ZERO_USAGE, agentInvocations: 1_000, agentSessions: 100, agentCpuSecondsPerInvocation: 0.02, agentCpuSecondsPerSessionStart: 0.5, agentMemoryGb: 0.25, agentBusySecondsPerInvocation: 0.1, agentIdleSessionSeconds: 60 };

    const orchestration = componentOf(projectMonthlyCost(usage, US_EAST_1_PRICES, SEED_FREE_TIER), BudgetComponent.agentOrchestration);

    const cpu = orchestration.lines.find((line) => line.item === 'Runtime active CPU');
    const memory = orchestration.lines.find((line) => line.item === 'Runtime memory');
    expect(cpu?.quantity).toBeCloseTo(70 / 3600, TOLERANCE_DIGITS);
    expect(memory?.quantity).toBeCloseTo(1_525 / 3600, TOLERANCE_DIGITS);
    expect(orchestration.freeTierCreditUsd).toBe(0);
    expect(orchestration.netUsd).toBeCloseTo((70 / 3600) * 0.0895 + (1_525 / 3600) * 0.00945, TOLERANCE_DIGITS);
  });

  it('projectMonthlyCost sends sonnetCallShare of the calls to Sonnet and the rest to Haiku', () => {
    // All 100 calls on Sonnet: 100 × 1,000 tokens in × $0.0022/1K = 0.22; no Haiku lines charged.
    const usage: Usage = { ...ZERO_USAGE, lambdaMemoryMb: 256, modelCalls: 100, averageInputTokensPerCall: 1_000, sonnetCallShare: 1 };

    const projection = projectMonthlyCost(usage, US_EAST_1_PRICES, SEED_FREE_TIER);

    const reasoning = componentOf(projection, BudgetComponent.agentReasoning);
    expect(reasoning.lines.find((line) => line.item === 'sonnet input tokens')?.netUsd).toBeCloseTo(0.22, TOLERANCE_DIGITS);
    expect(reasoning.lines.find((line) => line.item === 'haiku input tokens')?.netUsd).toBe(0);
  });

  it('projectMonthlyCost lists every allocation component in allocation order, even without lines', () => {
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    expect(projection.components.map((component) => component.component)).toEqual(BUDGET_ALLOCATION.map((entry) => entry.component));
    expect(componentOf(projection, BudgetComponent.buffer).lines).toEqual([]);
    expect(componentOf(projection, BudgetComponent.buffer).services).toEqual([]);
    expect(projection.budgetUsd).toBe(200);
  });

  it('projectMonthlyCost accepts another allocation and budget', () => {
    const allocation: AllocationEntry[] = BUDGET_ALLOCATION.map((entry) => ({ ...entry, allocationUsd: entry.allocationUsd / 2 }));

    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER, allocation, 100);

    expect(componentOf(projection, BudgetComponent.agentReasoning).allocationUsd).toBe(17.5);
    expect(projection.runwayMonths).toBeCloseTo(100 / 2.977690298611, 6);
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
          key === 'sonnetCallShare' ? fc.double({ min: 0, max: 1, noNaN: true })
            : key === 'lambdaMemoryMb' ? fc.integer({ min: 128, max: 10_240 })
              : fc.double({ min: 0, max: 1e7, noNaN: true }),
        ]),
      ),
    ) as unknown as fc.Arbitrary<Usage>;

    fc.assert(
      fc.property(usageArbitrary, (usage) => {
        const projection = projectMonthlyCost(usage, US_EAST_1_PRICES, SEED_FREE_TIER);

        let total = 0;
        for (const component of projection.components) {
          let componentNet = 0;
          for (const line of component.lines) {
            const expected = Math.max(0, line.quantity - line.freeQuantity) * line.unitPriceUsd;
            expect(line.netUsd).toBeCloseTo(expected, 6);
            expect(line.netUsd).toBeGreaterThanOrEqual(-1e-9);
            expect(line.grossUsd - line.freeTierCreditUsd).toBeCloseTo(line.netUsd, 9);
            componentNet += line.netUsd;
          }
          expect(component.netUsd).toBeCloseTo(componentNet, 9);
          total += component.netUsd;
        }
        expect(projection.totalNetUsd).toBeCloseTo(total, 9);
      }),
      { numRuns: 200 },
    );
  });
});
