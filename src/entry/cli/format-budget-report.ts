/**
 * The `vgac budget` table: spend (committed µUSD, reservations included) against the seed's
 * allocation per component, the $200 total, model calls, tokens per call, and the explanation
 * cache's hit rate.
 */
import type { LedgerSnapshot } from '../../app/ports/budget-ledger.ts';
import { BUDGET_ALLOCATION, TOTAL_BUDGET_USD } from '../../core/budget/budget-allocation.ts';
import { MICRO_USD_PER_USD } from '../../core/budget/model-call-cost.ts';

function usd(microUsd: number): string {
  return `$${(microUsd / MICRO_USD_PER_USD).toFixed(6)}`;
}

export function formatBudgetReport(snapshot: LedgerSnapshot): string {
  const rows = [['component', 'allocation', 'spent', 'used', 'calls', 'in tok/call', 'out tok/call']];
  for (const entry of BUDGET_ALLOCATION) {
    const state = snapshot.components[entry.component];
    const spent = state?.committedMicroUsd ?? 0;
    const calls = state?.calls ?? 0;
    const allocationMicroUsd = entry.allocationUsd * MICRO_USD_PER_USD;
    rows.push([
      entry.label,
      `$${entry.allocationUsd.toFixed(2)}`,
      usd(spent),
      allocationMicroUsd === 0 ? (spent === 0 ? '—' : 'over') : `${((100 * spent) / allocationMicroUsd).toFixed(3)} %`,
      String(calls),
      calls === 0 ? '—' : ((state?.inputTokens ?? 0) / calls).toFixed(1),
      calls === 0 ? '—' : ((state?.outputTokens ?? 0) / calls).toFixed(1),
    ]);
  }
  rows.push([
    'Total',
    `$${TOTAL_BUDGET_USD.toFixed(2)}`,
    usd(snapshot.committedTotalMicroUsd),
    `${((100 * snapshot.committedTotalMicroUsd) / (TOTAL_BUDGET_USD * MICRO_USD_PER_USD)).toFixed(3)} %`,
    '',
    '',
    '',
  ]);
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  const lookups = snapshot.cacheHits + snapshot.cacheMisses;
  const hitRate =
    lookups === 0
      ? 'no lookups yet'
      : `${((100 * snapshot.cacheHits) / lookups).toFixed(1)} % (${snapshot.cacheHits} of ${lookups})`;
  return [
    ...lines,
    '',
    `explanation cache hit rate: ${hitRate}`,
    'spent = committed in the ledger (settled calls + reservations in flight), USD',
  ].join('\n');
}
