/**
 * The loop of `vgac agent --push`: observes Slurm every `intervalMs` and, after each listing,
 * pushes what the spool holds. Observing and pushing never wait for each other: a push that is
 * retrying or backing off does not delay the next listing (transitions keep their Slurm times in
 * the spool), and at most one push runs at a time.
 */
import type { PushAgent, PushResult } from '../../app/collection/push-agent.ts';
import type { Logger } from '../../app/ports/logger.ts';

export interface PushAgentRunner {
  /** Settles after the first listing was observed (and its push started). */
  readonly ready: Promise<void>;
  /** Stops the loop and waits for the listing and the push in progress. */
  stop(): Promise<void>;
}

export function startPushAgentRunner(options: {
  readonly agent: PushAgent;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly clusterId: string;
  readonly onPush?: (result: PushResult) => void;
}): PushAgentRunner {
  const { agent, logger, clusterId } = options;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pushing: Promise<void> | undefined;
  let observing: Promise<void> = Promise.resolve();

  const pushInBackground = (): void => {
    if (pushing !== undefined || stopped) return;
    pushing = agent
      .push()
      .then(
        (result) => options.onPush?.(result),
        (error: unknown) =>
          logger.error('agent.push_error', {
            clusterId,
            error: error instanceof Error ? error.message : String(error),
          }),
      )
      .finally(() => {
        pushing = undefined;
      });
  };
  const tick = async (): Promise<void> => {
    try {
      await agent.observe();
    } catch (error) {
      // E.g. the spool's disk: the listing's remaining transitions are handed over again next time.
      logger.error('agent.observe_failed', {
        clusterId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    pushInBackground();
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      observing = tick().finally(schedule);
    }, options.intervalMs);
  };
  observing = tick();
  const ready = observing.then(schedule);
  return {
    ready,
    async stop() {
      stopped = true;
      await ready;
      clearTimeout(timer);
      await observing;
      await pushing;
    },
  };
}
