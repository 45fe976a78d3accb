import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import {
  BUDGET_ALLOCATION,
  BudgetComponent,
  TOTAL_BUDGET_USD,
  allocationFor,
  assertAllocationSumsToTotal,
  type AllocationEntry,
} from './budget-allocation.ts';

/** The seed's table (seed/aws-constraints.md, "Budget Allocation"), copied by hand. */
const SEED_TABLE: Record<string, number> = {
  'Agent orchestration': 50,
  'Agent reasoning': 35,
  'Prediction serving': 5,
  'Environment profiles': 5,
  'Calibration state': 0,
  'Slack integration': 2,
  'CloudWatch dashboards': 3,
  'Buffer (testing/mistakes)': 100,
};

describe('BUDGET_ALLOCATION', () => {
  it('BUDGET_ALLOCATION matches the seed table row by row', () => {
    const table = Object.fromEntries(BUDGET_ALLOCATION.map((entry) => [entry.label, entry.allocationUsd]));

    expect(table).toEqual(SEED_TABLE);
  });

  it('BUDGET_ALLOCATION sums to the $200 total', () => {
    const total = BUDGET_ALLOCATION.reduce((sum, entry) => sum + entry.allocationUsd, 0);

    expect(total).toBe(200);
    expect(TOTAL_BUDGET_USD).toBe(200);
  });

  it('BUDGET_ALLOCATION is frozen', () => {
    const first = BUDGET_ALLOCATION[0] as AllocationEntry;

    expect(Object.isFrozen(BUDGET_ALLOCATION)).toBe(true);
    expect(() => {
      (first as { allocationUsd: number }).allocationUsd = 1_000;
    }).toThrow(TypeError);
  });
});

describe('assertAllocationSumsToTotal', () => {
  const withAmount = (component: BudgetComponent, allocationUsd: number): AllocationEntry[] =>
    BUDGET_ALLOCATION.map((entry) => (entry.component === component ? { ...entry, allocationUsd } : entry));

  it('assertAllocationSumsToTotal accepts the seed table', () => {
    expect(() => assertAllocationSumsToTotal(BUDGET_ALLOCATION, 200)).not.toThrow();
  });

  it('assertAllocationSumsToTotal refuses a table one cent short, naming both sums', () => {
    const entries = withAmount(BudgetComponent.buffer, 99.99);

    expect(() => assertAllocationSumsToTotal(entries, 200)).toThrow(
      new InvalidInputError('budget allocation sums to $199.99; expected $200.00'),
    );
  });

  it('assertAllocationSumsToTotal sums in cents, so 0.1 + 0.2 equals 0.3', () => {
    const entries: AllocationEntry[] = BUDGET_ALLOCATION.map((entry) => ({ ...entry, allocationUsd: 0 }));
    entries[0] = { ...(entries[0] as AllocationEntry), allocationUsd: 0.1 };
    entries[1] = { ...(entries[1] as AllocationEntry), allocationUsd: 0.2 };

    expect(() => assertAllocationSumsToTotal(entries, 0.3)).not.toThrow();
  });

  it('assertAllocationSumsToTotal refuses a negative or non-finite amount, naming the component', () => {
    expect(() => assertAllocationSumsToTotal(withAmount(BudgetComponent.calibrationState, -1), 200)).toThrow(
      /'calibration_state' is -1/,
    );
    expect(() => assertAllocationSumsToTotal(withAmount(BudgetComponent.calibrationState, Number.NaN), 200)).toThrow(
      /'calibration_state' is NaN/,
    );
  });

  it('assertAllocationSumsToTotal refuses a duplicate component', () => {
    const entries = [...BUDGET_ALLOCATION, BUDGET_ALLOCATION[0] as AllocationEntry];

    expect(() => assertAllocationSumsToTotal(entries, 250)).toThrow(/lists 'agent_orchestration' twice/);
  });

  it('assertAllocationSumsToTotal refuses a table missing a component', () => {
    const entries = BUDGET_ALLOCATION.filter((entry) => entry.component !== BudgetComponent.slackIntegration);

    expect(() => assertAllocationSumsToTotal(entries, 198)).toThrow(/no entry for 'slack_integration'/);
  });
});

describe('allocationFor', () => {
  it("allocationFor returns one component's amount", () => {
    expect(allocationFor(BudgetComponent.agentReasoning)).toBe(35);
  });

  it('allocationFor refuses a component the table lacks', () => {
    expect(() => allocationFor(BudgetComponent.buffer, [])).toThrow(InvalidInputError);
  });
});
