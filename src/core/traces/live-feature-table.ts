/**
 * A training table from a scheduler log, in the features the live Slurm collector computes at a
 * job's submit instant (live-queue-features.ts): the log replayed with {@link reconstructQueueState}
 * and each started job's snapshot turned into one row. Used to train the prior a live cluster
 * starts from (`vgac onboard --trace`, `vgac start --collector slurm`, `vgac versus-slurm`).
 */
import { InvalidInputError, InsufficientDataError } from '../errors.ts';
import type { FeatureTable } from '../features/feature-table.ts';
import { shuffled, type Random } from '../random.ts';
import { reconstructQueueState } from './queue-state.ts';
import type { TraceJob } from './trace-job.ts';

/** The live collector's features a prior is trained on (a subset of liveQueueFeatures' output). */
export const LIVE_PRIOR_FEATURES = [
  'pendingJobsAhead',
  'pendingGpusAhead',
  'gpusInUse',
  'requestedGpus',
  'requestedTimeSeconds',
] as const;

/** Trace processors → GPUs on a small node: 1–3 → 1, 4–15 → 2, 16–63 → 3, 64+ → 4 (capped at `totalGpus`). */
export function gpusForProcessors(processors: number, totalGpus: number): number {
  return Math.max(1, Math.min(totalGpus, 1 + Math.floor(Math.log2(Math.max(1, processors)) / 2)));
}

export interface LiveFeatureTableOptions {
  /**
   * The live cluster's GPUs, to map a log without GPUs (e.g. SWF processors) onto it: per job by
   * {@link gpusForProcessors}, aggregates × totalGpus / the log's largest request. Undefined: the
   * log's own GPU counts (it must record GPU requests).
   */
  readonly totalGpus?: number;
  /** Log seconds per live second (waits and time limits are divided by it). Default 1. */
  readonly timeScale?: number;
  /** At most this many rows, a random subsample of the started jobs. */
  readonly rows: number;
  readonly random: Random;
  readonly source: string;
}

/**
 * One row per started job of the log (censored ones have no wait), at most `rows` of them:
 * {@link LIVE_PRIOR_FEATURES} at its submit instant, its wait (÷ timeScale) and the label "wait
 * above the P90 of the sample's waits" (SPEC's long wait). O(n log n).
 * @throws InvalidInputError when the log records no GPU request and no `totalGpus` is given, or an option is out of range.
 * @throws InsufficientDataError when fewer than 20 jobs started.
 */
export function liveFeatureTable(jobs: readonly TraceJob[], options: LiveFeatureTableOptions): FeatureTable {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new InvalidInputError(`timeScale must be > 0, got ${timeScale}`);
  if (!Number.isInteger(options.rows) || options.rows < 1)
    throw new InvalidInputError(`rows must be an integer ≥ 1, got ${options.rows}`);
  const { totalGpus } = options;
  if (totalGpus !== undefined && !(Number.isInteger(totalGpus) && totalGpus >= 1))
    throw new InvalidInputError(`totalGpus must be an integer ≥ 1, got ${totalGpus}`);
  if (totalGpus === undefined && !jobs.some((job) => job.requestedGpus > 0)) {
    throw new InvalidInputError(
      `${options.source} records no GPU request: give the live cluster's GPU count to map its processors onto GPUs`,
    );
  }
  const started = reconstructQueueState(jobs).filter((snapshot) => snapshot.outcome.waitSeconds !== null);
  if (started.length < 20)
    throw new InsufficientDataError(
      `${options.source} has ${started.length} started jobs; at least 20 are needed to train on`,
    );
  const perProcessor =
    totalGpus === undefined ? 0 : totalGpus / jobs.reduce((max, job) => Math.max(max, job.requestedProcessors), 1);
  const chosen = shuffled(started, options.random).slice(0, options.rows);
  // Started jobs only (filtered above): every wait is known, and there are at least 20.
  const waits = chosen.map((snapshot) => (snapshot.outcome.waitSeconds as number) / timeScale);
  const sorted = [...waits].sort((left, right) => left - right);
  const threshold = sorted[Math.floor(0.9 * (sorted.length - 1))] as number;
  // A job without a time limit asks for none (as liveQueueFeatures reads it).
  const requestedTime = (seconds: number | null): number => (seconds ?? 0) / timeScale;
  return {
    source: options.source,
    numericFeatures: [...LIVE_PRIOR_FEATURES],
    categoricalFeatures: [],
    rows: chosen.map((snapshot) =>
      totalGpus === undefined
        ? [
            snapshot.pendingJobsAhead,
            snapshot.pendingGpusAhead,
            snapshot.gpusInUse,
            snapshot.requestedGpus,
            requestedTime(snapshot.requestedTimeSeconds),
          ]
        : [
            snapshot.pendingJobsAhead,
            snapshot.pendingProcessorsAhead * perProcessor,
            snapshot.processorsInUse * perProcessor,
            gpusForProcessors(snapshot.requestedProcessors, totalGpus),
            requestedTime(snapshot.requestedTimeSeconds),
          ],
    ),
    categorical: chosen.map(() => []),
    labels: Uint8Array.from(waits, (wait) => (wait > threshold ? 1 : 0)),
    waitsSeconds: Float64Array.from(waits),
    labelThresholdSeconds: threshold,
  };
}
