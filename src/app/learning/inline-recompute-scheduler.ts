/**
 * The scheduler that does not defer: it runs the recompute right away, with the deps it was built
 * with, at the instant the recompute became due, and resolves when it has run. What
 * `recordJobOutcome` uses when no scheduler is wired; the replay and the learning-loop tests use
 * it so a recompute lands exactly at the outcome that made it due.
 */
import type { RecomputeReason, RecomputeScheduler } from '../ports/recompute-scheduler.ts';
import type { LearningDeps } from './learning-deps.ts';
import { recomputeCalibration, type RecomputeResult } from './recompute-calibration.ts';

export interface InlineRecomputeOptions {
  /** Called with every recompute's result (the replay builds its timeline from them). */
  readonly onResult?: (clusterId: string, result: RecomputeResult) => void;
}

export class InlineRecomputeScheduler implements RecomputeScheduler {
  readonly #deps: LearningDeps;
  readonly #onResult: InlineRecomputeOptions['onResult'];

  constructor(deps: LearningDeps, options: InlineRecomputeOptions = {}) {
    this.#deps = deps;
    this.#onResult = options.onResult;
  }

  /** Runs `recomputeCalibration` now, with `nowMs = requestedAtMs`; its errors propagate. */
  async schedule(clusterId: string, reason: RecomputeReason, requestedAtMs: number): Promise<void> {
    const result = await recomputeCalibration(this.#deps, { clusterId, nowMs: requestedAtMs, reason });
    this.#onResult?.(clusterId, result);
  }
}
