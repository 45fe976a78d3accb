/**
 * Folds a cluster's pending outcomes into its learning state, exactly once each:
 *
 * 1. read the learning record and up to `foldBatch` pending outcomes;
 * 2. drop those whose job id the record already lists as folded (a retried delivery that re-queued
 *    an outcome after it was folded);
 * 3. fold the rest (core: the online calibrator, the evidence, the drift detector and the loop's
 *    decision; the online wait windows and the wait distribution's calibration) and write the record with ONE conditional write on its
 *    version, listing their job ids;
 * 4. only then acknowledge them (remove them from the pending ones).
 *
 * A writer that loses the conditional write re-reads and starts over: nothing it computed is
 * kept, so an outcome enters the state only through the one write that wins. Whoever wins folds
 * every outcome pending at its read — concurrent callers help each other instead of queueing.
 * A folder folds until nothing is pending. A crash after the write and before the acknowledgement
 * leaves the outcomes pending but listed: step 2 drops them next time.
 */
import { observeWaitDistribution } from '../../core/conformal/online-wait-distribution.ts';
import { observeOnlineWait } from '../../core/conformal/online-wait-interval.ts';
import {
  foldOutcomes,
  maintenanceSignal,
  type FoldedOutcome,
  type FoldReport,
  type LearningChange,
} from '../../core/learning/learning-state.ts';
import { UnknownClusterError } from '../errors.ts';
import type { CalibrationHistoryPoint, HistoryAction } from '../records/calibration-history-point.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { LearningRecord } from '../records/learning-record.ts';
import type { PendingOutcome } from '../records/prediction-record.ts';
import { calibrationOf } from './calibration-of.ts';
import type { LearningDeps } from './learning-deps.ts';

/**
 * Job keys a learning record remembers as folded. A retried delivery can re-queue an outcome only
 * between its fold's write and the acknowledgement that marks it folded (a few requests later), so
 * a thousand is far more than can be folded in that window.
 */
export const FOLDED_JOB_KEYS_KEPT = 1000;

/** The key a learning record remembers a folded job by: 16 hex digits (64 bits) of its id's hash. */
export function foldedJobKey(jobId: string, hash: (text: string) => string): string {
  return hash(jobId).slice(0, 16);
}
/** Rounds of read-fold-write one call tries before leaving the rest to the next caller (each round folds a whole batch). */
export const MAX_FOLD_ROUNDS = 64;
/** A history point at least every this many outcomes, besides every change. */
export const HISTORY_EVERY_OUTCOMES = 100;

export interface FoldRequest {
  readonly clusterId: string;
  readonly nowMs: number;
}

export interface FoldSummary {
  /** Outcomes this call folded (others may have folded more). */
  readonly folded: number;
  /** Pending outcomes this call found already folded and acknowledged. */
  readonly alreadyFolded: number;
  /** Outcomes of an older epoch, not folded (their label meant something else). */
  readonly skipped: number;
  /** Lost conditional writes (another writer folded first). */
  readonly conflicts: number;
  /**
   * `done`: nothing was pending when it ended; `handed_over`: another caller holds the fold lease
   * and folds what this one queued; `left_pending`: the round limit was reached (a later call folds them).
   */
  readonly ending: 'done' | 'handed_over' | 'left_pending';
  /** The decisions this call's folds took that changed something, in order. */
  readonly changes: readonly LearningChange[];
  /** The calibration as this call last wrote or read it; undefined when nothing was pending. */
  readonly calibration?: CalibrationRecord;
  /** True when this call's folds made maintenance due (a retrain, a checkpoint) and it was scheduled. */
  readonly maintenanceScheduled: boolean;
}

type FoldDeps = Pick<
  LearningDeps,
  'learning' | 'gate' | 'policy' | 'settings' | 'logger' | 'history' | 'maintenance' | 'foldLease' | 'hash'
>;

function foldedOutcome(pending: PendingOutcome): FoldedOutcome {
  return {
    epoch: pending.epoch,
    classifierVersion: pending.bundleVersion,
    classifierProbability: pending.classifierProbability,
    issuedProbability: pending.probability,
    predictedAtMs: pending.predictedAtMs,
    observedAtMs: pending.outcome.observedAtMs,
    waitSeconds: pending.outcome.waitSeconds,
  };
}

/** The pending outcomes' job ids the record lists as folded. */
function alreadyFolded(
  foldedJobKeys: readonly string[],
  pending: readonly PendingOutcome[],
  hash: (text: string) => string,
): ReadonlySet<string> {
  // One pass over the record's keys against the few pending ones: no set of the 1,000 keys per fold.
  const pendingByKey = new Map(pending.map((outcome) => [foldedJobKey(outcome.jobId, hash), outcome.jobId]));
  const known = new Set<string>();
  for (const key of foldedJobKeys) {
    const jobId = pendingByKey.get(key);
    if (jobId !== undefined) known.add(jobId);
  }
  return known;
}

function byObservation(left: PendingOutcome, right: PendingOutcome): number {
  return (
    left.outcome.observedAtMs - right.outcome.observedAtMs ||
    (left.jobId < right.jobId ? -1 : left.jobId > right.jobId ? 1 : 0)
  );
}

/** The record after folding `fresh` (already ordered): core learning state, wait interval, bookkeeping. */
function folded(
  record: LearningRecord,
  fresh: readonly PendingOutcome[],
  deps: FoldDeps,
  nowMs: number,
): { readonly record: LearningRecord; readonly report: FoldReport } {
  const { state, report } = foldOutcomes(record.state, fresh.map(foldedOutcome), deps.gate, deps.policy);
  let wait = record.wait;
  for (const pending of fresh) {
    const distribution = pending.waitDistribution;
    // A prediction stored before the inputs were kept has none: its outcome enters no neighbour window.
    if (distribution?.inputs !== undefined) {
      wait = observeOnlineWait(
        wait,
        { inputs: distribution.inputs, waitSeconds: pending.outcome.waitSeconds },
        deps.settings.onlineWait,
      );
    }
    if (distribution !== undefined) {
      wait = observeWaitDistribution(
        wait,
        { ...distribution, waitSeconds: pending.outcome.waitSeconds },
        deps.settings.waitDistribution,
      );
    }
  }
  const foldedJobKeys = [
    ...record.foldedJobKeys,
    ...fresh.map((pending) => foldedJobKey(pending.jobId, deps.hash)),
  ].slice(-FOLDED_JOB_KEYS_KEPT);
  return {
    record: {
      ...record,
      state,
      wait,
      foldedJobKeys,
      totalOutcomes: record.totalOutcomes + report.folded,
      version: record.version + 1,
      updatedAtMs: nowMs,
    },
    report,
  };
}

function historyAction(change: LearningChange): HistoryAction {
  if (change.calibrator === 'adapt') return 'adapted';
  if (change.calibrator === 'reset') return 'reset';
  return 'none';
}

function historyPoint(
  record: LearningRecord,
  change: Pick<LearningChange, 'evidence' | 'standing' | 'atOutcome' | 'atMs'>,
  action: HistoryAction,
): CalibrationHistoryPoint {
  const { evidence, standing } = change;
  return {
    clusterId: record.clusterId,
    atMs: change.atMs,
    ece: evidence?.ece ?? null,
    eceLower: evidence?.lower ?? null,
    eceUpper: evidence?.upper ?? null,
    brier: null,
    auroc: record.state.classifierCheck.auroc,
    sampleCount: evidence?.count ?? 0,
    outcomeCount: change.atOutcome,
    scope: standing.scope,
    driftStatus: standing.driftStatus,
    qualifiedTiers: standing.qualifiedTiers,
    action,
    activeBundleVersion: record.activeBundleVersion,
  };
}

/** Logs every change and appends its history points (a failed append is logged, never fails the fold). */
async function recordChanges(
  deps: FoldDeps,
  before: LearningRecord,
  after: LearningRecord,
  changes: readonly LearningChange[],
  calibration: CalibrationRecord,
): Promise<void> {
  const points: CalibrationHistoryPoint[] = [];
  for (const change of changes) {
    deps.logger.info('learning.decision', {
      clusterId: after.clusterId,
      atOutcome: change.atOutcome,
      scope: change.standing.scope,
      qualifiedTiers: change.standing.qualifiedTiers,
      driftStatus: change.standing.driftStatus,
      calibrator: change.calibrator,
      autonomy: change.autonomy,
      retrain: change.retrain,
      evidence: change.evidence,
      reasons: change.reasons,
    });
    points.push(historyPoint(after, change, historyAction(change)));
  }
  const crossed =
    Math.floor(after.state.outcomes / HISTORY_EVERY_OUTCOMES) >
    Math.floor(before.state.outcomes / HISTORY_EVERY_OUTCOMES);
  if (crossed && changes.length === 0) {
    points.push(
      historyPoint(
        after,
        {
          evidence: calibration.evidence,
          standing: after.state.standing,
          atOutcome: after.state.outcomes,
          atMs: after.updatedAtMs,
        },
        'none',
      ),
    );
  }
  if (deps.history === undefined) return;
  for (const point of points) {
    try {
      await deps.history.append(point);
    } catch (error) {
      deps.logger.warn('calibration.history_failed', {
        clusterId: after.clusterId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** Between 1/2 and 1 of min(MAX_BACKOFF_MS, 4·2^round) ms: callers that wait spread out instead of polling together. */
const MAX_BACKOFF_MS = 1000;
const backoff = (round: number): Promise<void> => {
  const ceiling = Math.min(MAX_BACKOFF_MS, 4 * 2 ** round);
  return new Promise((resolve) => setTimeout(resolve, ceiling / 2 + (Math.random() * ceiling) / 2));
};

/** How long a folder holds the cluster's fold lease: far longer than a round, so it expires only after a crash. */
export const FOLD_LEASE_SECONDS = 10;

/**
 * Folds every pending outcome of `clusterId` (see the file comment).
 *
 * With a fold lease wired (`deps.foldLease`), one caller at a time folds: it claims the lease,
 * folds until nothing is pending, releases it, then looks once more and starts over if anything
 * is pending. A caller that cannot claim the lease returns at once (`handedOver`): its outcome was
 * queued before its claim failed, the holder's claim came before that failure and the holder's
 * last look comes after its release, so the holder (or whoever holds the lease next, by the same
 * argument) finds it. The lease only saves work: exactly-once rests on the conditional write alone,
 * and a lease whose holder crashed expires after FOLD_LEASE_SECONDS, its outcomes folded by the
 * next caller. Without a lease (a single writer: the replay, tools) the caller folds itself.
 * Throws UnknownClusterError for an unregistered cluster; store failures propagate.
 */
export async function foldPendingOutcomes(deps: FoldDeps, request: FoldRequest): Promise<FoldSummary> {
  const totals: FoldTotals = {
    folded: 0,
    alreadyFolded: 0,
    skipped: 0,
    conflicts: 0,
    maintenanceScheduled: false,
    calibration: undefined,
    changes: [],
  };
  const lease = deps.foldLease;
  const leaseKey = `fold.${request.clusterId}`;
  for (let round = 0; round < MAX_FOLD_ROUNDS; round += 1) {
    if (lease === undefined) {
      if (await foldUntilNothingPending(deps, request, totals)) return summaryOf(totals, 'done');
      await backoff(round);
      continue;
    }
    const leasedAtMs = request.nowMs + round;
    if (!(await lease.claim(leaseKey, leasedAtMs, FOLD_LEASE_SECONDS))) return summaryOf(totals, 'handed_over');
    let done: boolean;
    try {
      done = await foldUntilNothingPending(deps, request, totals);
    } finally {
      await lease.release(leaseKey, leasedAtMs);
    }
    if (!done) {
      await backoff(round);
      continue;
    }
    // Outcomes queued by callers whose claims failed while this one held the lease.
    if ((await deps.learning.pending(request.clusterId, 1)).length === 0) return summaryOf(totals, 'done');
  }
  deps.logger.warn('learning.fold_left_pending', {
    clusterId: request.clusterId,
    rounds: MAX_FOLD_ROUNDS,
    conflicts: totals.conflicts,
  });
  return summaryOf(totals, 'left_pending');
}

/** Folds batch after batch until nothing is pending (true), or a write lost to another writer (false). */
async function foldUntilNothingPending(deps: FoldDeps, request: FoldRequest, totals: FoldTotals): Promise<boolean> {
  for (let batch = 0; batch < MAX_FOLD_ROUNDS; batch += 1) {
    const pending = await deps.learning.pending(request.clusterId, deps.settings.foldBatch);
    if (pending.length === 0) return true;
    if (!(await foldBatch(deps, request, pending, totals))) return false;
  }
  return false;
}

interface FoldTotals {
  folded: number;
  alreadyFolded: number;
  skipped: number;
  conflicts: number;
  maintenanceScheduled: boolean;
  calibration: CalibrationRecord | undefined;
  changes: LearningChange[];
}

function summaryOf(totals: FoldTotals, ending: FoldSummary['ending']): FoldSummary {
  const { calibration, ...counts } = totals;
  return { ...counts, ending, ...(calibration === undefined ? {} : { calibration }) };
}

/**
 * One round: folds `pending` into the freshest learning record with one conditional write, then
 * acknowledges them. False when the write lost to another writer (nothing was acknowledged).
 */
async function foldBatch(
  deps: FoldDeps,
  request: FoldRequest,
  pending: readonly PendingOutcome[],
  totals: FoldTotals,
): Promise<boolean> {
  const record = await deps.learning.load(request.clusterId);
  if (record === undefined) throw new UnknownClusterError(request.clusterId);
  const known = alreadyFolded(record.foldedJobKeys, pending, deps.hash);
  const stale = pending.filter((outcome) => known.has(outcome.jobId));
  const fresh = pending.filter((outcome) => !known.has(outcome.jobId)).sort(byObservation);
  if (fresh.length > 0) {
    const next = folded(record, fresh, deps, request.nowMs);
    const summary = calibrationOf(next.record, deps.gate);
    const written = await deps.learning.commit(next.record, record.version, summary);
    if (written.status === 'conflict') {
      totals.conflicts += 1;
      return false;
    }
    totals.calibration = summary;
    totals.folded += next.report.folded;
    totals.skipped += next.report.skipped;
    totals.changes.push(...next.report.changes);
    await recordChanges(deps, record, next.record, next.report.changes, summary);
    if (deps.maintenance !== undefined && maintenanceSignal(record.state, next.record.state, deps.policy)) {
      await deps.maintenance.schedule(request.clusterId, 'outcomes', request.nowMs);
      totals.maintenanceScheduled = true;
    }
  }
  totals.alreadyFolded += stale.length;
  await deps.learning.acknowledge(pending);
  return true;
}
