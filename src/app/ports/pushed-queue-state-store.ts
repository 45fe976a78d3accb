import type { PushedQueueState } from '../records/pushed-queue-state.ts';

/**
 * The queue states pushed by `vgac agent --push`, one per cluster (the latest). Throws
 * InfrastructureError when the store fails.
 */
export interface PushedQueueStateStore {
  /** Stores `state` unless a state observed at the same instant or later is stored; true when stored. */
  put(state: PushedQueueState): Promise<boolean>;
  /** The cluster's latest pushed state (one read, never a scan); undefined when none was pushed. */
  latest(clusterId: string): Promise<PushedQueueState | undefined>;
}
