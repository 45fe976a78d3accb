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
 * - With `queueState`, {@link PushAgent.push} also sends the latest listing (pending and running
 *   jobs, the partitions; queue-state-wire.ts, bounded) at most every `intervalMs`, so the API can
 *   answer job questions (pending reason, rank, alternatives) without reaching the scheduler. Only
 *   the latest matters: a state the API could not take is not kept, the next push sends a newer one.
 * Observing never waits for the API: transitions keep their Slurm times while the API is away.
 */
import { SourceUnavailableError } from '../errors.ts';
import type { EventSpool } from '../ports/event-spool.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { Logger } from '../ports/logger.ts';
import type { QueueEventPublisher } from '../ports/queue-event-publisher.ts';
import type { QueueStatePublisher } from '../ports/queue-state-publisher.ts';
import { queueEventId, type QueueEvent } from '../records/queue-event.ts';
import type { ClusterState } from '../records/queue.ts';
import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import { MAX_QUEUE_EVENTS, WireEvent, wireEventOf } from './queue-event-wire.ts';
import { pushedQueueStateOf, queueStateBody } from './queue-state-wire.ts';
import { createCaptureTracker, followListing, type CaptureTracker } from './submit-capture.ts';

/** How often the agent sends its queue state at most, ms (never more often than it observes). */
export const DEFAULT_QUEUE_STATE_INTERVAL_MS = 60_000;

export interface PushAgentDeps {
  readonly observer: ClusterObserver;
  readonly spool: EventSpool;
  readonly publisher: QueueEventPublisher;
  readonly logger: Logger;
  /** Also push the latest listing for job questions (absent: events only). */
  readonly queueState?: {
    readonly publisher: QueueStatePublisher;
    /** The partitions jobs may be submitted to (the scheduler's; a failure keeps the last ones read). */
    readonly partitions: () => Promise<PartitionOffer[]>;
    /** At most one state per this many ms (it is also the staleness unit the API judges the state by). */
    readonly intervalMs: number;
    /** Epoch ms. */
    readonly clock: () => number;
  };
}

export interface ObserveResult {
  /** Transitions appended to the spool from this listing. */
  readonly spooled: number;
  /** Jobs already queued when the agent began (not predicted; their starts are still sent). */
  readonly adopted: number;
}

/** What became of the queue state at a push: sent, failed (named in the log), or not due. */
export type QueueStatePush = 'sent' | 'failed' | 'not_due';

export type PushResult = (
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
    }
) & { readonly queueState?: QueueStatePush };

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
  let listing: ClusterState | undefined;
  let lastStateSentAtMs: number | undefined;
  let lastStateObservedAtMs = Number.NEGATIVE_INFINITY;
  let partitions: PartitionOffer[] = [];

  const errorFields = (error: unknown): { code: string; error: string } => ({
    code: typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'UNKNOWN',
    error: error instanceof Error ? error.message : String(error),
  });

  /** Sends the latest listing when one is due (at most every intervalMs, and only a newer one). */
  const pushState = async (): Promise<QueueStatePush | undefined> => {
    const config = deps.queueState;
    if (config === undefined) return undefined;
    const nowMs = config.clock();
    if (listing === undefined || listing.observedAtMs <= lastStateObservedAtMs) return 'not_due';
    if (lastStateSentAtMs !== undefined && nowMs - lastStateSentAtMs < config.intervalMs) return 'not_due';
    try {
      partitions = await config.partitions();
    } catch (error) {
      deps.logger.warn('agent.partitions_unavailable', { clusterId, ...errorFields(error) });
    }
    const body = queueStateBody(listing, { intervalMs: config.intervalMs, partitions });
    try {
      await config.publisher.publishState(pushedQueueStateOf(clusterId, body));
    } catch (error) {
      deps.logger.warn('agent.queue_state_failed', { clusterId, ...errorFields(error) });
      return 'failed';
    }
    lastStateSentAtMs = nowMs;
    lastStateObservedAtMs = body.observed_at_ms;
    deps.logger.info('agent.queue_state_sent', { clusterId, jobs: body.jobs.length, omittedJobs: body.omitted_jobs });
    return 'sent';
  };
  const withState = async (result: PushResult): Promise<PushResult> => {
    const queueState = await pushState();
    return queueState === undefined ? result : { ...result, queueState };
  };

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
      listing = state;
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
      if (deps.spool.size() === 0) return withState({ status: 'idle' });
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
          // The API is away: the state waits for the next push (a newer listing by then).
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
      return withState({ status: 'delivered', acknowledged, quarantined, pending: deps.spool.size() });
    },
  };
}
