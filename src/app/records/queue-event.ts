/**
 * A queue transition as `vgac agent` pushes it from a login node to the API: a job submitted (with
 * its queue's features at the submit instant), started, or gone without starting. Its id is
 * derived from (job id, kind, instant), so a replayed event has the same id and the API can
 * acknowledge it without counting it twice.
 */
export const QueueEventKind = { submit: 'submit', start: 'start', leave: 'leave' } as const;
export type QueueEventKind = (typeof QueueEventKind)[keyof typeof QueueEventKind];

interface QueueEventBase {
  /** {@link queueEventId} of (jobId, kind, atMs). */
  readonly id: string;
  readonly jobId: string;
  /** When the listing that showed the transition was requested (epoch ms, the agent's clock). */
  readonly observedAtMs: number;
}

export type QueueEvent =
  | (QueueEventBase & {
      readonly kind: 'submit';
      /** The submit time (epoch ms, Slurm's clock). */
      readonly atMs: number;
      /** The queue's features at the submit instant, by name. */
      readonly features: Readonly<Record<string, number>>;
    })
  | (QueueEventBase & {
      readonly kind: 'start';
      /** The start time (epoch ms). */
      readonly atMs: number;
      readonly submittedAtMs: number;
    })
  | (QueueEventBase & {
      readonly kind: 'leave';
      /** When it left the queue without starting (its end time, or its last sighting), epoch ms. */
      readonly atMs: number;
      readonly submittedAtMs: number;
    });

/** The stable id of a transition: `{jobId}:{kind}:{atMs}`. */
export function queueEventId(jobId: string, kind: QueueEventKind, atMs: number): string {
  return `${jobId}:${kind}:${atMs}`;
}
