/** Why a cluster's calibration is recomputed: the outcome counter came due, the workflow's schedule, or a person. */
export type RecomputeReason = 'outcomes' | 'schedule' | 'manual';

/**
 * Where a due calibration recompute runs, so that recording an outcome never runs one inside a
 * client's request: in-process in the background locally, another Lambda invocation on AWS, or
 * inline (tests and the replay, whose timelines need it at the outcome's instant).
 */
export interface RecomputeScheduler {
  /**
   * Hands over a recompute of `clusterId`; `requestedAtMs` is when it became due (epoch ms).
   * Resolves once handed over — not when it has run, except for the inline scheduler, which runs
   * it first. Throws InfrastructureError when the recompute cannot be handed over.
   */
  schedule(clusterId: string, reason: RecomputeReason, requestedAtMs: number): Promise<void>;
}
