/**
 * Why a cluster's maintenance runs: its outcomes made something due (a retrain, a checkpoint, a
 * feature-shift check), the workflow's schedule, or a person.
 */
export type MaintenanceReason = 'outcomes' | 'schedule' | 'manual';

/**
 * Where a cluster's maintenance (retrain, checkpoint, feature-shift check: the slow work that needs
 * S3 and the prediction log) runs, so that recording an outcome never waits on it: in-process in
 * the background locally, another Lambda invocation on AWS, or inline (tests and the replay, whose
 * timelines need it at the outcome's instant).
 */
export interface MaintenanceScheduler {
  /**
   * Hands over maintenance of `clusterId`, due since `requestedAtMs` (epoch ms). Resolves once
   * handed over — not when it has run, except inline, which runs it first. Throws
   * InfrastructureError when it cannot be handed over.
   */
  schedule(clusterId: string, reason: MaintenanceReason, requestedAtMs: number): Promise<void>;
}
