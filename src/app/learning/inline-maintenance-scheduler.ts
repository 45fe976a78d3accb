/**
 * The scheduler that does not defer: it runs the maintenance right away, with the deps it was
 * built with, at the instant it became due, and resolves when it has run. What the learning loop
 * uses when no scheduler is wired; the replay and the learning-loop tests use it so a retrain or a
 * checkpoint lands exactly at the outcome that made it due.
 */
import type { MaintenanceReason, MaintenanceScheduler } from '../ports/maintenance-scheduler.ts';
import type { LearningDeps } from './learning-deps.ts';
import { maintainCluster, type MaintenanceResult } from './maintain-cluster.ts';

export interface InlineMaintenanceOptions {
  /** Called with every maintenance result (the replay builds its timeline from them). */
  readonly onResult?: (result: MaintenanceResult) => void;
}

export class InlineMaintenanceScheduler implements MaintenanceScheduler {
  readonly #deps: LearningDeps;
  readonly #onResult: InlineMaintenanceOptions['onResult'];

  constructor(deps: LearningDeps, options: InlineMaintenanceOptions = {}) {
    this.#deps = deps;
    this.#onResult = options.onResult;
  }

  /** Runs `maintainCluster` now, with `nowMs = requestedAtMs`; its errors propagate. */
  async schedule(clusterId: string, _reason: MaintenanceReason, requestedAtMs: number): Promise<void> {
    const result = await maintainCluster(this.#deps, { clusterId, nowMs: requestedAtMs });
    this.#onResult?.(result);
  }
}
