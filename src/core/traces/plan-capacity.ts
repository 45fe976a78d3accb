import { validateTraceJob } from './trace-events.ts';
import type { ImportResult, TraceJob } from './trace-job.ts';

/** The resource a scheduler plan packs jobs by: processors for CPU logs, GPUs for GPU logs. */
export const PLAN_RESOURCES = { processors: 'processors', gpus: 'gpus' } as const;
export type PlanResource = (typeof PLAN_RESOURCES)[keyof typeof PLAN_RESOURCES];

/** Where a machine size came from. */
export const CAPACITY_SOURCES = {
  /** The log's own header says it (SWF `MaxProcs` / `MaxNodes`). */
  declared: 'declared',
  /** Nothing declares it: the peak concurrent allocation seen in the log ({@link peakConcurrentUsage}). */
  inferred: 'inferred',
} as const;
export type CapacitySource = (typeof CAPACITY_SOURCES)[keyof typeof CAPACITY_SOURCES];

/** A machine's size in the one resource a plan packs jobs by. */
export interface PlanCapacity {
  resource: PlanResource;
  /** How many units of `resource` the machine has (processors or GPUs; finite, ≥ 0). */
  amount: number;
  source: CapacitySource;
}

/** Sums are kept in integer millionths so that fractional GPUs add and remove without drift. */
const MICRO_UNITS = 1_000_000;

/** A job's request in `resource` units. */
export function requestOf(job: TraceJob, resource: PlanResource): number {
  return resource === PLAN_RESOURCES.gpus ? job.requestedGpus : job.requestedProcessors;
}

/**
 * The largest amount of `resource` held at once by the jobs that actually ran: the maximum over
 * time of Σ requests of jobs with start ≤ τ < end (a job without an end holds its request for
 * ever; a job that never started holds nothing). Ends and starts at one instant are netted before
 * the maximum is taken, so a job ending at τ and one starting at τ do not overlap. Exact to 10⁻⁶.
 * 0 when no job ran.
 *
 * Throws InvalidInputError naming the job for an end before its start or a negative request
 * (see {@link validateTraceJob}). O(n log n): one sort of ≤ 2n events.
 */
export function peakConcurrentUsage(jobs: readonly TraceJob[], resource: PlanResource): number {
  jobs.forEach(validateTraceJob);
  const changes: { time: number; deltaMicro: number }[] = [];
  for (const job of jobs) {
    if (job.startTimeSeconds === null) continue;
    const requestMicro = Math.round(requestOf(job, resource) * MICRO_UNITS);
    changes.push({ time: job.startTimeSeconds, deltaMicro: requestMicro });
    if (job.endTimeSeconds !== null) changes.push({ time: job.endTimeSeconds, deltaMicro: -requestMicro });
  }
  changes.sort((left, right) => left.time - right.time);
  let usedMicro = 0;
  let peakMicro = 0;
  changes.forEach((change, index) => {
    usedMicro += change.deltaMicro;
    // Measure only once every change at this instant is in: the usage on [time, next time).
    if (changes[index + 1]?.time !== change.time) peakMicro = Math.max(peakMicro, usedMicro);
  });
  return peakMicro / MICRO_UNITS;
}

/**
 * The machine size to plan a log on. The resource is GPUs when any job requests a GPU, else
 * processors. The size is the one the log declares for that resource (`ImportResult.capacity`),
 * else the peak concurrent allocation in the log ({@link peakConcurrentUsage}) — a lower bound on
 * the real machine, so an inferred plan is never roomier than what the log proves existed.
 * Throws InvalidInputError as {@link peakConcurrentUsage} does. O(n log n).
 */
export function resolvePlanCapacity(imported: Pick<ImportResult, 'jobs' | 'capacity'>): PlanCapacity {
  const resource = imported.jobs.some((job) => job.requestedGpus > 0) ? PLAN_RESOURCES.gpus : PLAN_RESOURCES.processors;
  const declared = imported.capacity?.[resource] ?? null;
  if (declared !== null) return { resource, amount: declared, source: CAPACITY_SOURCES.declared };
  return { resource, amount: peakConcurrentUsage(imported.jobs, resource), source: CAPACITY_SOURCES.inferred };
}
