import type { OnlineWaitState } from '../../core/conformal/online-wait-interval.ts';

/** A cluster's online wait-interval state (`SK = CONFORMAL`); `version` is its optimistic-concurrency counter. */
export interface ConformalRecord extends OnlineWaitState {
  readonly clusterId: string;
  readonly version: number;
  readonly updatedAtMs: number;
}
