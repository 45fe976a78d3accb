import type { Escalation, EscalationStatus } from '../records/escalation.ts';
import type { ConditionalWriteResult } from './conditional-write.ts';

export interface EscalationStore {
  create(escalation: Escalation): Promise<void>;
  get(clusterId: string, escalationId: string): Promise<Escalation | undefined>;
  /** Conditional on the current status: a decision is taken once; a second decider gets `conflict`. */
  transition(
    clusterId: string,
    escalationId: string,
    from: EscalationStatus,
    to: EscalationStatus,
    entry: { atMs: number; by: string; note: string; result?: string },
  ): Promise<ConditionalWriteResult>;
  list(options: {
    readonly status?: EscalationStatus;
    readonly clusterId?: string;
    readonly limit: number;
  }): Promise<Escalation[]>;
}
