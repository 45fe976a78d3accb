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

/** A trace job as a live job: its GPUs, its limit (scaled, capped), its run (the trace's run/limit ratio × the limit). */
function versusJob(
  job: TraceJob,
  options: Pick<VersusWorkloadOptions, 'timeScale' | 'totalGpus' | 'maxLimitMinutes' | 'minRunSeconds'>,
): Omit<VersusJob, 'submitOffsetSeconds'> {
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

export interface BurstWorkloadOptions {
  /** The cluster's GPUs, an integer ≥ 1. */
  readonly totalGpus: number;
  /** Bursts, an integer ≥ 1. */
  readonly bursts: number;
  /** Each burst asks for at least `overload` × totalGpus GPUs at once; > 1, so that part of every burst queues. */
  readonly overload: number;
  /** Trace seconds per live second for the time limits, > 0. */
  readonly timeScale: number;
  /** Cap on time limits, minutes (an integer ≥ 1: Slurm's limit granularity). */
  readonly maxLimitMinutes: number;
  readonly minRunSeconds: number;
  /** Cap on run times, seconds (≥ minRunSeconds), for a short run; undefined: the limit is the only cap. */
  readonly maxRunSeconds?: number;
  readonly random: Random;
}

/** A job of the burst workload: which burst (0-based) it arrives in. */
export interface BurstJob extends VersusJob {
  readonly burst: number;
}

function checkBurstOptions(options: BurstWorkloadOptions): void {
  const problems = [
    Number.isInteger(options.totalGpus) && options.totalGpus >= 1
      ? ''
      : `totalGpus must be an integer ≥ 1, got ${options.totalGpus}`,
    Number.isInteger(options.bursts) && options.bursts >= 1
      ? ''
      : `bursts must be an integer ≥ 1, got ${options.bursts}`,
    options.overload > 1 && Number.isFinite(options.overload)
      ? ''
      : `overload must be a number > 1, got ${options.overload}`,
    options.timeScale > 0 ? '' : `timeScale must be > 0, got ${options.timeScale}`,
    Number.isInteger(options.maxLimitMinutes) && options.maxLimitMinutes >= 1
      ? ''
      : `maxLimitMinutes must be an integer ≥ 1, got ${options.maxLimitMinutes}`,
    options.maxRunSeconds === undefined || options.maxRunSeconds >= options.minRunSeconds
      ? ''
      : `maxRunSeconds must be ≥ minRunSeconds (${options.minRunSeconds}), got ${options.maxRunSeconds}`,
  ].filter((problem) => problem !== '');
  if (problems.length > 0) throw new InvalidInputError(problems.join('; '));
}

/**
 * A workload that really queues, sized from the cluster: `bursts` bursts of jobs, each burst
 * submitted at one instant and asking for at least `overload` × totalGpus GPUs (consecutive
 * usable trace jobs, mapped as in {@link buildVersusWorkload}, until their GPUs reach that), so
 * that at least (overload − 1) / overload of every burst's GPU demand cannot start at once. The
 * next burst arrives when the cluster, fully packed, would have run the previous burst's work:
 * gap = Σ gpus·runSeconds / totalGpus (offered load 1 over the run, all of it in bursts), so every
 * burst meets a queue about to drain and waits are the burst's own, of the order of
 * (overload − 1) run times. The walk through the trace starts at a random job and wraps around
 * (a short trace repeats its jobs). Deterministic given `random`.
 * @throws InsufficientDataError when the trace has no usable job
 * @throws InvalidInputError for an option out of range
 */
export function buildBurstWorkload(jobs: readonly TraceJob[], options: BurstWorkloadOptions): BurstJob[] {
  checkBurstOptions(options);
  const pool = usable(jobs);
  if (pool.length === 0) throw new InsufficientDataError('the trace has no usable jobs; 1 needed');
  const demandGpus = options.overload * options.totalGpus;
  let next = Math.floor(options.random() * pool.length);
  let offsetSeconds = 0;
  const workload: BurstJob[] = [];
  for (let burst = 0; burst < options.bursts; burst += 1) {
    let gpus = 0;
    let work = 0;
    while (gpus < demandGpus) {
      const job = versusJob(pool[next % pool.length] as TraceJob, options);
      next += 1;
      const runSeconds = Math.min(job.runSeconds, options.maxRunSeconds ?? job.runSeconds);
      workload.push({ submitOffsetSeconds: offsetSeconds, ...job, runSeconds, burst });
      gpus += job.gpus;
      work += job.gpus * runSeconds;
    }
    offsetSeconds += work / options.totalGpus;
  }
  return workload;
}

/** Per burst (by index): the GPUs its jobs ask for together. */
export function burstDemandGpus(jobs: readonly BurstJob[]): number[] {
  const demand: number[] = [];
  for (const job of jobs) demand[job.burst] = (demand[job.burst] ?? 0) + job.gpus;
  return Array.from(demand, (value) => value ?? 0);
}
