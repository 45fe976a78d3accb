/**
 * Scheduler-log replay speed on the KTH SP2 log (28,476 jobs, Parallel Workloads Archive):
 * `parseTrace` + `reconstructQueueState` (one O(n log n) event sweep), against the naive way — for
 * each submit, scan every job and count (O(n) per snapshot, O(n²) in all) — timed on a sample of
 * submits and extrapolated. The naive scan skips the recent-wait quantiles, so the baseline is
 * flattering to it.
 *
 * Run alone: `node --import tsx bench/traces.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseTrace } from '../src/core/traces/parse-trace.ts';
import { reconstructQueueState, RECENT_STARTS_SPAN_SECONDS } from '../src/core/traces/queue-state.ts';
import type { TraceJob } from '../src/core/traces/trace-job.ts';
import { readSharedData, SharedDataFile } from '../test/support/shared-data.ts';

/** One measured number; `baseline` is the reference it should be read against. (Local until bench/types.ts unifies it.) */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number };
}

/** Submits the naive scan is timed on (evenly spread over the log). */
export const NAIVE_SAMPLE_SUBMITS = 2000;
/** Timed repetitions of the fast path; the median is reported. */
const REPETITIONS = 5;

/**
 * The naive reconstruction for one submit: scan every job and count (pending, pending processors,
 * running, processors in use, the user's pending jobs, starts in the last hour). It leaves out the
 * recent-wait quantiles, so it is a lower bound on the naive cost: a conservative baseline.
 * Assumes `jobs` sorted by (submit, id) with unique ids, as `parseTrace` returns them for KTH, so
 * "submitted before k" is "index < k". Returns a checksum so the work is not optimised away.
 */
function naiveSnapshot(jobs: readonly TraceJob[], k: number): number {
  const t = (jobs[k] as TraceJob).submitTimeSeconds;
  const user = (jobs[k] as TraceJob).user;
  let pending = 0;
  let pendingProcessors = 0;
  let running = 0;
  let processorsInUse = 0;
  let userPending = 0;
  let startedLastHour = 0;
  for (let j = 0; j < k; j += 1) {
    const other = jobs[j] as TraceJob;
    const start = other.startTimeSeconds;
    if (start !== null && start <= t) {
      if (start > t - RECENT_STARTS_SPAN_SECONDS) startedLastHour += 1;
      if (other.endTimeSeconds === null || other.endTimeSeconds > t) {
        running += 1;
        processorsInUse += other.requestedProcessors;
      }
    } else if (start !== null || other.censoredAtSeconds === null || other.censoredAtSeconds > t) {
      pending += 1;
      pendingProcessors += other.requestedProcessors;
      if (other.user === user) userPending += 1;
    }
  }
  return pending + pendingProcessors + running + processorsInUse + userPending + startedLastHour;
}

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Parse + reconstruct of the KTH log, with the naive O(n²) scan as the baseline. */
export function benchTraces(): Promise<BenchResult[]> {
  const text = readSharedData(SharedDataFile.kthSwf);
  const parseMs: number[] = [];
  const reconstructMs: number[] = [];
  let jobs: TraceJob[] = [];
  for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
    const startMs = performance.now();
    const result = parseTrace(text, 'swf');
    const parsedMs = performance.now();
    reconstructQueueState(result.jobs, { epochOffsetSeconds: result.epochOffsetSeconds ?? 0 });
    const doneMs = performance.now();
    parseMs.push(parsedMs - startMs);
    reconstructMs.push(doneMs - parsedMs);
    jobs = result.jobs;
  }
  const jobCount = jobs.length;

  const sample = Array.from({ length: NAIVE_SAMPLE_SUBMITS }, (_, index) =>
    Math.floor((index * jobCount) / NAIVE_SAMPLE_SUBMITS),
  );
  let checksum = 0;
  const naiveStartMs = performance.now();
  for (const k of sample) checksum += naiveSnapshot(jobs, k);
  const naiveMs = performance.now() - naiveStartMs;
  if (!Number.isFinite(checksum)) throw new Error('naive scan produced a non-finite checksum');

  const naivePerSnapshotMs = naiveMs / NAIVE_SAMPLE_SUBMITS;
  const fastPerSnapshotMs = median(reconstructMs) / jobCount;
  return Promise.resolve([
    {
      name: `traces.kth parse + reconstruct (${jobCount} jobs)`,
      value: median(parseMs) + median(reconstructMs),
      unit: 'ms',
      baseline: {
        name: `parse + naive O(n²) counting scan (timed on ${NAIVE_SAMPLE_SUBMITS} submits, extrapolated to all)`,
        value: naivePerSnapshotMs * jobCount + median(parseMs),
      },
    },
    {
      name: 'traces.kth reconstruct per snapshot',
      value: fastPerSnapshotMs * 1000,
      unit: 'µs/snapshot',
      baseline: {
        name: `naive O(n) counting scan per snapshot (${NAIVE_SAMPLE_SUBMITS} submits)`,
        value: naivePerSnapshotMs * 1000,
      },
    },
    { name: 'traces.kth parse', value: median(parseMs), unit: 'ms' },
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const result of await benchTraces()) {
    const baseline =
      result.baseline === undefined ? '' : ` (baseline ${result.baseline.name}: ${result.baseline.value.toFixed(2)})`;
    process.stdout.write(`${result.name}: ${result.value.toFixed(2)} ${result.unit}${baseline}\n`);
  }
}
