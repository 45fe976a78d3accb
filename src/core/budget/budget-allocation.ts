/**
 * The seed's budget allocation (`seed/aws-constraints.md`, "Budget Allocation") as data: every
 * dollar of the hard $200 total assigned to one component. Allocations are for the life of the
 * deployment, not per month. The module refuses to load if the table does not sum to the total.
 */
import { InvalidInputError } from '../errors.ts';

/** The hard total from the seed, in USD. Never crossed. */
export const TOTAL_BUDGET_USD = 200;

export const BudgetComponent = {
  agentOrchestration: 'agent_orchestration',
  agentReasoning: 'agent_reasoning',
  predictionServing: 'prediction_serving',
  environmentProfiles: 'environment_profiles',
  calibrationState: 'calibration_state',
  slackIntegration: 'slack_integration',
  cloudwatchDashboards: 'cloudwatch_dashboards',
  buffer: 'buffer',
} as const;
export type BudgetComponent = (typeof BudgetComponent)[keyof typeof BudgetComponent];

export interface AllocationEntry {
  readonly component: BudgetComponent;
  /** The seed's wording for the component. */
  readonly label: string;
  /** The service the seed names for it. */
  readonly service: string;
  readonly allocationUsd: number;
}

export const BUDGET_ALLOCATION: readonly AllocationEntry[] = Object.freeze(
  [
    {
      component: BudgetComponent.agentOrchestration,
      label: 'Agent orchestration',
      service: 'Bedrock AgentCore',
      allocationUsd: 50,
    },
    {
      component: BudgetComponent.agentReasoning,
      label: 'Agent reasoning',
      service: 'Bedrock Haiku',
      allocationUsd: 35,
    },
    {
      component: BudgetComponent.predictionServing,
      label: 'Prediction serving',
      service: 'Lambda (wraps VGAC API)',
      allocationUsd: 5,
    },
    {
      component: BudgetComponent.environmentProfiles,
      label: 'Environment profiles',
      service: 'DynamoDB',
      allocationUsd: 5,
    },
    { component: BudgetComponent.calibrationState, label: 'Calibration state', service: 'S3', allocationUsd: 0 },
    {
      component: BudgetComponent.slackIntegration,
      label: 'Slack integration',
      service: 'API Gateway + Lambda',
      allocationUsd: 2,
    },
    {
      component: BudgetComponent.cloudwatchDashboards,
      label: 'CloudWatch dashboards',
      service: 'CloudWatch',
      allocationUsd: 3,
    },
    { component: BudgetComponent.buffer, label: 'Buffer (testing/mistakes)', service: '—', allocationUsd: 100 },
  ].map((entry) => Object.freeze(entry)),
);

/**
 * Checks an allocation table: every component exactly once, amounts finite and ≥ 0, and the sum
 * equal to `totalUsd` to the cent (summed in integer cents, so 0.1 + 0.2 style drift cannot hide
 * or invent a difference). Throws InvalidInputError naming the problem.
 */
export function assertAllocationSumsToTotal(entries: readonly AllocationEntry[], totalUsd: number): void {
  const seen = new Set<BudgetComponent>();
  let totalCents = 0;
  for (const entry of entries) {
    if (seen.has(entry.component)) throw new InvalidInputError(`budget allocation lists '${entry.component}' twice`);
    seen.add(entry.component);
    if (!Number.isFinite(entry.allocationUsd) || entry.allocationUsd < 0) {
      throw new InvalidInputError(
        `budget allocation for '${entry.component}' is ${entry.allocationUsd}; expected a finite amount ≥ 0`,
      );
    }
    totalCents += Math.round(entry.allocationUsd * 100);
  }
  for (const component of Object.values(BudgetComponent)) {
    if (!seen.has(component)) throw new InvalidInputError(`budget allocation has no entry for '${component}'`);
  }
  if (totalCents !== Math.round(totalUsd * 100)) {
    throw new InvalidInputError(
      `budget allocation sums to $${(totalCents / 100).toFixed(2)}; expected $${totalUsd.toFixed(2)}`,
    );
  }
}

/** The allocation of one component, in USD. */
export function allocationFor(
  component: BudgetComponent,
  entries: readonly AllocationEntry[] = BUDGET_ALLOCATION,
): number {
  const entry = entries.find((candidate) => candidate.component === component);
  if (entry === undefined) throw new InvalidInputError(`budget allocation has no entry for '${component}'`);
  return entry.allocationUsd;
}

assertAllocationSumsToTotal(BUDGET_ALLOCATION, TOTAL_BUDGET_USD);
