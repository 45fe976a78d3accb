export const ClusterActionKind = {
  annotate: 'annotate',
  adjustPriority: 'adjust_priority',
  hold: 'hold',
  release: 'release',
  requeue: 'requeue',
  movePartition: 'move_partition',
} as const;
export type ClusterActionKind = (typeof ClusterActionKind)[keyof typeof ClusterActionKind];

export interface ClusterAction {
  readonly kind: ClusterActionKind;
  readonly clusterId: string;
  readonly jobId: string;
  /** `annotate`: comment text; `adjust_priority`: new priority; `move_partition`: partition name. */
  readonly value?: string | number;
  readonly reason: string;
}

export type ClusterActionResult =
  | { readonly status: 'executed'; readonly detail: string }
  | { readonly status: 'dry_run'; readonly detail: string }
  | { readonly status: 'failed'; readonly detail: string };

/** The Actor's port: changes a real job. Only called after the gate allowed it (or a human approved). */
export interface ClusterActions {
  execute(action: ClusterAction, options?: { readonly dryRun?: boolean }): Promise<ClusterActionResult>;
}
