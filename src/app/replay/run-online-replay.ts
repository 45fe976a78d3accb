/**
 * The online (prequential) replay of a job history through the learning loop, exactly as a live
 * cluster would drive it: each job is predicted at its submit instant (`predictJob`), its outcome
 * is recorded at its start instant (`recordJobOutcome`, which recomputes calibration every
 * `recomputeEveryOutcomes` outcomes and recalibrates or retrains when the rules say so). Events are
 * processed in time order; at one instant, outcomes of jobs submitted earlier come before
 * submissions, and a job that starts at its own submit instant starts right after it is predicted.
 * Censored jobs (never started) never produce an outcome. Nothing here looks ahead: at every event
 * the loop only holds what had happened by then.
 */
import { predictJob, type PredictJobResult } from '../learning/predict-job.ts';
import { InlineRecomputeScheduler } from '../learning/inline-recompute-scheduler.ts';
import { recordJobOutcome, type RecordOutcomeResponse } from '../learning/record-outcome.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { RecomputeResult } from '../learning/recompute-calibration.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { ActionScope, CalibrationState, DriftStatus, Tier } from '../../core/gating/gate-config.ts';

export interface ReplayJob {
  readonly jobId: string;
  readonly submitMs: number;
  /** null: the job never started (censored). */
  readonly startMs: number | null;
  /** Submit-time features the cluster declares, by name. */
  readonly features: Readonly<Record<string, number | string>>;
  /** false: the job only feeds `observe` (e.g. warm-up history before the cluster was onboarded). */
  readonly predicted: boolean;
}

export interface ReplayHooks {
  /** After a job was predicted (only for `predicted` jobs). */
  onPredicted?(job: ReplayJob, result: PredictJobResult): void;
  /** The label for a job's outcome, decided when the outcome becomes known (before `observe`). */
  labelOf(job: ReplayJob, waitSeconds: number, nowMs: number): boolean;
  /** After every outcome (predicted or not); `response` is null for jobs that were not predicted. */
  onOutcome?(job: ReplayJob, waitSeconds: number, longWait: boolean, response: RecordOutcomeResponse | null): void;
}

/** One line of the timeline: a calibration recompute and what it did. */
export interface TimelineEntry {
  readonly atMs: number;
  /** All outcomes recorded for the cluster so far. */
  readonly outcomes: number;
  readonly action: 'none' | 'recalibrated' | 'retrained';
  /** Window outcomes the metrics were computed on (0 right after a new bundle). */
  readonly sampleCount: number;
  readonly ece: number | null;
  readonly eceLower: number | null;
  readonly eceUpper: number | null;
  readonly auroc: number | null;
  readonly score: number | null;
  readonly drift: DriftStatus;
  readonly scope: ActionScope;
  readonly state: CalibrationState;
  readonly tiers: readonly Tier[];
  readonly bundleVersion: number;
  readonly lastKnownGoodEce: number;
  readonly recalibrations: number;
  readonly retrains: number;
  readonly reasons: readonly string[];
}

export interface OnlineReplayResult {
  readonly timeline: TimelineEntry[];
  readonly predictedJobs: number;
  readonly outcomes: number;
  readonly finalCalibration: CalibrationRecord | undefined;
}

function timelineEntry(atMs: number, action: TimelineEntry['action'], calibration: CalibrationRecord, reasons: readonly string[]): TimelineEntry {
  return {
    atMs,
    outcomes: calibration.outcomeCount,
    action,
    sampleCount: calibration.sampleCount,
    ece: calibration.ece,
    eceLower: calibration.eceLower,
    eceUpper: calibration.eceUpper,
    auroc: calibration.auroc,
    score: calibration.score,
    drift: calibration.driftStatus,
    scope: calibration.scope,
    state: calibration.state,
    tiers: calibration.qualifiedTiers,
    bundleVersion: calibration.activeBundleVersion,
    lastKnownGoodEce: calibration.lastKnownGoodEce,
    recalibrations: calibration.recalibrations,
    retrains: calibration.retrains,
    reasons,
  };
}

const EventKind = { outcome: 0, predict: 1 } as const;

/**
 * Runs `jobs` through the loop for `clusterId` (which must already be registered).
 * O(n log n) for the event sort plus the loop's own cost per event.
 */
export async function runOnlineReplay(
  deps: LearningDeps,
  request: { readonly clusterId: string; readonly jobs: readonly ReplayJob[]; readonly hooks: ReplayHooks },
): Promise<OnlineReplayResult> {
  const { clusterId, jobs, hooks } = request;
  // Recomputes always run inline here, whatever scheduler `deps` carries: the timeline needs each
  // one at the outcome that made it due, at that outcome's (trace) instant.
  const recomputed: RecomputeResult[] = [];
  const loop: LearningDeps = { ...deps, recompute: new InlineRecomputeScheduler(deps, { onResult: (_clusterId, result) => { recomputed.push(result); } }) };
  // Event key: (time, group, submit order, kind). Group 0 holds outcomes of jobs submitted strictly
  // before that instant; group 1 the submissions and same-instant starts, in submit order.
  const submitOrder = Array.from(jobs.keys()).sort((left, right) => (jobs[left] as ReplayJob).submitMs - (jobs[right] as ReplayJob).submitMs || left - right);
  const rankOf = new Int32Array(jobs.length);
  submitOrder.forEach((jobIndex, rank) => { rankOf[jobIndex] = rank; });
  const events: { timeMs: number; group: number; rank: number; kind: number; job: number }[] = [];
  jobs.forEach((job, index) => {
    events.push({ timeMs: job.submitMs, group: 1, rank: rankOf[index] as number, kind: EventKind.predict, job: index });
    if (job.startMs !== null) {
      events.push({ timeMs: job.startMs, group: job.startMs > job.submitMs ? 0 : 1, rank: rankOf[index] as number, kind: EventKind.outcome, job: index });
    }
  });
  events.sort((left, right) => left.timeMs - right.timeMs || left.group - right.group || left.rank - right.rank || right.kind - left.kind);

  const timeline: TimelineEntry[] = [];
  let predictedJobs = 0;
  let outcomes = 0;
  for (const event of events) {
    const job = jobs[event.job] as ReplayJob;
    if (event.kind === EventKind.predict) {
      if (!job.predicted) continue;
      const result = await predictJob(loop, { clusterId, jobId: job.jobId, features: job.features, nowMs: job.submitMs });
      predictedJobs += 1;
      hooks.onPredicted?.(job, result);
      continue;
    }
    const waitSeconds = ((job.startMs as number) - job.submitMs) / 1000;
    const longWait = hooks.labelOf(job, waitSeconds, event.timeMs);
    let response: RecordOutcomeResponse | null = null;
    if (job.predicted) {
      response = await recordJobOutcome(loop, { clusterId, jobId: job.jobId, waitSeconds, longWait, nowMs: event.timeMs });
      outcomes += 1;
      for (const recompute of recomputed.splice(0)) {
        if (recompute.status === 'updated') timeline.push(timelineEntry(event.timeMs, recompute.action, recompute.calibration, recompute.reasons));
      }
    }
    hooks.onOutcome?.(job, waitSeconds, longWait, response);
  }
  return { timeline, predictedJobs, outcomes, finalCalibration: await deps.store.getCalibration(clusterId) };
}
