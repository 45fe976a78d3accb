import { InvalidInputError } from '../errors.ts';
import { compareJobIds } from './compare-job-ids.ts';
import type { TraceJob } from './trace-job.ts';

/** What can happen to a job. A censored job is withdrawn from the queue instead of starting. */
export const EVENT_KIND = { submit: 0, start: 1, withdraw: 2, end: 3 } as const;
export type EventKind = (typeof EVENT_KIND)[keyof typeof EVENT_KIND];

/** The order of one job's own events at one instant: submitted, then started or withdrawn, then ended. */
const RANK_WITHIN_JOB: Readonly<Record<EventKind, number>> = { 0: 0, 1: 1, 2: 1, 3: 2 };

/** A job log's events in replay order (see {@link buildTraceEvents}). */
export interface TraceEventTable {
  count: number;
  /** Event slots in processing order. */
  order: Int32Array;
  jobIndex: Int32Array;
  kind: Uint8Array;
}

/**
 * Every submit, start (or withdrawal) and end of a job log, sorted once by (time, job order, kind),
 * where the job order is (submit time, natural job id, input position). At equal times this puts
 * the events of jobs submitted earlier before every later submission, and a job's own same-instant
 * start or end right after its own submission. Equivalently: when job k is submitted at t, an event
 * of job j at time ≤ t has happened iff j was submitted before k — the tie rule every replay of a
 * log shares, so that it sees what a live observer would have seen.
 *
 * A job without a start and without `censoredAtSeconds` has only its submit event (it stays
 * pending for ever); a started job without an end has no end event (it runs for ever).
 * The jobs must have passed {@link validateTraceJob}. O(n log n).
 */
export function buildTraceEvents(jobs: readonly TraceJob[]): TraceEventTable {
  const job = (index: number): TraceJob => jobs[index] as TraceJob;
  const byOrder = Array.from({ length: jobs.length }, (_, index) => index).sort(
    (left, right) =>
      job(left).submitTimeSeconds - job(right).submitTimeSeconds ||
      compareJobIds(job(left).id, job(right).id) ||
      left - right,
  );
  const orderOf = new Int32Array(jobs.length);
  byOrder.forEach((jobIndex, order) => {
    orderOf[jobIndex] = order;
  });

  const capacity = jobs.length * 3;
  const times = new Float64Array(capacity);
  const tieKeys = new Float64Array(capacity);
  const jobIndex = new Int32Array(capacity);
  const kind = new Uint8Array(capacity);
  let count = 0;
  const add = (index: number, time: number, eventKind: EventKind): void => {
    times[count] = time;
    tieKeys[count] = (orderOf[index] as number) * 3 + RANK_WITHIN_JOB[eventKind];
    jobIndex[count] = index;
    kind[count] = eventKind;
    count += 1;
  };
  jobs.forEach((entry, index) => {
    add(index, entry.submitTimeSeconds, EVENT_KIND.submit);
    if (entry.startTimeSeconds !== null) {
      add(index, entry.startTimeSeconds, EVENT_KIND.start);
      if (entry.endTimeSeconds !== null) add(index, entry.endTimeSeconds, EVENT_KIND.end);
    } else if (entry.censoredAtSeconds !== null) {
      add(index, entry.censoredAtSeconds, EVENT_KIND.withdraw);
    }
  });
  const order = Int32Array.from({ length: count }, (_, slot) => slot).sort(
    (left, right) =>
      (times[left] as number) - (times[right] as number) || (tieKeys[left] as number) - (tieKeys[right] as number),
  );
  return { count, order, jobIndex, kind };
}

/**
 * Checks the invariants a replay relies on. Throws InvalidInputError naming the job for a
 * non-finite time, a start before submit, an end before start, an end without a start, a
 * `censoredAtSeconds` before submit, or a negative or non-finite request.
 */
export function validateTraceJob(entry: TraceJob): void {
  const {
    id,
    submitTimeSeconds: submit,
    startTimeSeconds: start,
    endTimeSeconds: end,
    censoredAtSeconds: censoredAt,
  } = entry;
  if (!Number.isFinite(submit)) throw new InvalidInputError(`job ${id}: submit time is not finite (${submit})`);
  if (start !== null && !(Number.isFinite(start) && start >= submit))
    throw new InvalidInputError(`job ${id}: start ${start} is not a finite time ≥ submit ${submit}`);
  if (end !== null && start === null) throw new InvalidInputError(`job ${id}: has an end (${end}) but no start`);
  if (end !== null && !(Number.isFinite(end) && end >= (start as number)))
    throw new InvalidInputError(`job ${id}: end ${end} is not a finite time ≥ start ${start}`);
  if (censoredAt !== null && !(Number.isFinite(censoredAt) && censoredAt >= submit)) {
    throw new InvalidInputError(`job ${id}: censoredAtSeconds ${censoredAt} is not a finite time ≥ submit ${submit}`);
  }
  if (!(entry.requestedProcessors >= 0 && Number.isFinite(entry.requestedProcessors))) {
    throw new InvalidInputError(
      `job ${id}: requestedProcessors must be a finite number ≥ 0, got ${entry.requestedProcessors}`,
    );
  }
  if (!(entry.requestedGpus >= 0 && Number.isFinite(entry.requestedGpus))) {
    throw new InvalidInputError(`job ${id}: requestedGpus must be a finite number ≥ 0, got ${entry.requestedGpus}`);
  }
}
