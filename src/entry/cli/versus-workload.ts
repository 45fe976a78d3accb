/**
 * The `vgac versus-slurm` workload, from a real trace (KTH SP2 by default; its reference model is
 * trained with liveFeatureTable):
 * job sizes, time limits and run/requested ratios are the trace's, scaled down in time and
 * mapped from processors to a few GPUs. Pure apart from the arguments.
 */
import { InsufficientDataError, InvalidInputError } from '../../core/errors.ts';
import type { Random } from '../../core/random.ts';
import { gpusForProcessors } from '../../core/traces/live-feature-table.ts';
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

/** Usable trace jobs: started, ended, with a positive requested time and run time. */
function usable(jobs: readonly TraceJob[]): TraceJob[] {
  return jobs.filter(
    (job) =>
      job.startTimeSeconds !== null &&
      job.endTimeSeconds !== null &&
      (job.requestedTimeSeconds ?? 0) > 0 &&
      job.endTimeSeconds > job.startTimeSeconds,
  );
}

/**
 * A trace job's run time over its requested time, capped at 1 (jobs killed at their limit, or
 * that overran it a little, ran for their whole limit). 0 when the job has no usable times.
 */
export function runToLimitRatio(job: TraceJob): number {
  const requested = job.requestedTimeSeconds ?? 0;
  if (job.startTimeSeconds === null || job.endTimeSeconds === null || requested <= 0) return 0;
  return Math.max(0, Math.min(1, (job.endTimeSeconds - job.startTimeSeconds) / requested));
}

/**
 * Offered load ρ = Σ gpus·runSeconds / (totalGpus · durationSeconds): the share of the cluster's
 * GPU-seconds over the submission window that the jobs ask for. Below 1 the queue drains on
 * average; bursts still make jobs wait.
 * @throws InvalidInputError unless totalGpus and durationSeconds are > 0.
 */
export function offeredLoad(
  jobs: readonly Pick<VersusJob, 'gpus' | 'runSeconds'>[],
  totalGpus: number,
  durationSeconds: number,
): number {
  if (!(totalGpus > 0) || !(durationSeconds > 0))
    throw new InvalidInputError(`totalGpus and durationSeconds must be > 0, got ${totalGpus} and ${durationSeconds}`);
  return jobs.reduce((sum, job) => sum + job.gpus * job.runSeconds, 0) / (totalGpus * durationSeconds);
}

export interface VersusWorkloadOptions {
  /** Jobs to take; when undefined, as many consecutive jobs as make `targetLoad` over `durationSeconds`. */
  readonly count?: number;
  /** Offered load aimed at when `count` is undefined, in (0, ∞); below 1 to be finishable. */
  readonly targetLoad: number;
  /** Submissions span [0, durationSeconds]. */
  readonly durationSeconds: number;
  /** Trace seconds per live second for the time limits. */
  readonly timeScale: number;
  readonly totalGpus: number;
  readonly maxLimitMinutes: number;
  readonly minRunSeconds: number;
  readonly random: Random;
}

function versusJob(job: TraceJob, options: VersusWorkloadOptions): Omit<VersusJob, 'submitOffsetSeconds'> {
  const requested = job.requestedTimeSeconds ?? 60;
  const timeLimitMinutes = Math.min(
    options.maxLimitMinutes,
    Math.max(1, Math.ceil(requested / options.timeScale / 60)),
  );
  return {
    gpus: gpusForProcessors(job.requestedProcessors, options.totalGpus),
    timeLimitMinutes,
    runSeconds: Math.max(
      options.minRunSeconds,
      Math.min(timeLimitMinutes * 60, Math.round(runToLimitRatio(job) * timeLimitMinutes * 60)),
    ),
  };
}

/**
 * Consecutive usable trace jobs from a random start: `count` of them, or (count undefined) as many
 * as bring Σ gpus·runSeconds to `targetLoad · totalGpus · durationSeconds` (at least 2). Arrivals
 * are rescaled to span `durationSeconds` (keeping the trace's burstiness); limits =
 * ceil(requested / timeScale) minutes capped at `maxLimitMinutes`; run = ratio × limit
 * ({@link runToLimitRatio}), at least `minRunSeconds`, never beyond the limit.
 * @throws InsufficientDataError when the trace has too few usable jobs.
 */
export function buildVersusWorkload(jobs: readonly TraceJob[], options: VersusWorkloadOptions): VersusJob[] {
  const pool = usable(jobs);
  const minimum = options.count ?? 2;
  if (pool.length < minimum)
    throw new InsufficientDataError(`the trace has ${pool.length} usable jobs; ${minimum} needed`);
  const start = Math.floor(options.random() * (pool.length - minimum));
  const chosen: { trace: TraceJob; job: Omit<VersusJob, 'submitOffsetSeconds'> }[] = [];
  const targetWork = options.targetLoad * options.totalGpus * options.durationSeconds;
  let work = 0;
  for (let index = start; index < pool.length; index += 1) {
    if (options.count === undefined ? chosen.length >= 2 && work >= targetWork : chosen.length >= options.count) break;
    const trace = pool[index] as TraceJob;
    const job = versusJob(trace, options);
    chosen.push({ trace, job });
    work += job.gpus * job.runSeconds;
  }
  const first = chosen[0]?.trace.submitTimeSeconds ?? 0;
  const span = Math.max(1, (chosen[chosen.length - 1]?.trace.submitTimeSeconds ?? first) - first);
  return chosen.map(({ trace, job }) => ({
    submitOffsetSeconds: ((trace.submitTimeSeconds - first) / span) * options.durationSeconds,
    ...job,
  }));
}
