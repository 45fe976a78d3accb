/**
 * The local MaintenanceScheduler (`vgac start`: HTTP outcomes, the simulator, the Slurm capture
 * loop): due maintenance runs in the background of this process, never inside the request or
 * capture tick that made it due. Per cluster at most one run is active and at most one waits:
 * signals that arrive while one runs collapse into the single pending one, which runs after it
 * (and, since maintenance does only what is still due, does nothing when the first covered it).
 * A failure is logged and the next signal tries again — nothing is lost, because what is due lives
 * in the stored learning state. `close()` refuses new work and drains; the stack closes it after
 * everything that records outcomes and before the stores.
 */
import type { MaintenanceResult } from '../../app/learning/maintain-cluster.ts';
import type { Logger } from '../../app/ports/logger.ts';
import type { MaintenanceReason, MaintenanceScheduler } from '../../app/ports/maintenance-scheduler.ts';

export interface BackgroundMaintenanceOptions {
  /** Runs one maintenance (wiring: `maintainCluster` with the stack's learning deps and the wall clock). */
  readonly run: (clusterId: string, reason: MaintenanceReason) => Promise<MaintenanceResult>;
  readonly logger: Logger;
  /** Called with every result (the simulator's progress counts retrains from it). */
  readonly onResult?: (clusterId: string, result: MaintenanceResult) => void;
}

interface ClusterSlot {
  /** The next maintenance to run after the current one; null: none. */
  pending: MaintenanceReason | null;
  /** The loop serving this cluster; it ends when nothing is pending. */
  done: Promise<void>;
}

export class BackgroundMaintenanceScheduler implements MaintenanceScheduler {
  readonly #options: BackgroundMaintenanceOptions;
  readonly #slots = new Map<string, ClusterSlot>();
  #closed = false;

  constructor(options: BackgroundMaintenanceOptions) {
    this.#options = options;
  }

  /** Queues a maintenance of `clusterId` and returns at once; coalesces with one already running or pending. After `close()`, drops it (logged). */
  schedule(clusterId: string, reason: MaintenanceReason, requestedAtMs: number): Promise<void> {
    if (this.#closed) {
      this.#options.logger.info('maintenance.dropped', {
        clusterId,
        reason,
        requestedAtMs,
        why: 'shutting down; the next outcome schedules it again',
      });
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

  /** Resolves when no maintenance is running or pending (those scheduled meanwhile included). */
  async drain(): Promise<void> {
    while (this.#slots.size > 0) await Promise.all([...this.#slots.values()].map((slot) => slot.done));
  }

  /** Refuses new maintenance runs, then waits for the running and pending ones. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
  }

  /** Clusters with a maintenance running (for the logs and tests). */
  busyClusters(): string[] {
    return [...this.#slots.keys()];
  }

  async #serve(clusterId: string, slot: ClusterSlot): Promise<void> {
    // Off the caller's stack: the request that scheduled this replies before any maintenance work starts.
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

  async #runOne(clusterId: string, reason: MaintenanceReason): Promise<void> {
    const { logger } = this.#options;
    try {
      const result = await this.#options.run(clusterId, reason);
      if (result.steps.length === 0) logger.info('maintenance.nothing_due', { clusterId, reason });
      this.#options.onResult?.(clusterId, result);
    } catch (error) {
      logger.error('maintenance.failed', {
        clusterId,
        reason,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
