/**
 * Puts a registered cluster where a measured calibration would: evidence with the given ECE over
 * `outcomes` issued forecasts, judged by the real learning decision (so the scope, the qualified
 * tiers and the reasons are the ones the loop would reach), written through the real learning
 * store with its calibration summary. Tests of the agents, the HTTP API and the views start from
 * here instead of folding hundreds of outcomes.
 */
import type { LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { calibrationOf } from '../../src/app/learning/calibration-of.ts';
import type { CalibrationEvidence } from '../../src/core/gating/calibration-evidence.ts';
import { decideLearningStep } from '../../src/core/learning/learning-decision.ts';

export interface MeasuredCalibration {
  /** The evidence's ECE. */
  readonly ece: number;
  /** Issued forecasts with outcomes (also the epoch's outcomes). */
  readonly outcomes: number;
  /** Long waits among them (default: half, so the per-class rule does not hold the cluster back). */
  readonly longWaits?: number;
}

/** Standard error the fixture's evidence claims: small, so the bound sits just above the ECE. */
const FIXTURE_STANDARD_ERROR = 0.002;

export function fixtureEvidence(measured: MeasuredCalibration, level = 0.95): CalibrationEvidence {
  const margin = 1.645 * FIXTURE_STANDARD_ERROR;
  return {
    count: measured.outcomes,
    longWaits: measured.longWaits ?? Math.floor(measured.outcomes / 2),
    ece: measured.ece,
    standardError: FIXTURE_STANDARD_ERROR,
    upper: Math.min(1, measured.ece + margin),
    lower: Math.max(0, measured.ece - margin - 0.01),
    level,
  };
}

export async function setMeasuredCalibration(
  deps: LearningDeps,
  clusterId: string,
  measured: MeasuredCalibration,
  nowMs: number,
): Promise<void> {
  const record = await deps.learning.load(clusterId);
  if (record === undefined) throw new Error(`cluster ${clusterId} is not registered`);
  const evidence = fixtureEvidence(measured, deps.gate.boundLevel);
  const decision = decideLearningStep(
    {
      outcomesInEpoch: measured.outcomes,
      evidence,
      weeklyEvidence: null,
      driftAlarm: null,
      calibratorAdapting: false,
      classifier: { auroc: null, outcomes: 0 },
      retrainsWithoutRecovery: 0,
      previous: record.state.standing,
    },
    deps.gate,
    deps.policy,
  );
  const next = {
    ...record,
    state: { ...record.state, outcomes: measured.outcomes, standing: decision.standing, judgedOn: evidence },
    totalOutcomes: record.totalOutcomes + measured.outcomes,
    version: record.version + 1,
    updatedAtMs: nowMs,
  };
  const written = await deps.learning.commit(next, record.version, calibrationOf(next, deps.gate));
  if (written.status !== 'written')
    throw new Error(`the learning record of ${clusterId} changed while the fixture wrote it`);
}
