/**
 * A job of a replayed trace, as the simulator needs it: when it was submitted (trace time), the
 * queue state the Observer sees at that instant, what the user asked for, and what happened (the
 * real wait) — the outcome is only revealed at the job's start, never before.
 */
import type { JobSpec } from '../records/queue.ts';

export interface SimulatedJob {
  /** The job's id in its trace (unique within the trace). */
  readonly traceJobId: string;
  /** Submit time in the trace's own clock (epoch ms or ms from trace start). */
  readonly submitAtMs: number;
  /** Submit-time features, by name (queue state, declared job class). */
  readonly features: Readonly<Record<string, number | string>>;
  readonly job: JobSpec;
  /** The observed wait, seconds ≥ 0: revealed as the outcome at submit + wait. */
  readonly waitSeconds: number;
  /** The observed label (wait above the environment's P90). */
  readonly longWait: boolean;
}

/** One live cluster fed by one trace, jobs in submit order. */
export interface SimulatedClusterTrace {
  readonly clusterId: string;
  readonly platform: 'slurm' | 'kubernetes';
  readonly jobs: readonly SimulatedJob[];
  /** GPUs of the simulated cluster (for the Observer's utilisation). */
  readonly totalGpus: number;
}
