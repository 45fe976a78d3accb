/** How many answers were given in each action scope, and their shares. */
import { ActionScope } from '../../core/gating/gate-config.ts';

export type ScopeShares = Readonly<Record<ActionScope, { readonly count: number; readonly share: number }>>;

export function countScopes(scopes: readonly string[]): ScopeShares {
  const total = scopes.length;
  const entries = Object.values(ActionScope).map((scope) => {
    const count = scopes.filter((seen) => seen === scope).length;
    return [scope, { count, share: total === 0 ? 0 : count / total }] as const;
  });
  return Object.fromEntries(entries) as ScopeShares;
}
