/**
 * Where a cluster's pending outcomes are folded into its learning state when not inline: the
 * outcome is already durably queued (the prediction's outcome and its inbox item are written)
 * when this is called, so a fold that runs late, fails or never runs in this process loses
 * nothing — the next fold anywhere finds the outcome pending. Unset in LearningDeps: the outcome's
 * caller folds inline (the replay, tools, Lambda).
 */
export interface FoldScheduler {
  /** Asks for a fold of `clusterId` soon, off the caller's path; returns at once and never throws. */
  schedule(clusterId: string): void;
}
