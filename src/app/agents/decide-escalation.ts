/**
 * A human's decision on an escalation. Conditional on the pending status, so it is taken once
 * (a second decider gets `already_decided`); approved → the action runs through ClusterActions and
 * the escalation becomes executed or failed (also when ClusterActions throws: the error's message
 * is recorded and logged as `escalation.execute_failed`); rejected → dropped. Every step is appended to the
 * escalation's history (who, when, what) and logged as `escalation.decided`.
 */
import { UnknownEscalationError } from '../errors.ts';
import type { ClusterActions } from '../ports/cluster-actions.ts';
import type { Escalation } from '../records/escalation.ts';
import type { EscalationStore } from '../ports/escalation-store.ts';
import type { Logger } from '../ports/logger.ts';

export interface DecideEscalationRequest {
  readonly clusterId: string;
  readonly escalationId: string;
  readonly decision: 'approve' | 'reject';
  /** Who decided (a Slack user id, a dashboard user, `cli`). */
  readonly by: string;
  readonly nowMs: number;
}

export type DecideEscalationResult =
  | { readonly status: 'decided'; readonly escalation: Escalation }
  | { readonly status: 'already_decided'; readonly escalation: Escalation };

export interface DecideEscalationDeps {
  readonly escalations: EscalationStore;
  readonly actions: ClusterActions;
  readonly logger: Logger;
  readonly dryRun?: boolean;
}

/** Throws UnknownEscalationError for an id that does not exist on the cluster. */
export async function decideEscalation(
  deps: DecideEscalationDeps,
  request: DecideEscalationRequest,
): Promise<DecideEscalationResult> {
  const { clusterId, escalationId, by, nowMs } = request;
  const current = await deps.escalations.get(clusterId, escalationId);
  if (current === undefined) throw new UnknownEscalationError(clusterId, escalationId);
  const reread = async (): Promise<DecideEscalationResult> => ({
    status: 'already_decided',
    escalation: (await deps.escalations.get(clusterId, escalationId)) ?? current,
  });
  if (current.status !== 'pending') return { status: 'already_decided', escalation: current };

  const to = request.decision === 'approve' ? 'approved' : 'rejected';
  const taken = await deps.escalations.transition(clusterId, escalationId, 'pending', to, {
    atMs: nowMs,
    by,
    note: `${request.decision}d by ${by}`,
  });
  if (taken.status === 'conflict') return reread();

  if (to === 'approved') {
    let final: 'executed' | 'failed';
    let entry: { atMs: number; by: string; note: string; result: string };
    try {
      const result = await deps.actions.execute(current.action, { dryRun: deps.dryRun === true });
      final = result.status === 'failed' ? 'failed' : 'executed';
      entry = { atMs: nowMs, by: 'actor', note: `${current.action.kind}: ${result.status}`, result: result.detail };
    } catch (error) {
      // A cluster that could not be reached must not leave the escalation `approved` forever:
      // the attempt is over, so it is recorded as failed with why (a human may propose it again).
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 200);
      deps.logger.error('escalation.execute_failed', {
        clusterId,
        escalationId,
        jobId: current.jobId,
        action: current.action.kind,
        error: message,
      });
      final = 'failed';
      entry = { atMs: nowMs, by: 'actor', note: `${current.action.kind}: failed (${message})`, result: message };
    }
    await deps.escalations.transition(clusterId, escalationId, 'approved', final, entry);
  }
  const escalation = (await deps.escalations.get(clusterId, escalationId)) ?? current;
  deps.logger.info('escalation.decided', {
    clusterId,
    escalationId,
    jobId: current.jobId,
    decision: request.decision,
    by,
    action: current.action.kind,
    status: escalation.status,
    result: escalation.result,
  });
  return { status: 'decided', escalation };
}
