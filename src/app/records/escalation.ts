import type { ClusterAction } from '../ports/cluster-actions.ts';

export const EscalationStatus = {
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  executed: 'executed',
  failed: 'failed',
} as const;
export type EscalationStatus = (typeof EscalationStatus)[keyof typeof EscalationStatus];

/** An action the gate would not let an agent take alone: waits for a human (`SK = ESCALATION#{id}`). */
export interface Escalation {
  readonly escalationId: string;
  readonly clusterId: string;
  readonly jobId: string;
  readonly action: ClusterAction;
  readonly probability: number;
  readonly scope: string;
  readonly reasons: readonly string[];
  readonly status: EscalationStatus;
  readonly createdAtMs: number;
  readonly decidedBy: string | null;
  readonly decidedAtMs: number | null;
  readonly result: string | null;
  /** Audit trail: every state change with who and when. */
  readonly history: readonly {
    readonly atMs: number;
    readonly by: string;
    readonly status: EscalationStatus;
    readonly note: string;
  }[];
}
