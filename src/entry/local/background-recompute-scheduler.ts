/**
 * The local RecomputeScheduler (`vgac start`: HTTP outcomes, the simulator, the Slurm capture
 * loop): a due recompute runs in the background of this process, never inside the request or
 * capture tick that made it due. Per cluster at most one recompute runs and at most one waits:
 * signals that arrive while one runs collapse into the single pending one, which runs after it
 * (and, through `recomputeIfDue`, does nothing when the first already covered its window). A
 * failure is logged and the next signal tries again — nothing is lost, because the due condition
 * lives in the stored calibration item. `close()` refuses new work and drains; the stack closes
 * it after everything that records outcomes and before the stores.
 */
import type { RecomputeResult } from '../../app/learning/recompute-calibration.ts';
import type { Logger } from '../../app/ports/logger.ts';
import type { RecomputeReason, RecomputeScheduler } from '../../app/ports/recompute-scheduler.ts';

export interface BackgroundRecomputeOptions {
  /** Runs one recompute (wiring: `recomputeIfDue` with the stack's learning deps and the wall clock). */
  readonly run: (clusterId: string, reason: RecomputeReason) => Promise<RecomputeResult>;
  readonly logger: Logger;
  /** Called with every result (the simulator's progress counts recalibrations from it). */
  readonly onResult?: (clusterId: string, result: RecomputeResult) => void;
}

interface ClusterSlot {
  /** The next recompute to run after the current one; null: none. */
  pending: RecomputeReason | null;
  /** The loop serving this cluster; it ends when nothing is pending. */
  done: Promise<void>;
}

export class BackgroundRecomputeScheduler implements RecomputeScheduler {
  readonly #options: BackgroundRecomputeOptions;
  readonly #slots = new Map<string, ClusterSlot>();
  #closed = false;

  constructor(options: BackgroundRecomputeOptions) {
    this.#options = options;
  }

  /** Queues a recompute of `clusterId` and returns at once; coalesces with one already running or pending. After `close()`, drops it (logged). */
  schedule(clusterId: string, reason: RecomputeReason, requestedAtMs: number): Promise<void> {
    if (this.#closed) {
      this.#options.logger.info('recompute.dropped', { clusterId, reason, requestedAtMs, why: 'shutting down; the next outcome schedules it again' });
      return Promise.resolve();
    }
    const slot = this.#slots.get(clusterId);
    if (slot !== undefined) {
      // A manual or scheduled request outranks an `outcomes` one: it runs even when nothing is due.
      if (slot.pending === null || slot.pending === 'outcomes') slot.pending = reason;
      return Promise.resolve();
    }
    const created: ClusterSlot = { pending: reason, done: Promise.resolve() };
    this.#slots.set(clusterId, created);
    created.done = this.#serve(clusterId, created);
    return Promise.resolve();
  }

  /** Resolves when no recompute is running or pending (those scheduled meanwhile included). */
  async drain(): Promise<void> {
    while (this.#slots.size > 0) await Promise.all([...this.#slots.values()].map((slot) => slot.done));
  }

  /** Refuses new recomputes, then waits for the running and pending ones. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
  }

  /** Clusters with a recompute running (for the logs and tests). */
  busyClusters(): string[] {
    return [...this.#slots.keys()];
  }

  async #serve(clusterId: string, slot: ClusterSlot): Promise<void> {
    // Off the caller's stack: the request that scheduled this replies before any recompute work starts.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      for (let reason = slot.pending; reason !== null; reason = slot.pending) {
        slot.pending = null;
        await this.#runOne(clusterId, reason);
      }
    } finally {
      this.#slots.delete(clusterId);
    }
  }

  async #runOne(clusterId: string, reason: RecomputeReason): Promise<void> {
    const { logger } = this.#options;
    try {
      const result = await this.#options.run(clusterId, reason);
      if (result.status === 'skipped') logger.info('recompute.skipped', { clusterId, reason, why: result.reason });
      this.#options.onResult?.(clusterId, result);
    } catch (error) {
      logger.error('recompute.failed', { clusterId, reason, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
