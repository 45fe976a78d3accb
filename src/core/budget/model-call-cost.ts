/**
 * Cost of a Bedrock call in integer micro-dollars (1 µUSD = $0.000001), at the price of the model
 * the call names ({@link modelPrice}: its endpoint's rate, dated MODEL_PRICES_AS_OF). Integers make the ledger's atomic arithmetic exact: a reservation
 * and its settlement add up to the actual cost with no rounding drift. Costs round UP to the next
 * micro-dollar, so the ledger never undercounts.
 */
import { InvalidInputError } from '../errors.ts';
import { allocationFor, TOTAL_BUDGET_USD, type BudgetComponent } from './budget-allocation.ts';
import type { AllowedModelId } from '../agents/model-policy.ts';
import { modelPrice } from './price-table.ts';

export const MICRO_USD_PER_USD = 1_000_000;

/** Whole micro-dollars in `usd`, rounded up (a cost) after removing binary noise below a nano-dollar. */
export function usdToMicroUsdCeil(usd: number): number {
  return Math.ceil(Math.round(usd * MICRO_USD_PER_USD * 1000) / 1000);
}

/** Whole micro-dollars in `usd`, rounded down (a cap: never more than the allocation). */
export function usdToMicroUsdFloor(usd: number): number {
  return Math.floor(Math.round(usd * MICRO_USD_PER_USD * 1000) / 1000);
}

function requireTokens(name: string, tokens: number): void {
  if (!Number.isInteger(tokens) || tokens < 0)
    throw new InvalidInputError(`${name} = ${tokens}; expected an integer ≥ 0`);
}

/**
 * Cost of a call to `modelId` that used `inputTokens` and `outputTokens`, in µUSD, rounded up.
 * @throws InvalidInputError for a negative or fractional token count.
 */
export function callCostMicroUsd(modelId: AllowedModelId, inputTokens: number, outputTokens: number): number {
  requireTokens('inputTokens', inputTokens);
  requireTokens('outputTokens', outputTokens);
  const price = modelPrice(modelId, inputTokens);
  return usdToMicroUsdCeil(
    (inputTokens * price.inputUsdPer1kTokens + outputTokens * price.outputUsdPer1kTokens) / 1000,
  );
}

/**
 * The most a call can cost: its input bound plus `maxOutputTokens` of output, in µUSD. Prices only
 * rise with the input (a long-context rate applies to more tokens, never fewer), so the bound's
 * cost is never below the actual cost of a call within it.
 */
export function worstCaseCallMicroUsd(
  modelId: AllowedModelId,
  inputTokensUpperBound: number,
  maxOutputTokens: number,
): number {
  return callCostMicroUsd(modelId, inputTokensUpperBound, maxOutputTokens);
}

export interface BudgetCaps {
  readonly componentMicroUsd: number;
  readonly totalMicroUsd: number;
}

/** The seed's allocation for `component` and the $200 total, as µUSD caps. */
export function seedCaps(component: BudgetComponent): BudgetCaps {
  return {
    componentMicroUsd: usdToMicroUsdFloor(allocationFor(component)),
    totalMicroUsd: usdToMicroUsdFloor(TOTAL_BUDGET_USD),
  };
}

/**
 * Whether committing `microUsd` more keeps both caps: committed + microUsd ≤ cap for the component
 * and the total. This is the rule the ledger enforces atomically in one conditional update.
 */
export function fitsCaps(
  committed: { readonly componentMicroUsd: number; readonly totalMicroUsd: number },
  microUsd: number,
  caps: BudgetCaps,
): boolean {
  return (
    committed.componentMicroUsd + microUsd <= caps.componentMicroUsd &&
    committed.totalMicroUsd + microUsd <= caps.totalMicroUsd
  );
}
