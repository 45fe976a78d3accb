/**
 * Scores one job: the active bundle's classifier; the wait distribution, learned online from the
 * cluster's outcomes, conditional on the submit-time queue state and the classifier's score
 * (nearest neighbours in a learned metric) and calibrated per queue-depth third
 * (core/conformal/online-wait-distribution.ts); then the cluster's online calibrator maps the
 * share of those neighbours that waited past the long-wait threshold (the classifier's probability
 * until the cluster has enough outcomes for a distribution) to the issued P(long wait), on which
 * the gate decides. The distribution's median and 80 % interval are the wait estimate (the
 * bundle's own interval until enough outcomes are known). Stores the prediction (one write) so its
 * outcome can be joined to it.
 */
import { calibrate } from '../../core/calibration/online-calibrator.ts';
import { waitInputs } from '../../core/conformal/online-wait-interval.ts';
import {
  agreeingQuantiles,
  issueWaitDistribution,
  queueDepthOf,
  type IssuedWaitDistribution,
} from '../../core/conformal/online-wait-distribution.ts';
import { INTERVAL_80_COVERAGE, interval80, MEDIAN_INDEX } from '../../core/conformal/wait-distribution.ts';
import { gateAuditEvent, gateDecision, type GateDecision, type GateInput } from '../../core/gating/gate.ts';
import { UnknownClusterError } from '../errors.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';
import type { LearningDeps } from './learning-deps.ts';

export interface PredictJobRequest {
  readonly clusterId: string;
  readonly jobId: string;
  /** Submit-time features of the job and its queue, by name; a feature the bundle uses may be missing (scored as unknown). */
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
  /** The cluster's calibration when the caller has just read it (saves a read). */
  readonly calibration?: CalibrationRecord;
}

export interface PredictJobResult {
  readonly prediction: PredictionRecord;
  readonly decision: GateDecision;
  readonly calibration: CalibrationRecord;
  /** What the gate was asked (for the caller's audit line). */
  readonly gateInput: GateInput;
  /** The wait distribution as issued, with its P(wait > threshold) before it was made to agree with the issued P(long wait). */
  readonly waitDistribution: IssuedWaitDistribution;
}

/** The gate's view of a cluster's standing, from its calibration. */
export function standingOf(calibration: CalibrationRecord): GateInput['standing'] {
  return {
    scope: calibration.scope,
    qualifiedTiers: calibration.qualifiedTiers,
    driftStatus: calibration.driftStatus,
    reasons: calibration.reasons,
    evidence: calibration.evidence,
    outcomes: calibration.outcomes,
  };
}

export async function predictJob(
  deps: Pick<
    LearningDeps,
    'calibration' | 'predictions' | 'bundles' | 'cache' | 'gate' | 'policy' | 'settings' | 'logger'
  >,
  request: PredictJobRequest,
): Promise<PredictJobResult> {
  const calibration = request.calibration ?? (await deps.calibration.current(request.clusterId));
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
  const wait = issueWaitDistribution(
    calibration.wait,
    {
      classifierProbability: scored.probability,
      inputs: waitInputs(request.features, scored.probability),
      queueDepth: queueDepthOf(request.features),
      longWaitThresholdSeconds: calibration.longWaitThresholdSeconds,
    },
    deps.settings.onlineWait,
  );
  // One model behind both answers, and the sharper one: on the KTH and Alibaba replays the issued
  // P(long wait) ranks long waits better this way than from the classifier (AUROC 0.85 against
  // 0.77, 0.74 against 0.70; docs/wait-distribution.md).
  const forecast = wait.longWaitForecast;
  const probability = calibrate(
    { platt: calibration.calibrator, calibeating: calibration.calibrator.calibeating },
    forecast,
    deps.policy.calibrator,
  ).probability;
  const gateInput: GateInput = { probability, standing: standingOf(calibration) };
  const decision = gateDecision(gateInput, deps.gate);
  const quantiles = agreeingQuantiles(
    wait,
    probability,
    calibration.longWaitThresholdSeconds,
    deps.settings.waitDistribution,
  );
  const estimate: PredictionRecord['waitEstimate'] =
    quantiles !== null
      ? { pointSeconds: quantiles[MEDIAN_INDEX] as number, ...interval80(quantiles), coverage: INTERVAL_80_COVERAGE }
      : scored.wait === null
        ? null
        : {
            pointSeconds: scored.wait.pointSeconds,
            lowerSeconds: scored.wait.lowerSeconds,
            upperSeconds: scored.wait.upperSeconds,
            coverage: deps.settings.onlineWait.coverage,
          };
  const prediction: PredictionRecord = {
    clusterId: request.clusterId,
    jobId: request.jobId,
    predictedAtMs: request.nowMs,
    features: { ...request.features },
    unknownFeatures: scored.unknownFeatures,
    rawScore: scored.rawScore,
    classifierProbability: forecast,
    probability,
    waitEstimate: estimate,
    waitDistribution: {
      tercile: wait.tercile,
      queueDepth: wait.queueDepth,
      quantilesSeconds: quantiles,
      inputs: wait.inputs,
    },
    scope: decision.scope,
    tier: decision.tier,
    bundleVersion: calibration.activeBundleVersion,
    epoch: calibration.epoch,
    calibrationVersion: calibration.learningVersion,
  };
  if (request.store !== false) await deps.predictions.record(prediction);
  if (request.logDecision !== false) {
    deps.logger.info('gate.decision', {
      clusterId: request.clusterId,
      jobId: request.jobId,
      ...gateAuditEvent(gateInput, decision, deps.gate),
    });
  }
  return { prediction, decision, calibration, gateInput, waitDistribution: wait };
}
