/**
 * The API side of `vgac agent --push`: applies queue transitions pushed from a login node to the
 * learning loop, exactly as the local capture does (submit-capture.ts) — a submit becomes a stored
 * prediction from the queue's features at the submit instant, a start becomes its outcome
 * (wait = start − submit), a departure without a start is censored (a long wait only when it had
 * already waited beyond the cluster's threshold, never a short one).
 *
 * Idempotent: the agent re-sends whatever it has no acknowledgement for, so every event may
 * arrive more than once. A prediction is one conditional write per job (a repeat is
 * `already_predicted`), an outcome is stored and folded once per job (a repeat is `duplicate`).
 * Every event gets a status, and every status is an acknowledgement; storage failures throw, and
 * the agent re-sends the whole batch later.
 */
import { UnknownClusterError } from '../errors.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { QueueEvent, QueueEventKind } from '../records/queue-event.ts';
import { censorDeparture, predictSubmission, recordStart } from './submit-capture.ts';

/** What became of one event. */
export const QueueEventStatus = {
  /** A prediction was stored. */
  predicted: 'predicted',
  /** The job already had a prediction (an earlier delivery): nothing written. */
  alreadyPredicted: 'already_predicted',
  /** The outcome was stored and folded into the cluster's learning state. */
  recorded: 'recorded',
  /** The outcome was already stored (an earlier delivery): not counted again. */
  duplicate: 'duplicate',
  /** A start of a job nobody predicted (queued before the agent began): no prediction to join it to. */
  unpredicted: 'unpredicted',
  /** Left without starting before the long-wait threshold: its label is unknown, nothing recorded. */
  censored: 'censored',
  /** Left without starting after the long-wait threshold: recorded as a long wait. */
  recordedLongWait: 'recorded_long_wait',
} as const;
export type QueueEventStatus = (typeof QueueEventStatus)[keyof typeof QueueEventStatus];

export interface QueueEventResult {
  readonly id: string;
  readonly jobId: string;
  readonly kind: QueueEventKind;
  readonly status: QueueEventStatus;
}

const MS_PER_SECOND = 1_000;

/**
 * Applies `events` for `clusterId` in their order (a job's submit before its start), one at a
 * time. `nowMs` (the server's clock) is when predictions are issued and outcomes folded: a
 * forecast is issued when it is computed, even when the agent could not deliver the submit at
 * once; what it is computed from is the queue at the submit instant.
 * @throws UnknownClusterError before applying anything when the cluster is not registered; storage
 *   failures (InfrastructureError) as the learning loop throws them.
 */
export async function ingestQueueEvents(
  deps: LearningDeps,
  request: { readonly clusterId: string; readonly events: readonly QueueEvent[]; readonly nowMs: number },
): Promise<QueueEventResult[]> {
  const { clusterId, nowMs } = request;
  if ((await deps.calibration.current(clusterId)) === undefined) throw new UnknownClusterError(clusterId);
  const results: QueueEventResult[] = [];
  for (const event of request.events) {
    results.push({
      id: event.id,
      jobId: event.jobId,
      kind: event.kind,
      status: await applyEvent(deps, clusterId, event, nowMs),
    });
  }
  const counts: Partial<Record<QueueEventStatus, number>> = {};
  for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
  const oldestObservedAtMs = Math.min(...request.events.map((event) => event.observedAtMs));
  deps.logger.info('ingest.events', {
    clusterId,
    events: results.length,
    ...counts,
    ...(results.length === 0 ? {} : { maxLagMs: Math.max(0, nowMs - oldestObservedAtMs) }),
  });
  return results;
}

async function applyEvent(
  deps: LearningDeps,
  clusterId: string,
  event: QueueEvent,
  nowMs: number,
): Promise<QueueEventStatus> {
  switch (event.kind) {
    case 'submit': {
      const probability = await predictSubmission(deps, clusterId, {
        jobId: event.jobId,
        features: event.features,
        observedAtMs: nowMs,
      });
      return probability === null ? QueueEventStatus.alreadyPredicted : QueueEventStatus.predicted;
    }
    case 'start': {
      // Slurm's whole-second times: a start reported before the submit is a wait of 0, as in the local capture.
      const waitSeconds = Math.max(0, (event.atMs - event.submittedAtMs) / MS_PER_SECOND);
      const status = await recordStart(deps, clusterId, { jobId: event.jobId, waitSeconds, observedAtMs: nowMs });
      return status ?? QueueEventStatus.unpredicted;
    }
    case 'leave': {
      const waitedAtLeastSeconds = Math.max(0, (event.atMs - event.submittedAtMs) / MS_PER_SECOND);
      const verdict = await censorDeparture(deps, clusterId, {
        jobId: event.jobId,
        waitedAtLeastSeconds,
        observedAtMs: nowMs,
      });
      if (verdict.duplicate === true) return QueueEventStatus.duplicate;
      if (verdict.recordedAsLongWait) return QueueEventStatus.recordedLongWait;
      return QueueEventStatus.censored;
    }
  }
}
