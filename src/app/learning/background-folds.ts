/**
 * Folds in the background of this process (FoldScheduler): an outcome request writes its outcome
 * and inbox item, schedules a fold and answers; the fold runs `delayMs` later and folds every
 * outcome pending by then with one conditional write of the learning record per batch — one ~50
 * KB write for the many outcomes that arrived meanwhile instead of one per outcome.
 *
 * Per cluster at most one fold runs and at most one waits: requests arriving while one runs
 * collapse into a single next fold, which starts `delayMs` after the running one ends, so an
 * outcome queued after the running fold's last read is folded by the next one, at most about
 * delayMs + one fold later. Exactly-once does not rest
 * on any of this: it rests on the fold's conditional write and folded-job keys
 * (fold-pending-outcomes.ts), and other processes may fold the same cluster concurrently.
 *
 * A failed fold is logged and tried again `retryMs` later (its outcomes stay pending meanwhile).
 * `close()` refuses new folds and waits for the running and waiting ones: a stack closes it after
 * the servers that record outcomes and before the stores.
 */
import type { FoldScheduler } from '../ports/fold-scheduler.ts';
import type { Logger } from '../ports/logger.ts';
import type { FoldSummary } from './fold-pending-outcomes.ts';

export interface BackgroundFoldOptions {
  /** Runs one fold of the cluster (wiring: `foldPendingOutcomes` with the stack's learning deps and clock). */
  readonly fold: (clusterId: string) => Promise<FoldSummary>;
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  /** How long a scheduled fold waits for more outcomes before it starts, ms. */
  readonly delayMs?: number;
  /** How long after a failed fold (or one that left outcomes pending) the next one starts, ms. */
  readonly retryMs?: number;
  /** Called with every fold's summary (tests, the bench). */
  readonly onFold?: (clusterId: string, summary: FoldSummary) => void;
}

export const DEFAULT_FOLD_DELAY_MS = 50;
export const DEFAULT_FOLD_RETRY_MS = 1_000;

interface ClusterSlot {
  /** Another fold was asked for while this one waited or ran. */
  again: boolean;
  done: Promise<void>;
}

export class BackgroundFolds implements FoldScheduler {
  readonly #options: BackgroundFoldOptions;
  readonly #slots = new Map<string, ClusterSlot>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(options: BackgroundFoldOptions) {
    this.#options = options;
  }

  schedule(clusterId: string): void {
    if (this.#closed) return;
    const slot = this.#slots.get(clusterId);
    if (slot !== undefined) {
      slot.again = true;
      return;
    }
    const created: ClusterSlot = { again: false, done: Promise.resolve() };
    this.#slots.set(clusterId, created);
    created.done = this.#serve(clusterId, created);
  }

  /** Resolves when no fold is running or waiting (those scheduled meanwhile included). */
  async drain(): Promise<void> {
    while (this.#slots.size > 0) await Promise.all([...this.#slots.values()].map((slot) => slot.done));
  }

  /** Refuses new folds, then waits for the running and waiting ones. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  async #serve(clusterId: string, slot: ClusterSlot): Promise<void> {
    const { logger } = this.#options;
    try {
      await this.#sleep(this.#options.delayMs ?? DEFAULT_FOLD_DELAY_MS);
      for (;;) {
        slot.again = false;
        let retry = false;
        try {
          const summary = await this.#options.fold(clusterId);
          this.#options.onFold?.(clusterId, summary);
          retry = summary.ending === 'left_pending';
        } catch (error) {
          logger.error('learning.fold_failed', {
            clusterId,
            error: error instanceof Error ? error.message : String(error),
          });
          retry = true;
        }
        if (retry && !this.#closed) {
          await this.#sleep(this.#options.retryMs ?? DEFAULT_FOLD_RETRY_MS);
          continue;
        }
        // Outcomes queued while this fold ran may have been queued after its last read; the next
        // fold waits too, so that under a steady stream each fold takes a batch, not a trickle.
        if (!slot.again) return;
        await this.#sleep(this.#options.delayMs ?? DEFAULT_FOLD_DELAY_MS);
      }
    } finally {
      this.#slots.delete(clusterId);
    }
  }
}
