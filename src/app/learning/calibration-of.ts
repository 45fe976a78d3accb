/**
 * The calibration summary (what predictions, views and agents read) of a learning record: a pure
 * projection, written after every change of the record so the serving path reads a small item.
 */
import type { GateConfig } from '../../core/gating/gate-config.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { LearningRecord } from '../records/learning-record.ts';

export function calibrationOf(record: LearningRecord, _gate?: GateConfig): CalibrationRecord {
  const { state } = record;
  return {
    clusterId: record.clusterId,
    learningVersion: record.version,
    epoch: state.epoch,
    longWaitThresholdSeconds: state.longWaitThresholdSeconds,
    epochStartedAtMs: state.epochStartedAtMs,
    activeBundleVersion: record.activeBundleVersion,
    calibrator: {
      slope: state.calibrator.platt.slope,
      intercept: state.calibrator.platt.intercept,
      calibeating: state.calibrator.calibeating,
    },
    wait: record.wait,
    scope: state.standing.scope,
    qualifiedTiers: state.standing.qualifiedTiers,
    driftStatus: state.standing.driftStatus,
    state: state.standing.state,
    reasons: state.standing.reasons,
    evidence: state.judgedOn,
    evidenceSinceMs: state.evidence.sinceMs,
    outcomes: state.outcomes,
    totalOutcomes: record.totalOutcomes,
    counters: state.counters,
    retrains: record.retrains,
    retrainDue: state.retrainDue,
    lastDriftAlarm:
      state.lastDriftAlarm === null
        ? null
        : { direction: state.lastDriftAlarm.direction, atMs: state.lastDriftAlarm.atMs },
    featureShifts: record.featureShifts,
    updatedAtMs: record.updatedAtMs,
  };
}
