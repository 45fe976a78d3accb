/**
 * The `vgac versus-slurm` workload and reference model, from a real trace (KTH SP2 by default):
 * job sizes, time limits and run/requested ratios are the trace's, scaled down in time and
 * mapped from processors to a few GPUs. Pure apart from the arguments.
 */
import { InsufficientDataError } from '../../core/errors.ts';
import type { FeatureTable } from '../../core/features/feature-table.ts';
import { shuffled, type Random } from '../../core/random.ts';
import { reconstructQueueState } from '../../core/traces/queue-state.ts';
import type { TraceJob } from '../../core/traces/trace-job.ts';

export interface VersusJob {
  /** Seconds after the workload starts. */
  readonly submitOffsetSeconds: number;
  readonly gpus: number;
  /** Slurm's limit granularity is a minute. */
  readonly timeLimitMinutes: number;
  /** Actual run time: the trace's run/requested ratio × the limit. */
  readonly runSeconds: number;
}

/** Trace processors → GPUs on a small node: 1–3 → 1, 4–15 → 2, 16–63 → 3, 64+ → 4 (capped at `totalGpus`). */
export function gpusForProcessors(processors: number, totalGpus: number): number {
  return Math.max(1, Math.min(totalGpus, 1 + Math.floor(Math.log2(Math.max(1, processors)) / 2)));
}

/** Usable trace jobs: started, ended, with a positive requested time and run time. */
function usable(jobs: readonly TraceJob[]): TraceJob[] {
  return jobs.filter((job) => job.startTimeSeconds !== null && job.endTimeSeconds !== null && (job.requestedTimeSeconds ?? 0) > 0 && job.endTimeSeconds > job.startTimeSeconds);
}

/**
 * `count` consecutive usable trace jobs from a random start, arrivals rescaled to span
 * `durationSeconds` (keeping the trace's burstiness), limits = ceil(requested / timeScale) minutes
 * capped at `maxLimitMinutes`, run = min(run / requested, 1) × limit (at least `minRunSeconds`).
 */
export function buildVersusWorkload(jobs: readonly TraceJob[], options: { count: number; durationSeconds: number; timeScale: number; totalGpus: number; maxLimitMinutes: number; minRunSeconds: number; random: Random }): VersusJob[] {
  const pool = usable(jobs);
  if (pool.length < options.count) throw new InsufficientDataError(`the trace has ${pool.length} usable jobs; ${options.count} needed`);
  const start = Math.floor(options.random() * (pool.length - options.count));
  const window = pool.slice(start, start + options.count);
  const first = window[0]?.submitTimeSeconds ?? 0;
  const span = Math.max(1, (window[window.length - 1]?.submitTimeSeconds ?? first) - first);
  return window.map((job) => {
    const requested = job.requestedTimeSeconds ?? 60;
    const ratio = Math.min(1, ((job.endTimeSeconds ?? 0) - (job.startTimeSeconds ?? 0)) / requested);
    const timeLimitMinutes = Math.min(options.maxLimitMinutes, Math.max(1, Math.ceil(requested / options.timeScale / 60)));
    return {
      submitOffsetSeconds: ((job.submitTimeSeconds - first) / span) * options.durationSeconds,
      gpus: gpusForProcessors(job.requestedProcessors, options.totalGpus),
      timeLimitMinutes,
      runSeconds: Math.max(options.minRunSeconds, Math.round(ratio * timeLimitMinutes * 60)),
    };
  });
}

export const VERSUS_FEATURES = ['pendingJobsAhead', 'pendingGpusAhead', 'gpusInUse', 'requestedGpus', 'requestedTimeSeconds'] as const;

/**
 * A training table from the trace replayed at its submit instants, in the live collector's units:
 * processors → GPUs (per job by {@link gpusForProcessors}, aggregates × totalGpus / maxProcessors),
 * times ÷ timeScale. Label: scaled wait above the P90 scaled wait. A random subsample of `rows`.
 */
export function versusTrainingTable(jobs: readonly TraceJob[], options: { totalGpus: number; timeScale: number; rows: number; random: Random }): FeatureTable {
  const snapshots = reconstructQueueState(jobs).filter((snapshot) => snapshot.outcome.waitSeconds !== null);
  const maxProcessors = jobs.reduce((max, job) => Math.max(max, job.requestedProcessors), 1);
  const perProcessor = options.totalGpus / maxProcessors;
  const chosen = shuffled(snapshots, options.random).slice(0, options.rows);
  const waits = chosen.map((snapshot) => (snapshot.outcome.waitSeconds ?? 0) / options.timeScale);
  const sorted = [...waits].sort((left, right) => left - right);
  const threshold = sorted[Math.floor(0.9 * (sorted.length - 1))] ?? 0;
  return {
    source: 'kth-versus',
    numericFeatures: [...VERSUS_FEATURES],
    categoricalFeatures: [],
    rows: chosen.map((snapshot) => [
      snapshot.pendingJobsAhead,
      snapshot.pendingProcessorsAhead * perProcessor,
      snapshot.processorsInUse * perProcessor,
      gpusForProcessors(snapshot.requestedProcessors, options.totalGpus),
      (snapshot.requestedTimeSeconds ?? 0) / options.timeScale,
    ]),
    categorical: chosen.map(() => []),
    labels: Uint8Array.from(waits, (wait) => (wait > threshold ? 1 : 0)),
    waitsSeconds: Float64Array.from(waits),
    labelThresholdSeconds: threshold,
  };
}
