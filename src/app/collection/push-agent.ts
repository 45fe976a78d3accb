/**
 * `vgac agent --push`: submit-time capture on a login node, delivered to the deployed API.
 *
 * - {@link PushAgent.observe}: one listing through the observer (squeue/scontrol), diffed by
 *   `followListing` exactly as the local capture diffs it; every transition (submit with its
 *   submit-instant features, start, departure) is appended to the spool before the tracker moves on.
 * - {@link PushAgent.push}: the pending events, oldest first, in batches of at most
 *   {@link MAX_QUEUE_EVENTS}, to the publisher; acknowledged ids leave the spool, a batch the API
 *   refuses as malformed is quarantined (kept on disk for an operator, never blocking what follows),
 *   and anything else (API down, key refused, cluster unknown) leaves the batch pending for the
 *   next push.
 * Observing never waits for the API: transitions keep their Slurm times while the API is away.
 */
import { SourceUnavailableError } from '../errors.ts';
import type { EventSpool } from '../ports/event-spool.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { Logger } from '../ports/logger.ts';
import type { QueueEventPublisher } from '../ports/queue-event-publisher.ts';
import { queueEventId, type QueueEvent } from '../records/queue-event.ts';
import { MAX_QUEUE_EVENTS, WireEvent, wireEventOf } from './queue-event-wire.ts';
import { createCaptureTracker, followListing, type CaptureTracker } from './submit-capture.ts';

export interface PushAgentDeps {
  readonly observer: ClusterObserver;
  readonly spool: EventSpool;
  readonly publisher: QueueEventPublisher;
  readonly logger: Logger;
}

export interface ObserveResult {
  /** Transitions appended to the spool from this listing. */
  readonly spooled: number;
  /** Jobs already queued when the agent began (not predicted; their starts are still sent). */
  readonly adopted: number;
}

export type PushResult =
  | { readonly status: 'idle' }
  | {
      readonly status: 'delivered';
      readonly acknowledged: number;
      readonly quarantined: number;
      readonly pending: number;
    }
  | {
      readonly status: 'unavailable';
      readonly acknowledged: number;
      readonly quarantined: number;
      readonly pending: number;
      readonly reason: string;
      readonly code: string;
    };

export interface PushAgent {
  /** Observes once; null when Slurm could not be read (nothing is invented, the next listing catches up). */
  observe(): Promise<ObserveResult | null>;
  /** Sends every pending event (in batches) until the spool is empty or the API is unavailable. */
  push(): Promise<PushResult>;
}

/** A push agent for `clusterId` whose capture begins at `startedAtMs` (jobs submitted before are adopted). */
export function createPushAgent(
  deps: PushAgentDeps,
  options: { readonly clusterId: string; readonly startedAtMs: number; readonly batchSize?: number },
): PushAgent {
  const tracker: CaptureTracker = createCaptureTracker(options.clusterId, options.startedAtMs);
  const batchSize = Math.min(options.batchSize ?? MAX_QUEUE_EVENTS, MAX_QUEUE_EVENTS);
  const { clusterId } = options;

  const spool = async (event: QueueEvent): Promise<boolean> => {
    // What the API would refuse (e.g. a heterogeneous job's `123+0` id) is dropped here, so it never blocks the spool.
    const checked = WireEvent.safeParse(wireEventOf(event));
    if (!checked.success) {
      deps.logger.warn('agent.event_dropped', {
        clusterId,
        jobId: event.jobId,
        kind: event.kind,
        reason: checked.error.issues[0]?.message ?? 'invalid',
      });
      return false;
    }
    await deps.spool.append([event]);
    return true;
  };

  return {
    async observe() {
      let state;
      try {
        state = await deps.observer.observe(clusterId);
      } catch (error) {
        if (!(error instanceof SourceUnavailableError)) throw error;
        deps.logger.warn('agent.source_unavailable', { clusterId, error: error.message });
        return null;
      }
      let spooled = 0;
      const { adopted } = await followListing(tracker, state, {
        async submitted(job) {
          if (
            await spool({
              id: queueEventId(job.jobId, 'submit', job.submitTimeMs),
              kind: 'submit',
              jobId: job.jobId,
              atMs: job.submitTimeMs,
              observedAtMs: job.observedAtMs,
              features: job.features,
            })
          )
            spooled += 1;
        },
        async started(job) {
          if (
            await spool({
              id: queueEventId(job.jobId, 'start', job.startTimeMs),
              kind: 'start',
              jobId: job.jobId,
              atMs: job.startTimeMs,
              submittedAtMs: job.submitTimeMs,
              observedAtMs: job.observedAtMs,
            })
          )
            spooled += 1;
        },
        async left(job) {
          if (
            await spool({
              id: queueEventId(job.jobId, 'leave', job.leftAtMs),
              kind: 'leave',
              jobId: job.jobId,
              atMs: job.leftAtMs,
              submittedAtMs: job.submitTimeMs,
              observedAtMs: job.observedAtMs,
            })
          )
            spooled += 1;
        },
      });
      if (spooled > 0 || adopted.length > 0)
        deps.logger.info('agent.observed', { clusterId, spooled, adopted: adopted.length, pending: deps.spool.size() });
      return { spooled, adopted: adopted.length };
    },

    async push() {
      if (deps.spool.size() === 0) return { status: 'idle' };
      let acknowledged = 0;
      let quarantined = 0;
      for (let batch = deps.spool.pending(batchSize); batch.length > 0; batch = deps.spool.pending(batchSize)) {
        let result;
        try {
          result = await deps.publisher.publish(clusterId, batch);
        } catch (error) {
          const code =
            typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'UNKNOWN';
          const reason = error instanceof Error ? error.message : String(error);
          deps.logger.warn('agent.push_failed', { clusterId, code, error: reason, pending: deps.spool.size() });
          return { status: 'unavailable', acknowledged, quarantined, pending: deps.spool.size(), reason, code };
        }
        if (result.status === 'rejected') {
          await deps.spool.quarantine(batch, result.reason);
          quarantined += batch.length;
          deps.logger.error('agent.batch_quarantined', { clusterId, events: batch.length, reason: result.reason });
          continue;
        }
        const sentIds = new Set(batch.map((event) => event.id));
        const ids = result.acknowledgedIds.filter((id) => sentIds.has(id));
        await deps.spool.acknowledge(ids);
        acknowledged += ids.length;
        // An API that acknowledges nothing of a batch would make this loop spin: wait for the next push.
        if (ids.length === 0) break;
      }
      deps.logger.info('agent.pushed', { clusterId, acknowledged, quarantined, pending: deps.spool.size() });
      return { status: 'delivered', acknowledged, quarantined, pending: deps.spool.size() };
    },
  };
}
