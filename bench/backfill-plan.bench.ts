/**
 * The scheduler-estimate baseline (`backfillPlannedStarts`: the start a backfilling scheduler plans
 * at submit, as `squeue --start` shows it) on the two shipped logs: how long the whole log takes,
 * against `reconstructQueueState` (the same event sweep without planning), and how its planned
 * waits compare with the real waits, against the naive forecast "the median of the last 50 real
 * waits" (`recentWaitMedianSeconds` of the submit snapshot).
 *
 * Accuracy over the jobs that started and got a planned start: median |planned − real wait|, and
 * the share "within": |error| ≤ {@link WITHIN_ABSOLUTE_SECONDS} or planned in [0.5×, 2×] the real
 * wait. Run alone: `node --import tsx bench/backfill-plan.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { backfillPlannedStarts } from '../src/core/traces/backfill-planned-starts.ts';
import { parseTrace } from '../src/core/traces/parse-trace.ts';
import { resolvePlanCapacity } from '../src/core/traces/plan-capacity.ts';
import { reconstructQueueState } from '../src/core/traces/queue-state.ts';
import type { TraceFormat, TraceJob } from '../src/core/traces/trace-job.ts';
import { readSharedData, SharedDataFile } from '../test/support/shared-data.ts';
import type { BenchResult } from './types.ts';

/** An error this small counts as within, whatever the ratio (short waits are noisy). */
const WITHIN_ABSOLUTE_SECONDS = 60;
const WITHIN_RATIO = 2;
/** Timed repetitions; the median is reported. */
const REPETITIONS = 5;

const LOGS: readonly { label: string; file: SharedDataFile; format: TraceFormat }[] = [
  { label: 'kth', file: SharedDataFile.kthSwf, format: 'swf' },
  { label: 'alibaba', file: SharedDataFile.alibabaOpenbPods, format: 'alibaba-gpu' },
];

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function timedMedianMs(run: () => unknown): number {
  const times: number[] = [];
  for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
    const startMs = performance.now();
    run();
    times.push(performance.now() - startMs);
  }
  return median(times);
}

interface Accuracy {
  medianAbsoluteErrorSeconds: number;
  shareWithin: number;
  scored: number;
}

/** Accuracy of forecast waits (null: no forecast) against the real waits of the jobs that started. */
function accuracy(jobs: readonly TraceJob[], forecastWaitSeconds: (index: number) => number | null): Accuracy {
  const errors: number[] = [];
  let within = 0;
  jobs.forEach((job, index) => {
    const forecast = forecastWaitSeconds(index);
    if (job.startTimeSeconds === null || forecast === null) return;
    const realWait = job.startTimeSeconds - job.submitTimeSeconds;
    const error = Math.abs(forecast - realWait);
    errors.push(error);
    if (
      error <= WITHIN_ABSOLUTE_SECONDS ||
      (forecast * WITHIN_RATIO >= realWait && forecast <= realWait * WITHIN_RATIO)
    )
      within += 1;
  });
  return { medianAbsoluteErrorSeconds: median(errors), shareWithin: within / errors.length, scored: errors.length };
}

/** Time and accuracy of the planned-start baseline on each shipped log. */
export function benchBackfillPlan(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const { label, file, format } of LOGS) {
    const imported = parseTrace(readSharedData(file), format);
    const capacity = resolvePlanCapacity(imported);
    const jobs = imported.jobs;
    let planned: (number | null)[] = [];
    const planMs = timedMedianMs(() => {
      planned = backfillPlannedStarts(jobs, capacity);
    });
    const snapshots = reconstructQueueState(jobs);
    const sweepMs = timedMedianMs(() => reconstructQueueState(jobs));

    const plan = accuracy(jobs, (index) => {
      const start = planned[index] ?? null;
      return start === null ? null : start - (jobs[index] as TraceJob).submitTimeSeconds;
    });
    const recent = accuracy(jobs, (index) => snapshots[index]?.recentWaitMedianSeconds ?? null);
    const nullPlans = jobs.filter((job, index) => job.startTimeSeconds !== null && planned[index] === null).length;
    const machine = `${capacity.amount} ${capacity.resource}, ${capacity.source}`;
    results.push(
      {
        name: `backfill.${label} planned starts (${jobs.length} jobs; ${machine})`,
        value: planMs,
        unit: 'ms',
        baseline: { name: 'reconstructQueueState, the same sweep without planning', value: sweepMs },
      },
      {
        name: `backfill.${label} planned wait median |error| (${plan.scored} started jobs scored, ${nullPlans} without a plan)`,
        value: plan.medianAbsoluteErrorSeconds,
        unit: 's',
        baseline: { name: 'median of the last 50 real waits', value: recent.medianAbsoluteErrorSeconds },
      },
      {
        name: `backfill.${label} planned wait within [0.5×, 2×] or ±${WITHIN_ABSOLUTE_SECONDS} s`,
        value: plan.shareWithin,
        unit: 'share',
        baseline: { name: 'median of the last 50 real waits', value: recent.shareWithin },
      },
    );
  }
  return Promise.resolve(results);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const result of await benchBackfillPlan()) {
    const baseline =
      result.baseline === undefined ? '' : ` (baseline ${result.baseline.name}: ${result.baseline.value.toFixed(3)})`;
    process.stdout.write(`${result.name}: ${result.value.toFixed(3)} ${result.unit}${baseline}\n`);
  }
}
