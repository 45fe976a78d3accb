/**
 * The local submit-time capture loop: polls a collector every `intervalMs` and feeds each listing
 * to `captureTick`. A source that is down is logged and retried on the next poll (the listing is
 * not processed, so no outcome is invented); it recovers by itself when the source returns.
 */
import { SourceUnavailableError } from '../../app/errors.ts';
import {
  captureTick,
  createCaptureTracker,
  DEFAULT_CAPTURE_INTERVAL_MS,
  type CaptureTickResult,
} from '../../app/collection/submit-capture.ts';
import type { LearningDeps } from '../../app/learning/learning-deps.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { ClusterState } from '../../app/records/queue.ts';

export interface CollectorRunnerOptions {
  readonly clusterId: string;
  readonly observer: ClusterObserver;
  readonly learning: LearningDeps;
  /** Poll period, ms. Default {@link DEFAULT_CAPTURE_INTERVAL_MS}. */
  readonly intervalMs?: number;
  readonly clock?: () => number;
  /** Called after every poll that processed a listing. */
  readonly onTick?: (result: CaptureTickResult) => void;
  /**
   * Runs after each processed listing with its state (e.g. notifying a job's subscribers when it
   * starts); a failure is logged and does not stop capture.
   */
  readonly afterTick?: (state: ClusterState) => Promise<void>;
}

export interface CollectorRunner {
  /** Polls once now (between scheduled polls) and returns what it captured; null when the source was unavailable. */
  pollNow(): Promise<CaptureTickResult | null>;
  /** Stops polling and waits for a poll in progress. */
  stop(): Promise<void>;
}

export function startCollectorRunner(options: CollectorRunnerOptions): CollectorRunner {
  const clock = options.clock ?? Date.now;
  const intervalMs = options.intervalMs ?? DEFAULT_CAPTURE_INTERVAL_MS;
  const tracker = createCaptureTracker(options.clusterId, clock());
  const logger = options.learning.logger;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Polls never overlap: each waits for the one before it.
  let chain: Promise<unknown> = Promise.resolve();

  const pollOnce = async (): Promise<CaptureTickResult | null> => {
    let state;
    try {
      state = await options.observer.observe(options.clusterId);
    } catch (error) {
      if (!(error instanceof SourceUnavailableError)) throw error;
      logger.warn('capture.source_unavailable', { clusterId: options.clusterId, error: error.message });
      return null;
    }
    const result = await captureTick(options.learning, tracker, state);
    options.onTick?.(result);
    if (options.afterTick !== undefined) {
      try {
        await options.afterTick(state);
      } catch (error) {
        logger.error('capture.after_tick_failed', {
          clusterId: options.clusterId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return result;
  };
  const poll = (): Promise<CaptureTickResult | null> => {
    const next = chain.then(pollOnce);
    chain = next.catch(() => undefined);
    return next;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      poll()
        .catch((error: unknown) =>
          logger.error('capture.failed', {
            clusterId: options.clusterId,
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(schedule);
    }, intervalMs);
  };
  schedule();
  return {
    pollNow: poll,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await chain;
    },
  };
}
