import type { ActionScope, Tier } from '../../core/gating/gate-config.ts';

/** Wait estimate attached to a prediction. */
export interface WaitEstimate {
  readonly pointSeconds: number;
  readonly lowerSeconds: number;
  readonly upperSeconds: number;
  /** Nominal coverage of [lower, upper], e.g. 0.8. */
  readonly coverage: number;
}

/** The wait distribution issued with a prediction, kept to calibrate it once the outcome is known. */
export interface IssuedDistribution {
  /** Queue-depth tercile the job was issued in (0, 1, 2). */
  readonly tercile: number;
  /** Pending GPUs or processors ahead at submit (single precision). */
  readonly queueDepth: number;
  /** Quantiles (seconds) at WAIT_QUANTILE_LEVELS (core/conformal/wait-distribution.ts); null: none issued yet. */
  readonly quantilesSeconds: readonly number[] | null;
  /**
   * The job's inputs to the wait distribution (core/conformal/online-wait-interval.ts `waitInputs`):
   * they enter the cluster's neighbour window with the outcome. Absent from predictions stored before.
   */
  readonly inputs?: readonly number[];
}

/** What happened to a predicted job: it started after `waitSeconds`. */
export interface Outcome {
  readonly waitSeconds: number;
  /** The label: the wait exceeded the long-wait threshold of the epoch the job was predicted in. */
  readonly longWait: boolean;
  readonly observedAtMs: number;
}

/**
 * One scored job as the product issued it: keyed by its job id (one conditional write stores it;
 * an outcome finds it by job id), listed by prediction time for the dashboard and retraining.
 */
export interface PredictionRecord {
  readonly clusterId: string;
  readonly jobId: string;
  readonly predictedAtMs: number;
  /** The submit-time features, by name, as received (what a retrain learns from). */
  readonly features: Readonly<Record<string, number | string>>;
  /** Features the bundle uses that the request did not give: scored as unknown. */
  readonly unknownFeatures: readonly string[];
  /** The classifier's linear score (log-odds). */
  readonly rawScore: number;
  /**
   * The uncalibrated P(long wait) the online calibrator learns on: the share of the wait
   * distribution's nearest neighbours that waited past the threshold, or the classifier's
   * probability while the cluster has too few outcomes for a distribution (the stored name is the
   * classifier's, which gave it first).
   */
  readonly classifierProbability: number;
  /** The issued, calibrated P(long wait). */
  readonly probability: number;
  readonly waitEstimate: WaitEstimate | null;
  readonly scope: ActionScope;
  readonly tier: Tier | null;
  /** The bundle whose classifier scored the job. */
  readonly bundleVersion: number;
  /** The label epoch the forecast was issued in (its outcome is labelled with that epoch's threshold). */
  readonly epoch: number;
  /** The version of the cluster's learning state that issued the forecast (which calibrator). */
  readonly calibrationVersion: number;
  readonly outcome?: Outcome;
  /** The wait distribution issued (its median and 10–90 % range are `waitEstimate`). */
  readonly waitDistribution?: IssuedDistribution;
}

/**
 * An outcome waiting to be folded into the cluster's learning state, with what was issued for
 * its job: written when the outcome is recorded, removed once folded.
 */
export interface PendingOutcome {
  readonly clusterId: string;
  readonly jobId: string;
  readonly epoch: number;
  readonly bundleVersion: number;
  readonly classifierProbability: number;
  readonly probability: number;
  readonly predictedAtMs: number;
  readonly outcome: Outcome;
  readonly waitEstimate: WaitEstimate | null;
  /**
   * When the job's prediction (and its folded marker) may expire, when sooner than its TTL: the
   * embedded simulation keeps an answered prediction only briefly. Absent: the prediction's own TTL.
   */
  readonly keepUntilMs?: number;
  readonly waitDistribution?: IssuedDistribution;
}
