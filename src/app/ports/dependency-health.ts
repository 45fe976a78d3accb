/**
 * Which outside dependencies are failing now, as `/health` reports them. Cheap by contract: in the
 * steady state it answers from state the process already keeps (a circuit breaker), making at most
 * an occasional probe call while a dependency is failing — never a storage call per request.
 */
import type { Dependency } from '../errors.ts';

export interface DependencyHealth {
  /** The dependencies failing now; empty when all are healthy. */
  failing(): Promise<readonly Dependency[]>;
}
