/**
 * The simulation's timetable, pure: which job is submitted and which outcome is revealed at which
 * trace offset. A cluster's trace is replayed from a resume point to its end (one cycle), with
 * idle gaps longer than `maxIdleMs` shortened to it (a demo should not sit idle for a trace's
 * quiet hour); each outcome comes `waitSeconds` after its job's (shortened) submit. Outcomes a
 * previous run still owed come first, at offset 0.
 *
 * Complexity: O(n log n) for n jobs (one sort of 2n events).
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { SimulatedClusterTrace, SimulatedJob } from './simulated-job.ts';

export const SimulationEventKind = { submit: 'submit', outcome: 'outcome' } as const;
export type SimulationEventKind = (typeof SimulationEventKind)[keyof typeof SimulationEventKind];

export interface SimulationEvent {
  readonly kind: SimulationEventKind;
  readonly clusterId: string;
  readonly cycle: number;
  readonly job: SimulatedJob;
  /** Trace milliseconds after the plan's start (≥ 0). */
  readonly atOffsetMs: number;
}

/** Where a cluster's replay starts: the cycle, the first job to submit, and outcomes still owed. */
export interface ResumePoint {
  readonly cycle: number;
  /** Index into the trace's jobs of the next job to submit (0…jobs.length). */
  readonly nextIndex: number;
  /** Jobs already predicted whose outcome was never recorded (a previous run stopped first). */
  readonly owedOutcomes: readonly { readonly cycle: number; readonly traceJobId: string }[];
}

/** Idle gaps between submits longer than this (trace ms) are shortened to it. */
export const DEFAULT_MAX_IDLE_MS = 120_000;

/**
 * Events of one cycle of `trace` from `resume`, sorted by offset (a job's submit before its own
 * outcome when both fall at the same offset). Owed outcomes whose trace id is unknown are dropped.
 * Throws InvalidInputError for a resume index outside the trace or a negative `maxIdleMs`.
 */
export function planCycle(
  trace: SimulatedClusterTrace,
  resume: ResumePoint,
  maxIdleMs: number = DEFAULT_MAX_IDLE_MS,
): SimulationEvent[] {
  if (!Number.isInteger(resume.nextIndex) || resume.nextIndex < 0 || resume.nextIndex > trace.jobs.length) {
    throw new InvalidInputError(
      `resume index ${resume.nextIndex} is outside the trace of '${trace.clusterId}' (0–${trace.jobs.length})`,
    );
  }
  if (!(maxIdleMs >= 0)) throw new InvalidInputError(`maxIdleMs ${maxIdleMs}: expected ≥ 0`);
  const byTraceId = new Map(trace.jobs.map((job) => [job.traceJobId, job]));
  const events: SimulationEvent[] = [];
  for (const owed of resume.owedOutcomes) {
    const job = byTraceId.get(owed.traceJobId);
    if (job !== undefined)
      events.push({
        kind: SimulationEventKind.outcome,
        clusterId: trace.clusterId,
        cycle: owed.cycle,
        job,
        atOffsetMs: 0,
      });
  }
  let offsetMs = 0;
  let previousSubmitMs: number | null = null;
  for (let index = resume.nextIndex; index < trace.jobs.length; index += 1) {
    const job = trace.jobs[index] as SimulatedJob;
    if (previousSubmitMs !== null) offsetMs += Math.min(Math.max(job.submitAtMs - previousSubmitMs, 0), maxIdleMs);
    previousSubmitMs = job.submitAtMs;
    events.push({
      kind: SimulationEventKind.submit,
      clusterId: trace.clusterId,
      cycle: resume.cycle,
      job,
      atOffsetMs: offsetMs,
    });
    events.push({
      kind: SimulationEventKind.outcome,
      clusterId: trace.clusterId,
      cycle: resume.cycle,
      job,
      atOffsetMs: offsetMs + Math.round(job.waitSeconds * 1000),
    });
  }
  // Stable sort: equal offsets keep insertion order, so a submit stays before its own outcome.
  return events.sort((left, right) => left.atOffsetMs - right.atOffsetMs);
}

/**
 * How many events starting at `cursor` are due once `elapsedOffsetMs` trace milliseconds of the
 * plan have passed (events are sorted by offset). O(k) for k due events.
 */
export function dueEventCount(events: readonly SimulationEvent[], cursor: number, elapsedOffsetMs: number): number {
  let index = cursor;
  while (index < events.length && (events[index] as SimulationEvent).atOffsetMs <= elapsedOffsetMs) index += 1;
  return index - cursor;
}
