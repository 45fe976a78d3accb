/**
 * The online (prequential) replay of a job history through the learning loop, exactly as a live
 * cluster would drive it: each job is predicted at its submit instant (`predictJob`), its outcome
 * is recorded at its start instant (`recordJobOutcome`, which folds it into the learning state and
 * runs what maintenance comes due — inline here, so it lands at that outcome's instant). Events are
 * processed in time order; at one instant, outcomes of jobs submitted earlier come before
 * submissions, and a job that starts at its own submit instant starts right after it is predicted.
 * Censored jobs (never started) never produce an outcome. Nothing here looks ahead: at every event
 * the loop only holds what had happened by then.
 */
import type { ActionScope, CalibrationState, DriftStatus, Tier } from '../../core/gating/gate-config.ts';
import type { LearningChange } from '../../core/learning/learning-state.ts';
import { InlineMaintenanceScheduler } from '../learning/inline-maintenance-scheduler.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { MaintenanceResult } from '../learning/maintain-cluster.ts';
import { predictJob, type PredictJobResult } from '../learning/predict-job.ts';
import { recordJobOutcome, type RecordOutcomeResponse } from '../learning/record-outcome.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';

export interface ReplayJob {
  readonly jobId: string;
  readonly submitMs: number;
  /** null: the job never started (censored). */
  readonly startMs: number | null;
  /** Submit-time features the cluster declares, by name. */
  readonly features: Readonly<Record<string, number | string>>;
  /** false: the job only feeds `onOutcome` (e.g. warm-up history before the cluster was onboarded). */
  readonly predicted: boolean;
}

export interface ReplayHooks {
  /** After a job was predicted (only for `predicted` jobs). */
  onPredicted?(job: ReplayJob, result: PredictJobResult): void;
  /** After every outcome (predicted or not); `response` is null for jobs that were not predicted. */
  onOutcome?(job: ReplayJob, waitSeconds: number, response: RecordOutcomeResponse | null): void;
  /** After each event: `replayed` of `total` jobs done (a job is done once its outcome, if any, was recorded). */
  onProgress?(replayed: number, total: number): void;
}

/** What a timeline line records: a decision of the loop that changed something, or maintenance. */
export type TimelineAction = 'decision' | 'adapted' | 'reset' | 'retrained' | 'checkpointed';

/** One line of the timeline. */
export interface TimelineEntry {
  readonly atMs: number;
  /** Outcomes folded in the epoch so far. */
  readonly outcomes: number;
  readonly action: TimelineAction;
  /** Forecasts in the evidence the standing was judged on. */
  readonly sampleCount: number;
  readonly ece: number | null;
  readonly eceLower: number | null;
  readonly eceUpper: number | null;
  /** The classifier's AUROC on its own window (last measured). */
  readonly auroc: number | null;
  readonly drift: DriftStatus;
  readonly scope: ActionScope;
  readonly state: CalibrationState;
  readonly tiers: readonly Tier[];
  readonly bundleVersion: number;
  /** 'withdrawn' / 'restored' when this line changed whether agents may act; 'unchanged' otherwise. */
  readonly autonomy: 'unchanged' | 'withdrawn' | 'restored';
  readonly retrains: number;
  readonly reasons: readonly string[];
}

export interface OnlineReplayResult {
  readonly timeline: TimelineEntry[];
  readonly predictedJobs: number;
  readonly outcomes: number;
  readonly finalCalibration: CalibrationRecord | undefined;
}

function changeEntry(change: LearningChange, calibration: CalibrationRecord | undefined): TimelineEntry {
  const action: TimelineAction =
    change.calibrator === 'adapt' ? 'adapted' : change.calibrator === 'reset' ? 'reset' : 'decision';
  return {
    atMs: change.atMs,
    outcomes: change.atOutcome,
    action,
    sampleCount: change.evidence?.count ?? 0,
    ece: change.evidence?.ece ?? null,
    eceLower: change.evidence?.lower ?? null,
    eceUpper: change.evidence?.upper ?? null,
    auroc: null,
    drift: change.standing.driftStatus,
    scope: change.standing.scope,
    state: change.standing.state,
    tiers: change.standing.qualifiedTiers,
    bundleVersion: calibration?.activeBundleVersion ?? 1,
    autonomy: change.autonomy,
    retrains: calibration?.retrains ?? 0,
    reasons: change.reasons,
  };
}

function maintenanceEntry(
  result: MaintenanceResult,
  calibration: CalibrationRecord,
  atMs: number,
  step: 'retrained' | 'checkpointed',
): TimelineEntry {
  return {
    atMs,
    outcomes: calibration.outcomes,
    action: step,
    sampleCount: calibration.evidence?.count ?? 0,
    ece: calibration.evidence?.ece ?? null,
    eceLower: calibration.evidence?.lower ?? null,
    eceUpper: calibration.evidence?.upper ?? null,
    auroc: null,
    drift: calibration.driftStatus,
    scope: calibration.scope,
    state: calibration.state,
    tiers: calibration.qualifiedTiers,
    bundleVersion: calibration.activeBundleVersion,
    autonomy: 'unchanged',
    retrains: calibration.retrains,
    reasons: result.notes.filter((note) =>
      step === 'retrained' ? note.startsWith('retrained') : note.startsWith('online calibrator checkpointed'),
    ),
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
  const timeline: TimelineEntry[] = [];
  const maintained: MaintenanceResult[] = [];
  // Maintenance always runs inline here, whatever scheduler `deps` carries: the timeline needs each
  // retrain and checkpoint at the outcome that made it due, at that outcome's (trace) instant.
  const loop: LearningDeps = { ...deps };
  const inline = new InlineMaintenanceScheduler(loop, {
    onResult: (result) => {
      maintained.push(result);
    },
  });
  const replayDeps: LearningDeps = { ...loop, maintenance: inline };
  // Event key: (time, group, submit order, kind). Group 0 holds outcomes of jobs submitted strictly
  // before that instant; group 1 the submissions and same-instant starts, in submit order.
  const submitOrder = Array.from(jobs.keys()).sort(
    (left, right) => (jobs[left] as ReplayJob).submitMs - (jobs[right] as ReplayJob).submitMs || left - right,
  );
  const rankOf = new Int32Array(jobs.length);
  submitOrder.forEach((jobIndex, rank) => {
    rankOf[jobIndex] = rank;
  });
  const events: { timeMs: number; group: number; rank: number; kind: number; job: number }[] = [];
  jobs.forEach((job, index) => {
    events.push({ timeMs: job.submitMs, group: 1, rank: rankOf[index] as number, kind: EventKind.predict, job: index });
    if (job.startMs !== null) {
      events.push({
        timeMs: job.startMs,
        group: job.startMs > job.submitMs ? 0 : 1,
        rank: rankOf[index] as number,
        kind: EventKind.outcome,
        job: index,
      });
    }
  });
  events.sort(
    (left, right) =>
      left.timeMs - right.timeMs || left.group - right.group || left.rank - right.rank || right.kind - left.kind,
  );

  let predictedJobs = 0;
  let outcomes = 0;
  let replayed = 0;
  for (const event of events) {
    const job = jobs[event.job] as ReplayJob;
    if (event.kind === EventKind.predict) {
      // A job that never started is done once submitted; the others once their outcome is in.
      if (job.startMs === null) hooks.onProgress?.((replayed += 1), jobs.length);
      if (!job.predicted) continue;
      const result = await predictJob(replayDeps, {
        clusterId,
        jobId: job.jobId,
        features: job.features,
        nowMs: job.submitMs,
        logDecision: false,
      });
      predictedJobs += 1;
      hooks.onPredicted?.(job, result);
      continue;
    }
    const waitSeconds = ((job.startMs as number) - job.submitMs) / 1000;
    let response: RecordOutcomeResponse | null = null;
    if (job.predicted) {
      response = await recordJobOutcome(replayDeps, { clusterId, jobId: job.jobId, waitSeconds, nowMs: event.timeMs });
      outcomes += 1;
      const calibration = response.calibration;
      for (const change of response.fold?.changes ?? []) timeline.push(changeEntry(change, calibration));
      for (const result of maintained.splice(0)) {
        const current = await deps.calibration.current(clusterId);
        if (current === undefined) continue;
        if (result.steps.includes('retrained'))
          timeline.push(maintenanceEntry(result, current, event.timeMs, 'retrained'));
        if (result.steps.includes('checkpointed'))
          timeline.push(maintenanceEntry(result, current, event.timeMs, 'checkpointed'));
      }
    }
    hooks.onOutcome?.(job, waitSeconds, response);
    hooks.onProgress?.((replayed += 1), jobs.length);
  }
  return { timeline, predictedJobs, outcomes, finalCalibration: await deps.calibration.current(clusterId) };
}
