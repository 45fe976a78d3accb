/**
 * The embedded mode's stand-in for DynamoDB's TTL: every `intervalMs` the sweeper deletes the
 * table's expired items (adapters/dynamodb/expired-item-sweeper.ts). One sweep runs at a time; a
 * failed one is logged and the next tries again (expired items only wait longer, as on AWS, where
 * TTL deletion may lag by days). `stop()` cancels the timer and waits for a sweep in flight, so the
 * stack can close the store after it.
 */
import type { Logger } from '../../app/ports/logger.ts';

/** Minutes between sweeps: each scans the whole table, so not more often than the retention needs. */
export const EXPIRY_SWEEP_INTERVAL_MS = 2 * 60_000;

export interface ExpirySweeps {
  stop(): Promise<void>;
}

export function startExpirySweeps(
  sweeper: { sweep(nowMs: number): Promise<number> },
  options: { readonly intervalMs?: number; readonly nowMs: () => number; readonly logger: Logger },
): ExpirySweeps {
  const intervalMs = options.intervalMs ?? EXPIRY_SWEEP_INTERVAL_MS;
  let running: Promise<void> | undefined;
  let stopped = false;
  const sweepOnce = async (): Promise<void> => {
    try {
      const deleted = await sweeper.sweep(options.nowMs());
      if (deleted > 0) options.logger.info('storage.expired_items_deleted', { deleted });
    } catch (error) {
      options.logger.warn('storage.expiry_sweep_failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  const timer = setInterval(() => {
    // A sweep still running when the next is due covers it.
    if (stopped || running !== undefined) return;
    running = sweepOnce().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
