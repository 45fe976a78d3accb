/**
 * Scores one job with its cluster's active bundle, gates the answer by the cluster's measured
 * calibration, attaches the wait interval learned online from the cluster's outcomes
 * (core/conformal/online-wait-interval.ts; the bundle's own interval until enough are known), and
 * stores the prediction so its outcome can later be joined to it.
 */
import { initialOnlineWaitState, issueOnlineWait } from '../../core/conformal/online-wait-interval.ts';
import { gateAuditEvent, gateDecision, type GateDecision, type GateInput } from '../../core/gating/gate.ts';
import { UnknownClusterError } from '../errors.ts';
import type { GateConfig } from '../../core/gating/gate-config.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';
import type { LearningDeps } from './learning-deps.ts';

export interface PredictJobRequest {
  readonly clusterId: string;
  readonly jobId: string;
  /** Submit-time features of the job and its queue, by name. */
  readonly features: Readonly<Record<string, number | string>>;
  readonly nowMs: number;
  /** When false the prediction is computed but not stored (what-if questions). Default true. */
  readonly store?: boolean;
  /**
   * When false, the `gate.decision` line is not logged here: the caller (the agents'
   * observe→predict→decide) logs the one line per decision itself, with the intervention outcome.
   * Default true.
   */
  readonly logDecision?: boolean;
  /** The cluster's calibration when the caller has just read it (saves a second read per request). */
  readonly calibration?: CalibrationRecord;
}

export interface PredictJobResult {
  readonly prediction: PredictionRecord;
  readonly decision: GateDecision;
  readonly calibration: CalibrationRecord;
  /** What the gate was asked (for the caller's audit line). */
  readonly gateInput: GateInput;
}

/** Outcomes that count toward the active bundle's calibration (the window of the last recompute). */
export function outcomesUnderActiveBundle(calibration: CalibrationRecord): number {
  return calibration.sampleCount;
}

/**
 * Long waits in the window the cluster's metrics were computed on, for the gate's per-class rule
 * (GateConfig.minOutcomesPerClass). A calibration item written before the rule has no count: below
 * minOutcomes that is 0 (learning mode either way); at or above it, null — the rule is not applied,
 * because that item's scope was judged by SPEC's rules on a window we can no longer count, and
 * inventing a count would put a made-up number in the audit line. The next recompute (every
 * recomputeEveryOutcomes outcomes) writes the count and the rule applies from then on.
 */
export function windowLongWaitsForGate(calibration: CalibrationRecord, gate: GateConfig): number | null {
  if (calibration.windowLongWaits !== undefined) return calibration.windowLongWaits;
  return calibration.sampleCount < gate.minOutcomes ? 0 : null;
}

export async function predictJob(deps: LearningDeps, request: PredictJobRequest): Promise<PredictJobResult> {
  const [calibration, conformal] = await Promise.all([
    request.calibration ?? deps.store.getCalibration(request.clusterId),
    deps.store.getConformal(request.clusterId),
  ]);
  if (calibration === undefined) throw new UnknownClusterError(request.clusterId);
  const { compiled } = await deps.cache.load(deps.bundles, request.clusterId, calibration.activeBundleVersion);

  // The cluster may declare more features than this bundle uses (e.g. a job type the prior
  // never saw): score with the bundle's own inputs, store everything for a later retrain.
  const inputs: Record<string, number | string> = {};
  for (const name of compiled.inputFeatures) {
    const value = request.features[name];
    if (value !== undefined) inputs[name] = value;
  }
  const scored = compiled.predict(inputs);
  const gateInput = {
    probability: scored.probability,
    ece: calibration.ece,
    outcomeCount: outcomesUnderActiveBundle(calibration),
    longWaitCount: windowLongWaitsForGate(calibration, deps.gate),
    driftStatus: calibration.driftStatus,
  };
  const decision = gateDecision(gateInput, deps.gate);
  // The bundle's fixed interval only until the cluster's own outcomes take over (online conformal, issue 7).
  const options = deps.settings.onlineWait;
  const wait = issueOnlineWait(conformal ?? initialOnlineWaitState(options), scored.probability, scored.wait, options);
  const estimate = wait.estimate;
  const prediction: PredictionRecord = {
    clusterId: request.clusterId,
    jobId: request.jobId,
    predictedAtMs: request.nowMs,
    features: { ...request.features },
    rawScore: scored.rawScore,
    probability: scored.probability,
    waitEstimate: estimate === null ? null : { pointSeconds: estimate.pointSeconds, lowerSeconds: estimate.lowerSeconds, upperSeconds: estimate.upperSeconds, coverage: estimate.coverage },
    ...(estimate === null ? {} : { waitBase: estimate.base }),
    waitBin: wait.bin,
    scope: decision.scope,
    tier: decision.tier,
    bundleVersion: calibration.activeBundleVersion,
  };
  if (request.store !== false) await deps.store.recordPrediction(prediction);
  if (request.logDecision !== false) {
    deps.logger.info('gate.decision', { clusterId: request.clusterId, jobId: request.jobId, ...gateAuditEvent(gateInput, decision, deps.gate) });
  }
  return { prediction, decision, calibration, gateInput };
}
