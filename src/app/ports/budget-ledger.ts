import type { ModelUsage } from './reasoner.ts';

export type ReserveResult =
  | { readonly status: 'reserved' }
  | { readonly status: 'refused'; readonly committedMicroUsd: number; readonly committedTotalMicroUsd: number };

export interface LedgerComponentState {
  readonly committedMicroUsd: number;
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface LedgerSnapshot {
  readonly committedTotalMicroUsd: number;
  readonly components: Readonly<Record<string, LedgerComponentState>>;
  readonly cacheHits: number;
  readonly cacheMisses: number;
}

/**
 * The budget ledger: integer micro-dollars committed per component and in total, changed
 * atomically across concurrent invocations. `reserve` commits `microUsd` only when neither the
 * component's nor the total's cap would be crossed; `settle` adds (actual − reserved), which may be
 * negative, and counts the call's tokens.
 */
export interface BudgetLedger {
  reserve(
    component: string,
    microUsd: number,
    caps: { readonly componentMicroUsd: number; readonly totalMicroUsd: number },
  ): Promise<ReserveResult>;
  settle(component: string, deltaMicroUsd: number, usage: ModelUsage): Promise<void>;
  countCacheLookup(hit: boolean): Promise<void>;
  snapshot(): Promise<LedgerSnapshot>;
}
