/**
 * `TaskQueue` in the same process: a task starts right after `enqueue` resolves, on the event
 * loop, while the HTTP reply goes out. `drain()` waits for every task in flight (graceful
 * shutdown, tests). Locally this is all "after the reply" needs; on Lambda the process may be
 * frozen once the reply is sent, so the Lambda entry hands tasks to an asynchronous invocation.
 */
import type { Logger } from '../../app/ports/logger.ts';
import type { TaskQueue } from '../../app/ports/task-queue.ts';

export interface InProcessTaskQueue<Task> extends TaskQueue<Task> {
  /** Resolves when every task enqueued so far (and any they enqueue) has finished. */
  drain(): Promise<void>;
}

export function inProcessTaskQueue<Task>(run: (task: Task) => Promise<void>, logger: Logger): InProcessTaskQueue<Task> {
  const inFlight = new Set<Promise<void>>();
  return {
    enqueue(task) {
      const running: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => run(task))
        .catch((error: unknown) =>
          logger.error('task.failed', { errorName: error instanceof Error ? error.name : typeof error }),
        )
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
      return Promise.resolve();
    },
    async drain() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}
